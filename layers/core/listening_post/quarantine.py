"""Quarantine: input that could not be used, kept with the reason so that nothing is silently lost.

Raw records carry handles and display names, so identity fields are redacted before anything is written:
a reviewer sees why a record failed, not who wrote it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import regex

from listening_post.secrecy import scrub

# Keys that hold who wrote something, across the platforms' payloads.
IDENTITY_KEYS = frozenset(
    {
        "account",
        "author",
        "user",
        "users",
        "username",
        "acct",
        "handle",
        "display_name",
        "displayName",
        "name",
        "screen_name",
        "author_id",
        "author_fullname",
        "authorDisplayName",
        "authorChannelUrl",
        "authorChannelId",
        "authorProfileImageUrl",
        "did",
        "creator",
        "dc_creator",
        "mentions",
        "avatar",
        "author_detail",
        "authors",
        "publisher",
        "location",
    }
)
REDACTED = "[redacted]"
MAX_RECORD_CHARS = 20_000
# The same keys inside text that did not parse as JSON (a truncated body, say): "key": "value" pairs.
_IDENTITY_IN_TEXT = regex.compile(
    r'("(?:' + "|".join(sorted(IDENTITY_KEYS, key=len, reverse=True)) + r')"\s*:\s*)("(?:[^"\\]|\\.)*"?|\{[^{}]*\}?)'
)
# Links that name an account: https://mastodon.social/@someone, ActivityPub's /users/someone/.
_HANDLE_IN_URL = regex.compile(r"(?<=/)@[\w.-]+|(?<=/users/)[\w.-]+")


def redact(value: Any, depth: int = 0) -> Any:
    if depth > 32:
        return REDACTED
    if isinstance(value, dict):
        return {k: REDACTED if k in IDENTITY_KEYS else redact(v, depth + 1) for k, v in value.items()}
    if isinstance(value, list):
        return [redact(v, depth + 1) for v in value]
    if isinstance(value, str):
        return redact_text(value)
    return value


def redact_text(text: str) -> str:
    """Redact identity fields and secrets in raw text (a payload that did not parse); cap its length."""
    if len(text) > MAX_RECORD_CHARS:
        text = text[:MAX_RECORD_CHARS] + "…"
    text = scrub(text)
    text = _IDENTITY_IN_TEXT.sub(lambda m: m.group(1) + f'"{REDACTED}"', text)
    return _HANDLE_IN_URL.sub(lambda m: "@" + REDACTED if m.group().startswith("@") else REDACTED, text)


@dataclass(slots=True)
class QuarantineEntry:
    reason: str
    origin: str  # the file or URL the record came from
    index: int | None = None  # position of the record in its payload; None for a whole payload
    record: Any = None


@dataclass(slots=True)
class QuarantineBatch:
    """What one run could not use from one source; written as one JSON document."""

    source: str
    run_id: str
    entries: list[QuarantineEntry] = field(default_factory=list)

    def add(self, reason: str, origin: str, index: int | None = None, record: Any = None) -> None:
        self.entries.append(QuarantineEntry(reason, origin, index, record))

    def path(self, day: str) -> str:
        return f"quarantine/source={self.source}/dt={day}/{self.run_id}.json"

    def document(self, at: datetime) -> dict[str, Any]:
        return {
            "source": self.source,
            "run_id": self.run_id,
            "quarantined_at": at.isoformat(),
            "count": len(self.entries),
            "records": [
                {"reason": scrub(e.reason), "origin": scrub(e.origin), "index": e.index, "record": redact(e.record)}
                for e in self.entries
            ],
        }
