"""Shared links as stored in ``posts.links``: tracking parameters removed, so that one article shared with
different campaign tags is one link, and the domain each one points to.

The list of tracking parameters is small and explicit (tests/unit/test_urls.py checks each): ``utm_*`` and
the click identifiers of the big ad and mail platforms. Everything else in a query string may select the
page (``?id=``, ``?v=``) and is kept. No well-kept library does only this: URL normalisers (e.g. courlan)
bring their own domain and language heuristics and dependencies.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

# Parameters that identify a campaign, a click or a recipient, never the page.
TRACKING_PARAMS = frozenset(
    {
        "fbclid",  # Facebook
        "gclid",  # Google Ads
        "gclsrc",
        "dclid",  # Google Display
        "gbraid",
        "wbraid",
        "msclkid",  # Microsoft Ads
        "twclid",  # X ads
        "igshid",  # Instagram share
        "yclid",  # Yandex
        "mc_cid",  # Mailchimp
        "mc_eid",
        "_hsenc",  # HubSpot
        "_hsmi",
        "mkt_tok",  # Marketo
        "oly_enc_id",  # Omeda
        "oly_anon_id",
        "vero_id",
        "ref_src",  # Twitter embeds
        "ref_url",
        "s_cid",  # Adobe
        "cmpid",
    }
)
TRACKING_PREFIXES = ("utm_",)
MAX_URL_CHARS = 2048  # longer "links" are data, not links to count
_URL_IN_TEXT = re.compile(r"https?://[^\s<>\"'\u00a0\u200b]+", re.IGNORECASE)
_TRAILING = ".,;:!?)]}'\"…"


def clean_url(url: str | None) -> str | None:
    """``url`` without tracking parameters or fragment, scheme and host lower-cased; None when it is not an
    http(s) URL with a host."""
    if not isinstance(url, str):
        return None
    url = url.strip()
    if not url or len(url) > MAX_URL_CHARS:
        return None
    try:
        parts = urlsplit(url)
        host = parts.hostname
        port = parts.port
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not host:
        return None
    netloc = host.lower() + (f":{port}" if port and port not in (80, 443) else "")
    query = [
        (k, v)
        for k, v in parse_qsl(parts.query, keep_blank_values=True)
        if k.lower() not in TRACKING_PARAMS and not k.lower().startswith(TRACKING_PREFIXES)
    ]
    return urlunsplit((parts.scheme.lower(), netloc, parts.path or "/", urlencode(query, doseq=True), ""))


_X_HOSTS = frozenset({"x.com", "twitter.com", "mobile.twitter.com", "mobile.x.com"})
_X_STATUS = re.compile(r"^/[^/]+/status(?:es)?/(\d{1,20})(?:/|$)")
# Hosts whose paths name an account (profile or post under it) unless noted: such a link is not kept.
_ACCOUNT_HOSTS = frozenset(
    {"bsky.app", "facebook.com", "instagram.com", "tiktok.com", "t.me", "threads.net", "linkedin.com", "vk.com"}
)
_ACCOUNT_PATH = re.compile(r"^/(?:u|user|users|profile|channel|c)/", re.IGNORECASE)


def author_free(url: str) -> str | None:
    """A cleaned link as ``posts.links`` may hold it, naming no account: an X post becomes its id-only form
    (``https://x.com/i/web/status/<id>``, as ``url`` holds X posts), and a link whose path names an account
    (a ``/@name`` segment, as Mastodon, YouTube and Medium write them; ``/user/``, ``/u/``, ``/channel/``;
    or any link to a social network whose paths are accounts) is left out: its domain is still counted."""
    parts = urlsplit(url)
    host = (parts.hostname or "").removeprefix("www.")
    if host in _X_HOSTS:
        status = _X_STATUS.match(parts.path)
        return f"https://x.com/i/web/status/{status.group(1)}" if status else None
    if host in _ACCOUNT_HOSTS or any(host.endswith("." + h) for h in _ACCOUNT_HOSTS):
        return None
    if any(segment.startswith("@") for segment in parts.path.split("/")) or _ACCOUNT_PATH.match(parts.path):
        return None
    return url


def domain_of(url: str | None) -> str | None:
    """The host of a cleaned link without a leading ``www.``: the outlet as domain lists name it."""
    if not url:
        return None
    try:
        host = urlsplit(url).hostname
    except ValueError:
        return None
    if not host:
        return None
    return host.removeprefix("www.")


def clean_links(urls: Iterable[str | None]) -> list[str]:
    """Cleaned links in order of first appearance, each once."""
    seen: dict[str, None] = {}
    for url in urls:
        cleaned = clean_url(url)
        if cleaned is not None:
            seen.setdefault(cleaned, None)
    return list(seen)


def domains_of(links: Iterable[str]) -> list[str]:
    seen: dict[str, None] = {}
    for link in links:
        if (domain := domain_of(link)) is not None:
            seen.setdefault(domain, None)
    return list(seen)


def links_in_text(text: str) -> list[str]:
    """http(s) URLs written out in plain text (YouTube comments, Reddit self posts), as found."""
    return [m.group(0).rstrip(_TRAILING) for m in _URL_IN_TEXT.finditer(text or "")]
