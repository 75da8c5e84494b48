"""The erasure ledger deployed: in the lake's bucket (moto on 127.0.0.1, the real S3 API), consulted by
import and compaction, written by ``erase-author`` against s3://."""

from __future__ import annotations

import gzip
import json
from datetime import UTC, datetime
from pathlib import Path

import boto3
import pytest

from listening_post.cli import main
from listening_post.demo import DATA
from listening_post.enrich.pseudonym import DEMO_AUTHOR_KEY, Pseudonymiser
from listening_post.erasure import LakeErasureLedger
from listening_post.lake import Lake
from listening_post.sources.mastodon import parse
from tests.helpers import make_post

pytestmark = pytest.mark.integration


def test_erase_author_on_s3_sticks_across_reimport_and_compaction(
    bucket: str, aws_env: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("LISTENING_POST_AUTHOR_KEY", DEMO_AUTHOR_KEY.decode())
    files = sorted((Path(str(DATA)) / "CA" / "mastodon").glob("*W47*.gz"))
    counts: dict[str, int] = {}
    for path in files:
        for post in parse(gzip.decompress(path.read_bytes())).posts:
            counts[post.author_native or ""] = counts.get(post.author_native or "", 0) + 1
    handle = max(counts, key=lambda a: (counts[a], a))
    author_id = Pseudonymiser(DEMO_AUTHOR_KEY).author_id("mastodon", handle)
    assert author_id is not None
    uri = f"s3://{bucket}/lake"
    argv = ["import", "--source", "mastodon", "--country", "CA", "--lake", uri, *map(str, files)]
    assert main(argv) == 0
    capsys.readouterr()

    assert main(["erase-author", "--source", "mastodon", "--handle", handle, "--lake", uri]) == 0
    removed = json.loads(capsys.readouterr().out)["posts_removed"]
    assert removed > 1
    keys = [
        o["Key"]
        for o in boto3.client("s3", endpoint_url=aws_env).list_objects_v2(Bucket=bucket, Prefix="lake/state/")[
            "Contents"
        ]
    ]
    assert keys == [f"lake/state/erasure/{author_id}.json"]

    assert main(argv) == 0
    assert json.loads(capsys.readouterr().out)["erased"] == removed
    lake = Lake.from_uri(uri, endpoint_url=aws_env)
    assert author_id in LakeErasureLedger(lake).authors()
    # A row written by a writer that never read the ledger: compaction drops it.
    at = datetime(2026, 11, 20, 12, tzinfo=UTC)
    lake.append_posts([make_post(1, created_at=at, author=author_id)], run_id="old")
    lake.append_posts([make_post(2, created_at=at)], run_id="old2")
    lake.compact_partition("CA", at.date(), run_id="c")
    authors = lake.read_posts("CA", at.date(), at.date()).column("author_id").to_pylist()
    assert "author-2" in authors and author_id not in authors
    assert len(lake.partition_files("CA", at.date())) == 1
