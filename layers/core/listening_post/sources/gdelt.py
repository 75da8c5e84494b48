"""GDELT DOC 2.0 API: ``mode=artlist`` JSON, and the fetcher that slices time windows.

No real recorded response exists (see MANIFEST), so this follows the documented fields
(``articles[].url, title, seendate, domain, language, sourcecountry``) and the failure modes the client
maintainers report: invalid JSON escapes, an error as plain text with HTTP 200, and at most 250 records
per call with no cursor. A query with no match answers ``{}``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Mapping
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import regex
from pydantic import Field

from listening_post.codes import COUNTRIES, LANGUAGES
from listening_post.parsed import ParsedPost
from listening_post.query import fold
from listening_post.sources.base import MALFORMED, Page, PayloadError, RecordError, Reject, load_json, reason_of
from listening_post.sources.errors import HttpError
from listening_post.sources.fetch import FetchedPage, iso, parse_iso
from listening_post.sources.query_syntax import and_of_ors
from listening_post.sources.spec import URL_PATTERN, FetcherArgs, PagedSettings, Platform, Resolver

if TYPE_CHECKING:
    from listening_post.query import Query
    from listening_post.sources.fetch import FetchContext, Job

SOURCE = "gdelt"
MAX_RECORDS = 250
# An escaped backslash, or a backslash that starts no valid JSON escape.
_ESCAPES = regex.compile(r'(\\\\)|\\(?!["\\/bfnrt]|u[0-9a-fA-F]{4})')
_LANGUAGE_CODES = {name.lower(): code for code, name in LANGUAGES.items()}


def parse(payload: bytes | str) -> Page:
    text = payload.decode("utf-8", errors="replace") if isinstance(payload, bytes) else payload
    stripped = text.strip()
    if stripped and stripped[0] not in "{[<":
        raise PayloadError(f"GDELT error message: {stripped[:300]!r}")  # sent as text with HTTP 200
    try:
        data = load_json(stripped)
    except PayloadError:
        # GDELT copies titles into JSON without escaping backslashes ("\." or "\N"): repair and retry.
        data = load_json(_ESCAPES.sub(lambda m: m.group(1) or "\\\\", stripped))
    if not isinstance(data, dict):
        raise PayloadError("not a GDELT artlist response: expected a JSON object")
    articles = data.get("articles", [])
    if not isinstance(articles, list):
        raise PayloadError("'articles' is not a list")
    page = Page()
    for index, article in enumerate(articles):
        try:
            page.posts.append(parse_article(article))
        except MALFORMED as exc:
            page.rejects.append(Reject(reason_of(exc), article, index))
    return page


def parse_seendate(value: Any) -> datetime:
    if not isinstance(value, str):
        raise RecordError("missing seendate")
    try:
        return datetime.strptime(value.strip(), "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
    except ValueError:
        raise RecordError(f"unreadable seendate {value[:40]!r}") from None


def parse_article(article: Any) -> ParsedPost:
    if not isinstance(article, dict):
        raise RecordError("an article must be a JSON object")
    url = article.get("url")
    if not isinstance(url, str) or not url.startswith(("http://", "https://")):
        raise RecordError("missing url")
    title = article.get("title")
    if not isinstance(title, str):
        raise RecordError("missing title")
    domain = article.get("domain") if isinstance(article.get("domain"), str) else None
    language = article.get("language")
    return ParsedPost(
        source=SOURCE,
        native_id=hashlib.blake2b(url.encode("utf-8"), digest_size=10).hexdigest(),
        created_at=parse_seendate(article.get("seendate")),
        text=title,
        author_native=f"outlet:{domain.lower()}" if domain else None,  # a publisher, not a person
        url=url,
        declared_lang=_LANGUAGE_CODES.get(language.lower()) if isinstance(language, str) else None,
        links=[url],
    )


def gdelt_time(when: datetime) -> str:
    return when.astimezone(UTC).strftime("%Y%m%d%H%M%S")


class GdeltFetcher:
    """Articles from the host country's outlets, oldest window first, in slices of ``window``.

    A slice that hits the 250-record cap is split in two until it is ``min_window`` long. The cursor is
    ``{"until": <ISO time>}``, the end of the last slice read; it moves slice by slice (oldest first, so
    every slice before it is in the lake). Each run starts ``overlap`` before it, for articles GDELT saw late.
    """

    source = SOURCE

    def __init__(
        self,
        context: FetchContext,
        base_url: str,
        *,
        window: timedelta = timedelta(hours=6),
        min_window: timedelta = timedelta(minutes=15),
        overlap: timedelta = timedelta(minutes=15),
    ) -> None:
        self.context, self.base_url = context, base_url.rstrip("/")
        self.window, self.min_window, self.overlap = window, min_window, overlap

    def pages(self, job: Job, cursor: Mapping[str, Any] | None) -> Iterator[FetchedPage]:
        now = self.context.now()
        until = parse_iso(cursor.get("until")) if cursor else None
        start = until - self.overlap if until else now - self.context.lookback
        name = job.country.name or COUNTRIES[job.country.code]
        query = search_query(job.query.compiled, source_country=source_country(name))
        pending = []
        edge = start
        while edge < now:
            pending.append((edge, min(edge + self.window, now)))
            edge += self.window
        requests = 0
        while pending:
            if requests >= self.context.max_pages:
                yield FetchedPage(f"gdelt query={query!r}", note=f"page limit ({self.context.max_pages}) reached")
                return
            lo, hi = pending.pop(0)
            requests += 1
            origin = f"gdelt artlist query={query!r} {iso(lo)}..{iso(hi)}"
            params: dict[str, str | int | None] = {
                "query": query,
                "mode": "artlist",
                "format": "json",
                "maxrecords": MAX_RECORDS,
                "sort": "dateasc",
                "startdatetime": gdelt_time(lo),
                "enddatetime": gdelt_time(hi),
            }
            try:
                response = self.context.http.get(self.base_url, params=params)
            except HttpError as exc:
                yield FetchedPage(origin, error=str(exc))
                return
            fetched = self.context.parse_page(origin, response.body, parse)
            if fetched.page is None:
                yield fetched
                return  # the cursor stays before this slice: the next run asks again
            records = len(fetched.page.posts) + len(fetched.page.rejects)
            if records >= MAX_RECORDS and hi - lo > self.min_window:
                # Capped: there may be more. Keep what came and ask again in two halves.
                middle = lo + (hi - lo) / 2
                pending[:0] = [(lo, middle), (middle, hi)]
                fetched.note = f"250-record cap: {iso(lo)}..{iso(hi)} split in two"
                yield fetched
                continue
            if records >= MAX_RECORDS:
                fetched.note = f"250-record cap on a {self.min_window} slice: some articles were not listed"
            fetched.cursor = {"until": iso(hi)}
            yield fetched


def search_query(query: Query, *, source_country: str | None = None) -> str:
    """GDELT's ``a b`` AND, ``(a OR b)`` one level, ``-a``, ``"phrase"``: an AND of OR groups (CNF)."""
    parts = and_of_ors(query)
    if source_country:
        parts.append(f"sourcecountry:{source_country}")
    return " ".join(dict.fromkeys(parts))


def source_country(name: str) -> str:
    """GDELT names source countries in lower case without spaces or punctuation (``unitedkingdom``)."""
    return regex.sub(r"[^\p{L}]", "", fold(name.split(",")[0]))


class GdeltSettings(PagedSettings):
    window_hours: int = Field(default=6, ge=1, le=168)
    base_url: str = Field(default="https://api.gdeltproject.org/api/v2/doc/doc", pattern=URL_PATTERN)
    # GDELT asks for at most one request every five seconds.
    requests_per_minute: int = Field(default=12, ge=1, le=60)


def _fetcher(args: FetcherArgs) -> GdeltFetcher:
    s = args.settings
    args.http.set_budget(urlsplit(s.base_url).netloc, s.requests_per_minute)
    return GdeltFetcher(args.context, s.base_url, window=timedelta(hours=s.window_hours))


def native_author(handle: str, resolve: Resolver | None = None) -> str:
    """Articles are stored by outlet: ``outlet:<domain>``, from the domain or a link to the site."""
    h = handle.strip()
    domain = urlsplit(h).netloc if "://" in h else h.removeprefix("outlet:")
    return f"outlet:{domain.lower()}"


PLATFORM = Platform(
    name=SOURCE,
    kind="press",
    parse=parse,
    settings=GdeltSettings,
    fetcher=_fetcher,
    native_author=native_author,
    author_form="the outlet's domain",
    query_syntax=lambda query: [search_query(query)],
    hashtags=False,
    docs="GDELT DOC 2.0 article search of the host country's outlets",
)
