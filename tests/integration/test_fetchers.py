"""Every fetcher against a local server on 127.0.0.1 that replays the real payloads page by page, with
faults injected: 429 with Retry-After, 500s, timeouts, truncated JSON, HTML error pages, GDELT's
plain-text error with HTTP 200."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import yaml

from listening_post.config import Config, parse_config
from listening_post.jobs import Job
from listening_post.sources.bluesky import BlueskyFetcher, BlueskySession
from listening_post.sources.fetch import FetchContext, FetchedPage, Fetcher
from listening_post.sources.gdelt import GdeltFetcher
from listening_post.sources.google_news import GoogleNewsFetcher
from listening_post.sources.http import HttpClient, HttpPolicy
from listening_post.sources.mastodon import MastodonFetcher
from listening_post.sources.reddit import RedditAuth, RedditFetcher
from listening_post.sources.rss import RssFetcher
from listening_post.sources.x import XFetcher
from listening_post.sources.youtube import YoutubeFetcher
from tests.replay import JSON, FakeClock, ReplayServer, Reply

pytestmark = pytest.mark.integration


def config(query: str, **country_sources: Any) -> Config:
    document = {
        "version": 1,
        "secrets": {"author_key": {"env": "LISTENING_POST_AUTHOR_KEY"}},
        "countries": [
            {
                "code": "DE",
                "languages": ["de", "en"],
                "sources": country_sources,
                "queries": [{"id": "q1", "query": query, "sources": ["gdelt"]}],
            }
        ],
    }
    return parse_config(yaml.safe_dump(document))


def job(cfg: Config, source: str) -> Job:
    country = cfg.countries[0]
    return Job(country, country.queries[0], source)


def context(clock: FakeClock, **kwargs: Any) -> FetchContext:
    http = HttpClient(HttpPolicy(read_timeout=0.3, connect_timeout=0.5, max_attempts=3), clock=clock)
    return FetchContext(http, **kwargs)


def run(fetcher: Fetcher, j: Job, cursor: dict[str, Any] | None = None) -> tuple[list[FetchedPage], Any]:
    pages = list(fetcher.pages(j, cursor))
    cursors = [p.cursor for p in pages if p.cursor is not None]
    return pages, (cursors[-1] if cursors else None)


def posts(pages: list[FetchedPage]) -> list[Any]:
    return [post for p in pages if p.page for post in p.page.posts]


def body(payloads: Path, *parts: str) -> bytes:
    return payloads.joinpath(*parts).read_bytes()


# --- RSS and Google News ---------------------------------------------------------------------------


def test_rss_conditional_get_local_filter_and_a_failing_feed(replay: ReplayServer, payloads: Path) -> None:
    heise = body(payloads, "rss", "rssparser_heise.atom")
    replay.route("/heise.atom", Reply(200, heise, {"ETag": '"v1"', "Content-Type": "application/atom+xml"}), Reply(304))
    replay.route("/broken.xml", Reply(200, b"<!DOCTYPE html><html><body>Wartung</body></html>"))
    cfg = config(
        "Java OR JavaScript",
        rss={"feeds": [{"url": replay.url + "/broken.xml"}, {"url": replay.url + "/heise.atom", "language": "de"}]},
    )
    fetcher = RssFetcher(context(FakeClock()))
    pages, cursor = run(fetcher, job(cfg, "rss"))
    assert pages[0].error and "not an RSS or Atom feed" in pages[0].error and pages[0].body  # quarantinable
    kept = posts(pages)
    assert kept and pages[1].filtered == 15 - len(kept)
    assert all("java" in p.text.lower() for p in kept)
    assert cursor == {"feeds": {replay.url + "/heise.atom": {"etag": '"v1"'}}}
    again, _ = run(fetcher, job(cfg, "rss"), cursor)
    assert replay.seen("/heise.atom")[-1].headers["if-none-match"] == '"v1"'
    assert posts(again) == [] and again[1].note == "not modified"


def test_google_news_search_url_per_edition_and_500s(replay: ReplayServer, payloads: Path) -> None:
    feed = body(payloads, "rss", "rssparser_guardian.TRIMMED5.rss")
    replay.route("/rss/search", Reply(500), Reply(503), Reply(200, feed))
    clock = FakeClock()
    cfg = config('Zoll* OR "trade deal"', google_news={"languages": ["de", "en"]})
    fetcher = GoogleNewsFetcher(context(clock, lookback=timedelta(hours=24)), replay.url)
    pages, cursor = run(fetcher, job(cfg, "google_news"))
    asked = [r.query for r in replay.seen("/rss/search")]
    assert len(asked) == 4 and len(clock.sleeps) == 2  # two 500s retried, then both editions
    assert asked[2] == {"q": 'Zoll OR "trade deal" when:25h', "hl": "de-DE", "gl": "DE", "ceid": "DE:de"}
    assert asked[3]["ceid"] == "DE:en" and asked[3]["hl"] == "en-DE"
    assert len(posts(pages)) == 10 and set(cursor["editions"]) == {"DE:de", "DE:en"}
    # The next run asks only for what is new since then.
    clock.sleep(3 * 3600)
    run(fetcher, job(cfg, "google_news"), cursor)
    assert replay.seen("/rss/search")[-1].query["q"].endswith("when:4h")


# --- Mastodon ------------------------------------------------------------------------------------


def test_mastodon_link_header_pagination_and_cursor(replay: ReplayServer, payloads: Path) -> None:
    cassette = yaml.safe_load(body(payloads, "mastodon", "mastodonpy_cassette_test_hashtag_tl.yaml"))
    timeline = next(i for i in cassette["interactions"] if "/timelines/tag/" in i["request"]["uri"])
    link = timeline["response"]["headers"]["link"][0]  # as recorded, pointing at the test instance
    status = timeline["response"]["body"]["string"]
    replay.route("/api/v1/timelines/tag/hoot", Reply(200, status, {**JSON, "Link": link}), Reply(200, b"[]", JSON))
    clock = FakeClock(start=datetime(2026, 8, 1, 14, tzinfo=UTC).timestamp())
    cfg = config("hoot OR toot", mastodon={"hashtags": ["hoot"]})
    fetcher = MastodonFetcher(context(clock), [replay.url])
    pages, cursor = run(fetcher, job(cfg, "mastodon"))
    host = replay.url.removeprefix("http://")
    assert [p.post_id for p in posts(pages)] == ["mastodon:localhost:3000/117020593741189701"]
    assert cursor == {"streams": {f"{host}#hoot": "117020593741189701"}}
    assert replay.seen("/api/v1/timelines/tag/hoot")[1].query["max_id"] == "117020593741189701"
    # The next run reads forward from the mark.
    run(fetcher, job(cfg, "mastodon"), cursor)
    assert replay.seen("/api/v1/timelines/tag/hoot")[-1].query == {"limit": "40", "min_id": "117020593741189701"}


def test_mastodon_html_error_page_keeps_the_mark(replay: ReplayServer, payloads: Path) -> None:
    replay.route("/api/v1/timelines/tag/hoot", Reply(200, b"<html><body>We're sorry</body></html>"))
    cfg = config("hoot", mastodon={"hashtags": ["hoot", "other"]})
    replay.route("/api/v1/timelines/tag/other", Reply(200, b"[]", JSON))
    pages, cursor = run(MastodonFetcher(context(FakeClock()), [replay.url]), job(cfg, "mastodon"), {"streams": {}})
    assert "HTML page" in (pages[0].error or "") and pages[0].body
    assert cursor is None  # neither stream moved: nothing to store
    assert len(replay.seen("/api/v1/timelines/tag/other")) == 1  # the failing stream did not stop the other


# --- Bluesky -------------------------------------------------------------------------------------


def test_bluesky_session_refresh_pages_and_cursor(replay: ReplayServer, payloads: Path) -> None:
    search = body(payloads, "bluesky", "searchPosts_q-redistricting.response.json")
    session = {"accessJwt": "access-1", "refreshJwt": "refresh-1", "did": "did:plc:me", "handle": "me.test"}
    replay.route("/xrpc/com.atproto.server.createSession", Reply(200, session, JSON))
    replay.route("/xrpc/com.atproto.server.refreshSession", Reply(200, {**session, "accessJwt": "access-2"}, JSON))
    replay.route(
        "/xrpc/app.bsky.feed.searchPosts",
        Reply(400, {"error": "ExpiredToken", "message": "Token has expired"}, JSON),
        Reply(200, search, {**JSON, "RateLimit-Remaining": "2983", "RateLimit-Reset": "1747676784"}),
        Reply(200, {"posts": []}, JSON),
    )
    clock = FakeClock(start=datetime(2025, 5, 19, 18, tzinfo=UTC).timestamp())
    cfg = config("redistricting")
    s = BlueskySession(HttpClient(clock=clock), replay.url, "me.test", "app-pass-word")
    pages, cursor = run(BlueskyFetcher(context(clock), s), job(cfg, "bluesky"))
    assert len(posts(pages)) == 25
    searches = replay.seen("/xrpc/app.bsky.feed.searchPosts")
    assert [r.headers["authorization"] for r in searches] == ["Bearer access-1", "Bearer access-2", "Bearer access-2"]
    assert replay.seen("/xrpc/com.atproto.server.refreshSession")[0].headers["authorization"] == "Bearer refresh-1"
    assert searches[1].query["q"] == "redistricting" and searches[1].query["sort"] == "latest"
    assert searches[2].query["cursor"] == "25"
    assert cursor == {"since": "2025-05-19T17:00:09Z"}  # newest post less ten minutes of overlap
    assert "app-pass-word" not in repr(s)


def test_bluesky_truncated_json_does_not_move_the_cursor(replay: ReplayServer, payloads: Path) -> None:
    search = body(payloads, "bluesky", "searchPosts_q-redistricting.response.json")
    replay.route("/xrpc/com.atproto.server.createSession", Reply(200, {"accessJwt": "a", "refreshJwt": "r"}, JSON))
    replay.route("/xrpc/app.bsky.feed.searchPosts", Reply(200, search[: len(search) // 2], JSON))
    clock = FakeClock()
    s = BlueskySession(HttpClient(clock=clock), replay.url, "me.test", "pw")
    pages, cursor = run(BlueskyFetcher(context(clock), s), job(config("redistricting"), "bluesky"))
    assert "invalid JSON" in (pages[0].error or "") and pages[0].body and cursor is None


# --- Reddit --------------------------------------------------------------------------------------


def test_reddit_oauth_search_429_and_watermark(replay: ReplayServer, payloads: Path) -> None:
    replay.route(
        "/api/v1/access_token", Reply(200, {"access_token": "tok", "token_type": "bearer", "expires_in": 86400}, JSON)
    )
    replay.route(
        "/r/de+germany/search",
        Reply(429, b"", {"Retry-After": "2"}),
        Reply(200, body(payloads, "reddit", "praw_r-askreddit_new_listing.TRIMMED3.response.json"), JSON),
        Reply(200, body(payloads, "reddit", "praw_r-all_search_q-praw-oauth-search.TRIMMED3.response.json"), JSON),
    )
    clock = FakeClock(start=datetime(2016, 3, 1, 10, tzinfo=UTC).timestamp())
    cfg = config('Energiewende OR "energy prices"', reddit={"subreddits": ["de", "germany"]})
    http = HttpClient(HttpPolicy(max_attempts=3), clock=clock, budgets={replay.url.removeprefix("http://"): 100})
    auth = RedditAuth(http, replay.url, "client-id", "client-secret")
    fetcher = RedditFetcher(FetchContext(http, lookback=timedelta(hours=24)), auth, replay.url)
    pages, cursor = run(fetcher, job(cfg, "reddit"))
    assert clock.sleeps == [2.0]
    token_request = replay.seen("/api/v1/access_token")[0]
    assert token_request.body == b"grant_type=client_credentials"
    assert token_request.headers["authorization"].startswith("Basic ")
    searches = replay.seen("/r/de+germany/search")
    assert searches[-1].headers["authorization"] == "bearer tok"
    assert searches[1].query == {
        "q": 'Energiewende OR "energy prices"',
        "sort": "new",
        "t": "day",
        "limit": "100",
        "type": "link",
        "raw_json": "1",
        "restrict_sr": "1",
    }
    assert searches[2].query["after"] == "t3_48f6io"
    assert len(posts(pages)) == 6
    assert cursor == {"newest_utc": 1456821458.0}  # stopped at posts older than the watermark
    assert "client-secret" not in repr(auth)


# --- X -------------------------------------------------------------------------------------------


def test_x_next_token_since_id_and_500(replay: ReplayServer, payloads: Path) -> None:
    d = payloads / "twitter_x"
    replay.route(
        "/2/tweets/search/recent",
        Reply(500, b'{"title": "Internal Error"}', JSON),
        Reply(
            200,
            (d / "academictwitteR_search_all_happy_has-mentions.TRIMMED_one-per-lang.response.json").read_bytes(),
            JSON,
        ),
        Reply(
            200, (d / "academictwitteR_search_all_url-cdc.gov.TRIMMED_one-per-lang.response.json").read_bytes(), JSON
        ),
        Reply(200, (d / "academictwitteR_search_all_IchBinHanna_place-Berlin.FULL.response.json").read_bytes(), JSON),
    )
    clock = FakeClock()
    fetcher = XFetcher(context(clock), "bearer-secret", replay.url)
    cfg = config("happy OR cdc")
    pages, cursor = run(fetcher, job(cfg, "x"))
    seen = replay.seen("/2/tweets/search/recent")
    assert len(seen) == 4 and len(clock.sleeps) == 1
    assert seen[1].headers["authorization"] == "Bearer bearer-secret"
    assert seen[1].query["query"] == "happy OR cdc" and "start_time" in seen[1].query
    assert seen[1].query["expansions"] == "referenced_tweets.id,geo.place_id,author_id,entities.mentions.username"
    assert seen[2].query["next_token"] == "b26v89c19zqg8o3fpdg6xcyplcn2ps6ttzzl16d15fkvx"
    assert len(posts(pages)) == 26 + 29 + 15
    assert cursor == {"since_id": "1403864655550951424"}
    run(fetcher, job(cfg, "x"), cursor)
    assert replay.seen("/2/tweets/search/recent")[-1].query["since_id"] == "1403864655550951424"
    assert "bearer-secret" not in repr(fetcher)


# --- YouTube -------------------------------------------------------------------------------------


def test_youtube_search_comments_timeout_and_marks(replay: ReplayServer, payloads: Path) -> None:
    search = {
        "kind": "youtube#searchListResponse",
        "items": [{"id": {"kind": "youtube#video", "videoId": "F1UP7wRCPH8"}}],
    }
    replay.route("/search", Reply(200, search, JSON))
    replay.route(
        "/commentThreads",
        Reply(200, b"{}", JSON, delay=1.0),  # a read timeout, retried
        Reply(200, body(payloads, "youtube", "pyyoutube_comment_threads_by_video_paged_1.json"), JSON),
        Reply(200, body(payloads, "youtube", "pyyoutube_comment_thread_single.json"), JSON),
    )
    clock = FakeClock(start=datetime(2019, 11, 27, tzinfo=UTC).timestamp())
    cfg = config("chrome OR google", youtube={"region_code": "DE"})
    fetcher = YoutubeFetcher(context(clock, lookback=timedelta(days=30)), "api-key-secret", replay.url)
    pages, cursor = run(fetcher, job(cfg, "youtube"))
    assert replay.seen("/search")[0].query["regionCode"] == "DE"
    assert replay.seen("/search")[0].query["q"] == "chrome | google"
    threads = replay.seen("/commentThreads")
    assert len(threads) == 3 and threads[2].query["pageToken"].startswith("QURTSl9p")
    assert len(posts(pages)) == 6  # comments on a searched video are all kept
    assert cursor == {"videos": {"F1UP7wRCPH8": "2019-11-26T15:51:44Z"}}
    assert all("api-key-secret" not in (p.origin + (p.error or "")) for p in pages)


def test_youtube_comments_disabled_is_a_note(replay: ReplayServer) -> None:
    disabled = {"error": {"code": 403, "message": "disabled", "errors": [{"reason": "commentsDisabled"}]}}
    replay.route("/commentThreads", Reply(403, disabled, JSON))
    cfg = config("chrome", youtube={"video_ids": ["abc"]})
    pages, cursor = run(YoutubeFetcher(context(FakeClock()), "k", replay.url), job(cfg, "youtube"))
    assert pages[0].note == "comments are disabled on video abc" and not pages[0].error and cursor is None


# --- GDELT ---------------------------------------------------------------------------------------


def gdelt_articles(n: int, day: str = "20261123") -> dict[str, Any]:
    return {
        "articles": [
            {
                "url": f"https://example.de/{day}/{i}",
                "title": f"Zölle {i}",
                "seendate": f"{day}T10{i % 60:02d}00Z",
                "domain": "example.de",
                "language": "German",
                "sourcecountry": "Germany",
            }
            for i in range(n)
        ]
    }


def test_gdelt_plain_text_error_then_capped_slices_split(replay: ReplayServer) -> None:
    replay.route(
        "/api/v2/doc/doc",
        Reply(200, b"Please limit requests to one every 5 seconds.", {"Content-Type": "text/html"}),
        Reply(200, gdelt_articles(250), JSON),  # capped: split in two
        Reply(200, gdelt_articles(100), JSON),
        Reply(200, gdelt_articles(3), JSON),
    )
    clock = FakeClock(start=datetime(2026, 11, 23, 12, tzinfo=UTC).timestamp())
    cfg = config("Zoll* OR Zölle")
    fetcher = GdeltFetcher(context(clock, lookback=timedelta(hours=6)), replay.url + "/api/v2/doc/doc")
    pages, cursor = run(fetcher, job(cfg, "gdelt"))
    assert "GDELT error message" in (pages[0].error or "") and pages[0].body and cursor is None
    pages, cursor = run(fetcher, job(cfg, "gdelt"))
    asked = [r.query for r in replay.seen("/api/v2/doc/doc")[1:]]
    assert [(q["startdatetime"], q["enddatetime"]) for q in asked] == [
        ("20261123060000", "20261123120000"),
        ("20261123060000", "20261123090000"),
        ("20261123090000", "20261123120000"),
    ]
    assert asked[0]["query"] == "(Zoll OR Zölle) sourcecountry:germany"
    assert asked[0]["mode"] == "artlist" and asked[0]["format"] == "json" and asked[0]["maxrecords"] == "250"
    assert "split in two" in (pages[0].note or "")
    assert cursor == {"until": "2026-11-23T12:00:00Z"}
    assert len({p.post_id for p in posts(pages)}) == 250


def test_gdelt_budget_spaces_requests(replay: ReplayServer) -> None:
    replay.route("/doc", Reply(200, b"{}", JSON))
    clock = FakeClock(start=datetime(2026, 11, 23, 12, tzinfo=UTC).timestamp())
    http = HttpClient(clock=clock, budgets={replay.url.removeprefix("http://"): 12})
    fetcher = GdeltFetcher(FetchContext(http, lookback=timedelta(hours=90), max_pages=20), replay.url + "/doc")
    pages, cursor = run(fetcher, job(config("Zoll"), "gdelt"))
    assert len(replay.seen("/doc")) == len(pages) == 15 and clock.sleeps == [60.0]  # the 13th request waits
    assert cursor == {"until": "2026-11-23T12:00:00Z"}
