"""``listening-post migrate-identity`` on a lake written by the code of the last release before the change
(commit MAIN below, run from ``git archive`` in a subprocess), compared with the same payloads imported
by today's code; and the rewrites it makes on rows no real payload has (Reddit profile posts)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tarfile
from datetime import UTC, datetime
from io import BytesIO
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from listening_post.cli import main
from listening_post.enrich.pseudonym import Pseudonymiser
from listening_post.identity_migration import migrate_identity
from listening_post.lake import Lake
from listening_post.sources.bluesky import legacy_native_id as bluesky_native
from listening_post.sources.reddit import id_only_url as reddit_url
from tests.conftest import ROOT, TEST_KEY
from tests.helpers import make_post

MAIN = "89cdaba19d10e504d9a91b9561b030ef7c5e2c0d"  # main before posts were made free of author identity
IMPORTS = {
    "bluesky": ["bluesky/searchPosts_q-redistricting.response.json"],
    "mastodon": ["mastodon/docs_entity_Status_example.json", "mastodon/mastodonpy_timelines_tag_hoot.response.json"],
    "reddit": ["reddit/praw_best_listing.TRIMMED3.response.json"],
    "x": ["twitter_x/academictwitteR_search_all_IchBinHanna_place-Berlin.FULL.response.json"],
    "youtube": ["youtube/pyyoutube_comment_threads_by_video_paged_1.json"],
}


def run(*args: str) -> int:
    try:
        return main(list(args))
    except SystemExit as exc:
        return int(exc.code or 0)


@pytest.fixture(scope="module")
def main_code(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The library as it was at MAIN, unpacked from the repository's history."""
    try:
        archive = subprocess.run(
            ["git", "-C", str(ROOT), "archive", MAIN, "layers/core/listening_post"],
            capture_output=True,
            check=True,
            timeout=60,
        ).stdout
    except (OSError, subprocess.CalledProcessError) as exc:
        pytest.skip(f"commit {MAIN[:7]} is not in this clone's history (shallow clone?): {exc}")
    target = tmp_path_factory.mktemp("main-code")
    with tarfile.open(fileobj=BytesIO(archive)) as tar:
        tar.extractall(target, filter="data")
    return target / "layers" / "core"


def lake_rows(lake: Path, dataset: str) -> set[tuple[str, str | None]]:
    folder = lake / dataset
    if not folder.exists():
        return set()
    columns = ["post_id", "url"]
    return {(r["post_id"], r["url"]) for r in pq.read_table(folder, columns=columns).to_pylist()}


@pytest.fixture
def lakes(main_code: Path, payloads: Path, tmp_path: Path, author_key: str) -> tuple[Path, Path]:
    old, fresh = tmp_path / "old", tmp_path / "fresh"
    env = {**os.environ, "PYTHONPATH": str(main_code), "LISTENING_POST_AUTHOR_KEY": TEST_KEY}
    for source, files in IMPORTS.items():
        paths = [str(payloads / f) for f in files]
        args = ["import", "--source", source, "--country", "DE", "--lake"]
        done = subprocess.run(
            [sys.executable, "-m", "listening_post.cli", *args, str(old), *paths],
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
            cwd=main_code,
        )
        assert done.returncode == 0, done.stderr
        assert run(*args, str(fresh), *paths) == 0
    return old, fresh


def test_a_lake_written_by_main_migrates_to_what_collection_writes_now(
    lakes: tuple[Path, Path], payloads: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    old, fresh = lakes
    before = lake_rows(old, "posts")
    assert any("did:plc:" in pid for pid, _ in before)  # main wrote DIDs into post ids ...
    assert any(url and "/@" in url for _, url in before)  # ... and handles into urls
    assert not (old / "links").exists()
    capsys.readouterr()

    assert run("migrate-identity", "--lake", str(old)) == 0
    report = json.loads(capsys.readouterr().out)
    assert (
        report["post_ids_rewritten"] == 25
        and report["links_moved"] == len(lake_rows(fresh, "links")) == 27
        and report["files_rewritten"] > 0
    )

    # The same ids, urls and links as the same payloads imported by today's code.
    assert lake_rows(old, "posts") == lake_rows(fresh, "posts")
    assert lake_rows(old, "links") == lake_rows(fresh, "links")
    assert len(lake_rows(old, "posts")) == len(before)  # nothing lost

    # Idempotent: a second run changes nothing.
    assert run("migrate-identity", "--lake", str(old)) == 0
    again = json.loads(capsys.readouterr().out)
    assert again["files_rewritten"] == again["post_ids_rewritten"] == again["links_moved"] == 0

    # Ids are stable: collecting the same posts again adds nothing to the migrated lake.
    for source, files in IMPORTS.items():
        assert (
            run(
                "import", "--source", source, "--country", "DE", "--lake", str(old), *[str(payloads / f) for f in files]
            )
            == 0
        )
        assert json.loads(capsys.readouterr().out)["imported"] == 0


def test_an_unreadable_file_is_named_and_the_rest_migrated(
    lakes: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    old, fresh = lakes
    broken = next(iter(sorted((old / "posts").rglob("part-x-*.parquet"))))
    broken.write_bytes(b"PAR1 not really parquet")
    capsys.readouterr()
    assert run("migrate-identity", "--lake", str(old)) == 1
    captured = capsys.readouterr()
    report = json.loads(captured.out)
    assert report["post_ids_rewritten"] == 25 and len(report["errors"]) == 1
    assert broken.name in captured.err and "Traceback" not in captured.err
    assert lake_rows(old, "links") == lake_rows(fresh, "links")


def test_migration_needs_a_usable_key(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run("migrate-identity", "--lake", str(tmp_path / "lake")) == 2
    assert "LISTENING_POST_AUTHOR_KEY" in capsys.readouterr().err


def test_old_ids_and_profile_permalinks(tmp_path: Path) -> None:
    assert bluesky_native("bluesky:did:plc:abc/3kz") == "at://did:plc:abc/app.bsky.feed.post/3kz"
    assert bluesky_native("bluesky:did:plc:abc/repost/3kz") == "at://did:plc:abc/app.bsky.feed.repost/3kz"
    assert (
        bluesky_native("bluesky:did:plc:b/repost-of/did:plc:a/3kz")
        == "repost-of:did:plc:b:at://did:plc:a/app.bsky.feed.post/3kz"
    )
    assert bluesky_native("bluesky:" + "0" * 32) is None  # already migrated
    assert (
        reddit_url("https://www.reddit.com/r/u_SomeOne/comments/abc12/my_post/")
        == "https://www.reddit.com/comments/abc12/"
    )
    assert (
        reddit_url("https://www.reddit.com/user/SomeOne/comments/abc12/my_post/c9/")
        == "https://www.reddit.com/comments/abc12/_/c9/"
    )
    assert reddit_url("https://www.reddit.com/r/AskReddit/comments/48fbm9/x/c1/") is None  # names no user

    lake = Lake.from_uri(str(tmp_path / "lake"))
    post = make_post(1, source="reddit", created_at=datetime(2026, 11, 20, tzinfo=UTC))
    post.url = "https://www.reddit.com/r/u_SomeOne/comments/abc12/my_post/"
    lake.append_posts([post], run_id="r1")
    report = migrate_identity(lake, Pseudonymiser(TEST_KEY), run_id="m1")
    assert report.urls_rewritten == 1 and report.links_moved == 0
    assert lake_rows(Path(lake.root), "posts") == {(post.post_id, "https://www.reddit.com/comments/abc12/")}
