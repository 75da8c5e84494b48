"""The native author id a person gives when asking to be erased, in the form each source stores.

Collection pseudonymises ``<source>:<native id>`` (lower-cased); erasure must hash the very same string.
A person knows their handle, so each source's handle form is turned into the stored form here; where a
platform stores a stable id the handle does not show (Bluesky DID, X user id, YouTube channel id), the id
is needed, or a resolver that asks the platform.
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlsplit

import regex

Resolver = Callable[[str, str], str]  # (source, handle) -> native id, by asking the platform


class AuthorFormError(ValueError):
    """The handle cannot be turned into the stored form; the message says what to give instead."""


_X_ID = regex.compile(r"^\d{1,20}$")
_YOUTUBE_CHANNEL = regex.compile(r"^UC[0-9A-Za-z_-]{22}$")


def native_author(source: str, handle: str, resolve: Resolver | None = None) -> str:
    h = handle.strip()
    if not h:
        raise AuthorFormError("empty handle")
    if source == "mastodon":
        if h.startswith(("http://", "https://")):  # a profile link: https://host/@user
            parts = urlsplit(h)
            user = parts.path.strip("/").lstrip("@")
            h = f"{user}@{parts.netloc}"
        h = h.lstrip("@")
        if "@" not in h:
            raise AuthorFormError("a Mastodon handle names its server: user@server (or the profile link)")
        return h.lower()
    if source == "reddit":
        return regex.sub(r"^/?u/|^@", "", h).lower()
    if source == "bluesky":
        if h.lower().startswith("did:"):
            return h.lower()
        if resolve is None:
            raise AuthorFormError("Bluesky posts are stored by DID: give the did:plc:... of the account")
        return resolve(source, h.lstrip("@")).lower()
    if source == "x":
        if _X_ID.match(h):
            return h
        if resolve is None:
            raise AuthorFormError("X posts are stored by numeric user id: give the id of the account")
        return resolve(source, h.lstrip("@"))
    if source == "youtube":
        if _YOUTUBE_CHANNEL.match(h):
            return h
        raise AuthorFormError("YouTube comments are stored by channel id: give the UC... id of the channel")
    if source == "gdelt":
        domain = urlsplit(h).netloc if "://" in h else h.removeprefix("outlet:")
        return f"outlet:{domain.lower()}"
    return h  # rss, google_news: the byline or outlet as the feed gives it
