"""The trend counts every post of every week it shows, also on the days where the summary's reading splits
(the weeks whose texts it reads, and the older weeks it only counts)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from listening_post.analysis.weekly import SummaryInput, build_summary
from listening_post.lake import Lake
from listening_post.model import posts_to_table
from listening_post.weeks import IsoWeek
from tests.helpers import make_post

WEEK = IsoWeek.parse("2026-W47")


def test_trend_counts_every_post_of_every_week(tmp_path: Path) -> None:
    lake = Lake.from_uri(str(tmp_path / "lake"))
    start = datetime(2026, 8, 31, tzinfo=UTC)  # Monday of 2026-W36, the first trend week in UTC
    # One post every 5 hours for 12 weeks: every UTC day, both sides of every week boundary, has posts;
    # a few are collected twice (a later copy), which must be counted once.
    posts = [make_post(i, created_at=start + timedelta(hours=5 * i)) for i in range(12 * 7 * 24 // 5)]
    again = [make_post(i, created_at=start + timedelta(hours=5 * i), collected_at=datetime(2026, 11, 24, tzinfo=UTC))
             for i in range(0, len(posts), 37)]  # fmt: skip
    lake.append_posts(posts, run_id="a")
    for p in again:  # written directly: the append would skip them as already there
        relative = f"{lake.partition('CA', p.created_at.date())}/part-mastodon-again-{p.post_id[-4:]}.parquet"
        lake.write_table(relative, posts_to_table([p]).drop_columns(["country"]))
    summary = build_summary(lake, SummaryInput(country="CA", week=WEEK), now=datetime(2026, 11, 30, tzinfo=UTC))
    expected: dict[str, int] = {}
    for p in posts:
        week = str(IsoWeek.of(p.created_at.date()))  # the country is UTC here (no configuration)
        expected[week] = expected.get(week, 0) + 1
    assert {t["week"]: t["posts"] for t in summary["trend"]} == {w: expected.get(w, 0) for w in expected}


def test_a_file_compacted_away_during_the_summary_is_read_again_from_a_fresh_listing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    lake = Lake.from_uri(str(tmp_path / "lake"))
    monday = datetime(2026, 11, 16, 12, tzinfo=UTC)
    lake.append_posts([make_post(i, created_at=monday + timedelta(hours=i)) for i in range(30)], run_id="a")
    listed = lake.post_file_sizes
    calls = {"n": 0}

    def stale_listing(*args: object, **kwargs: object) -> dict[str, list[tuple[str, int]]]:
        # The first listing names a file that a compaction deleted before DuckDB opened it.
        calls["n"] += 1
        partitions = listed(*args, **kwargs)  # type: ignore[arg-type]
        if calls["n"] == 1:
            day = next(iter(partitions))
            partitions[day] = [*partitions[day], (str(tmp_path / "lake" / "gone.parquet"), 1)]
        return partitions

    monkeypatch.setattr(lake, "post_file_sizes", stale_listing)
    summary = build_summary(lake, SummaryInput(country="CA", week=WEEK), now=datetime(2026, 11, 30, tzinfo=UTC))
    assert summary["volume"]["posts"] == 30
    assert calls["n"] == 2  # listed again after the failure
