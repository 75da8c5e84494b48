"""Threads end to end through the command line: ``import`` of Meta's documented responses (tests/data/threads),
``validate-config`` of the Threads sections, and ``collect --source threads`` against a local replay server
named by the configuration's base URL, with the token from the environment, and without it."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest
import yaml

from listening_post.cli import main
from listening_post.lake import Lake
from listening_post.links import read_links
from tests.replay import JSON, ReplayServer, Reply

DATA = Path(__file__).resolve().parents[1] / "data" / "threads"
TOKEN = "THQVJ-functional-token-never-written"
NAMES = ("<user>", "threadsapitestuser", "meta")  # the usernames in the documented responses
ALL_TIME = (date(2000, 1, 1), date(2100, 1, 1))


def run(*args: str) -> int:
    try:
        return main(list(args))
    except SystemExit as exc:  # argparse exits on bad arguments
        return int(exc.code or 0)


def last_json(out: str) -> Any:
    return json.loads(out.strip().splitlines()[-1])


def document(base_url: str, profiles: list[str], query: str = "thread OR monday") -> dict[str, Any]:
    return {
        "version": 1,
        "secrets": {"author_key": {"env": "LISTENING_POST_AUTHOR_KEY"}},
        "countries": [
            {
                "code": "US",
                "languages": ["en"],
                "sources": {"threads": {"profiles": profiles}},
                "queries": [{"id": "q1", "query": query, "sources": ["threads"]}],
            }
        ],
        "sources": {
            "http": {"backoff_max_seconds": 0, "read_timeout_seconds": 2},
            "threads": {"access_token": {"env": "THREADS_TOKEN"}, "base_url": base_url},
        },
    }


def write(tmp_path: Path, doc: dict[str, Any]) -> Path:
    path = tmp_path / "config.yaml"
    path.write_text(yaml.safe_dump(doc), encoding="utf-8")
    return path


def assert_no_identity_outside_text(lake_dir: Path) -> None:
    """No username in any posts column but text, nor in quarantine, cursors or run reports."""
    for parquet in (lake_dir / "posts").rglob("*.parquet"):
        for row in pq.read_table(parquet).to_pylist():
            for column, value in row.items():
                if column != "text":
                    assert not any(name in repr(value).lower() for name in NAMES), (column, value)
    for path in [*lake_dir.rglob("*.json"), *lake_dir.rglob("*.jsonl")]:
        if "links" in path.parts:
            continue
        text = path.read_text(encoding="utf-8").lower()
        assert TOKEN.lower() not in text, path
        assert "/@meta/" not in text and "threadsapitestuser" not in text and '"meta"' not in text, path


def test_import_documented_responses(tmp_path: Path, author_key: str, capsys: pytest.CaptureFixture[str]) -> None:
    lake_dir = tmp_path / "lake"
    files = [
        str(DATA / name)
        for name in ("docs_keyword_search.json", "docs_profile_posts.EDITED.json", "restfb_basic-media.json")
    ]
    assert run("import", "--source", "threads", "--country", "US", "--lake", str(lake_dir), *files) == 0
    # Three posts: the documented ids 1234567890 and 1234567 (the last file is 1234567 again).
    assert last_json(capsys.readouterr().out) == {"imported": 2, "duplicates": 1, "quarantined": 0, "erased": 0}
    lake = Lake.from_uri(str(lake_dir))
    rows = {r["post_id"]: r for r in lake.read_posts("US", *ALL_TIME).to_pylist()}
    assert set(rows) == {"threads:1234567890", "threads:1234567"}
    assert all(r["url"] is None and r["author_id"] and r["source"] == "threads" for r in rows.values())
    assert rows["threads:1234567"]["hashtags"] == ["mondays"]
    links = read_links(lake, "US", *ALL_TIME, rows)
    assert links == {
        "threads:1234567890": "https://www.threads.net/@<USER>/post/abcdefg",
        "threads:1234567": "https://www.threads.net/@meta/post/abcdefg",
    }
    assert_no_identity_outside_text(lake_dir)


def test_import_quarantines_what_cannot_be_used(
    tmp_path: Path, author_key: str, capsys: pytest.CaptureFixture[str]
) -> None:
    lake_dir = tmp_path / "lake"
    files = [str(DATA / n) for n in ("docs_repost.json", "docs_profile_posts.verbatim.json", "restfb_exception.json")]
    code = run("import", "--source", "threads", "--country", "US", "--lake", str(lake_dir), *files)
    out, err = capsys.readouterr()
    # The repost file parsed (its one record quarantined), the other two did not: each is said, no traceback.
    assert code == 0 and "Traceback" not in err
    assert last_json(out) == {"imported": 0, "duplicates": 0, "quarantined": 3, "erased": 0}
    (qfile,) = lake_dir.glob("quarantine/source=threads/dt=*/*.json")
    reasons = {(r["origin"].rsplit("/", 1)[-1], r["reason"]) for r in json.loads(qfile.read_text())["records"]}
    assert ("docs_repost.json", "missing timestamp") in reasons
    assert any(o == "docs_profile_posts.verbatim.json" and "invalid JSON at line 15" in r for o, r in reasons)
    assert any(o == "restfb_exception.json" and "THApiException, code 100" in r for o, r in reasons)
    assert_no_identity_outside_text(lake_dir)


def test_validate_config_reads_the_threads_sections(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run("validate-config", str(write(tmp_path, document("https://graph.threads.net", ["@Meta"])))) == 0
    bad = document("graph.threads.net", ["https://threads.net/@meta"])
    bad["sources"]["threads"]["search_type"] = "LATEST"
    assert run("validate-config", str(write(tmp_path, bad))) == 2
    err = capsys.readouterr().err
    assert "sources.threads.base_url" in err and "sources.threads.search_type" in err
    assert "countries[0].sources.threads.profiles" in err and "not a Threads username" in err


@pytest.mark.integration
def test_collect_against_a_replay_server(
    tmp_path: Path,
    replay: ReplayServer,
    author_key: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("THREADS_TOKEN", TOKEN)
    replay.route(
        "/v1.0/keyword_search",
        Reply(429, b"", {"Retry-After": "0"}),
        Reply(200, (DATA / "docs_keyword_search.json").read_bytes(), JSON),
        Reply(200, b'{"data": []}', JSON),
    )
    replay.route(
        "/v1.0/profile_posts",
        Reply(200, (DATA / "docs_profile_posts.EDITED.json").read_bytes(), JSON),
        Reply(200, b'{"data": []}', JSON),
    )
    config = write(tmp_path, document(replay.url, ["meta"]))
    lake_dir = tmp_path / "lake"
    assert run("collect", "--config", str(config), "--lake", str(lake_dir), "--source", "threads") == 0
    out, err = capsys.readouterr()
    summary = last_json(out)
    assert summary["sources"]["threads"]["imported"] == 2 and summary["sources"]["threads"]["errors"] == 0
    searches = replay.seen("/v1.0/keyword_search")
    assert [r.query["q"] for r in searches] == ["thread", "thread", "monday"]  # the 429 retried
    assert all(r.query["access_token"] == TOKEN for r in searches)
    assert replay.seen("/v1.0/profile_posts")[1].query["after"] == "AFTER_CURSOR"
    assert TOKEN not in out + err
    assert_no_identity_outside_text(lake_dir)
    # The next run asks each stream from the newest post it saw; a search that found nothing, from the lookback.
    assert run("collect", "--config", str(config), "--lake", str(lake_dir), "--source", "threads") == 0
    capsys.readouterr()
    again = {r.query["q"]: r.query["since"] for r in replay.seen("/v1.0/keyword_search")[3:]}
    assert again["thread"] == "1697521323" and int(again["monday"]) > 1_700_000_000
    assert replay.seen("/v1.0/profile_posts")[-1].query["since"] == "1697521323"


def test_collect_without_the_token_skips_the_source(
    tmp_path: Path, author_key: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("THREADS_TOKEN", raising=False)
    config = write(tmp_path, document("http://127.0.0.1:9", ["meta"]))
    run("collect", "--config", str(config), "--lake", str(tmp_path / "lake"), "--source", "threads")
    skipped = last_json(capsys.readouterr().out)["sources"]["threads"]["skipped"]
    assert skipped.startswith("missing credentials (access_token)") and "THREADS_TOKEN" in skipped


def test_erase_author_by_profile_link(tmp_path: Path, author_key: str, capsys: pytest.CaptureFixture[str]) -> None:
    lake_dir = tmp_path / "lake"
    files = [str(DATA / "docs_keyword_search.json"), str(DATA / "docs_profile_posts.EDITED.json")]
    assert run("import", "--source", "threads", "--country", "US", "--lake", str(lake_dir), *files) == 0
    capsys.readouterr()
    link = "https://www.threads.net/@Meta/post/abcdefg"  # as a person would copy it
    assert run("erase-author", "--source", "threads", "--handle", link, "--lake", str(lake_dir)) == 0
    capsys.readouterr()
    lake = Lake.from_uri(str(lake_dir))
    assert [r["post_id"] for r in lake.read_posts("US", *ALL_TIME).to_pylist()] == ["threads:1234567890"]
    assert set(read_links(lake, "US", *ALL_TIME, ["threads:1234567", "threads:1234567890"])) == {"threads:1234567890"}
