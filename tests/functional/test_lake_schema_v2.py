"""Posts schema v2 is additive: a lake whose files were written by v1 (tests/data/lake_v1, written by the
v1 code) reads everywhere with the v2 columns as null, beside v2 files in the same partition; compaction
of such a partition writes one v2 file; and a v1 reader still reads v2 files."""

from __future__ import annotations

import shutil
from collections import Counter
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import duckdb
import pyarrow.parquet as pq

from listening_post.analysis import reading
from listening_post.analysis.weekly import SummaryInput, build_summary
from listening_post.lake import Lake
from listening_post.model import FILE_SCHEMA, POSTS_SCHEMA, POSTS_SCHEMA_VERSION
from listening_post.weeks import IsoWeek
from tests.helpers import make_post

V1_LAKE = Path(__file__).resolve().parents[1] / "data" / "lake_v1"
DAY = date(2018, 1, 31)
V2_COLUMNS = ["created_at_source"]  # the columns v2 added (others append theirs after it)


def _lake(tmp_path: Path) -> Lake:
    shutil.copytree(V1_LAKE, tmp_path / "lake")
    return Lake.from_uri(str(tmp_path / "lake"))


def _add_v2(lake: Lake) -> None:
    at = datetime(2018, 1, 31, 9, 0, tzinfo=UTC)
    posts = [
        replace(make_post(i, country="GB", created_at=at + timedelta(hours=i), source="rss"), created_at_source=src)
        for i, src in enumerate(["item", "feed", "first_seen"])
    ]
    assert lake.append_posts(posts, run_id="v2run").written == 3


def test_the_v1_fixture_is_v1() -> None:
    (path,) = V1_LAKE.glob("posts/*/*/*.parquet")
    schema = pq.read_schema(path)
    assert schema.metadata[b"listening_post.schema_version"] == b"1"
    assert not set(V2_COLUMNS) & set(schema.names)
    assert POSTS_SCHEMA_VERSION >= 2  # v3 (issue 20) appends after v2
    assert POSTS_SCHEMA.metadata[b"listening_post.schema_version"] == str(POSTS_SCHEMA_VERSION).encode()


def test_pyarrow_reads_v1_and_v2_files_together(tmp_path: Path) -> None:
    lake = _lake(tmp_path)
    only_v1 = lake.read_posts("GB", DAY, DAY)
    assert only_v1.num_rows == 5 and only_v1.column("created_at_source").null_count == 5
    _add_v2(lake)
    table = lake.read_posts("GB", DAY, DAY)
    assert table.num_rows == 8
    assert Counter(table.column("created_at_source").to_pylist()) == {None: 5, "item": 1, "feed": 1, "first_seen": 1}


def test_duckdb_reads_v1_files_with_v2_columns_as_null(tmp_path: Path) -> None:
    lake = _lake(tmp_path)
    con = duckdb.connect()
    files = lake.post_files("GB", DAY, DAY)
    only_v1 = reading.relation(con, lake, "v1", files)
    assert con.execute(f"SELECT count(*), count(created_at_source) FROM {only_v1}").fetchall() == [(5, 0)]
    _add_v2(lake)
    files = lake.post_files("GB", DAY, DAY)
    mixed = reading.relation(con, lake, "mixed", files)
    rows = con.execute(f"SELECT created_at_source, count(*) FROM {mixed} GROUP BY ALL ORDER BY ALL").fetchall()
    assert rows == [("feed", 1), ("first_seen", 1), ("item", 1), (None, 5)]
    columns = [r[0] for r in con.execute(f"DESCRIBE SELECT * FROM {only_v1}").fetchall()]
    assert set(FILE_SCHEMA.names) <= set(columns)  # with DuckDB's own partition columns from the path


def test_weekly_summary_counts_v1_and_v2_posts(tmp_path: Path) -> None:
    lake = _lake(tmp_path)
    _add_v2(lake)
    week = IsoWeek.parse("2018-W05")
    summary = build_summary(lake, SummaryInput.from_config(None, "GB", week), now=datetime(2018, 2, 10, tzinfo=UTC))
    assert summary["volume"]["posts"] == 8


def test_compacting_a_partition_of_v1_and_v2_files_writes_one_v2_file(tmp_path: Path) -> None:
    lake = _lake(tmp_path)
    _add_v2(lake)
    assert len(lake.partition_files("GB", DAY)) == 2
    result = lake.compact_partition("GB", DAY, run_id="compact")
    assert (result.files_before, result.files_after, result.rows_after) == (2, 1, 8)
    (path,) = lake.partition_files("GB", DAY)
    table = pq.read_table(lake.path(path))
    assert table.schema.metadata[b"listening_post.schema_version"] == str(POSTS_SCHEMA_VERSION).encode()
    assert table.schema.names == FILE_SCHEMA.names
    assert table.column("created_at_source").null_count == 5


def test_a_v1_reader_reads_v2_files(tmp_path: Path) -> None:
    # What a v1 reader asks for (the v1 columns by name; Athena's v1 table does the same) is all there.
    lake = _lake(tmp_path)
    _add_v2(lake)
    v1_columns = pq.read_schema(next(V1_LAKE.glob("posts/*/*/*.parquet"))).names
    for path in lake.partition_files("GB", DAY):
        assert pq.read_table(lake.path(path), columns=v1_columns).num_rows in (3, 5)
    rows = (
        duckdb.connect()
        .execute(
            f"SELECT count(*) FROM read_parquet('{lake.root}/posts/*/*/*.parquet', hive_partitioning = true) "
            "WHERE country = 'GB'"
        )
        .fetchall()
    )
    assert rows == [(8,)]
