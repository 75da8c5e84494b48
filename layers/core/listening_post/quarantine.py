"""Quarantine: input that could not be used, kept with the reason so that nothing is silently lost.

Raw records carry handles and display names, so identity fields are redacted before anything is written:
a reviewer sees why a record failed, not who wrote it. Where the record names its author, the author's
pseudonym is kept beside it, so that erasure can find and remove it (:mod:`listening_post.erasure`).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from typing import TYPE_CHECKING, Any, Protocol

import regex

from listening_post.layout import PATHS
from listening_post.secrecy import scrub

if TYPE_CHECKING:
    from listening_post.enrich.pseudonym import Pseudonymiser
    from listening_post.sources.base import Reject

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
# Ids that name an account anywhere in a string: Bluesky DIDs (also inside at:// URIs), the handle or DID of
# a bsky.app profile link, a YouTube channel link.
_ACCOUNT_ID = regex.compile(r"did:(?:plc|web):[A-Za-z0-9._:%-]+|(?<=/profile/)[^/\s\"']+|(?<=/channel/)[\w-]+")


@cache
def _platform_accounts() -> regex.Pattern[str] | None:
    """Every platform's own forms of an account in raw text (``Platform.account_patterns``), as one pattern."""
    from listening_post.sources import registry

    patterns = [p for spec in registry.platforms() for p in spec.account_patterns]
    return regex.compile("|".join(f"(?:{p})" for p in patterns)) if patterns else None


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
    text = _ACCOUNT_ID.sub(REDACTED, text)
    if (accounts := _platform_accounts()) is not None:
        text = accounts.sub(lambda m: "@" + REDACTED if m.group().startswith("@") else REDACTED, text)
    return _HANDLE_IN_URL.sub(lambda m: "@" + REDACTED if m.group().startswith("@") else REDACTED, text)


def native_author_of(source: str, record: Any) -> str | None:
    """The author of a raw record that did not parse, in the form its parser stores, when it names one."""
    if not isinstance(record, dict):
        return None
    from listening_post.sources import registry

    spec = registry.emitted_by().get(source)
    if spec is None or spec.record_author is None:
        return None
    try:
        return spec.record_author(record)
    except MALFORMED_RECORD:
        return None


MALFORMED_RECORD = (TypeError, ValueError, AttributeError, KeyError)


@dataclass(slots=True)
class QuarantineEntry:
    reason: str
    origin: str  # the file or URL the record came from
    index: int | None = None  # position of the record in its payload; None for a whole payload
    record: Any = None
    author_id: str | None = None  # the writer's pseudonym, when the record names them


@dataclass(slots=True)
class QuarantineBatch:
    """What one run could not use from one source; written as one JSON document."""

    source: str
    run_id: str
    pseudonymiser: Pseudonymiser | None = None  # without one, records carry no author pseudonym
    entries: list[QuarantineEntry] = field(default_factory=list)

    def add(
        self,
        reason: str,
        origin: str,
        index: int | None = None,
        record: Any = None,
        author: str | None = None,
        author_source: str | None = None,
    ) -> None:
        """``author_source``: the platform of ``author`` when it is not the batch's (a capture export)."""
        author_id = None
        if self.pseudonymiser is not None and (author or index is not None):  # not for a whole payload
            native = author or native_author_of(self.source, record)
            author_id = self.pseudonymiser.author_id(author_source or self.source, native)
        self.entries.append(QuarantineEntry(reason, origin, index, record, author_id))

    def add_reject(self, reject: Reject, origin: str) -> None:
        """A record a parser or the date screen refused (``sources/base.Reject``)."""
        self.add(reject.reason, origin, reject.index, reject.record, reject.author_native, reject.author_source)

    def path(self, day: str) -> str:
        return PATHS.quarantine(self.source, day, self.run_id)

    def document(self, at: datetime) -> dict[str, Any]:
        records = [_written(e) for e in self.entries]
        return {
            "source": self.source,
            "run_id": self.run_id,
            "quarantined_at": at.isoformat(),
            "count": len(records),
            "records": [{**r, "key": record_key(self.source, r)} for r in records],
        }

    def write_new(self, lake: _Store, day: str, at: datetime) -> int:
        """Write the entries not quarantined before (by :func:`record_key`), so that importing a file again
        adds nothing, as for posts; returns how many were new. A marker per key records what is there."""
        document = self.document(at)
        fresh, seen = [], set()
        for record in document["records"]:
            key = record["key"]
            if key in seen or lake.exists(self.marker(key)):
                continue
            seen.add(key)
            fresh.append(record)
        if fresh:
            lake.write_json(self.path(day), {**document, "count": len(fresh), "records": fresh})
            for record in fresh:  # after the document: a crash in between writes it again, never loses it
                lake.write_bytes(self.marker(record["key"]), b"")
        return len(fresh)

    def marker(self, key: str) -> str:
        return PATHS.quarantine_marker(self.source, key)


class _Store(Protocol):
    def exists(self, relative: str) -> bool: ...
    def write_json(self, relative: str, document: Any) -> str: ...
    def write_bytes(self, relative: str, data: bytes) -> str: ...


def _written(entry: QuarantineEntry) -> dict[str, Any]:
    return {
        "reason": scrub(entry.reason),
        "origin": scrub(entry.origin),
        "index": entry.index,
        "record": redact(entry.record),
    } | ({"author_id": entry.author_id} if entry.author_id else {})


def record_key(source: str, written: dict[str, Any]) -> str:
    """What makes a quarantined record the same record again: its source, reason and (redacted) content.
    Not the file name or position it came from: the same response saved twice is one record."""
    canonical = json.dumps([source, written["reason"], written["record"]], sort_keys=True, default=str)
    return hashlib.sha256(canonical.encode("utf-8", errors="replace")).hexdigest()[:32]
