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


def test_a_captured_tiktok_author_is_erased_by_handle(
    tmp_path: Path, author_key: str, capsys: pytest.CaptureFixture[str]
) -> None:
    from listening_post.authors import native_author
    from listening_post.enrich.pseudonym import Pseudonymiser
    from listening_post.erasure import erase_author
    from listening_post.lake import Lake

    lake = tmp_path / "lake"
    assert run("import", "--source", "zeeschuimer", "--country", "TR", "--lake", str(lake), str(DATA / FILES[0])) == 0
    capsys.readouterr()
    # The handle as a person gives it, in the form the lake stores (the zeeschuimer platform's rule).
    author_id = Pseudonymiser(author_key).author_id("tiktok", native_author("tiktok", "@HaberturkTV"))
    assert author_id is not None
    report = erase_author(Lake.from_uri(str(lake)), author_id, run_id="erase1", source="tiktok")
    assert report.matched
    posts = pq.read_table(lake / "posts").to_pylist()
    assert len(posts) == 4 and "tiktok:7288995634328177926" not in {p["post_id"] for p in posts}
    links = pq.read_table(lake / "links").to_pylist() if (lake / "links").exists() else []
    assert "tiktok:7288995634328177926" not in {link["post_id"] for link in links}


def test_erase_author_on_the_command_line_takes_a_captured_platform(
    tmp_path: Path, author_key: str, capsys: pytest.CaptureFixture[str]
) -> None:
    lake = tmp_path / "lake"
    assert run("import", "--source", "zeeschuimer", "--country", "TR", "--lake", str(lake), str(DATA / FILES[0])) == 0
    assert run("erase-author", "--source", "tiktok", "--handle", "@haberturktv", "--lake", str(lake)) == 0


EXAMPLE = Path(__file__).resolve().parents[2] / "config" / "example.yaml"


def _config(tmp_path: Path, section: str) -> Path:
    text = EXAMPLE.read_text(encoding="utf-8")
    text = text.replace("  gdelt:\n    window_hours: 6\n", f"  gdelt:\n    window_hours: 6\n  zeeschuimer: {section}\n")
    text = text.replace(
        "sources: [rss, google_news, mastodon, bluesky, reddit, x, youtube, gdelt]", "sources: [rss, zeeschuimer]"
    )
    path = tmp_path / "config.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_validate_config_takes_the_section_with_nothing_in_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run("validate-config", str(_config(tmp_path, "{}"))) == 0
    assert "valid" in capsys.readouterr().out
    assert run("validate-config", str(_config(tmp_path, "{max_pages: 3}"))) == 2
    assert "sources.zeeschuimer.max_pages: unknown field 'max_pages'" in capsys.readouterr().err


def test_collect_says_collection_is_manual_and_reads_nothing(
    tmp_path: Path, author_key: str, capsys: pytest.CaptureFixture[str]
) -> None:
    config = _config(tmp_path, "{}")
    lake = tmp_path / "lake"
    assert run("collect", "--config", str(config), "--lake", str(lake), "--source", "zeeschuimer") == 0
    out = json.loads(capsys.readouterr().out)
    assert out["sources"] == {"zeeschuimer": {"skipped": "no fetcher: collection is manual (import saved files)"}}
    assert out["imported"] == 0


def test_a_captured_post_quarantined_for_its_date_is_erased_with_its_author(
    tmp_path: Path, author_key: str, capsys: pytest.CaptureFixture[str]
) -> None:
    from listening_post.authors import native_author
    from listening_post.enrich.pseudonym import Pseudonymiser
    from listening_post.erasure import erase_author
    from listening_post.lake import Lake

    item = json.loads((DATA / FILES[0]).read_bytes().splitlines()[0])
    item["data"]["createTime"] = 4102444800  # 2100-01-01: in the future, so quarantined with its author
    future = tmp_path / "future.ndjson"
    future.write_text(json.dumps(item), encoding="utf-8")
    lake = tmp_path / "lake"
    assert run("import", "--source", "zeeschuimer", "--country", "TR", "--lake", str(lake), str(future)) == 0
    assert json.loads(capsys.readouterr().out)["quarantined"] == 1
    author_id = Pseudonymiser(author_key).author_id("tiktok", native_author("tiktok", "@HaberturkTV"))
    assert author_id is not None
    report = erase_author(Lake.from_uri(str(lake)), author_id, run_id="erase1", source="tiktok")
    assert report.quarantined_removed == 1


def test_the_posts_page_filters_by_a_captured_platform(tmp_path: Path) -> None:
    from listening_post.lake import Lake
    from listening_post.web.api import create_app
    from listening_post.web.server import to_event
    from listening_post.web.store import BriefStore

    lake = Lake.from_uri(str(tmp_path / "lake"))
    lake.write_json("briefs/country=TR/week=2026-W47/summary.json", {"country": "TR", "week": "2026-W47"})
    app = create_app(BriefStore(lake), {"TR": "Türkiye"})
    event = to_event("GET", "/countries/TR/weeks/2026-W47/posts?format=json&source=tiktok", {}, b"")
    assert app.resolve(event, None)["statusCode"] == 200
