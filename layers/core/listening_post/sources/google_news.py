"""Google News RSS searches: one edition per language of the country, read as RSS (``rss.py``)."""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from pydantic import Field

from listening_post.sources.base import Page
from listening_post.sources.errors import HttpError
from listening_post.sources.fetch import FetchedPage, iso, parse_iso
from listening_post.sources.query_syntax import boolean
from listening_post.sources.rss import parse as parse_feed
from listening_post.sources.spec import URL_PATTERN, FetcherArgs, Language, PagedSettings, Platform, StrictModel

if TYPE_CHECKING:
    from listening_post.query import Query
    from listening_post.sources.fetch import FetchContext, Job

SOURCE = "google_news"


def parse(payload: bytes | str) -> Page:
    return parse_feed(payload, source=SOURCE, search_feed=True)


def search_query(query: Query) -> str:
    """Google's ``a b`` AND, ``OR``, ``-a``, ``"phrase"``: the tree, NOT pushed to terms."""
    return boolean(query, and_=" ", or_=" OR ", negation="-")


# Editions whose Google News codes are not simply <language>-<COUNTRY> and <COUNTRY>:<language>.
_EDITIONS: dict[tuple[str, str], tuple[str, str]] = {
    ("BR", "pt"): ("pt-BR", "BR:pt-419"),
    ("PT", "pt"): ("pt-PT", "PT:pt-150"),
    ("MX", "es"): ("es-419", "MX:es-419"),
    ("AR", "es"): ("es-419", "AR:es-419"),
    ("CO", "es"): ("es-419", "CO:es-419"),
    ("CN", "zh"): ("zh-CN", "CN:zh-Hans"),
    ("TW", "zh"): ("zh-TW", "TW:zh-Hant"),
    ("HK", "zh"): ("zh-HK", "HK:zh-Hant"),
}


def google_news_edition(country: str, language: str) -> dict[str, str]:
    """``hl``, ``gl`` and ``ceid`` of the Google News edition of a country in a language."""
    hl, ceid = _EDITIONS.get((country, language), (f"{language}-{country}", f"{country}:{language}"))
    return {"hl": hl, "gl": country, "ceid": ceid}


def when_operator(elapsed: timedelta) -> str:
    """Google News' ``when:`` window covering ``elapsed`` (hours up to two days, then days)."""
    hours = max(1, math.ceil(elapsed.total_seconds() / 3600))
    return f"when:{hours}h" if hours <= 48 else f"when:{min(30, math.ceil(hours / 24))}d"


class GoogleNewsFetcher:
    """Google News RSS search, one edition per language of the country (q, hl, gl, ceid).

    Google matched the articles on their full text, which the feed does not carry, so there is no local
    filter. The cursor is ``{"editions": {<ceid>: <ISO time of the last read>}}``; the next search asks
    only for articles since then, with a ``when:`` window.
    """

    source = SOURCE

    def __init__(self, context: FetchContext, base_url: str = "https://news.google.com") -> None:
        self.context, self.base_url = context, base_url.rstrip("/")

    def pages(self, job: Job, cursor: Mapping[str, Any] | None) -> Iterator[FetchedPage]:
        read: dict[str, str] = dict(cursor.get("editions", {})) if cursor else {}
        languages = getattr(job.country.sources, SOURCE).languages or job.country.languages
        query = search_query(job.query.compiled)
        for language in languages:
            edition = google_news_edition(job.country.code, language)
            now = self.context.now()
            since = parse_iso(read.get(edition["ceid"])) or now - self.context.lookback
            q = f"{query} {when_operator(now - since + timedelta(minutes=30))}"
            origin = f"google_news q={q!r} {edition['ceid']}"
            try:
                response = self.context.http.get(f"{self.base_url}/rss/search", params={"q": q, **edition})
            except HttpError as exc:
                yield FetchedPage(origin, error=str(exc))
                continue
            fetched = self.context.parse_page(origin, response.body, parse)
            if fetched.page is not None:
                for post in fetched.page.posts:
                    post.declared_lang = post.declared_lang or language
                read[edition["ceid"]] = iso(now)
                fetched.cursor = {"editions": dict(read)}
            yield fetched


class CountryGoogleNews(StrictModel):
    # Editions to search, as language codes; defaults to the country's languages.
    languages: list[Language] | None = None


class GoogleNewsSettings(PagedSettings):
    base_url: str = Field(default="https://news.google.com", pattern=URL_PATTERN)


def _fetcher(args: FetcherArgs) -> GoogleNewsFetcher:
    return GoogleNewsFetcher(args.context, args.settings.base_url)


PLATFORM = Platform(
    name=SOURCE,
    kind="press",
    parse=parse,
    settings=GoogleNewsSettings,
    country_settings=CountryGoogleNews,
    fetcher=_fetcher,
    author_form="the outlet exactly as the feed gives it",
    query_syntax=lambda query: [search_query(query)],
    hashtags=False,
    docs="Google News RSS searches, one edition per language of the country",
)
