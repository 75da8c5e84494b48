"""Source adapters: one module per platform, each turning API responses into parsed posts."""

from __future__ import annotations

from collections.abc import Callable

from listening_post.sources import mastodon, rss
from listening_post.sources.base import Page, PayloadError, RecordError, Reject

Parser = Callable[[bytes], Page]

# Source name -> parser of one saved or fetched API response.
PARSERS: dict[str, Parser] = {
    "rss": rss.parse,
    "google_news": rss.parse_google_news,
    "mastodon": mastodon.parse,
}

__all__ = ["PARSERS", "Page", "Parser", "PayloadError", "RecordError", "Reject"]
