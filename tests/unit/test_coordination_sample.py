"""Near-duplicate detection reads at most MAX_NEAR_DUP_POSTS candidates. The sample must not depend on the
order rows come in (DuckDB scans Parquet files on two threads, so the candidates' order changes from run
to run). On main, a reservoir sample with a fixed seed picked different posts for the same rows in another
order, and so found different reworded copies."""

from __future__ import annotations

import random

import duckdb
import pytest

from listening_post.analysis import coordination


def pairs_for(rows: list[tuple[str, str]]) -> list[tuple[str, str]]:
    con = duckdb.connect(config={"threads": 1})  # one thread: the table keeps the order given
    try:
        con.execute(
            "CREATE TEMP TABLE coord_candidates AS SELECT unnest($ids::VARCHAR[]) AS post_id, "
            "unnest($texts::VARCHAR[]) AS text",
            {"ids": [i for i, _ in rows], "texts": [t for _, t in rows]},
        )
        return sorted(coordination._near_duplicate_pairs(con))
    finally:
        con.close()


def test_the_near_duplicate_sample_does_not_depend_on_row_order(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(coordination, "MAX_NEAR_DUP_POSTS", 60)
    words = [
        "tariffs",
        "lumber",
        "pipeline",
        "embassy",
        "statement",
        "forum",
        "housing",
        "rents",
        "energy",
        "prices",
        "border",
        "trade",
    ]
    rows = []
    for story in range(50):  # 50 stories of 3 reworded copies: 150 candidates, 60 read
        base = [words[(story * 7 + k) % len(words)] + str(story) for k in range(9)]
        for copy in range(3):
            rows.append((f"p{story:02d}-{copy}", " ".join([*base, f"copy{copy}"])))
    first = pairs_for(rows)
    assert first  # some copies of a story are in the sample together
    shuffled = rows[:]
    random.Random(3).shuffle(shuffled)
    assert pairs_for(rows[::-1]) == first
    assert pairs_for(shuffled) == first
