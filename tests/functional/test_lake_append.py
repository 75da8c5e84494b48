"""Appending builds one Arrow table per batch and slices it per file, and lists each country once: the files
hold exactly what one table per file held, and dedup against the lake still holds across partitions."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from unittest import mock

import pyarrow.parquet as pq
import pytest

from listening_post import lake as lake_module
from listening_post.lake import DICTIONARY_MIN_ROWS, Lake
from listening_post.model import FILE_SCHEMA, Post, posts_to_table
from tests.helpers import make_post

T0 = datetime(2026, 11, 16, 8, 0, tzinfo=UTC)


@pytest.fixture
def lake(tmp_path: Path) -> Lake:
    return Lake.from_uri(str(tmp_path / "lake"))


def mixed_batch(rng: random.Random, n: int, first: int = 0) -> list[Post]:
    """Posts over two countries, four days and two sources, in random order, some with nulls and topics."""
    posts = [
        make_post(
            first + i,
            country=rng.choice(["CA", "DE"]),
            source=rng.choice(["mastodon", "rss"]),
            created_at=T0 + timedelta(hours=rng.randrange(96), seconds=rng.randrange(60)),
            sentiment=rng.choice([None, -0.5, 0.0, 0.7]),
            topics=rng.sample(["trade", "energy", "housing"], rng.randrange(3)),
            likes=rng.choice([None, 0, 5]),
            text=rng.choice(["", "é ü ß", "plain text", "emoji 🎉"]),
        )
        for i in range(n)
    ]
    rng.shuffle(posts)
    return posts


def per_file_table(posts: list[Post]) -> object:
    """The straightforward version: one table per file, from that file's posts sorted as the lake sorts."""
    ordered = sorted(posts, key=lambda p: (p.created_at, p.post_id))
    return posts_to_table(ordered).drop_columns(["country"])


@pytest.mark.parametrize("seed", range(5))
def test_each_file_holds_what_one_table_per_file_held(lake: Lake, seed: int) -> None:
    rng = random.Random(seed)
    posts = mixed_batch(rng, 120)
    result = lake.append_posts(posts, run_id="r1")
    assert result.written == 120 and len(result.files) > 4
    for relative in result.files:
        written = pq.read_table(lake.path(relative), schema=FILE_SCHEMA)
        ids = set(written.column("post_id").to_pylist())
        assert written.equals(per_file_table([p for p in posts if p.post_id in ids]))
        assert written.schema.metadata == FILE_SCHEMA.metadata


def test_second_batch_skips_what_any_partition_holds_and_writes_new_partitions(lake: Lake) -> None:
    rng = random.Random(7)
    first = mixed_batch(rng, 80)
    lake.append_posts(first, run_id="r1")
    # Half old posts (some in partitions that exist), half new ones, some on a day never seen before.
    new = mixed_batch(rng, 40, first=1000)
    new += [make_post(2000 + i, created_at=T0 + timedelta(days=10), country="DE") for i in range(3)]
    result = lake.append_posts([*first[::2], *new], run_id="r2")
    assert (result.written, result.duplicates) == (len(new), len(first[::2]))
    rows = lake.read_posts("CA", date(2026, 11, 1), date(2026, 11, 30)).num_rows
    rows += lake.read_posts("DE", date(2026, 11, 1), date(2026, 11, 30)).num_rows
    assert rows == len(first) + len(new)


def test_a_retried_append_replaces_its_files_and_duplicates_nothing(lake: Lake) -> None:
    posts = mixed_batch(random.Random(3), 50)
    first = lake.append_posts(posts, run_id="r1")
    # The retry after a crash: the lake already holds everything, so nothing is written again.
    again = lake.append_posts(posts, run_id="r1")
    assert (again.written, again.duplicates) == (0, 50)
    written = sorted(str(p) for p in Path(lake.root, "posts").rglob("*.parquet"))
    assert len(written) == len(first.files)


def test_small_files_have_no_dictionaries_and_compaction_reads_them(lake: Lake) -> None:
    lake.append_posts([make_post(i, created_at=T0) for i in range(10)], run_id="a")
    lake.append_posts([make_post(i, created_at=T0) for i in range(5, DICTIONARY_MIN_ROWS + 5)], run_id="b")
    small, large = (pq.read_metadata(lake.path(f)) for f in sorted(lake.partition_files("CA", "2026-11-16")))
    assert small.num_rows == 10 and large.num_rows == DICTIONARY_MIN_ROWS - 5
    column = small.row_group(0).column(0)
    assert column.compression == "ZSTD" and not column.has_dictionary_page
    result = lake.compact_partition("CA", "2026-11-16", run_id="c")
    assert (result.files_before, result.files_after, result.rows_after) == (2, 1, DICTIONARY_MIN_ROWS + 5)
    (compacted,) = lake.partition_files("CA", "2026-11-16")
    column = pq.read_metadata(lake.path(compacted)).row_group(0).column(1)  # source: one value, repeated
    assert column.compression == "ZSTD" and column.has_dictionary_page


def test_files_this_lake_wrote_are_not_read_back_and_others_are(lake: Lake, tmp_path: Path) -> None:
    lake.append_posts([make_post(i, created_at=T0) for i in range(10)], run_id="a")
    other = Lake.from_uri(str(tmp_path / "lake"))  # another process on the same lake
    other.append_posts([make_post(i, created_at=T0) for i in range(10, 20)], run_id="b")
    reads = []
    real = pq.ParquetFile

    def counting(source: object, *args: object, **kwargs: object) -> pq.ParquetFile:
        reads.append(source)
        return real(source, *args, **kwargs)

    with mock.patch.object(pq, "ParquetFile", counting):
        result = lake.append_posts([make_post(i, created_at=T0) for i in range(25)], run_id="c")
        assert (result.written, result.duplicates) == (5, 20)
        assert len(reads) == 1  # only the other lake's file
        again = lake.append_posts([make_post(i, created_at=T0) for i in range(26)], run_id="d")
        assert (again.written, again.duplicates, len(reads)) == (1, 25, 1)


def test_remembered_ids_follow_compaction_and_rewrites(lake: Lake) -> None:
    lake.append_posts([make_post(i, created_at=T0) for i in range(10)], run_id="a")
    lake.append_posts([make_post(i, created_at=T0) for i in range(10, 20)], run_id="b")
    lake.compact_partition("CA", "2026-11-16", run_id="c")
    (compacted,) = lake.partition_files("CA", "2026-11-16")
    # A file rewritten in place under its name (no writer does this; the memory must not hide it).
    lake.write_table(compacted, posts_to_table([make_post(99, created_at=T0)]).drop_columns(["country"]))
    assert lake.existing_post_ids("CA", "2026-11-16") == {"mastodon:CA-99"}
    result = lake.append_posts([make_post(i, created_at=T0) for i in range(3)], run_id="d")
    assert (result.written, result.duplicates) == (3, 0)


def test_memory_of_files_is_bounded(lake: Lake, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(lake_module, "MAX_REMEMBERED_FILES", 3)
    for day in range(5):
        lake.append_posts([make_post(day, created_at=T0 + timedelta(days=day))], run_id="r")
        assert len(lake._file_ids) <= 3
    result = lake.append_posts([make_post(day, created_at=T0 + timedelta(days=day)) for day in range(6)], run_id="s")
    assert (result.written, result.duplicates) == (1, 5)
