"""Sentiment: VADER on text as written, published thresholds, unscored languages, accuracy on ground truth."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from listening_post.enrich.text import clean_text
from listening_post.scoring.backends import default_scorer
from listening_post.scoring.sentiment import (
    UNSCORED,
    Scores,
    SentimentScorer,
    VaderBackend,
    label_for,
)


@pytest.fixture(scope="module")
def scorer() -> SentimentScorer:
    return default_scorer()


@pytest.mark.parametrize(
    ("compound", "label"),
    [(0.05, "positive"), (0.0499, "neutral"), (-0.0499, "neutral"), (-0.05, "negative"), (0.9, "positive")],
)
def test_published_thresholds(compound: float, label: str) -> None:
    assert label_for(compound) == label


def test_vader_reads_capitals_punctuation_emoji_and_negation(scorer: SentimentScorer) -> None:
    def s(text: str) -> float:
        result = scorer.score(text, "en").compound
        assert result is not None
        return result

    assert s("The deal is GOOD") > s("The deal is good")
    assert s("The deal is good!!!") > s("The deal is good")
    assert s("The deal is not good") < 0 < s("The deal is good")
    assert s("The deal 😀") > 0 > s("The deal 😠")


def test_languages_without_a_backend_are_unscored_not_neutral(scorer: SentimentScorer) -> None:
    result = scorer.score("Пошлины - это катастрофа", "ru")  # Russian has no default backend (opt-in only)
    assert result == UNSCORED
    assert result.compound is None and result.label == "unscored" and result.model is None
    assert scorer.score("", "en") == UNSCORED
    assert scorer.score("anything", "und") == UNSCORED


def test_scores_carry_the_model_version(scorer: SentimentScorer) -> None:
    result = scorer.score("What a wonderful day", "en")
    assert result.model == "vader-3.3.2"
    assert result.label == "positive"
    assert math.isclose((result.pos or 0) + (result.neu or 0) + (result.neg or 0), 1.0, abs_tol=0.002)


def test_scorer_routes_by_language() -> None:
    class Fixed:
        model = "fixed-1"
        languages = frozenset({"fr"})

        def score(self, text: str) -> Scores:
            return Scores(0.5, 0.5, 0.5, 0.0, "positive", self.model)

    routed = SentimentScorer([VaderBackend(), Fixed()])
    assert routed.score("magnifique", "fr").model == "fixed-1"
    assert routed.score("magnificent", "en").model == "vader-3.3.2"
    assert routed.languages == frozenset({"en", "fr"})


def pearson(xs: list[float], ys: list[float]) -> float:
    n = len(xs)
    mx, my = sum(xs) / n, sum(ys) / n
    cov = sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True))
    return cov / math.sqrt(sum((x - mx) ** 2 for x in xs) * sum((y - my) ** 2 for y in ys))


def read_ground_truth(path: Path) -> tuple[list[str], list[float]]:
    texts, ratings = [], []
    for line in path.read_text(encoding="utf-8").splitlines():
        parts = line.split("\t")
        if len(parts) >= 3:
            ratings.append(float(parts[1]))
            texts.append("\t".join(parts[2:]))
    return texts, ratings


def test_pearson_r_on_the_vader_tweets_ground_truth(benchmarks: Path, scorer: SentimentScorer) -> None:
    """Hutto & Gilbert (2014) report r = 0.881 on these 4,200 tweets; we require >= 0.87.

    Texts go through the same cleaning as collected posts (entities unescaped, whitespace folded).
    """
    texts, ratings = read_ground_truth(benchmarks / "vader" / "tweets_GroundTruth.txt")
    assert len(texts) == 4200
    scores = [scorer.score(clean_text(t), "en").compound for t in texts]
    r = pearson([s or 0.0 for s in scores], ratings)
    print(f"VADER Pearson r on tweets_GroundTruth: {r:.4f}")
    assert r >= 0.87
