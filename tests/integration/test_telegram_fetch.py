"""The Telegram fetcher against a local server on 127.0.0.1 replaying recorded t.me/s pages of the public
channel tchantest (tests/data/telegram/): newest page, then the ``before=`` page, cursors, the query as a
filter, faults, and the shared client's per-host budget."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import yaml

from listening_post.config import parse_config
from listening_post.jobs import Job
from listening_post.sources import telegram
from listening_post.sources.fetch import FetchContext, FetchedPage
from listening_post.sources.http import HttpClient, HttpPolicy
from listening_post.sources.spec import FetcherArgs
from tests.replay import FakeClock, ReplayServer, Reply

pytestmark = pytest.mark.integration

DATA = Path(__file__).resolve().parents[1] / "data" / "telegram"
NEWER = (DATA / "tchantest_62-94.html").read_bytes()  # messages 62-94: the channel's newest page
OLDER = (DATA / "tchantest_1-24.html").read_bytes()  # messages 1-24: what before=62 shows
HTML = {"Content-Type": "text/html; charset=utf-8"}
AFTER_THE_POSTS = datetime(2023, 2, 25, tzinfo=UTC).timestamp()  # the day after tchantest's posts


def job(query: str = "message OR link OR pics", channels: tuple[str, ...] = ("tchantest",)) -> Job:
    document = {
        "version": 1,
        "secrets": {"author_key": {"env": "LISTENING_POST_AUTHOR_KEY"}},
        "countries": [
            {
                "code": "BR",
                "languages": ["pt", "en"],
                "sources": {"telegram": {"channels": list(channels)}},
                "queries": [{"id": "q1", "query": query, "sources": ["telegram"]}],
            }
        ],
    }
    country = parse_config(yaml.safe_dump(document)).countries[0]
    return Job(country, country.queries[0], "telegram")


def fetcher(replay: ReplayServer, clock: FakeClock, *, lookback_days: int = 30, **settings: Any) -> Any:
    http = HttpClient(HttpPolicy(read_timeout=0.5, connect_timeout=0.5, max_attempts=2), clock=clock)
    context = FetchContext(http, max_pages=5, lookback=timedelta(days=lookback_days))
    spec = telegram.TelegramSettings(base_url=replay.url, **settings)
    args = FetcherArgs(spec, context, http, secret=lambda name: "", has_secret=lambda name: False)
    assert telegram.PLATFORM.fetcher is not None
    return telegram.PLATFORM.fetcher(args)


def run(f: Any, j: Job, cursor: dict[str, Any] | None = None) -> tuple[list[FetchedPage], Any]:
    pages = list(f.pages(j, cursor))
    cursors = [p.cursor for p in pages if p.cursor is not None]
    return pages, (cursors[-1] if cursors else None)


def ids(pages: list[FetchedPage]) -> list[str]:
    return [post.native_id for p in pages if p.page for post in p.page.posts]


def test_newest_page_then_before_page_then_nothing_new(replay: ReplayServer) -> None:
    replay.route("/s/tchantest", Reply(200, NEWER, HTML), Reply(200, OLDER, HTML), Reply(200, NEWER, HTML))
    clock = FakeClock(start=AFTER_THE_POSTS)
    f = fetcher(replay, clock)
    pages, cursor = run(f, job())
    seen = replay.seen("/s/tchantest")
    assert [r.query for r in seen] == [{}, {"before": "62"}]
    # The query filters what the preview shows (Telegram cannot search a channel).
    assert ids(pages) == ["tchantest/62", "tchantest/81", "tchantest/5", "tchantest/6", "tchantest/14", "tchantest/24"]
    assert sum(p.filtered for p in pages) == 10  # the other 5 posts of each page
    key = telegram.channel_key("tchantest")
    assert cursor == {"channels": {key: 94}}
    assert [p.cursor for p in pages] == [None, cursor]  # the mark moves with the channel's last page only
    # Nothing the reports keep names the channel: origins say which channel by its place in the list.
    assert all("tchantest" not in p.origin for p in pages)
    # A second run reads the newest page once, finds nothing after message 94, and stops.
    again, cursor2 = run(f, job(), cursor)
    assert len(replay.seen("/s/tchantest")) == 3 and replay.seen("/s/tchantest")[-1].query == {}
    assert ids(again) == [] and cursor2 == cursor


def test_a_new_message_since_the_mark_is_the_only_one_read(replay: ReplayServer) -> None:
    replay.route("/s/tchantest", Reply(200, NEWER, HTML))
    f = fetcher(replay, FakeClock(start=AFTER_THE_POSTS))
    pages, cursor = run(f, job("link OR message"), {"channels": {telegram.channel_key("tchantest"): 81}})
    assert ids(pages) == []  # 82-94 are newer than 81, and none of them matches the query
    assert sum(p.filtered for p in pages) == 4  # 82, 84, 89 and 94: read, and filtered out
    assert cursor == {"channels": {telegram.channel_key("tchantest"): 94}}
    assert len(replay.seen("/s/tchantest")) == 1  # 62 <= 81: the page reached the mark


def test_first_run_stops_at_the_lookback(replay: ReplayServer) -> None:
    replay.route("/s/tchantest", Reply(200, NEWER, HTML), Reply(200, OLDER, HTML))
    clock = FakeClock(start=datetime(2023, 2, 24, 20, tzinfo=UTC).timestamp())
    _, cursor = run(fetcher(replay, clock, lookback_days=0), job())
    assert len(replay.seen("/s/tchantest")) == 1  # the first page already goes back past the lookback
    assert cursor == {"channels": {telegram.channel_key("tchantest"): 94}}


def test_a_failed_page_keeps_the_mark_and_a_retry_reads_it_all_again(replay: ReplayServer) -> None:
    replay.route(
        "/s/tchantest",
        Reply(200, NEWER, HTML),
        Reply(500, b"oops"),
        Reply(500, b"oops"),
        Reply(200, NEWER, HTML),
        Reply(200, OLDER, HTML),
    )
    clock = FakeClock(start=AFTER_THE_POSTS)
    f = fetcher(replay, clock)
    pages, cursor = run(f, job(), {"channels": {}})
    assert cursor is None  # the before= page failed: nothing moves, the next run reads both pages again
    assert pages[-1].error and "500" in pages[-1].error and "tchantest" not in pages[-1].error
    first = ids(pages)
    retry, cursor = run(f, job(), {"channels": {}})
    assert ids(retry)[: len(first)] == first  # the same posts again: the lake's dedup keeps one of each
    assert cursor == {"channels": {telegram.channel_key("tchantest"): 94}}


def test_an_unknown_channel_is_an_error_of_that_channel_only(replay: ReplayServer) -> None:
    # t.me answers an unknown or private channel's /s/ with the channel's info page (no message list).
    info = b"<!DOCTYPE html><html><head><title>Telegram: Contact @nochannel</title></head><body></body></html>"
    replay.route("/s/nochannel", Reply(200, info, HTML))
    replay.route("/s/tchantest", Reply(200, OLDER, HTML))
    pages, cursor = run(fetcher(replay, FakeClock(start=AFTER_THE_POSTS)), job(channels=("nochannel", "tchantest")))
    assert "no Telegram channel messages" in (pages[0].error or "") and pages[0].body
    assert b"nochannel" not in pages[0].body and b"Contact @[redacted]" in pages[0].body  # for quarantine
    assert "nochannel" not in (pages[0].error or "")  # for the run report
    assert ids(pages) == ["tchantest/5", "tchantest/6", "tchantest/14", "tchantest/24"]
    assert cursor == {"channels": {telegram.channel_key("tchantest"): 24}}


def test_requests_per_minute_is_the_clients_budget_for_the_host(replay: ReplayServer) -> None:
    replay.route("/s/tchantest", Reply(200, NEWER, HTML), Reply(200, OLDER, HTML))
    clock = FakeClock(start=AFTER_THE_POSTS)
    run(fetcher(replay, clock, requests_per_minute=1), job())
    assert len(replay.seen("/s/tchantest")) == 2
    assert clock.sleeps and max(clock.sleeps) == pytest.approx(60, abs=1)  # the second page waited its turn
