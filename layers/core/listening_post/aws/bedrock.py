"""Amazon Bedrock as a cloud backend for tone and for a per-topic stance label (Converse API, a small model,
``BATCH_SIZE`` posts per prompt), one instance per language.

Why Converse rather than batch inference jobs (CreateModelInvocationJob): a job needs the posts staged as
JSONL in S3, an IAM service role, a minimum of 100 records and up to a day to finish, so it cannot score a
page of posts during a collection run; Converse answers within the call, through the same injected client
pattern as Comprehend, and packing many posts into one prompt keeps the fixed instructions' tokens shared.
A job would halve the price (docs/COST.md) for a deployer who rescores the lake in bulk.

The model answers JSON only: ``[{"i": 0, "tone": -0.6}, ...]`` (tone in [-1, 1], stored as the compound
and labelled with VADER's thresholds) or, for stance, ``[{"i": 0, "stance": "against"}, ...]``. A post the
answer leaves out or gives a bad value is ``unscored``; so is a whole prompt whose call fails or whose
answer is not that JSON, logged, so one bad call does not lose a collection run. Its accuracy has NOT been
measured here (no network): treat its figures as unvalidated until measured on UMSAB.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from listening_post.scoring.sentiment import UNSCORED, Scores, label_for

log = logging.getLogger(__name__)

DEFAULT_MODEL_ID = "amazon.nova-micro-v1:0"
BATCH_SIZE = 20  # posts per prompt
MAX_POST_CHARS = 1_000  # a post is cut here: tone shows in its first lines, and tokens are billed
STANCES = ("favour", "against", "neutral")
_TONE_SYSTEM = (
    "You rate the tone of social media posts. Reply with JSON only: a list with one object per post, "
    '{"i": <post number>, "tone": <number from -1 (very negative) to 1 (very positive), 0 neutral>}.'
)
_STANCE_SYSTEM = (
    "You label the stance of social media posts towards a topic. Reply with JSON only: a list with one object "
    'per post, {"i": <post number>, "stance": "favour" | "against" | "neutral"}.'
)


def _prompt(texts: Sequence[str], lang: str, topic: str | None = None) -> str:
    head = f"Posts in language '{lang}'" + (f", topic: {topic}" if topic else "") + ":\n"
    return head + "\n".join(
        json.dumps({"i": i, "text": t[:MAX_POST_CHARS]}, ensure_ascii=False) for i, t in enumerate(texts)
    )


class BedrockTone:
    """Scores texts of one language with a small Bedrock model, ``BATCH_SIZE`` posts a prompt."""

    def __init__(self, client: Any, language: str, model_id: str = DEFAULT_MODEL_ID) -> None:
        self._client = client
        self._model_id = model_id
        self.language = language
        self.languages = frozenset({language})
        self.model = f"bedrock-{model_id}"

    def score(self, text: str) -> Scores:
        return self.score_batch([text])[0]

    def score_batch(self, texts: Sequence[str]) -> list[Scores]:
        out: list[Scores] = []
        for start in range(0, len(texts), BATCH_SIZE):
            batch = texts[start : start + BATCH_SIZE]
            answers = self._ask(_TONE_SYSTEM, _prompt(batch, self.language), len(batch), "tone")
            out.extend(self._tone(a) for a in answers)
        return out

    def stance(self, texts: Sequence[str], topic: str) -> list[str | None]:
        """Each post's stance towards ``topic`` ("favour", "against", "neutral"), None where unanswered."""
        out: list[str | None] = []
        for start in range(0, len(texts), BATCH_SIZE):
            batch = texts[start : start + BATCH_SIZE]
            answers = self._ask(_STANCE_SYSTEM, _prompt(batch, self.language, topic), len(batch), "stance")
            out.extend(a if a in STANCES else None for a in answers)
        return out

    def _tone(self, value: object) -> Scores:
        if isinstance(value, bool) or not isinstance(value, int | float) or not -1.0 <= value <= 1.0:
            return UNSCORED
        compound = float(value)
        return Scores(
            compound, max(compound, 0.0), 1.0 - abs(compound), max(-compound, 0.0), label_for(compound), self.model
        )

    def _ask(self, system: str, prompt: str, n: int, field: str) -> list[object]:
        """The model's ``field`` for each of ``n`` posts, in order; None where it gave none."""
        answers: list[object] = [None] * n
        try:
            response = self._client.converse(
                modelId=self._model_id,
                system=[{"text": system}],
                messages=[{"role": "user", "content": [{"text": prompt}]}],
                inferenceConfig={"maxTokens": 30 * n + 50, "temperature": 0.0},
            )
            text = "".join(c.get("text", "") for c in response["output"]["message"]["content"])
            items = json.loads(text[text.index("[") : text.rindex("]") + 1])
        except (ClientError, BotoCoreError) as exc:
            log.error("Bedrock could not rate %d %s posts: %s", n, self.language, exc)
            return answers
        except (KeyError, ValueError, TypeError) as exc:
            log.error("Bedrock's answer for %d %s posts is not the JSON asked for: %s", n, self.language, exc)
            return answers
        for item in items if isinstance(items, list) else []:
            i = item.get("i") if isinstance(item, dict) else None
            if isinstance(i, int) and not isinstance(i, bool) and 0 <= i < n:
                answers[i] = item.get(field)
        missing = sum(a is None for a in answers)
        if missing:
            log.warning("Bedrock left %d of %d %s posts without a %s", missing, n, self.language, field)
        return answers
