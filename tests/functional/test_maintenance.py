"""Compaction and retention on a local lake."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from listening_post.cli import main
from listening_post.lake import Lake
from listening_post.maintenance import maintain
from listening_post.model import posts_to_table
from tests.helpers import make_post

DAY = datetime(2026, 11, 17, 9, tzinfo=UTC)


@pytest.fixture
def lake(tmp_path: Path) -> Lake:
    return Lake.from_uri(str(tmp_path / "lake"))


def many_small_files(lake: Lake, n_files: int = 6, per_file: int = 10) -> None:
    for k in range(n_files):
        posts = [make_post(k * per_file + i, created_at=DAY + timedelta(minutes=i)) for i in range(per_file)]
        lake.append_posts(posts, run_id=f"run{k}")


def test_compaction_leaves_one_deduplicated_file(lake: Lake) -> None:
    many_small_files(lake)
    # A racing writer added the same posts a second time, with later engagement counts.
    racing = [
        make_post(i, created_at=DAY + timedelta(minutes=i), likes=50, collected_at=datetime(2026, 11, 24, tzinfo=UTC))
        for i in range(5)
    ]
    lake.write_table(
        "posts/country=CA/dt=2026-11-17/part-mastodon-race.parquet", posts_to_table(racing).drop_columns(["country"])
    )
    assert len(lake.partition_files("CA", "2026-11-17")) == 7
    result = lake.compact_partition("CA", "2026-11-17", run_id="c1")
    assert (result.files_before, result.files_after, result.rows_before, result.rows_after) == (7, 1, 65, 60)
    (name,) = lake.partition_files("CA", "2026-11-17")
    assert "part-compacted-c1-" in name
    table = lake.read_posts("CA", DAY.date(), DAY.date())
    assert table.num_rows == 60
    assert (
        sorted(r["likes"] for r in table.to_pylist() if r["post_id"] in {f"mastodon:CA-{i}" for i in range(5)})
        == [50] * 5
    )


def test_compaction_is_idempotent_and_keeps_later_appends(lake: Lake) -> None:
    many_small_files(lake, n_files=3)
    lake.compact_partition("CA", "2026-11-17", run_id="c1")
    again = lake.compact_partition("CA", "2026-11-17", run_id="c2")
    assert (again.files_before, again.files_after) == (1, 1)
    lake.append_posts([make_post(999, created_at=DAY)], run_id="late")
    report = maintain(lake, run_id="m", today=date(2026, 11, 23), retention_days=None)
    assert report.document()["files_after"] == 1
    assert lake.read_posts("CA", DAY.date(), DAY.date()).num_rows == 31


def test_retention_drops_old_partitions_only(lake: Lake) -> None:
    lake.append_posts(
        [make_post(1, created_at=datetime(2024, 1, 5, tzinfo=UTC)), make_post(2, created_at=DAY)], run_id="r"
    )
    report = maintain(lake, run_id="m", today=date(2026, 11, 23), retention_days=365, confirm=lambda _: True)
    assert report.dropped == ["posts/country=CA/dt=2024-01-05"]
    assert lake.days("CA") == ["2026-11-17"]


def test_compact_command(lake: Lake, capsys: pytest.CaptureFixture[str]) -> None:
    many_small_files(lake, n_files=4)
    assert main(["compact", "--lake", lake.root, "--retention-days", "3650"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["partitions_compacted"] == 1 and doc["files_before"] == 4 and doc["files_after"] == 1
