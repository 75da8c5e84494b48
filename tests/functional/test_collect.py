"""``listening-post collect`` end to end: all eight sources replayed on 127.0.0.1, the run report, the
cursors, a run with no keys at all, and a crash between the lake write and the cursor."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
import yaml

from listening_post.cli import main
from listening_post.cursors import CursorKey, LakeCursorStore
from listening_post.lake import Lake
from tests.replay import JSON, ReplayServer, Reply

pytestmark = pytest.mark.integration

SECRETS = {
    "LP_REDDIT_ID": "reddit-id-value",
    "LP_REDDIT_SECRET": "reddit-secret-value",
    "LP_BSKY_ID": "me.bsky.test",
    "LP_BSKY_PASSWORD": "bsky-app-password-value",
    "LP_X_TOKEN": "x-bearer-token-value",
    "LP_YT_KEY": "youtube-key-value",
}


def write_config(tmp_path: Path, url: str, *, sources_local: list[str], sources_search: list[str]) -> Path:
    document: dict[str, Any] = {
        "version": 1,
        "secrets": {"author_key": {"env": "LISTENING_POST_AUTHOR_KEY"}},
        "countries": [
            {
                "code": "DE",
                "languages": ["de"],
                "sources": {
                    "rss": {"feeds": [{"url": f"{url}/heise.atom", "language": "de"}]},
                    "mastodon": {"hashtags": ["hoot"]},
                    "reddit": {"subreddits": ["de"]},
                    "youtube": {"video_ids": ["F1UP7wRCPH8"]},
                },
                "queries": [
                    {"id": "local", "query": "Java OR hoot OR google", "sources": sources_local},
                    {"id": "search", "query": "redistricting", "sources": sources_search},
                ],
            }
        ],
        "sources": {
            "http": {"backoff_max_seconds": 0, "read_timeout_seconds": 2, "contact": "ops@example.org"},
            "google_news": {"base_url": url},
            "mastodon": {"instances": [url]},
            "reddit": {
                "client_id": {"env": "LP_REDDIT_ID"},
                "client_secret": {"env": "LP_REDDIT_SECRET"},
                "api_base": url,
                "auth_base": url,
            },
            "bluesky": {
                "identifier": {"env": "LP_BSKY_ID"},
                "app_password": {"env": "LP_BSKY_PASSWORD"},
                "service": url,
            },
            "x": {"bearer_token": {"env": "LP_X_TOKEN"}, "base_url": url},
            "youtube": {"api_key": {"env": "LP_YT_KEY"}, "base_url": url},
            "gdelt": {"base_url": f"{url}/gdelt", "requests_per_minute": 60, "lookback_hours": 6},
        },
    }
    path = tmp_path / "config.yaml"
    path.write_text(yaml.safe_dump(document))
    return path


def serve_everything(replay: ReplayServer, payloads: Path) -> None:
    def read(*parts: str) -> bytes:
        return payloads.joinpath(*parts).read_bytes()

    cassette = yaml.safe_load(read("mastodon", "mastodonpy_cassette_test_hashtag_tl.yaml"))
    timeline = next(i for i in cassette["interactions"] if "/timelines/tag/" in i["request"]["uri"])
    link = timeline["response"]["headers"]["link"][0]
    replay.route("/heise.atom", Reply(200, read("rss", "rssparser_heise.atom"), {"ETag": '"h1"'}))
    replay.route("/rss/search", Reply(200, read("rss", "rssparser_guardian.TRIMMED5.rss")))
    replay.route(
        "/api/v1/timelines/tag/hoot",
        Reply(200, timeline["response"]["body"]["string"], {**JSON, "Link": link}),
        Reply(200, b"[]", JSON),
    )
    session = {"accessJwt": "bsky-access-jwt-value", "refreshJwt": "bsky-refresh-jwt-value"}
    replay.route("/xrpc/com.atproto.server.createSession", Reply(200, session, JSON))
    replay.route(
        "/xrpc/app.bsky.feed.searchPosts",
        Reply(200, read("bluesky", "searchPosts_q-redistricting.response.json"), JSON),
        Reply(200, {"posts": []}, JSON),
    )
    replay.route("/api/v1/access_token", Reply(200, {"access_token": "reddit-token-value", "expires_in": 86400}, JSON))
    replay.route(
        "/r/de/search", Reply(200, read("reddit", "praw_r-askreddit_new_listing.TRIMMED3.response.json"), JSON)
    )
    x_page = read("twitter_x", "academictwitteR_search_all_IchBinHanna_place-Berlin.FULL.response.json")
    replay.route("/2/tweets/search/recent", Reply(200, x_page, JSON))
    replay.route(
        "/commentThreads",
        Reply(200, read("youtube", "pyyoutube_comment_threads_by_video_paged_1.json"), JSON),
        Reply(200, read("youtube", "pyyoutube_comment_thread_single.json"), JSON),
    )
    article = {
        "url": "https://example.de/redistricting",
        "title": "Redistricting in den USA",
        "seendate": datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ"),
        "domain": "example.de",
        "language": "German",
    }
    replay.route("/gdelt", Reply(200, {"articles": [article]}, JSON), Reply(200, b"{}", JSON))


@pytest.fixture
def keys(monkeypatch: pytest.MonkeyPatch, author_key: str) -> None:
    for name, value in SECRETS.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")


def collect(*args: str) -> int:
    try:
        return main(["collect", *args])
    except SystemExit as exc:
        return int(exc.code or 0)


def test_collect_all_eight_sources(
    tmp_path: Path, replay: ReplayServer, payloads: Path, keys: None, capsys: pytest.CaptureFixture[str]
) -> None:
    serve_everything(replay, payloads)
    config = write_config(
        tmp_path,
        replay.url,
        sources_local=["rss", "mastodon", "youtube"],
        sources_search=["google_news", "bluesky", "reddit", "x", "gdelt"],
    )
    lake_dir = tmp_path / "lake"
    assert collect("--config", str(config), "--lake", str(lake_dir)) == 0
    out, err = capsys.readouterr()
    summary = json.loads(out.strip().splitlines()[-1])
    sources = summary["sources"]
    assert set(sources) == {"rss", "google_news", "mastodon", "bluesky", "reddit", "x", "youtube", "gdelt"}
    assert {name: s["errors"] for name, s in sources.items()} == dict.fromkeys(sources, 0)
    assert {name: s["posts"] > 0 for name, s in sources.items()} == dict.fromkeys(sources, True)
    assert sources["x"]["posts"] == 15 and sources["bluesky"]["posts"] == 25 and sources["reddit"]["posts"] == 3
    # Progress per source on stderr.
    assert "DE search x: 1 pages, 15 new" in err and "DE local rss:" in err

    lake = Lake.from_uri(str(lake_dir))
    report = lake.read_json(summary["report"])
    assert report["sources"]["rss"]["filtered"] > 0  # heise entries that are not about Java
    assert report["sources"]["mastodon"]["jobs"][0]["cursor_advanced"] is True
    for name in ("pages", "posts", "duplicates", "quarantined", "errors", "duration_seconds"):
        assert name in report["sources"]["gdelt"]
    store = LakeCursorStore(lake)
    assert store.get(CursorKey("DE", "search", "x")) == {"since_id": "1403438596695134209"}
    assert store.get(CursorKey("DE", "local", "rss")) == {"feeds": {f"{replay.url}/heise.atom": {"etag": '"h1"'}}}
    # X places set the country (Berlin, DE); rows carry no handle.
    table = lake.read_posts("DE", date(2000, 1, 1), date(2100, 1, 1))
    assert table.num_rows == sum(s["posts"] for s in sources.values())
    rows = table.to_pylist()
    assert not any("bsky.social" in (r["url"] or "") for r in rows if r["source"] == "bluesky")
    # No secret value anywhere: output, progress, report, lake documents.
    documents = "".join(p.read_text() for p in lake_dir.rglob("*.json"))
    for value in SECRETS.values():
        assert value not in out + err + documents
    for leaked in ("bsky-access-jwt-value", "reddit-token-value"):
        assert leaked not in out + err + documents
    assert replay.seen("/heise.atom")[0].headers["user-agent"].endswith("; ops@example.org)")

    # The second run asks only for what is new.
    assert collect("--config", str(config), "--lake", str(lake_dir), "--source", "x") == 0
    assert replay.seen("/2/tweets/search/recent")[-1].query["since_id"] == "1403438596695134209"
    again = json.loads(capsys.readouterr().out.strip().splitlines()[-1])["sources"]
    assert again == {"x": {"posts": 0, "duplicates": 15, "quarantined": 0, "erased": 0, "errors": 0}}


def test_collect_with_no_keys_runs_the_keyless_sources(
    tmp_path: Path, replay: ReplayServer, payloads: Path, author_key: str, capsys: pytest.CaptureFixture[str]
) -> None:
    serve_everything(replay, payloads)
    config = write_config(
        tmp_path,
        replay.url,
        sources_local=["rss", "mastodon", "youtube"],
        sources_search=["google_news", "bluesky", "reddit", "x", "gdelt"],
    )
    assert collect("--config", str(config), "--lake", str(tmp_path / "lake")) == 0
    out, err = capsys.readouterr()
    sources = json.loads(out.strip().splitlines()[-1])["sources"]
    for keyless in ("rss", "google_news", "mastodon", "gdelt"):
        assert sources[keyless]["posts"] > 0 and sources[keyless]["errors"] == 0
    assert sources["x"] == {"skipped": "missing credentials (bearer_token): environment variable LP_X_TOKEN is not set"}
    assert sources["reddit"]["skipped"].endswith("environment variable LP_REDDIT_ID is not set")
    assert set(sources["bluesky"]) == set(sources["youtube"]) == {"skipped"}
    assert "x: skipped, missing credentials" in err
    assert not replay.seen("/2/tweets/search/recent") and not replay.seen("/api/v1/access_token")


class Crash(BaseException):
    """The process dies: nothing in the collector may catch this."""


def test_a_crash_between_the_lake_write_and_the_cursor_is_absorbed(
    tmp_path: Path,
    replay: ReplayServer,
    payloads: Path,
    keys: None,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    serve_everything(replay, payloads)
    config = write_config(tmp_path, replay.url, sources_local=["rss"], sources_search=["x"])
    lake_dir = tmp_path / "lake"
    original_put = LakeCursorStore.put

    def crash_on_x(self: LakeCursorStore, key: Any, cursor: Any) -> None:
        if key.source == "x":
            raise Crash  # the X posts are in the lake; the process dies before their cursor is stored
        original_put(self, key, cursor)

    monkeypatch.setattr(LakeCursorStore, "put", crash_on_x)
    with pytest.raises(Crash):
        collect("--config", str(config), "--lake", str(lake_dir))
    lake = Lake.from_uri(str(lake_dir))
    rows = lake.read_posts("DE", date(2000, 1, 1), date(2100, 1, 1)).to_pylist()
    assert sum(r["source"] == "x" for r in rows) == 15
    assert not (lake_dir / "state/cursors/country=DE/source=x").exists()

    monkeypatch.setattr(LakeCursorStore, "put", original_put)
    capsys.readouterr()
    assert collect("--config", str(config), "--lake", str(lake_dir)) == 0
    sources = json.loads(capsys.readouterr().out.strip().splitlines()[-1])["sources"]
    assert sources["x"]["posts"] == 0 and sources["x"]["duplicates"] == 15
    assert lake.read_posts("DE", date(2000, 1, 1), date(2100, 1, 1)).num_rows == len(rows)
    # The same page was asked for again from the same place: the first cursor never got stored.
    first, second = replay.seen("/2/tweets/search/recent")
    assert "since_id" not in first.query and "since_id" not in second.query
    assert (lake_dir / "state/cursors/country=DE/source=x/search.json").exists()


def test_a_country_not_in_the_configuration_is_a_usage_error(
    tmp_path: Path, replay: ReplayServer, capsys: pytest.CaptureFixture[str], author_key: str
) -> None:
    config = write_config(tmp_path, replay.url, sources_local=["rss"], sources_search=["gdelt"])
    assert collect("--config", str(config), "--lake", str(tmp_path / "lake"), "--country", "FR") == 2
    assert "country FR is not in the configuration" in capsys.readouterr().err
