"""What `import` is given: directories, oversized and corrupt .gz files, files imported twice."""

from __future__ import annotations

import gzip
import json
import os
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import pytest

from listening_post.cli import main
from listening_post.lake import Lake
from listening_post.pipeline import PayloadTooLargeError, UnreadableFileError, gunzip_capped, read_files
from tests.conftest import ROOT, TEST_KEY

DATA = Path(__file__).resolve().parents[1] / "data"


def run(*args: str) -> int:
    try:
        return main(list(args))
    except SystemExit as exc:
        return int(exc.code or 0)


def import_args(lake: Path, *files: Path | str, source: str = "mastodon") -> list[str]:
    return ["import", "--source", source, "--country", "CA", "--lake", str(lake), *map(str, files)]


def test_a_directory_imports_every_file_in_it(
    tmp_path: Path, author_key: str, capsys: pytest.CaptureFixture[str]
) -> None:
    saved = tmp_path / "saved"
    (saved / "older").mkdir(parents=True)
    (saved / "thread.json").write_bytes((DATA / "bluesky/bskyr_getPostThread.response.json").read_bytes())
    (saved / "older" / "feed.json.gz").write_bytes(
        gzip.compress((DATA / "bluesky/bskyr_getFeed.response.json").read_bytes())
    )
    (saved / ".DS_Store").write_bytes(b"\0\0\0\1Bud1")  # hidden files are no saved response
    assert run(*import_args(tmp_path / "lake", saved, source="bluesky")) == 0
    assert json.loads(capsys.readouterr().out) == {"imported": 8, "duplicates": 0, "quarantined": 0, "erased": 0}


def test_an_empty_directory_is_named_as_such(
    tmp_path: Path, author_key: str, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "empty").mkdir()
    assert run(*import_args(tmp_path / "lake", tmp_path / "empty")) == 2
    assert "is a directory with no files in it" in capsys.readouterr().err


def test_reimporting_writes_no_quarantined_record_again(
    tmp_path: Path, author_key: str, capsys: pytest.CaptureFixture[str]
) -> None:
    statuses = json.loads((DATA / "mastodon/mastodonpy_conversations.json").read_text())
    status = dict(statuses[0]["last_status"], visibility="public")
    page = tmp_path / "page.json"
    page.write_text(json.dumps([status, dict(status, id="2", created_at=None)]))
    not_json = tmp_path / "error.html"
    not_json.write_text("<html><body>502 Bad Gateway</body></html>")
    lake = tmp_path / "lake"
    assert run(*import_args(lake, page, not_json)) == 0
    assert json.loads(capsys.readouterr().out) == {"imported": 1, "duplicates": 0, "quarantined": 2, "erased": 0}
    copy = tmp_path / "copy-of-page.json"  # the same response saved under another name is the same record
    copy.write_bytes(page.read_bytes())
    assert run(*import_args(lake, page, not_json, copy)) == 0
    assert json.loads(capsys.readouterr().out) == {"imported": 0, "duplicates": 2, "quarantined": 0, "erased": 0}
    documents = list(lake.glob("quarantine/source=mastodon/dt=*/*.json"))
    records = [r for d in documents for r in json.loads(d.read_text())["records"]]
    assert len(documents) == 1 and len(records) == 2


def test_gunzip_cap_reads_every_member_and_refuses_beyond_the_cap() -> None:
    two_members = gzip.compress(b'[{"a": 1},') + gzip.compress(b'{"b": 2}]')
    assert gunzip_capped(two_members, 100) == b'[{"a": 1},{"b": 2}]'
    with pytest.raises(PayloadTooLargeError, match="unpacks to more than the limit of 10 bytes"):
        gunzip_capped(two_members, 10)
    with pytest.raises(UnreadableFileError, match="ends early"):
        gunzip_capped(two_members[:-6], 100)
    with pytest.raises(UnreadableFileError, match="not valid gzip data"):
        gunzip_capped(b"PK\x03\x04 a zip file", 100)


def test_a_plain_file_over_the_cap_is_refused(tmp_path: Path) -> None:
    big = tmp_path / "big.json"
    big.write_bytes(b" " * 2048)
    with pytest.raises(PayloadTooLargeError, match="2,048 bytes is more than the limit of 1,024 bytes"):
        list(read_files([big], max_bytes=1024))


def test_a_corrupt_gz_exits_2_naming_the_file(
    tmp_path: Path, author_key: str, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "page.json.gz"
    bad.write_bytes(gzip.compress(b"[]")[:-4])
    assert run(*import_args(tmp_path / "lake", bad)) == 2
    err = capsys.readouterr().err
    assert "page.json.gz: the gzip data ends early" in err and "nothing was imported" in err
    assert not (tmp_path / "lake" / "quarantine").exists()


def _peak_rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM"):
            return int(line.split()[1]) / 1024
    return 0.0


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="reads peak memory from /proc")
def test_a_gzip_bomb_is_refused_in_seconds_and_bounded_memory(tmp_path: Path) -> None:
    """2 MiB that unpack to 2 GiB (128 gzip members of 16 MiB of zeros). Before the cap: 17.9 s, 4,208 MiB
    peak, exit 1 after quarantining 100 kB of it. Now: exit 2 with the reason, nothing written."""
    member = gzip.compress(b"\0" * (16 << 20), 9)
    bomb = tmp_path / "bomb.json.gz"
    bomb.write_bytes(member * 128)
    assert bomb.stat().st_size < 2.1 * 1024 * 1024
    lake = tmp_path / "lake"
    env = {**os.environ, "LISTENING_POST_AUTHOR_KEY": TEST_KEY}
    cli = [sys.executable, "-m", "listening_post.cli", *import_args(lake, bomb)]
    started = time.monotonic()
    child = subprocess.Popen(cli, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    peak = 0.0
    while child.poll() is None:
        try:
            peak = max(peak, _peak_rss_mib(child.pid))
        except (FileNotFoundError, ProcessLookupError):
            break
        time.sleep(0.02)
        if time.monotonic() - started > 60:
            child.kill()
            pytest.fail("the import of a gzip bomb did not stop within 60 s")
    out, err = child.communicate()
    elapsed = time.monotonic() - started
    assert child.returncode == 2, err
    assert "bomb.json.gz: unpacks to more than the limit of 67,108,864 bytes" in err
    assert "LISTENING_POST_MAX_PAYLOAD_MB" in err and "Traceback" not in err
    assert out == "" and not [p for p in lake.rglob("*") if p.is_file()]
    assert elapsed < 10, elapsed
    assert peak < 300, peak


def test_an_unsupported_shape_is_named_on_the_console(
    tmp_path: Path, author_key: str, caplog: pytest.LogCaptureFixture
) -> None:
    v1 = DATA / "x/tweepy_v1.1_search_tweets.TRIMMED2.response.json"
    assert run(*import_args(tmp_path / "lake", v1, source="x")) == 1
    assert f"{v1}: X API v1.1 is not supported; use v2 recent search (GET /2/tweets/search/recent)" in caplog.text


def test_reply_pages_imported_with_their_thread_link_to_its_video(
    payloads: Path, tmp_path: Path, author_key: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """comments.list reply pages name no video. Saved beside their thread's commentThreads page (the real
    single-thread response; the real reply page with its parentId set to that thread), every row links."""
    thread_file = payloads / "youtube" / "pyyoutube_comment_thread_single.json"
    thread = json.loads(thread_file.read_bytes())["items"][0]
    replies = json.loads(
        (ROOT / "tests" / "data" / "youtube" / "pyyoutube_comments_by_parent_paged_1.json").read_bytes()
    )
    for item in replies["items"]:
        item["snippet"]["parentId"] = thread["id"]
    reply_file = tmp_path / "replies.json"
    reply_file.write_text(json.dumps(replies), encoding="utf-8")
    lake_dir = tmp_path / "lake"
    args = ["import", "--source", "youtube", "--country", "US", "--lake", str(lake_dir)]
    assert main([*args, str(thread_file), str(reply_file)]) == 0
    capsys.readouterr()
    table = Lake.from_uri(str(lake_dir)).read_posts("US", date(2000, 1, 1), date(2100, 1, 1))
    urls = table.column("url").to_pylist()
    assert len(urls) == 1 + len(replies["items"])
    assert all(u and u.startswith("https://www.youtube.com/watch?v=") and "&lc=" in u for u in urls)
