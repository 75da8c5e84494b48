"""The fast VADER gives the reference vaderSentiment's scores to the last bit, and steps aside for other versions."""

from __future__ import annotations

import logging
from functools import cache
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from vaderSentiment import vaderSentiment

from bench.vader import score_differences
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
    return score_differences(want, got)


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


# Phrases the rules react to, filled in at random: L a lexicon word, B a booster, N a negation, X any word,
# E an emoji. Each word may then be upper-cased or title-cased and wrapped in punctuation, and the words are
# joined by assorted whitespace (or nothing), so rules meet capitals, punctuation runs and glued emoji.
_PHRASES = [
    *["L", "L L L", "X L", "N L", "N X L", "N X X L", "B L", "B B L", "B X B L", "N B L", "L but L", "but"],
    *["no L", "no X L", "no X or L", "no X nor L", "no no L", "no L L", "L no"],
    *["never so L", "never this L", "never X so L", "N X this L", "so L", "this L", "X so X L"],
    *["without a doubt L", "without doubt L", "without X doubt L"],
    *["at least L", "very least L", "the least L", "least L", "X X least L"],
    *["kind of L", "sort of L", "just enough L", "kind L", "kind of", "X kind of X L"],
    *["the shit", "the bomb", "bad ass", "yeah right", "kiss of death", "to die for", "beating heart", "bus stop"],
    *["X the shit", "the X bomb L", "cut the mustard", "E", "E E", "L E", "X"],
]
_SENTIMENT_WORDS = [
    *["good", "bad", "great", "love", "hate", "no", "kind", "shit", "bomb", "ass", "right", "death", "die"],
    *["heart", "stop", "doubt", "yeah", "kiss", "beating", "helpful", "happiness", "fun", "sux", "lol"],
    *[":)", ":(", "<3", ":-D", ":D", "(-:O", "O_o"],
]
_OTHER_WORDS = [
    *sorted({w for key in (*vaderSentiment.BOOSTER_DICT, *vaderSentiment.SPECIAL_CASES) for w in key.split()}),
    *sorted({w for key in vaderSentiment.SENTIMENT_LADEN_IDIOMS for w in key.split()}),
    *["but", "least", "at", "very", "no", "or", "nor", "never", "so", "this", "without", "doubt", "of", "a"],
    *["the", "movie", "I", "it", "was", "is", "and", "2004", "@anonymous", "&amp;", "http://url_removed"],
    *["İstanbul", "ΣΟΦΟΣ", "straße", "ǅemal", "naïve", "e\u0301", "\u200d", "\x00", "\ufeff", "don’t", "’"],
]
_EMOJI_SINGLE = sorted(k for k in ref().emojis if len(k) == 1)
_EMOJI_MULTI = sorted(k for k in ref().emojis if len(k) > 1)
_FILL = {
    "L": st.one_of(st.sampled_from(_SENTIMENT_WORDS), st.sampled_from(sorted(ref().lexicon))),
    "B": st.sampled_from(sorted(k for k in vaderSentiment.BOOSTER_DICT if " " not in k)),
    "N": st.sampled_from([*vaderSentiment.NEGATE, "n't", "shouldn't", "Isn't"]),
    "X": st.one_of(st.sampled_from(_OTHER_WORDS), st.text(max_size=4)),
    "E": st.one_of(st.sampled_from(_EMOJI_SINGLE), st.sampled_from(_EMOJI_MULTI)),
}
_shape = st.sampled_from([str, str, str, str, str.upper, str.title, str.swapcase])
_prefix = st.sampled_from([""] * 30 + ["(", '"', "'", "*", "...", "#", "@"])
_suffix = st.sampled_from([""] * 20 + ["!", "?", ".", ",", "!!!", "??", "????", "?!", ":", ")", "'", "..."])
_separator = st.sampled_from([" ", " ", " ", " ", " ", "  ", "", "\t", "\n", "\r\n", "\u00a0", "\u2028", "\x00"])


@st.composite
def _phrase(draw: st.DrawFn) -> str:
    out = []
    for slot in draw(st.sampled_from(_PHRASES)).split(" "):
        word = draw(_FILL[slot]) if slot in _FILL else slot
        out.append(draw(_prefix) + draw(_shape)(word) + draw(_suffix) + draw(_separator))
    return "".join(out)


_texts = st.one_of(
    st.lists(_phrase(), max_size=8).map("".join),
    st.lists(_phrase(), max_size=8).map(" ".join),
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
        "the very least helpful",  # "least" negates unless after "at" or "very"
        "no cheese nor happiness",
        "no cheese or happiness",
        # The sentiments cancel to exactly 0.0 with Python 3.11's sum() but not with 3.12+'s compensated
        # sum(), so the reference's own compound depends on the interpreter; ours must follow it.
        'stop! beating "heart ',
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
