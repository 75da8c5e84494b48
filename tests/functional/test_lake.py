"""The lake on a local folder: layout, schema, dedup on append and on read."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from listening_post.lake import Lake, deduplicate
from listening_post.model import POSTS_SCHEMA, POSTS_SCHEMA_VERSION, posts_to_table
from tests.helpers import make_post

T0 = datetime(2026, 11, 16, 23, 30, tzinfo=UTC)


@pytest.fixture
def lake(tmp_path: Path) -> Lake:
    return Lake.from_uri(str(tmp_path / "lake"))


def test_append_writes_hive_partitions_without_partition_columns(lake: Lake) -> None:
    posts = [make_post(i, created_at=T0 + timedelta(hours=i)) for i in range(3)]  # 16th and 17th (UTC)
    result = lake.append_posts(posts, run_id="20261123T000000Z-abc123")
    assert result.written == 3 and result.duplicates == 0
    assert sorted(lake.days("CA")) == ["2026-11-16", "2026-11-17"]
    (name,) = [Path(f).name for f in result.files if "dt=2026-11-16" in f]
    assert name.startswith("part-mastodon-20261123T000000Z-abc123-") and name.endswith(".parquet")
    meta = pq.read_metadata(lake.path(result.files[0]))
    assert meta.row_group(0).column(0).compression == "ZSTD"
    schema = pq.read_schema(lake.path(result.files[0]))
    assert "country" not in schema.names  # partition key lives in the path (Hive convention)
    assert schema.metadata[b"listening_post.schema_version"] == str(POSTS_SCHEMA_VERSION).encode() == b"3"


def test_read_back_has_schema_v1_with_partition_keys(lake: Lake) -> None:
    lake.append_posts([make_post(i, created_at=T0, topics=["trade"]) for i in range(5)], run_id="r")
    table = lake.read_posts("CA", date(2026, 11, 16), date(2026, 11, 16))
    assert table.num_rows == 5
    assert table.schema.names == [*POSTS_SCHEMA.names, "dt"]
    row = table.to_pylist()[0]
    assert row["country"] == "CA" and row["dt"] == "2026-11-16" and row["topics"] == ["trade"]
    assert table.schema.field("created_at").type == POSTS_SCHEMA.field("created_at").type


def test_appending_the_same_posts_twice_adds_nothing(lake: Lake) -> None:
    posts = [make_post(i, created_at=T0) for i in range(10)]
    lake.append_posts(posts, run_id="a")
    again = lake.append_posts([*posts, make_post(10, created_at=T0)], run_id="b")
    assert (again.written, again.duplicates) == (1, 10)
    assert lake.read_posts("CA", date(2026, 11, 16), date(2026, 11, 16)).num_rows == 11


def test_duplicates_within_one_batch(lake: Lake) -> None:
    post = make_post(1, created_at=T0)
    result = lake.append_posts([post, post], run_id="a")
    assert (result.written, result.duplicates) == (1, 1)


def test_read_deduplicates_keeping_the_latest_collection(lake: Lake) -> None:
    old = make_post(1, created_at=T0, likes=1, collected_at=T0)
    new = make_post(1, created_at=T0, likes=7, collected_at=T0 + timedelta(days=1))
    # Two writers raced: both files exist.
    for run, post in (("a", old), ("b", new)):
        lake.write_table(
            f"posts/country=CA/dt=2026-11-16/part-mastodon-{run}.parquet",
            posts_to_table([post]).drop_columns(["country"]),
        )
    table = lake.read_posts("CA", date(2026, 11, 16), date(2026, 11, 16))
    assert table.num_rows == 1 and table.column("likes").to_pylist() == [7]


def test_deduplicate_handles_empty_and_single(lake: Lake) -> None:
    empty = posts_to_table([])
    assert deduplicate(empty).num_rows == 0
    assert deduplicate(posts_to_table([make_post(1, created_at=T0)])).num_rows == 1


def test_countries_days_and_ranges(lake: Lake) -> None:
    lake.append_posts(
        [make_post(1, created_at=T0), make_post(2, country="DE", created_at=T0 + timedelta(days=3))],
        run_id="r",
    )
    assert lake.countries() == ["CA", "DE"]
    assert lake.read_posts("DE", date(2026, 11, 16), date(2026, 11, 18)).num_rows == 0
    assert lake.read_posts("DE", date(2026, 11, 16), date(2026, 11, 19)).num_rows == 1
    assert lake.read_posts("FR", date(2026, 1, 1), date(2026, 12, 31)).num_rows == 0


def test_analysts_get_a_pandas_frame(lake: Lake) -> None:
    lake.append_posts([make_post(i, created_at=T0, sentiment=0.5) for i in range(4)], run_id="r")
    frame = lake.read_frame("CA", date(2026, 11, 16), date(2026, 11, 16))
    assert len(frame) == 4 and frame["sentiment"].mean() == 0.5


def test_documents_are_written_atomically(lake: Lake) -> None:
    lake.write_json("runs/x.json", {"a": 1})
    assert lake.read_json("runs/x.json") == {"a": 1}
    assert not [p for p in Path(lake.root, "runs").iterdir() if p.name.startswith(".tmp")]


def test_unsupported_location() -> None:
    with pytest.raises(ValueError, match="unsupported lake location"):
        Lake.from_uri("gs://bucket/x")


def test_a_lake_makes_its_filesystem_on_first_use_once(tmp_path: Path) -> None:
    import threading

    import pyarrow.fs as pafs

    opened: list[int] = []

    def opener() -> pafs.FileSystem:
        opened.append(1)
        return pafs.LocalFileSystem()

    lake = Lake(str(tmp_path), opener=opener, is_local=True)
    assert opened == [] and lake.is_local
    seen: list[object] = []
    threads = [threading.Thread(target=lambda: seen.append(lake.fs)) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert opened == [1] and len({id(fs) for fs in seen}) == 1
    lake.write_json("state/a.json", {"ok": True})
    assert lake.read_json("state/a.json") == {"ok": True}
    # From a URI: nothing opened yet, and the kind is known; given a filesystem: as before.
    assert Lake.from_uri(str(tmp_path)).is_local and not Lake.from_uri("s3://bucket/prefix").is_local
    assert Lake(str(tmp_path), pafs.LocalFileSystem()).is_local
    with pytest.raises(TypeError):
        Lake(str(tmp_path))
    with pytest.raises(TypeError):
        Lake(str(tmp_path), pafs.LocalFileSystem(), opener=opener)
