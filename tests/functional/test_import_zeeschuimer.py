"""``listening-post import --source zeeschuimer`` on real Zeeschuimer exports, end to end into a lake."""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from listening_post.cli import main

DATA = Path(__file__).resolve().parents[1] / "data" / "zeeschuimer"
FILES = ["tiktok.TRIMMED5.ndjson", "twitter.TRIMMED6.ndjson", "instagram.TRIMMED4.ndjson"]
# Keys under which the captured items name accounts (handles, user ids), on the three platforms.
ACCOUNT_KEYS = {"uniqueId", "userUniqueId", "username", "screen_name", "user_id_str", "secUid"}


def run(*args: str) -> int:
    try:
        return main(list(args))
    except SystemExit as exc:
        return int(exc.code or 0)


def accounts(paths: list[Path]) -> set[str]:
    found: set[str] = set()

    def walk(value: object) -> None:
        if isinstance(value, dict):
            for key, inner in value.items():
                if key in ACCOUNT_KEYS and isinstance(inner, str) and len(inner) >= 4:
                    found.add(inner.lower())
                if key in ("user_mentions", "author", "user", "owner"):  # their ids are user ids
                    for account in inner if isinstance(inner, list) else [inner]:
                        for id_key in ("id_str", "id", "pk"):
                            if isinstance(account, dict) and len(str(account.get(id_key) or "")) >= 4:
                                found.add(str(account[id_key]))
                walk(inner)
        elif isinstance(value, list):
            for inner in value:
                walk(inner)

    for path in paths:
        for line in path.read_bytes().splitlines():
            data = json.loads(line)["data"]
            walk(data)
            user = data.get("core", {}).get("user_results", {}).get("result", {})  # X: the author's user id
            if user.get("rest_id"):
                found.add(user["rest_id"])
    return found


def test_import_real_exports_into_posts_of_each_platform(
    tmp_path: Path, author_key: str, capsys: pytest.CaptureFixture[str]
) -> None:
    paths = [str(DATA / f) for f in FILES]
    lake = tmp_path / "lake"
    assert run("import", "--source", "zeeschuimer", "--country", "TR", "--lake", str(lake), *paths) == 0
    assert json.loads(capsys.readouterr().out) == {"imported": 15, "duplicates": 0, "quarantined": 0, "erased": 0}
    assert run("import", "--source", "zeeschuimer", "--country", "TR", "--lake", str(lake), *paths) == 0
    assert json.loads(capsys.readouterr().out) == {"imported": 0, "duplicates": 15, "quarantined": 0, "erased": 0}

    posts = pq.read_table(lake / "posts").to_pylist()
    by_source: dict[str, int] = {}
    for post in posts:
        by_source[post["source"]] = by_source.get(post["source"], 0) + 1
    assert by_source == {"tiktok": 5, "x": 6, "instagram": 4}
    assert {p["post_id"] for p in posts if p["source"] == "instagram"} >= {"instagram:DUjFJZCjsA2"}
    assert all(p["author_id"] and len(p["author_id"]) == 32 for p in posts)  # pseudonyms
    # TikTok's links name the author: kept in links/, never in posts.
    assert all(p["url"] is None for p in posts if p["source"] == "tiktok")
    links = pq.read_table(lake / "links").to_pylist()
    assert {link["post_id"].split(":")[0] for link in links} == {"tiktok"}
    assert len(links) == 5

    # No handle or user id in any column but the text.
    names = accounts([DATA / f for f in FILES])
    assert len(names) > 20
    for post in posts:
        for column, value in post.items():
            if column == "text" or value is None:
                continue
            written = json.dumps(value, default=str).lower()
            hits = [n for n in names if n in written]
            assert not hits, f"posts.{column} of {post['post_id']} holds {hits}"


def test_bad_lines_are_quarantined_by_line_and_the_rest_imported(
    tmp_path: Path, author_key: str, capsys: pytest.CaptureFixture[str]
) -> None:
    good = (DATA / FILES[0]).read_bytes().splitlines()
    relabelled = json.loads(good[1])
    relabelled["source_platform"] = "linkedin.com"  # no recorded LinkedIn capture exists: a real line, relabelled
    mixed = tmp_path / "mixed.ndjson"
    mixed.write_bytes(
        b"\n".join([good[0], json.dumps(relabelled).encode(), b'{"source_platform": "tiktok.com"', good[2]])
    )
    lake = tmp_path / "lake"
    assert run("import", "--source", "zeeschuimer", "--country", "TR", "--lake", str(lake), str(mixed)) == 0
    assert json.loads(capsys.readouterr().out) == {"imported": 2, "duplicates": 0, "quarantined": 2, "erased": 0}
    [document] = [json.loads(p.read_text()) for p in (lake / "quarantine").rglob("*.json")]
    reasons = sorted(r["reason"] for r in document["records"])
    assert reasons[0].startswith("line 2: linkedin.com items are not read")
    assert reasons[1].startswith("line 3: invalid JSON")
    for handle in accounts([DATA / FILES[0]]):
        assert handle not in json.dumps(document).lower()


def test_a_file_that_is_no_export_is_refused_with_what_it_looks_like(
    tmp_path: Path,
    payloads: Path,
    author_key: str,
    capsys: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
) -> None:
    api = payloads / "twitter_x" / "postman_recent_search_q-nyc_default.json"  # an API response, not a capture
    lake = tmp_path / "lake"
    assert run("import", "--source", "zeeschuimer", "--country", "TR", "--lake", str(lake), str(api)) == 1
    assert json.loads(capsys.readouterr().out)["imported"] == 0
    assert "not a Zeeschuimer NDJSON export" in caplog.text
