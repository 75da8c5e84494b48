"""Translate-then-VADER: Amazon Translate turns a post into English, VADER 3.3.2 scores the English.

The client is injected (a boto3 ``translate`` client, or one with botocore's Stubber in tests). Translate
has no batch call for real-time text, so each post is one ``TranslateText`` call of at most 10,000 UTF-8
bytes. A post Translate cannot translate (unsupported pair, low confidence, too long, any failure after
botocore's retries) is ``unscored``, logged, never scored untranslated.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import TYPE_CHECKING

from botocore.exceptions import BotoCoreError, ClientError

from listening_post.aws.comprehend import fit_bytes
from listening_post.scoring.sentiment import UNSCORED, Scores, VaderBackend
from listening_post.sentiment_catalogue import TRANSLATE_LANGUAGES

if TYPE_CHECKING:
    from mypy_boto3_translate import TranslateClient

log = logging.getLogger(__name__)

MAX_TEXT_BYTES = 10_000


class TranslateThenVader:
    """Scores texts of one language by translating them into English for VADER."""

    def __init__(self, client: TranslateClient, language: str, vader: VaderBackend | None = None) -> None:
        if language not in TRANSLATE_LANGUAGES:
            raise ValueError(f"Amazon Translate does not translate {language!r} into English")
        self._client = client
        self._vader = vader or VaderBackend()
        self.language = language
        self.languages = frozenset({language})
        self.model = f"aws-translate-en+{self._vader.model}"

    def score(self, text: str) -> Scores:
        try:
            response = self._client.translate_text(
                Text=fit_bytes(text, MAX_TEXT_BYTES), SourceLanguageCode=self.language, TargetLanguageCode="en"
            )
        except (ClientError, BotoCoreError) as exc:
            log.warning("Translate could not translate a %s post: %s", self.language, exc)
            return UNSCORED
        english = response["TranslatedText"]
        s = self._vader.score(english)
        return Scores(s.compound, s.pos, s.neu, s.neg, s.label, self.model)

    def score_batch(self, texts: Sequence[str]) -> list[Scores]:
        return [self.score(t) for t in texts]
