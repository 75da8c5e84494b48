"""Posts schema v2 on S3 (moto on 127.0.0.1): v1 files written by the v1 code (tests/data/lake_v1) read
beside v2 files through the S3 path of every reader (pyarrow dataset, the summary's registered dataset),
compact into one v2 file, and undated feed items keep their first-seen date in the S3 lake's state."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import boto3
import pyarrow.parquet as pq
import pytest

from listening_post.analysis.weekly import SummaryInput, build_summary
from listening_post.enrich.pseudonym import Pseudonymiser
from listening_post.lake import Lake
from listening_post.model import POSTS_SCHEMA_VERSION
from listening_post.pipeline import Enricher, ingest_payloads
from listening_post.weeks import IsoWeek
from tests.helpers import make_post

pytestmark = pytest.mark.integration
DATA = Path(__file__).resolve().parents[1] / "data"
DAY = date(2018, 1, 31)


def test_v1_and_v2_files_on_s3(bucket: str, aws_env: str) -> None:
    s3 = boto3.client("s3", endpoint_url=aws_env)
    (v1,) = (DATA / "lake_v1").glob("posts/*/*/*.parquet")
    s3.put_object(Bucket=bucket, Key=f"lake/{v1.relative_to(DATA / 'lake_v1').as_posix()}", Body=v1.read_bytes())
    lake = Lake.from_uri(f"s3://{bucket}/lake", endpoint_url=aws_env)
    at = datetime(2018, 1, 31, 9, tzinfo=UTC)
    posts = [
        replace(make_post(i, country="GB", created_at=at, source="rss"), created_at_source="feed") for i in range(3)
    ]
    assert lake.append_posts(posts, run_id="v2run").written == 3
    table = lake.read_posts("GB", DAY, DAY)
    assert table.num_rows == 8 and table.column("created_at_source").null_count == 5
    summary = build_summary(
        lake, SummaryInput.from_config(None, "GB", IsoWeek.parse("2018-W05")), now=at + timedelta(days=10)
    )
    assert summary["volume"]["posts"] == 8
    result = lake.compact_partition("GB", DAY, run_id="c1")
    assert (result.files_after, result.rows_after) == (1, 8)
    (path,) = lake.partition_files("GB", DAY)
    with lake.fs.open_input_file(lake.path(path)) as f:
        assert pq.read_schema(f).metadata[b"listening_post.schema_version"] == str(POSTS_SCHEMA_VERSION).encode()


def test_first_seen_state_on_s3(bucket: str, aws_env: str) -> None:
    lake = Lake.from_uri(f"s3://{bucket}/lake", endpoint_url=aws_env)
    body = (DATA / "feeds" / "feedparser_chardet_koi8r.xml").read_bytes()
    enricher = Enricher.from_config(None, Pseudonymiser("k" * 32))
    day1 = datetime(2026, 11, 20, 23, 30, tzinfo=UTC)
    counts = [
        ingest_payloads([("f", body)], source="rss", country="RU", query_id="q", lake=lake, enricher=enricher, now=now)
        for now in (day1, day1 + timedelta(days=1))
    ]
    assert [(c.imported, c.duplicates) for c in counts] == [(1, 0), (0, 1)]
    assert lake.days("RU") == ["2026-11-20"]
    assert lake.read_json("state/first_seen/country=RU/source=rss.json")
