"""What fetchers share: the job they run, the pages they yield, and the context they run in.

A fetcher turns one job, a (country, query, source), and the cursor of its last run into pages. Each
page carries the parsed posts (or why there are none) and, when it is safe to do so, the cursor that
holds once this page *and every page before it* are in the lake. The collector stores that cursor only
after writing the posts, so a crash in between re-reads pages, and the lake's dedup absorbs them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any, Protocol

from listening_post.enrich.text import clean_text, html_to_text
from listening_post.parsed import ParsedPost
from listening_post.query import Query
from listening_post.sources.base import Page, PayloadError, parse_guarded

if TYPE_CHECKING:  # the configuration imports every platform module, which imports this one
    from listening_post.jobs import Job as Job  # the one job type; jobs.py reads the configuration
    from listening_post.sources.http import Clock, HttpClient


@dataclass(slots=True)
class FetchedPage:
    origin: str  # what was asked, with no secret in it: shown in reports and quarantine
    page: Page | None = None
    error: str | None = None  # why this request gave no page (HTTP failure after retries, unusable payload)
    body: bytes | None = None  # the unusable payload, for quarantine
    cursor: dict[str, Any] | None = None  # holds once this page and all before it are in the lake
    filtered: int = 0  # posts the platform returned that the query does not match
    note: str | None = None  # something the run report should say (a page limit reached)


class Fetcher(Protocol):
    source: str

    def pages(self, job: Job, cursor: Mapping[str, Any] | None) -> Iterator[FetchedPage]: ...


@dataclass(slots=True)
class FetchContext:
    """The collaborators and limits every fetcher runs with."""

    http: HttpClient
    max_pages: int = 10
    lookback: timedelta = timedelta(hours=24)  # how far back a first run (no cursor) reads
    clock: Clock | None = None

    def now(self) -> datetime:
        clock = self.clock or self.http.clock
        return datetime.fromtimestamp(clock.time(), tz=UTC)

    def parse_page(self, origin: str, body: bytes, parse: Callable[[bytes], Page]) -> FetchedPage:
        try:
            return FetchedPage(origin, page=parse_guarded(parse, body))
        except PayloadError as exc:
            return FetchedPage(origin, error=f"unusable response: {exc}", body=body)


def keep_matching(page: Page, query: Query) -> int:
    """Drop the posts ``query`` does not match (sources that cannot search); returns how many went."""
    kept: list[ParsedPost] = []
    for post in page.posts:
        text = post.context_text if post.is_repost else post.text
        html = post.context_is_html if post.is_repost else post.is_html
        plain = html_to_text(text or "") if html else clean_text(text or "")
        if query.matches(plain):
            kept.append(post)
    dropped = len(page.posts) - len(kept)
    page.posts = kept
    return dropped


def iso(when: datetime) -> str:
    return when.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_iso(value: Any) -> datetime | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
