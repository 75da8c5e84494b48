"""Telegram end to end through the command line: ``validate-config`` with channels, ``import --source
telegram`` of the recorded pages and exports (tests/data/telegram/), and ``collect --source telegram`` with no
key against a local server on 127.0.0.1 replaying the recorded t.me/s pages through the configured base URL."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest
import yaml

from listening_post.cli import main
from listening_post.cursors import LakeCursorStore
from listening_post.jobs import JobKey
from listening_post.lake import Lake
from listening_post.sources import telegram
from tests.replay import ReplayServer, Reply

pytestmark = pytest.mark.integration

DATA = Path(__file__).resolve().parents[1] / "data" / "telegram"
HTML = {"Content-Type": "text/html; charset=utf-8"}
# What names the channels, their admin and their numeric ids in the recorded files.
IDENTITIES = ("tchantest", "test_channel", "another_channel", "1591537674", "Justen", "700000000")


def run(*args: str) -> int:
    try:
        return main(list(args))
    except SystemExit as exc:
        return int(exc.code or 0)


def document(base_url: str, channels: list[str], **settings: Any) -> dict[str, Any]:
    return {
        "version": 1,
        "secrets": {"author_key": {"env": "LISTENING_POST_AUTHOR_KEY"}},
        "countries": [
            {
                "code": "BR",
                "languages": ["pt", "en"],
                "sources": {"telegram": {"channels": channels}},
                "queries": [{"id": "q1", "query": "message OR link OR pics", "sources": ["telegram"]}],
            }
        ],
        "sources": {
            "http": {"backoff_max_seconds": 0, "read_timeout_seconds": 2, "max_attempts": 1},
            "telegram": {"base_url": base_url, "lookback_hours": 720, **settings},
        },
    }


def write(tmp_path: Path, doc: dict[str, Any]) -> Path:
    path = tmp_path / "config.yaml"
    path.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    return path


def rows(lake_dir: Path, table: str) -> list[dict[str, Any]]:
    files = sorted((lake_dir / table).rglob("*.parquet"))
    return [row for f in files for row in pq.read_table(f).to_pylist()]


def assert_no_identity_outside_text(lake_dir: Path) -> None:
    for row in rows(lake_dir, "posts"):
        shown = json.dumps({k: v for k, v in row.items() if k != "text"}, default=str)
        assert not [name for name in IDENTITIES if name in shown], row["post_id"]
    for path in (lake_dir / "state").rglob("*"):  # cursors
        if path.is_file():
            assert not [name for name in IDENTITIES if name in path.read_text(errors="replace")], path
    for path in (lake_dir / "runs").rglob("*.json"):
        assert not [name for name in IDENTITIES if name in path.read_text()], path


def test_validate_config_with_channels(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    good = write(tmp_path, document("https://t.me", ["@TchanTest", "https://t.me/s/durov"], requests_per_minute=10))
    assert run("validate-config", str(good)) == 0
    assert "valid (1 countries" in capsys.readouterr().out
    bad = document("https://t.me", ["not a channel"], requests_per_minut=10)
    bad["countries"][0]["queries"].append({"id": "q2", "query": "x", "sources": ["telegram"]})
    assert run("validate-config", str(write(tmp_path, bad))) == 2
    err = capsys.readouterr().err
    assert "2 problem(s)" in err
    assert "countries[0].sources.telegram.channels: 'not a channel' is not a Telegram channel username" in err
    assert "sources.telegram.requests_per_minut: unknown field 'requests_per_minut'" in err
    assert "Traceback" not in err
    empty = document("https://t.me", [])
    assert run("validate-config", str(write(tmp_path, empty))) == 2
    assert "countries[0].sources.telegram.channels is empty" in capsys.readouterr().err


def test_import_pages_and_exports(tmp_path: Path, author_key: str, capsys: pytest.CaptureFixture[str]) -> None:
    lake_dir = tmp_path / "lake"
    files = [
        *(str(p) for p in sorted(DATA.glob("*.html"))),
        str(DATA / "telethon_tchantest.jsonl"),
        str(DATA / "chat_analytics_DM_2A_7M.json"),
    ]
    args = ["import", "--source", "telegram", "--country", "BR", "--lake", str(lake_dir), *files]
    assert run(*args) == 0
    first = json.loads(capsys.readouterr().out)
    # tchantest 62-94: 7, 1-24: 9, lifemodel: 2, Telethon: 3; the private chat's 8 messages kept nowhere.
    assert first == {"imported": 21, "duplicates": 0, "quarantined": 0, "erased": 0}
    assert run(*args) == 0
    assert json.loads(capsys.readouterr().out) == {"imported": 0, "duplicates": 21, "quarantined": 0, "erased": 0}
    posts = rows(lake_dir, "posts")
    assert len(posts) == 21 and {p["source"] for p in posts} == {"telegram"}
    assert all(p["url"] is None for p in posts)
    texts = {p["text"] for p in posts}
    assert "Bigger text message number 34" in texts and "Hello! Signed and edited message" in texts
    reposts = [p for p in posts if p["is_repost"]]
    assert len(reposts) == 2 and all(p["text"] == "" for p in reposts)
    assert sum(p["reposted_post_id"] is not None for p in reposts) == 1  # the forward of another_channel/500
    assert sum(p["reply_to_post_id"] is not None for p in posts) == 2  # tchantest/20, from the page and Telethon
    # The reader's links of the original posts, apart from the posts; none for a repost.
    links = rows(lake_dir, "links")
    assert len(links) == 19 - 3 and all(link["url"].startswith("https://t.me/") for link in links)
    assert_no_identity_outside_text(lake_dir)
    assert not (lake_dir / "quarantine").exists() or not any((lake_dir / "quarantine").rglob("*.json"))
    # The channel's handle as a person gives it finds its posts: erasure removes them and their links.
    config = write(tmp_path, document("https://t.me", ["tchantest"]))
    erase = ("erase-author", "--source", "telegram", "--lake", str(lake_dir), "--config", str(config))
    assert run(*erase, "--handle", "https://t.me/s/TchanTest") == 0
    capsys.readouterr()
    left = rows(lake_dir, "posts")
    assert len(left) == 21 - 16  # lifemodel's 2 and Telethon's 3 stay (exports name the channel by number)
    assert [link["url"] for link in rows(lake_dir, "links")] == ["https://t.me/test_channel/1001"]
    assert run(*erase, "--handle", "channel1591537674") == 0
    assert len(rows(lake_dir, "posts")) == 2


def test_import_refuses_another_platforms_file_with_its_reason(
    tmp_path: Path, author_key: str, capsys: pytest.CaptureFixture[str]
) -> None:
    other = Path(__file__).resolve().parents[1] / "data" / "mastodon" / "docs_streaming_websocket_update.json"
    lake_dir = tmp_path / "lake"
    assert run("import", "--source", "telegram", "--country", "BR", "--lake", str(lake_dir), str(other)) == 1
    out = capsys.readouterr()
    assert json.loads(out.out)["quarantined"] == 1 and "Traceback" not in out.err
    (kept,) = (lake_dir / "quarantine").rglob("*.json")
    assert "not a Telegram export this reader knows" in kept.read_text()


def test_collect_with_no_key_reads_new_pages_once(
    tmp_path: Path, replay: ReplayServer, author_key: str, capsys: pytest.CaptureFixture[str]
) -> None:
    newer, older = (DATA / "tchantest_62-94.html").read_bytes(), (DATA / "tchantest_1-24.html").read_bytes()
    lake_dir = tmp_path / "lake"
    config = write(tmp_path, document(replay.url, ["tchantest"]))
    collect = ("collect", "--config", str(config), "--lake", str(lake_dir), "--source", "telegram")

    # The recorded posts are from 2023: a first run would stop at the lookback after one page. The channel
    # was read before up to its first message, so this run must read back to it, through before=62.
    lake = Lake.from_uri(str(lake_dir))
    cursors, key = LakeCursorStore(lake), JobKey("BR", "q1", "telegram")
    cursors.put(key, {"channels": {telegram.channel_key("tchantest"): 1}})

    # A run whose before= page fails: the newest page's posts are kept, the cursor does not move.
    replay.route("/s/tchantest", Reply(200, newer, HTML), Reply(503, b"busy"))
    assert run(*collect) == 0
    failed = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert failed["sources"]["telegram"]["imported"] == 2 and failed["sources"]["telegram"]["errors"] == 1
    assert cursors.get(key) == {"channels": {telegram.channel_key("tchantest"): 1}}

    # The retry reads both pages again: the two posts already kept are duplicates, not new rows.
    replay.route("/s/tchantest", Reply(200, newer, HTML), Reply(200, older, HTML))
    assert run(*collect) == 0
    retry = json.loads(capsys.readouterr().out.strip().splitlines()[-1])["sources"]["telegram"]
    assert (retry["imported"], retry["duplicates"], retry["errors"]) == (4, 2, 0)
    assert [r.query for r in replay.seen("/s/tchantest")] == [{}, {"before": "62"}, {}, {"before": "62"}]
    table = lake.read_posts("BR", date(2023, 1, 1), date(2023, 12, 31)).to_pylist()
    assert len(table) == 6 and len({r["post_id"] for r in table}) == 6
    assert cursors.get(key) == {"channels": {telegram.channel_key("tchantest"): 94}}

    # Nothing new since: one request, nothing imported, the cursor stays.
    replay.route("/s/tchantest", Reply(200, newer, HTML))
    assert run(*collect) == 0
    again = json.loads(capsys.readouterr().out.strip().splitlines()[-1])["sources"]["telegram"]
    assert (again["imported"], again["duplicates"]) == (0, 0)
    assert [r.query for r in replay.seen("/s/tchantest")][4:] == [{}]
    assert cursors.get(key) == {"channels": {telegram.channel_key("tchantest"): 94}}
    assert_no_identity_outside_text(lake_dir)
