"""The fast VADER gives the reference vaderSentiment's scores to the last bit, and steps aside for other versions."""

from __future__ import annotations

import logging
import math
from functools import cache
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from vaderSentiment import vaderSentiment

from listening_post.enrich.text import clean_text
from listening_post.scoring import vader_fast
from listening_post.scoring.sentiment import VaderBackend
from listening_post.scoring.vader_fast import FastVader, make_analyzer

CORPORA = ["tweets", "movieReviewSnippets", "nytEditorialSnippets", "amazonReviewSnippets"]


@cache
def ref() -> vaderSentiment.SentimentIntensityAnalyzer:
    return vaderSentiment.SentimentIntensityAnalyzer()


@cache
def fast() -> FastVader:
    return FastVader()


def differences(text: str) -> dict[str, tuple[float, float]]:
    """Keys whose values differ in value, type or sign of zero; empty when identical."""
    want, got = ref().polarity_scores(text), fast().polarity_scores(text)
    assert list(got) == list(want)
    return {
        k: (want[k], got[k])
        for k in want
        if not (
            type(got[k]) is type(want[k])
            and got[k] == want[k]
            and math.copysign(1, got[k]) == math.copysign(1, want[k])
        )
    }


def ground_truth_texts(path: Path) -> list[str]:
    lines = [line.removesuffix("\r") for line in path.read_text(encoding="utf-8").split("\n")]
    return [line.split("\t", 2)[2] for line in lines if line]


@pytest.mark.parametrize("corpus", CORPORA)
def test_identical_on_the_ground_truth_corpora(benchmarks: Path, corpus: str) -> None:
    texts = ground_truth_texts(benchmarks / "vader" / f"{corpus}_GroundTruth.txt")
    assert len(texts) in {4200, 10605, 5190, 3708}
    # As written (raw entities, CRLF-stripped) and as the pipeline stores them (cleaned).
    wrong = [t for t in texts if differences(t)] + [t for t in texts if differences(clean_text(t))]
    assert wrong == [], f"{len(wrong)} texts differ, e.g. {wrong[:3]}"


# Every construct a rule reacts to, plus odd shapes around them.
_RULE_WORDS = sorted(
    {
        w
        for key in (*vaderSentiment.BOOSTER_DICT, *vaderSentiment.SPECIAL_CASES, *vaderSentiment.SENTIMENT_LADEN_IDIOMS)
        for w in key.split()
    }
    | set(vaderSentiment.NEGATE)
    | {"but", "least", "at", "very", "no", "or", "nor", "never", "so", "this", "without", "doubt", "kind", "of"}
    | {"isn't", "n't", "don't", "wasn't", "can't", "ain't", "haven't", "nothing", "despite"}
)
_EMOJI_SINGLE = sorted(k for k in ref().emojis if len(k) == 1)
_EMOJI_MULTI = sorted(k for k in ref().emojis if len(k) > 1)
_words = st.one_of(
    st.sampled_from(sorted(ref().lexicon)),
    st.sampled_from(_RULE_WORDS),
    st.sampled_from(["the", "movie", "a", "I", "it", "was", "is", "and", "plot", "acting", "2004", "&amp;"]),
    st.sampled_from(_EMOJI_SINGLE),
    st.sampled_from(_EMOJI_MULTI),
    st.sampled_from(["İstanbul", "ΣΟΦΟΣ", "straße", "ǅemal", "naïve", "e\u0301", "\u200d", "\x00", "\ufeff", "’"]),
    st.text(max_size=4),
)
_punct = st.text(alphabet="!?.,:;'\"()-*#@", max_size=5)
_shape = st.sampled_from([str, str.upper, str.lower, str.title, str.swapcase])
_token = st.builds(lambda pre, word, shape, post: pre + shape(word) + post, _punct, _words, _shape, _punct)
_separator = st.sampled_from([" ", " ", " ", "  ", "", "\t", "\n", "\r\n", "\u00a0", "\u2028", "\x00"])
_texts = st.one_of(
    st.lists(st.tuples(_token, _separator), max_size=30).map(lambda parts: "".join(t + s for t, s in parts)),
    st.text(max_size=60),
)


@given(_texts)
@settings(max_examples=3000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_identical_on_fuzzed_texts(text: str) -> None:
    assert differences(text) == {}


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "!!!",
        ":)",
        "good",
        "The food was GOOD but the service was BAD!!!",
        "VADER is VERY SMART, uber handsome, and FRIGGIN FUNNY!!!",
        "Not bad at all",
        "At least it isn't a horrible book.",
        "Roger Dodger is one of the least compelling variations on this theme.",
        "Sentiment analysis has never been this good!",
        "Without a doubt, excellent idea.",
        "The book was only kind of good.",
        "the shit, the bomb, bad ass, yeah right, kiss of death, to die for, beating heart, bus stop",
        "no good",  # "no" before a lexicon word negates it
        "NO good ok fine",  # ...and, upper case, its zero valence is pushed down
        "no no no",
        "nice nice but nice nice",  # repeated values: the reference's list.index() quirk
        "good bad good but bad good bad but good",
        "it is so good",  # "so" right before the word boosts on its own
        "Catch utf-8 emoji such as 💘 and 💋 and 😁",
        "💘💋😁x😁 😁",  # descriptions glued and spaced as the reference does
        "\x00 😁 \x00",  # the mark character takes the per-character path
        "🇩🇪 👍🏽 ❤️",  # multi-code-point keys never match; their parts may
        "I don’t like it",  # curly apostrophe is not "n't"
        "ΣΟΦΟΣ İSTANBUL great",
        "?? ???? !!!!!! good",
        "sort of good, kind of bad, just enough",
    ],
)
def test_identical_on_rule_examples(text: str) -> None:
    assert differences(text) == {}


def test_reads_the_installed_package_files() -> None:
    assert fast().lexicon == ref().lexicon
    assert fast().emojis == ref().emojis


@pytest.fixture
def fresh_warnings(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(vader_fast, "_warned_versions", set())


def test_verified_version_gets_the_fast_scorer(fresh_warnings: None, caplog: pytest.LogCaptureFixture) -> None:
    assert vader_fast.installed_version() == vader_fast.VERIFIED_VERSION == "3.3.2"
    with caplog.at_level(logging.WARNING):
        assert isinstance(make_analyzer(), FastVader)
    assert caplog.records == []
    backend = VaderBackend()
    assert isinstance(backend._analyzer, FastVader)
    assert backend.model == "vader-3.3.2"


@pytest.mark.parametrize("installed", ["3.3.1", "3.4.0", None])
def test_other_versions_fall_back_to_the_reference_and_warn_once(
    installed: str | None, fresh_warnings: None, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(vader_fast, "installed_version", lambda: installed)
    with caplog.at_level(logging.WARNING, logger=vader_fast.__name__):
        first, second = make_analyzer(), make_analyzer()
        backend = VaderBackend()
    for analyzer in (first, second, backend._analyzer):
        assert type(analyzer) is vaderSentiment.SentimentIntensityAnalyzer
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1
    assert str(installed) in warnings[0].getMessage() and "3.3.2" in warnings[0].getMessage()
    text = "The deal is GOOD!!! 😀"
    assert backend.score(text).compound == ref().polarity_scores(text)["compound"]


@pytest.mark.slow
def test_bench_reports_both_keys() -> None:
    from bench.vader import run

    result = run(seconds=0.1, fuzz_count=500)
    assert result["vader_identical"] is True
    assert result["vader_mismatches"] == 0
    assert result["vader_texts_compared"] == 4200 + 10605 + 5190 + 3708 + 500
    assert result["vader_speedup"] > 0
