"""RSS 2.0 and Atom feeds (news sites), and Google News RSS searches, parsed with feedparser.

feedparser copes with what real feeds do: Latin-1 bytes without an XML declaration, broken markup,
Atom ``xml:lang``. It does not read localised dates ("Seg, 24 Set 2018 19:42:40 -0300"), so those go
through :func:`parse_feed_date`.
"""

from __future__ import annotations

import calendar
import hashlib
import time
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_tz
from typing import Any
from urllib.parse import urlsplit

import feedparser
import regex

from listening_post.model import ParsedPost
from listening_post.query import fold
from listening_post.sources.base import Page, PayloadError, RecordError, Reject

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


def parse(payload: bytes | str, *, source: str = "rss") -> Page:
    feed = feedparser.parse(payload)
    if not feed.entries and not feed.get("version"):
        reason = feed.get("bozo_exception") or "no RSS or Atom document found"
        raise PayloadError(f"not an RSS or Atom feed: {reason}")
    page = Page()
    channel = feed.get("feed", {})
    for index, entry in enumerate(feed.entries):
        try:
            page.posts.append(_entry(entry, channel, source))
        except RecordError as exc:
            page.rejects.append(Reject(str(exc), _plain(entry), index))
    return page


def parse_google_news(payload: bytes | str) -> Page:
    return parse(payload, source="google_news")


def _entry(entry: Any, channel: Any, source: str) -> ParsedPost:
    link = entry.get("link") or ""
    ident = entry.get("id") or link
    title = (entry.get("title") or "").strip()
    if not ident:
        if not title:
            raise RecordError("an item with neither id, link nor title")
        ident = title
    created_at = _entry_date(entry)
    author = entry.get("author") or channel.get("author")
    publisher = (entry.get("source") or {}).get("title")
    if source == "google_news":
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
    )


def _entry_date(entry: Any) -> datetime:
    present = set(entry.keys())  # not entry.get(): feedparser maps missing "updated" to "published", noisily
    for key in ("published", "updated", "created"):
        if key not in present:
            continue
        parsed: time.struct_time | None = entry.get(f"{key}_parsed")
        if parsed:
            return datetime(*parsed[:6], tzinfo=UTC)
        raw = entry.get(key)
        if raw:
            localised = parse_feed_date(raw)
            if localised:
                return localised
            raise RecordError(f"unreadable {key} date {raw!r}")
    raise RecordError("no publication date")


def _body(entry: Any) -> str:
    summary = entry.get("summary") or ""
    if not summary:
        contents = entry.get("content") or []
        summary = contents[0].get("value", "") if contents else ""
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
