"""RSS 2.0 and Atom feeds (news sites), parsed with feedparser (Google News searches: ``google_news.py``).

feedparser copes with what real feeds do: Latin-1 bytes without an XML declaration, broken markup,
Atom ``xml:lang``. It does not read localised dates ("Seg, 24 Set 2018 19:42:40 -0300"), so those go
through :func:`parse_feed_date`.

Every element of an RSS 2.0 item is optional, so an item is kept with whatever it has: its text is the
title, the description, or both; its date is the item's own, else the feed's (``lastBuildDate``, Atom
``updated``), else the time it was first seen, and ``created_at_source`` says which (``item``, ``feed``,
``first_seen``; :mod:`listening_post.first_seen` keeps that date from moving when the feed is read again).

The bytes are decoded here, by the rule of :func:`listening_post.sources.base.decode_body`, before
feedparser sees them: feedparser reads a feed declared UTF-8 that holds a bad byte as windows-1252 whole.
"""

from __future__ import annotations

import calendar
import hashlib
import io
import re
import time
from collections.abc import Iterator, Mapping
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_tz
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import regex
from pydantic import Field

from listening_post.parsed import ParsedPost
from listening_post.query import fold
from listening_post.sources.base import (
    MALFORMED,
    Page,
    PayloadError,
    RecordError,
    Reject,
    bom_encoding,
    codec_name,
    decode_body,
    reason_of,
)
from listening_post.sources.errors import HttpError
from listening_post.sources.fetch import FetchedPage, keep_matching
from listening_post.sources.spec import Language, PagedSettings, Platform, StrictModel

if TYPE_CHECKING:
    from listening_post.sources.fetch import FetchContext, Job

# Month names and abbreviations in the languages of the feeds we read, folded (no case, no accents).
_MONTHS: dict[str, int] = {}
for _number, _names in enumerate(
    [
        "jan january janeiro enero janvier januar gennaio januari ene gen janv jän jaenner jänner",
        "feb february fevereiro febrero fevrier februar febbraio februari fev fevr febr",
        "mar march marco marzo mars marz maerz maart mrt",
        "apr april abril avril aprile avr abr",
        "may mai maio mayo maggio mei mag",
        "jun june junho junio juin juni giugno giu",
        "jul july julho julio juillet juli luglio juil lug",
        "aug august agosto aout augusti ago aou",
        "sep sept september setembro septiembre septembre settembre set",
        "oct october outubro octubre octobre oktober ottobre out okt ott",
        "nov november novembro noviembre novembre novembre",
        "dec december dezembro diciembre decembre dezember dicembre dez dic",
    ],
    start=1,
):
    for _name in _names.split():
        _MONTHS.setdefault(_name, _number)
_DATE = regex.compile(
    r"(?:^[^\d,]*,\s*)?(?P<day>\d{1,2})\.?\s+(?P<month>\p{L}+)\.?\s+(?P<year>\d{4})\s+"
    r"(?P<time>\d{1,2}:\d{2}(?::\d{2})?)\s*(?P<zone>[+-]\d{4}|[A-Za-z]{1,5})?\s*$"
)


def parse_feed_date(value: str) -> datetime | None:
    """RFC 822 dates in any of the languages above; None when unreadable."""
    match = _DATE.match(value.strip())
    if not match:
        return None
    month = _MONTHS.get(fold(match["month"])) or _MONTHS.get(fold(match["month"])[:3])
    if not month:
        return None
    english = f"{match['day']} {calendar.month_abbr[month]} {match['year']} {match['time']} {match['zone'] or 'GMT'}"
    parsed = parsedate_tz(english)
    if parsed is None:
        return None
    offset = parsed[9] or 0
    naive = datetime(*parsed[:6])
    return (naive - timedelta(seconds=offset)).replace(tzinfo=UTC)


# The XML declaration's encoding, read on the bytes (ASCII-compatible encodings, after an optional BOM).
_DECLARATION = re.compile(rb"""^(?:\xef\xbb\xbf)?\s*<\?xml[^>]*?encoding\s*=\s*["']([^"']{1,40})["']""", re.I)
_DECLARATION_TEXT = re.compile(r"""^(\s*<\?xml[^>]*?encoding\s*=\s*["'])[^"']*(["'])""", re.I)
# UTF-16 and UTF-32 without a byte order mark (XML 1.0 Appendix F): feedparser detects these itself.
_WIDE = (b"\x00\x00\x00<", b"<\x00\x00\x00", b"\x00<\x00?", b"<\x00?\x00")


def feed_as_utf8(payload: bytes) -> tuple[bytes, int]:
    """The feed's bytes as UTF-8 (declaration rewritten to say so), decoded by the one rule; and how many
    invalid byte sequences were replaced. Encodings Python does not know are left to feedparser."""
    head = payload[:1024]
    if payload.isascii() or (bom_encoding(head) is None and head.startswith(_WIDE)):
        return payload, 0
    match = _DECLARATION.match(head)
    declared = match[1].decode("ascii", "replace") if match else None
    codec = codec_name(declared) if declared else None
    if declared and bom_encoding(head) is None:
        if codec is None:
            return payload, 0
        if codec.startswith(("utf-16", "utf-32")):
            declared = None  # a declaration readable as ASCII is not in UTF-16 or UTF-32: it is wrong
    decoded = decode_body(payload, declared)
    if decoded.encoding == "utf-8" and not decoded.replaced and codec in (None, "utf-8"):
        return payload, 0  # already what feedparser will read
    text = _DECLARATION_TEXT.sub(r"\g<1>utf-8\g<2>", decoded.text, count=1)
    return text.encode("utf-8"), decoded.replaced


def parse(payload: bytes | str, *, source: str = "rss", search_feed: bool = False) -> Page:
    """A feed's items as posts of ``source``; ``search_feed``: a search engine's feed (Google News), whose
    titles end with the publisher and whose descriptions only repeat them as links."""
    body, replaced = feed_as_utf8(payload.encode("utf-8") if isinstance(payload, str) else payload)
    # As a stream: given bytes or a string, feedparser first tries them as a local file name (and a string
    # as a URL to fetch), so a response whose body is a path would be read from the local disk.
    stream = io.BytesIO(body)
    import feedparser  # ~60 ms: loaded when a feed is read, not when a configuration is

    try:
        feed = feedparser.parse(stream)
    except (UnicodeError, ValueError) as exc:  # bytes feedparser cannot even decode (NUL, broken encodings)
        raise PayloadError(f"not a readable feed: {type(exc).__name__}: {exc}") from None
    if not feed.entries and not feed.get("version"):
        reason = feed.get("bozo_exception") or "no RSS or Atom document found"
        raise PayloadError(f"not an RSS or Atom feed: {reason}")
    page = Page(replaced_characters=replaced)
    channel = feed.get("feed", {})
    feed_date = _feed_date(channel)
    for index, entry in enumerate(feed.entries):
        try:
            page.posts.append(_entry(entry, channel, source, feed_date, search_feed=search_feed))
        except MALFORMED as exc:
            page.rejects.append(Reject(reason_of(exc), _plain(entry), index))
    return page


def _entry(entry: Any, channel: Any, source: str, feed_date: datetime | None, *, search_feed: bool) -> ParsedPost:
    link = entry.get("link") or ""
    title = (entry.get("title") or "").strip()
    # An item with neither guid nor link is known by its text: its title, else its description.
    ident = entry.get("id") or link or title or _description(entry).strip()
    if not ident:
        raise RecordError("an empty item: no guid, link, title or description")
    created_at, created_at_source = _entry_date(entry), "item"
    if created_at is None:
        if feed_date is not None:
            created_at, created_at_source = feed_date, "feed"
        else:
            # Seen now: first_seen.py replaces it with the time it was first seen, when that was earlier.
            created_at, created_at_source = datetime.now(UTC).replace(microsecond=0), "first_seen"
    author = entry.get("author") or channel.get("author")
    publisher = (entry.get("source") or {}).get("title")
    if search_feed:
        # Google News titles read "Headline - Publisher"; the description repeats them as links.
        if publisher and title.endswith(f" - {publisher}"):
            title = title[: -len(publisher) - 3].rstrip()
        body = ""
        author = publisher or author
    else:
        body = _body(entry)
    if not author:
        author = "outlet:" + (urlsplit(channel.get("link") or link).netloc or "unknown")
    text = title if not body else f"<p>{_escape(title)}</p>{body}" if title else body
    return ParsedPost(
        source=source,
        native_id=hashlib.blake2b(ident.encode("utf-8"), digest_size=10).hexdigest(),
        created_at=created_at,
        text=text,
        is_html=bool(body),
        author_native=author,
        url=link or None,
        declared_lang=_language(entry, channel),
        created_at_source=created_at_source,
        links=[link] if link else [],  # the article itself (Google News: its redirect, the only form given)
    )


def _entry_date(entry: Any) -> datetime | None:
    return _dated(entry, ("published", "updated", "created"), strict=True)


def _feed_date(channel: Any) -> datetime | None:
    """When the feed says it was last built (RSS ``lastBuildDate``, Atom ``updated``), else published."""
    return _dated(channel, ("updated", "published"), strict=False)


def _dated(node: Any, keys: tuple[str, ...], *, strict: bool) -> datetime | None:
    """The first of ``keys`` that ``node`` (a feedparser item or channel) holds, as a UTC time; an
    unreadable date is a RecordError when ``strict`` (an item's own date), else skipped (the feed's)."""
    present = set(node.keys())  # not node.get(): feedparser maps missing "updated" to "published", noisily
    for key in keys:
        if key not in present:
            continue
        parsed: time.struct_time | None = node.get(f"{key}_parsed")
        if parsed:
            return datetime(*parsed[:6], tzinfo=UTC)
        raw = node.get(key)
        if raw and (localised := parse_feed_date(raw)):
            return localised
        if raw and strict:
            raise RecordError(f"unreadable {key} date {raw!r}")
    return None


def _description(entry: Any) -> str:
    summary = entry.get("summary") or ""
    if not summary:
        contents = entry.get("content") or []
        summary = contents[0].get("value", "") if contents else ""
    return str(summary)


def _body(entry: Any) -> str:
    summary = _description(entry)
    title = (entry.get("title") or "").strip()
    if title and summary.strip() == title:
        return ""
    return str(summary)


def _language(entry: Any, channel: Any) -> str | None:
    for detail in (
        *(entry.get("content") or []),
        entry.get("summary_detail") or {},
        entry.get("title_detail") or {},
    ):
        lang = detail.get("language")
        if lang:
            return str(lang)
    return channel.get("language") or None


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _plain(entry: Any) -> dict[str, Any]:
    """A quarantinable copy of an entry: only the JSON-able parts a human needs to see what failed."""
    keys = ("id", "link", "title", "published", "updated", "summary")
    return {k: str(dict.get(entry, k))[:2000] for k in keys if dict.get(entry, k) is not None}


# --- fetching --------------------------------------------------------------------------------------


class RssFetcher:
    """The country's configured feeds with conditional GET, filtered locally with the query.

    The cursor is ``{"feeds": {<url>: {"etag": ..., "last_modified": ...}}}``: a feed that has not changed
    answers 304 and costs nothing; a changed one is read whole and the lake drops what it already has.
    """

    source = "rss"

    def __init__(self, context: FetchContext) -> None:
        self.context = context

    def pages(self, job: Job, cursor: Mapping[str, Any] | None) -> Iterator[FetchedPage]:
        validators: dict[str, dict[str, str]] = dict(cursor.get("feeds", {})) if cursor else {}
        for feed in job.country.sources.rss.feeds:
            known = validators.get(feed.url, {})
            origin = f"rss {feed.url}"
            try:
                response = self.context.http.get(
                    feed.url, etag=known.get("etag"), last_modified=known.get("last_modified")
                )
            except HttpError as exc:
                yield FetchedPage(origin, error=str(exc))
                continue
            if response.status == 304:
                yield FetchedPage(origin, page=Page(), note="not modified")
                continue
            fetched = self.context.parse_page(origin, response.body, parse)
            if fetched.page is not None:
                for post in fetched.page.posts:
                    post.declared_lang = post.declared_lang or feed.language
                fetched.filtered = keep_matching(fetched.page, job.query.compiled)
                fresh = {
                    k: v
                    for k, v in (("etag", response.header("etag")), ("last_modified", response.header("last-modified")))
                    if v
                }
                validators[feed.url] = fresh
                fetched.cursor = {"feeds": dict(validators)}
            yield fetched


class Feed(StrictModel):
    url: str = Field(pattern=r"^https?://\S+$")
    language: Language | None = None
    name: str | None = None


class CountryRss(StrictModel):
    feeds: list[Feed] = Field(default_factory=list)


class RssSettings(PagedSettings):
    pass


PLATFORM = Platform(
    name="rss",
    kind="press",
    parse=parse,
    settings=RssSettings,
    country_settings=CountryRss,
    fetcher=lambda args: RssFetcher(args.context),
    author_form="the byline exactly as the feed gives it",
    hashtags=False,
    country_needs="feeds",
    docs="RSS 2.0 and Atom feeds of news sites, per country (conditional GET, filtered with the query)",
)
