"""The same lake code on S3, served by moto on 127.0.0.1 through the real S3 API."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path

import boto3
import pytest

from listening_post.cli import main
from listening_post.lake import Lake
from tests.helpers import make_post

pytestmark = pytest.mark.integration


def test_append_and_read_on_s3(bucket: str, aws_env: str) -> None:
    lake = Lake.from_uri(f"s3://{bucket}/lake", endpoint_url=aws_env)
    posts = [make_post(i, created_at=datetime(2026, 11, 17, 12, tzinfo=UTC)) for i in range(20)]
    assert lake.append_posts(posts, run_id="r1").written == 20
    assert lake.append_posts(posts, run_id="r2").written == 0
    keys = [o["Key"] for o in boto3.client("s3", endpoint_url=aws_env).list_objects_v2(Bucket=bucket)["Contents"]]
    assert len(keys) == 1 and keys[0].startswith("lake/posts/country=CA/dt=2026-11-17/part-mastodon-r1-")
    table = lake.read_posts("CA", date(2026, 11, 17), date(2026, 11, 17))
    assert table.num_rows == 20 and set(table.column("country").to_pylist()) == {"CA"}


def test_cli_import_and_summarize_against_s3(
    bucket: str, aws_env: str, payloads: Path, author_key: str, capsys: pytest.CaptureFixture[str]
) -> None:
    lake_uri = f"s3://{bucket}/lake"
    files = [str(p) for p in sorted((payloads / "rss").iterdir())]
    for expected in (
        {"imported": 38, "duplicates": 0, "quarantined": 0, "erased": 0},
        {"imported": 0, "duplicates": 38, "quarantined": 0, "erased": 0},
    ):
        assert main(["import", "--source", "rss", "--country", "DE", "--lake", lake_uri, *files]) == 0
        assert json.loads(capsys.readouterr().out.splitlines()[-1]) == expected
    assert main(["summarize", "--country", "DE", "--week", "2016-W05", "--lake", lake_uri]) == 0
    s3 = boto3.client("s3", endpoint_url=aws_env)
    body = s3.get_object(Bucket=bucket, Key="lake/briefs/country=DE/week=2016-W05/summary.json")["Body"].read()
    summary = json.loads(body)
    assert summary["week"] == "2016-W05" and summary["volume"]["posts"] == 6  # heise, 1 to 7 February 2016
    html = s3.get_object(Bucket=bucket, Key="lake/briefs/country=DE/week=2016-W05/brief.html")["Body"].read()
    assert b"<h2>Findings</h2>" in html


def test_links_on_s3_beside_posts_joined_erased_and_migrated(
    bucket: str, aws_env: str, payloads: Path, author_key: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """Bluesky on S3: the post ids are keyed, the links land under links/ and are read back by id, deleting
    by post id removes them, and migrate-identity finds nothing left to do."""
    from listening_post.links import delete_links, read_links

    lake_uri = f"s3://{bucket}/lake"
    path = str(payloads / "bluesky/searchPosts_q-redistricting.response.json")
    assert main(["import", "--source", "bluesky", "--country", "US", "--lake", lake_uri, path]) == 0
    capsys.readouterr()
    s3 = boto3.client("s3", endpoint_url=aws_env)
    keys = [o["Key"] for o in s3.list_objects_v2(Bucket=bucket, Prefix="lake/")["Contents"]]
    assert any(k.startswith("lake/links/country=US/dt=") for k in keys)
    lake = Lake.from_uri(lake_uri, endpoint_url=aws_env)
    posts = lake.read_posts("US", date(2025, 1, 1), date(2026, 12, 31), columns=["post_id", "url", "created_at"])
    ids = posts.column("post_id").to_pylist()
    assert len(ids) == 25 and all(i.startswith("bluesky:") and "did:" not in i for i in ids)
    assert set(posts.column("url").to_pylist()) == {None}
    links = read_links(lake, "US", date(2025, 1, 1), date(2026, 12, 31), ids)
    assert len(links) == 25 and all(u.startswith("https://bsky.app/profile/did:") for u in links.values())

    assert main(["migrate-identity", "--lake", lake_uri]) == 0
    assert json.loads(capsys.readouterr().out)["files_rewritten"] == 0

    assert delete_links(lake, ids[:5], run_id="erase") == 5
    assert set(read_links(lake, "US", date(2025, 1, 1), date(2026, 12, 31), ids)) == set(ids[5:])
