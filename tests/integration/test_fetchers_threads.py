"""The Threads fetcher against a local server on 127.0.0.1 replaying Meta's documented responses
(tests/data/threads, provenance in tests/data/README.md): keyword search and profile posts, ``since`` from the
cursor, ``paging.cursors.after``, 429 with Retry-After, an error body, the per-run quota share, and no token
or username in anything a report or quarantine keeps."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from listening_post.config import parse_config
from listening_post.jobs import Job
from listening_post.sources.fetch import FetchContext, FetchedPage
from listening_post.sources.http import HttpClient, HttpPolicy
from listening_post.sources.threads import ThreadsFetcher, ThreadsSettings
from tests.replay import JSON, FakeClock, ReplayServer, Reply

pytestmark = pytest.mark.integration

DATA = Path(__file__).resolve().parents[1] / "data" / "threads"
TOKEN = "THQVJ-test-token-never-shown"
SEARCH = "/v1.0/keyword_search"
PROFILE = "/v1.0/profile_posts"
EMPTY = Reply(200, b'{"data": []}', JSON)  # the documented envelope, with the empty array that ends a stream


def doc(name: str) -> Reply:
    return Reply(200, (DATA / name).read_bytes(), JSON)


def job(query: str, profiles: list[str] | None = None) -> Job:
    document = {
        "version": 1,
        "secrets": {"author_key": {"env": "LISTENING_POST_AUTHOR_KEY"}},
        "sources": {"threads": {"access_token": {"env": "THREADS_TOKEN"}}},
        "countries": [
            {
                "code": "US",
                "languages": ["en"],
                "sources": {"threads": {"profiles": profiles or []}},
                "queries": [{"id": "q1", "query": query, "sources": ["threads"]}],
            }
        ],
    }
    country = parse_config(yaml.safe_dump(document)).countries[0]
    return Job(country, country.queries[0], "threads")


def fetcher(replay: ReplayServer, clock: FakeClock, **settings: Any) -> ThreadsFetcher:
    http = HttpClient(HttpPolicy(read_timeout=0.5, connect_timeout=0.5, max_attempts=3), clock=clock)
    config = ThreadsSettings.model_validate({"base_url": replay.url, **settings})
    return ThreadsFetcher(FetchContext(http, max_pages=config.max_pages), TOKEN, config)


def run(f: ThreadsFetcher, j: Job, cursor: dict[str, Any] | None = None) -> tuple[list[FetchedPage], Any]:
    pages = list(f.pages(j, cursor))
    cursors = [p.cursor for p in pages if p.cursor is not None]
    return pages, (cursors[-1] if cursors else None)


def test_keyword_search_since_and_cursor(replay: ReplayServer) -> None:
    replay.route(SEARCH, doc("docs_keyword_search.json"))
    clock = FakeClock()
    f = fetcher(replay, clock)
    pages, cursor = run(f, job('thread NOT "second thread"'))
    [asked] = replay.seen(SEARCH)
    assert asked.query["q"] == "thread" and asked.query["search_type"] == "RECENT"
    assert asked.query["limit"] == "100" and "permalink" in asked.query["fields"].split(",")
    assert asked.query["since"] == str(int(clock.time()) - 24 * 3600)  # the lookback, on a first run
    assert asked.query["access_token"] == TOKEN  # the documented parameter
    [page] = pages
    assert [p.post_id for p in page.page.posts] == ["threads:1234567890"] and page.filtered == 0
    assert cursor == {"streams": {"q:thread": 1697521323}}  # 2023-10-17T05:42:03Z
    # The next run asks from the newest post it has.
    run(f, job('thread NOT "second thread"'), cursor)
    assert replay.seen(SEARCH)[-1].query["since"] == "1697521323"


def test_profile_posts_paging_and_local_filter(replay: ReplayServer) -> None:
    replay.route(PROFILE, doc("docs_profile_posts.EDITED.json"), EMPTY)
    replay.route(SEARCH, EMPTY)
    pages, cursor = run(fetcher(replay, FakeClock()), job("monday", profiles=["@Meta"]))
    first, second = replay.seen(PROFILE)
    assert first.query["username"] == "meta" and "after" not in first.query
    assert second.query["after"] == "AFTER_CURSOR"
    kept = [p for f in pages if f.page for p in f.page.posts]
    assert [p.text for p in kept] == ["Today Is Monday"]
    [stream] = [k for k in cursor["streams"] if k.startswith("p:")]
    assert "meta" not in stream and cursor["streams"][stream] == 1697521323  # no handle in the cursor store
    assert all("meta" not in f.origin for f in pages)  # reports name the profile by its place only
    # A profile's posts that do not match the query are read, then dropped here.
    replay.route(PROFILE, doc("docs_profile_posts.EDITED.json"), EMPTY)
    pages, _ = run(fetcher(replay, FakeClock()), job("tuesday", profiles=["meta"]))
    assert sum(f.filtered for f in pages) == 1 and not [p for f in pages if f.page for p in f.page.posts]


def test_429_with_retry_after_is_waited_out(replay: ReplayServer) -> None:
    replay.route(SEARCH, Reply(429, b"", {"Retry-After": "7"}), doc("docs_keyword_search.json"))
    clock = FakeClock()
    pages, cursor = run(fetcher(replay, clock), job("thread"))
    assert clock.sleeps == [7.0] and len(replay.seen(SEARCH)) == 2
    assert pages[0].page and pages[0].page.posts and cursor


def test_a_failing_stream_does_not_stop_the_others_and_shows_no_secret(replay: ReplayServer) -> None:
    replay.route(PROFILE, Reply(400, (DATA / "restfb_exception.json").read_bytes(), JSON))
    replay.route(SEARCH, doc("docs_keyword_search.json"))
    pages, cursor = run(fetcher(replay, FakeClock()), job("thread OR monday", profiles=["meta"]))
    errors = [p for p in pages if p.error]
    [failed] = errors
    assert failed.error == "HTTP 400 (THApiException, code 100, subcode 33)"
    assert failed.origin == "threads profile 1 of US page 1"
    assert len(replay.seen(SEARCH)) == 2  # both searches ran
    assert cursor and all(k.startswith("q:") for k in cursor["streams"])
    shown = repr([(p.origin, p.error, p.note) for p in pages]) + repr(fetcher(replay, FakeClock()))
    assert TOKEN not in shown and "meta" not in shown


def test_an_unusable_body_is_quarantinable_and_keeps_the_mark(replay: ReplayServer) -> None:
    replay.route(SEARCH, Reply(200, (DATA / "docs_profile_posts.verbatim.json").read_bytes(), JSON))
    pages, cursor = run(fetcher(replay, FakeClock()), job("thread"), {"streams": {"q:thread": 1697000000}})
    [page] = pages
    assert page.error and "invalid JSON" in page.error and page.body and cursor is None


def test_the_hourly_share_of_the_search_quota(replay: ReplayServer) -> None:
    """The fetcher outlives a run in a warm collect function: the share is per sliding hour, not per object."""
    replay.route(SEARCH, doc("docs_keyword_search.json"))
    clock = FakeClock()
    f = fetcher(replay, clock, search_requests_per_hour=1)
    pages, _ = run(f, job("thread OR monday"))
    assert len(replay.seen(SEARCH)) == 1
    assert pages[-1].note == "threads: the hourly share of the keyword_search quota is spent; the rest waits"
    clock.sleep(1800)
    run(f, job("thread"))
    assert len(replay.seen(SEARCH)) == 1  # half an hour later: still spent
    clock.sleep(1801)
    run(f, job("thread"))
    assert len(replay.seen(SEARCH)) == 2  # the next hourly run of the same warm fetcher searches again


def test_page_limit_moves_the_mark_with_a_note(replay: ReplayServer) -> None:
    replay.route(PROFILE, doc("docs_profile_posts.EDITED.json"))  # always another page
    replay.route(SEARCH, EMPTY)
    pages, cursor = run(fetcher(replay, FakeClock(), max_pages=2), job("monday", profiles=["meta"]))
    assert len(replay.seen(PROFILE)) == 2
    assert any(p.note and "page limit (2)" in p.note for p in pages) and cursor
