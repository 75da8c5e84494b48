"""Small readers shared by the sources' per-record functions for posts schema v3 (what a post shares and
points to, and its author's public counts): none of them raises on a missing or odd field, which is null."""

from __future__ import annotations

from datetime import datetime
from html.parser import HTMLParser
from typing import Any

from listening_post.sources.base import MALFORMED, parse_timestamp


def optional_time(value: Any) -> datetime | None:
    """A timestamp the record may or may not have: None when absent or unreadable (never rejects a post)."""
    if not value:
        return None
    try:
        return parse_timestamp(value)
    except MALFORMED:
        return None


def optional_bool(value: Any) -> bool | None:
    return value if isinstance(value, bool) else None


def strings(values: Any, key: str | None = None) -> list[str]:
    """The non-empty strings of a list (or of ``key`` in its objects)."""
    if not isinstance(values, list):
        return []
    found = (v.get(key) if key is not None and isinstance(v, dict) else v for v in values)
    return [v for v in found if isinstance(v, str) and v]


class _Anchors(HTMLParser):
    """The targets of the links in a post's HTML that are not mentions or hashtags (Mastodon marks those
    with the classes ``mention`` and ``hashtag``)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag != "a":
            return
        values = dict(attrs)
        classes = (values.get("class") or "").split()
        href = values.get("href")
        if href and "mention" not in classes and "hashtag" not in classes and values.get("rel") != "tag":
            self.hrefs.append(href)


def html_links(markup: str) -> list[str]:
    parser = _Anchors()
    parser.feed(markup)
    parser.close()
    return parser.hrefs
