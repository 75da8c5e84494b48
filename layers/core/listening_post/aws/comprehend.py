"""Amazon Comprehend as a sentiment backend (``BatchDetectSentiment``), one instance per language.

The client is injected (a boto3 ``comprehend`` client, or one with botocore's Stubber in tests). A call
takes at most 25 documents of at most 5,000 UTF-8 bytes each; longer posts are cut at a character
boundary. A document Comprehend rejects (its ``ErrorList``) is ``unscored``; so is a whole batch whose call
fails after botocore's retries, logged, so that one bad call does not lose a collection run.

Comprehend answers a label (POSITIVE, NEGATIVE, NEUTRAL, MIXED) and a confidence for each; the stored
compound is Positive - Negative in [-1, 1], pos/neg/neu its confidences (MIXED counted as neutral), and
the label Comprehend's own, MIXED stored as neutral.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from botocore.exceptions import BotoCoreError, ClientError

from listening_post.scoring.sentiment import UNSCORED, Scores
from listening_post.sentiment_catalogue import COMPREHEND_SENTIMENT_LANGUAGES

if TYPE_CHECKING:
    from mypy_boto3_comprehend import ComprehendClient

log = logging.getLogger(__name__)

BATCH_SIZE = 25  # BatchDetectSentiment's limit
MAX_DOCUMENT_BYTES = 5_000
# The service API version is what identifies its model from outside; AWS does not expose a model version.
MODEL = "aws-comprehend-2017-11-27"
_LABELS = {"POSITIVE": "positive", "NEGATIVE": "negative", "NEUTRAL": "neutral", "MIXED": "neutral"}


def fit_bytes(text: str, limit: int) -> str:
    """``text`` cut to at most ``limit`` UTF-8 bytes without splitting a character."""
    data = text.encode("utf-8")
    return text if len(data) <= limit else data[:limit].decode("utf-8", errors="ignore")


class ComprehendSentiment:
    """Scores texts of one language with Amazon Comprehend."""

    model = MODEL

    def __init__(self, client: ComprehendClient, language: str) -> None:
        if language not in COMPREHEND_SENTIMENT_LANGUAGES:
            raise ValueError(
                f"Amazon Comprehend does not score {language!r}; "
                f"it scores {', '.join(sorted(COMPREHEND_SENTIMENT_LANGUAGES))}"
            )
        self._client = client
        self.language = language
        self.languages = frozenset({language})

    def score(self, text: str) -> Scores:
        return self.score_batch([text])[0]

    def score_batch(self, texts: Sequence[str]) -> list[Scores]:
        out: list[Scores] = []
        for start in range(0, len(texts), BATCH_SIZE):
            out.extend(self._call([fit_bytes(t, MAX_DOCUMENT_BYTES) for t in texts[start : start + BATCH_SIZE]]))
        return out

    def _call(self, batch: list[str]) -> list[Scores]:
        results: list[Scores] = [UNSCORED] * len(batch)
        try:
            response = self._client.batch_detect_sentiment(TextList=batch, LanguageCode=self.language)  # type: ignore[arg-type]
        except (ClientError, BotoCoreError) as exc:
            log.error("Comprehend could not score %d %s posts: %s", len(batch), self.language, exc)
            return results
        for item in response.get("ResultList", []):
            results[item["Index"]] = _scores(item)
        errors = response.get("ErrorList", [])
        if errors:
            codes = sorted({e.get("ErrorCode", "?") for e in errors})
            log.warning("Comprehend rejected %d of %d %s posts (%s)", len(errors), len(batch), self.language, codes)
        return results


def _scores(item: Any) -> Scores:
    conf = item.get("SentimentScore", {})
    pos, neg = float(conf.get("Positive", 0.0)), float(conf.get("Negative", 0.0))
    neu = float(conf.get("Neutral", 0.0)) + float(conf.get("Mixed", 0.0))
    return Scores(pos - neg, pos, neu, neg, _LABELS.get(item.get("Sentiment", ""), "neutral"), MODEL)
