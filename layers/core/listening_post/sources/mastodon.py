"""Mastodon: Status entities from hashtag timelines, search and single-status lookups.

A status is identified across the fediverse by its ActivityPub ``uri``; the native id is the origin
server and the status id there, so the same toot seen through two instances is one post. A boost
(``reblog``) becomes the original post plus a repost row with no text of its own.
"""

from __future__ import annotations

import html
from typing import Any
from urllib.parse import urlsplit

import regex

from listening_post.model import ParsedPost
from listening_post.sources.base import (
    Page,
    PayloadError,
    RecordError,
    Reject,
    load_json,
    optional_int,
    parse_timestamp,
    require_str,
)

SOURCE = "mastodon"
_SEGMENT = regex.compile(r"^[A-Za-z0-9_-]{1,64}$")


def parse(payload: bytes | str) -> Page:
    data = load_json(payload)
    if isinstance(data, dict) and isinstance(data.get("statuses"), list):
        records: list[Any] = data["statuses"]  # /api/v2/search
    elif isinstance(data, list):
        records = data  # timelines
    elif isinstance(data, dict) and "id" in data and ("content" in data or "reblog" in data):
        records = [data]  # /api/v1/statuses/:id
    elif isinstance(data, dict) and "error" in data:
        raise PayloadError(f"Mastodon error response: {data['error']!r}")
    else:
        raise PayloadError("not a Mastodon status, list of statuses or search result")
    page = Page()
    for index, record in enumerate(records):
        try:
            page.posts.extend(parse_status(record))
        except RecordError as exc:
            page.rejects.append(Reject(str(exc), record, index))
    return page


def parse_status(record: Any) -> list[ParsedPost]:
    if not isinstance(record, dict):
        raise RecordError("a status must be a JSON object")
    reblog = record.get("reblog")
    if isinstance(reblog, dict):
        original = _status(reblog)
        boost = _status(record, is_repost=True)
        boost.context_text, boost.context_is_html = original.text, original.is_html
        return [original, boost]
    return [_status(record)]


def _status(record: dict[str, Any], *, is_repost: bool = False) -> ParsedPost:
    status_id = require_str(record, "id")
    created_at = parse_timestamp(record.get("created_at"))
    uri = record.get("uri") if isinstance(record.get("uri"), str) else None
    url = record.get("url") if isinstance(record.get("url"), str) else uri
    native_id = _native_id(uri, status_id, url)
    content = record.get("content")
    if content is None:
        content = ""
    if not isinstance(content, str):
        raise RecordError("content is not a string")
    spoiler = record.get("spoiler_text")
    if isinstance(spoiler, str) and spoiler.strip():
        # A content warning is the author's own words about the post: it belongs to the text.
        content = f"<p>{html.escape(spoiler)}</p>{content}"
    return ParsedPost(
        source=SOURCE,
        native_id=native_id,
        created_at=created_at,
        text="" if is_repost else content,
        is_html=not is_repost,
        author_native=_author(record.get("account")),
        url=url,
        declared_lang=record.get("language") if isinstance(record.get("language"), str) else None,
        likes=None if is_repost else optional_int(record.get("favourites_count")),
        reposts=None if is_repost else optional_int(record.get("reblogs_count")),
        replies=None if is_repost else optional_int(record.get("replies_count")),
        is_repost=is_repost,
    )


def _native_id(uri: str | None, status_id: str, url: str | None) -> str:
    """``origin-host/status-id`` from the ActivityPub URI, stable across instances; no handle in it."""
    for candidate in (uri, url):
        if candidate:
            parts = urlsplit(candidate)
            segment = parts.path.rstrip("/").rsplit("/", 1)[-1]
            if parts.netloc and _SEGMENT.match(segment):
                return f"{parts.netloc.lower()}/{segment}"
    return status_id


def _author(account: Any) -> str | None:
    """The account as ``user@host``, the form a person would give to ask for erasure."""
    if not isinstance(account, dict):
        return None
    acct = account.get("acct") or account.get("username")
    if not isinstance(acct, str) or not acct:
        return None
    if "@" not in acct:
        home = account.get("url") or account.get("uri")
        host = urlsplit(home).netloc if isinstance(home, str) else ""
        acct = f"{acct}@{host}" if host else acct
    return acct.lower()
