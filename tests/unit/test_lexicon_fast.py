"""VADER with another language's lexicon (German SentiWS, Arabic MPQA) runs on the fast VADER: its scores are
the reference vaderSentiment's with the same lexicon, to the last bit, on real tweets and fuzzed text. The
backends are read plainly here (no language rules: the reference has none); tests/unit/test_language_rules.py
covers the rules."""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from vaderSentiment import vaderSentiment

from bench.vader import score_differences
from listening_post.enrich.text import clean_text
from listening_post.scoring.language_rules import PLAIN
from listening_post.scoring.lexicons import VaderWithLexicon, mpqa_arabic_backend, sentiws_backend
from listening_post.scoring.vader_fast import FastVader

BACKENDS: dict[str, Callable[[], VaderWithLexicon]] = {
    "de": lambda: sentiws_backend(PLAIN),
    "ar": lambda: mpqa_arabic_backend(PLAIN),
}
UMSAB_SETS = ["arabic", "english", "french", "german", "hindi", "italian", "portuguese", "spanish"]


@cache
def fast(lang: str) -> VaderWithLexicon:
    return BACKENDS[lang]()


@cache
def reference(lang: str) -> vaderSentiment.SentimentIntensityAnalyzer:
    """The straightforward version: the reference analyzer with the backend's lexicon."""
    analyzer = vaderSentiment.SentimentIntensityAnalyzer()
    analyzer.lexicon = fast(lang)._analyzer.lexicon
    return analyzer


def differences(lang: str, text: str) -> dict[str, tuple[float, float]]:
    """Keys whose values differ in value, type or sign of zero; empty when identical."""
    want, got = reference(lang).polarity_scores(text), fast(lang)._analyzer.polarity_scores(text)
    assert list(got) == list(want)
    return score_differences(want, got)


@pytest.mark.parametrize("lang", list(BACKENDS))
def test_backend_runs_on_the_fast_vader_with_the_merged_lexicon(lang: str) -> None:
    analyzer = fast(lang)._analyzer
    assert isinstance(analyzer, FastVader)
    english = vaderSentiment.SentimentIntensityAnalyzer().lexicon
    assert len(analyzer.lexicon) > len(english)
    assert all(word in analyzer.lexicon for word in english)


@pytest.mark.parametrize("lang", list(BACKENDS))
def test_identical_on_real_tweets(benchmarks: Path, lang: str) -> None:
    base = benchmarks / "multilingual_sentiment" / "umsab_test"
    texts = [line for name in UMSAB_SETS for line in (base / name / "test_text.txt").read_text("utf-8").splitlines()]
    assert len(texts) == 8 * 870
    wrong = [t for t in texts if differences(lang, t)] + [t for t in texts if differences(lang, clean_text(t))]
    assert wrong == [], f"{len(wrong)} texts differ, e.g. {wrong[:3]}"
    scored = [fast(lang).score(t).compound for t in texts]
    assert sum(s != 0 for s in scored) > 1000  # the lexicon was read, not only the English one


# Words of the language's lexicon next to VADER's negations, boosters and "but", in any case and punctuation.
_RULE_WORDS = [*vaderSentiment.NEGATE, *vaderSentiment.BOOSTER_DICT, "but", "least", "at", "no", "nor", "so", "this"]


@cache
def _lexicon_words(lang: str) -> list[str]:
    english = vaderSentiment.SentimentIntensityAnalyzer().lexicon
    return sorted(w for w in fast(lang)._analyzer.lexicon if w not in english)


def _texts(lang: str) -> st.SearchStrategy[str]:
    word = st.one_of(
        st.sampled_from(_lexicon_words(lang)),
        st.sampled_from(_RULE_WORDS),
        st.sampled_from(["gut", "nicht", "sehr", "😀", "!!!", "??", ":)", "ليس", "جدا", "x"]),
    )
    shaped = st.tuples(word, st.sampled_from([str, str, str, str.upper, str.title])).map(lambda ws: ws[1](ws[0]))
    punct = st.sampled_from(["", "", "", "!", "?", ".", ",", "..."])
    token = st.tuples(shaped, punct).map("".join)
    return st.lists(token, max_size=14).map(" ".join)


@pytest.mark.parametrize("lang", list(BACKENDS))
def test_identical_on_fuzzed_texts(lang: str) -> None:
    @given(_texts(lang))
    @settings(max_examples=1500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    def check(text: str) -> None:
        assert differences(lang, text) == {}

    check()
