"""A lake holding posts collected twice summarises exactly as the same lake once compacted.

Compaction keeps the latest copy of every post (:meth:`Lake.compact_partition`); the summary reads the
files as they are and must count the same posts, whatever the older copies say (same values, another
score, other topics, another author), and whichever file they sit in.
"""

from __future__ import annotations

import dataclasses
import math
import random
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from listening_post.analysis import reading
from listening_post.analysis.weekly import SummaryInput, build_summary, connect
from listening_post.enrich.dedup import duplicate_key
from listening_post.lake import Lake
from listening_post.model import Post, posts_to_table
from listening_post.scoring.sentiment import label_for
from listening_post.weeks import IsoWeek
from tests.helpers import make_post

WEEK = IsoWeek.parse("2026-W47")
ZONE = "America/Toronto"
NOW = datetime(2026, 11, 30, tzinfo=UTC)
WORDS = ["tariff", "lumber", "duties", "border", "trade", "energy", "pipeline", "housing", "rent", "embassy"]
CAMPAIGN = "Stop buying their lumber now: the new countervailing duties hurt every family in this country"


def posts(rng: random.Random) -> list[Post]:
    start = WEEK.shift(-5).bounds(ZONE)[0]
    out = []
    for i in range(2400):
        at = start + timedelta(seconds=rng.uniform(0, 6 * 7 * 86400))
        score = None if rng.random() < 0.08 else round(rng.uniform(-0.9, 0.9), 3)
        text = " ".join(rng.choice(WORDS) for _ in range(rng.randint(6, 14)))
        source = rng.choice(["mastodon", "bluesky", "rss", "reddit"])
        out.append(
            make_post(
                i,
                created_at=at,
                text=text,
                sentiment=score,
                topics=rng.sample(["trade", "energy", "housing"], rng.randint(0, 2)),
                source=source,
                author=f"a{rng.randint(0, 300)}",
                lang=rng.choice(["en", "en", "en", "fr", "ja"]),
                is_repost=rng.random() < 0.1,
                likes=rng.randint(0, 50),
                dup_group=duplicate_key(text),
            )
        )
    campaign_start = WEEK.bounds(ZONE)[0] + timedelta(days=2, hours=15)
    for k in range(20):
        text = CAMPAIGN if k % 3 else CAMPAIGN.replace("family", "household")
        out.append(
            make_post(
                10_000 + k,
                created_at=campaign_start + timedelta(minutes=2 * k),
                text=text,
                sentiment=-0.6,
                topics=["trade"],
                source="bluesky",
                author=f"campaign{k}",
                dup_group=duplicate_key(text),
            )
        )
    return out


def recollected(post: Post, rng: random.Random, *, disagree: bool) -> Post:
    """The same post collected again an hour later: more likes, sometimes another score; with ``disagree``
    also other topics, another author or another language."""
    changes: dict[str, Any] = {"collected_at": post.collected_at + timedelta(hours=1), "likes": (post.likes or 0) + 7}
    if post.sentiment is not None and rng.random() < 0.5:
        score = round(max(-1.0, min(1.0, post.sentiment + rng.uniform(-0.5, 0.5))), 3)
        changes.update(sentiment=score, sentiment_label=label_for(score))
    if disagree:
        what = rng.choice(["topics", "author_id", "lang"])
        changes[what] = {"topics": ["energy"], "author_id": "someone-else", "lang": "fr"}[what]
    return dataclasses.replace(post, **changes)


def lake_with_copies(tmp_path: Path, *, disagree: bool) -> Lake:
    rng = random.Random(7)
    lake = Lake.from_uri(str(tmp_path / "lake"))
    originals = posts(rng)
    lake.append_posts(originals, run_id="first")
    again = [p for p in originals if rng.random() < 0.06 or (p.author_id or "").startswith("campaign")]
    for n, post in enumerate(again):
        newer = recollected(post, rng, disagree=disagree and n % 4 == 0)
        # Mostly the newer copy lands in a new small file; sometimes the small file holds the older copy.
        if n % 5 == 0 and _replace_in_big_file(lake, post, newer):
            lake.write_table(_relative(lake, post, "swap", n), _table([post]))
        else:
            lake.write_table(_relative(lake, post, "again", n), _table([newer]))
    return lake


def _relative(lake: Lake, post: Post, tag: str, n: int) -> str:
    return f"{lake.partition(post.country, post.created_at.date())}/part-{post.source}-{tag}-{n:04d}.parquet"


def _table(rows: list[Post]) -> Any:
    return posts_to_table(rows).drop_columns(["country"])


def _replace_in_big_file(lake: Lake, old: Post, new: Post) -> bool:
    """Rewrite the file holding ``old`` (and others) with ``new`` in its place, so that the newer copy is in
    the big file; False when ``old`` is alone in its file."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    for relative in lake.partition_files(old.country, old.created_at.date()):
        table = pq.read_table(lake.path(relative))
        ids = table.column("post_id").to_pylist()
        if old.post_id in ids and len(ids) > 1:
            rest = table.filter(pa.compute.not_equal(table.column("post_id"), old.post_id))
            lake.write_table(relative, pa.concat_tables([rest, _table([new]).cast(rest.schema)]))
            return True
    return False


def compacted(lake: Lake) -> Lake:
    for day in lake.days("CA"):
        lake.compact_partition("CA", day, run_id="compact")
    return lake


def summary(lake: Lake) -> dict[str, Any]:
    spec = SummaryInput(
        country="CA", week=WEEK, timezone=ZONE, languages=["en", "fr"], scored_languages=frozenset({"en", "fr"})
    )
    out = build_summary(lake, spec, now=NOW)
    out["coverage"].pop("sources")  # run reports: none here
    return out


def mode(lake: Lake) -> str:
    _week_start, week_end = WEEK.bounds(ZONE)
    con = connect()
    try:
        lo = WEEK.shift(-11).bounds(ZONE)[0]
        return reading.PostsReader(con, lake, "CA", lo, week_end, timezone=ZONE, monday=WEEK.monday).mode
    finally:
        con.close()


def assert_same(a: Any, b: Any, path: str = "") -> None:
    if isinstance(a, dict):
        assert isinstance(b, dict) and a.keys() == b.keys(), path
        for k in a:
            assert_same(a[k], b[k], f"{path}/{k}")
    elif isinstance(a, list):
        assert isinstance(b, list) and len(a) == len(b), path
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            assert_same(x, y, f"{path}[{i}]")
    elif isinstance(a, float) and isinstance(b, float):
        assert math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12), (path, a, b)
    else:
        assert a == b, (path, a, b)


@pytest.mark.parametrize(("disagree", "expected_mode"), [(False, reading.SUBTRACT), (True, reading.EXCLUDE)])
def test_older_copies_count_as_compaction_would_leave_them(tmp_path: Path, disagree: bool, expected_mode: str) -> None:
    lake = lake_with_copies(tmp_path, disagree=disagree)
    assert mode(lake) == expected_mode
    before = summary(lake)
    assert before["coordination"], "the planted campaign is found"
    after = summary(compacted(lake))
    assert mode(lake) == reading.CLEAN
    assert_same(before, after)


def test_the_summary_connection_draws_no_progress_bar() -> None:
    # DuckDB draws one on stdout past 2 s a query: it broke the bench's JSON and would fill Lambda's logs.
    con = connect()
    assert con.execute("SELECT current_setting('enable_progress_bar')").fetchone() == (False,)
