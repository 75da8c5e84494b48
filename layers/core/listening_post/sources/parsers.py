"""The parser of each source, by name: every platform module imported (feedparser, the HTTP client).

Kept apart from the package's ``__init__`` so that importing a light part of ``sources`` (``base``)
does not load every platform: the brief function ships without the fetchers' libraries."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from listening_post.sources import bluesky, gdelt, mastodon, reddit, rss, x, youtube
from listening_post.sources.base import Page, parse_guarded

Parser = Callable[[bytes], Page]

_MODULE_PARSERS: dict[str, Parser] = {
    "rss": rss.parse,
    "google_news": rss.parse_google_news,
    "mastodon": mastodon.parse,
    "bluesky": bluesky.parse,
    "reddit": reddit.parse,
    "x": x.parse,
    "youtube": youtube.parse,
    "gdelt": gdelt.parse,
}
# Source name -> parser of one saved or fetched API response; never raises but PayloadError.
PARSERS: dict[str, Parser] = {name: partial(parse_guarded, parse) for name, parse in _MODULE_PARSERS.items()}
