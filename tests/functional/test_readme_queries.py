"""The README's queries over the lake, run with DuckDB exactly as written (only the lake's location and the
S3 set-up statements differ), on a lake holding re-collected copies as it does before compaction: each gives
every post once. The Athena view posts_latest, run by DuckDB over the same files, too."""

from __future__ import annotations

import re
import textwrap
from datetime import UTC, datetime, timedelta
from pathlib import Path

import duckdb
import pytest

from listening_post.lake import Lake
from listening_post.model import FILE_SCHEMA, posts_to_table
from tests.helpers import make_post

ROOT = Path(__file__).resolve().parents[2]
POSTS, RECOLLECTED = 100, 80  # 80 of the 100 posts collected a second time: 1.8 copies a post
DAYS = ("2026-11-16", "2026-11-17", "2026-11-18", "2026-11-19", "2026-11-20")  # 100 hourly posts


@pytest.fixture(scope="module")
def lake(tmp_path_factory: pytest.TempPathFactory) -> Lake:
    lake = Lake.from_uri(str(tmp_path_factory.mktemp("readme") / "lake"))
    start = datetime(2026, 11, 16, 8, tzinfo=UTC)
    posts = [make_post(i, created_at=start + timedelta(hours=i), sentiment=0.1) for i in range(POSTS)]
    lake.append_posts(posts, run_id="first")
    lake.append_posts([make_post(i, country="DE", created_at=start) for i in range(7)], run_id="first")
    # A later run collected most of them again, with new counts; written as its own files, as a racing
    # collector leaves them (the append would skip ids already there).
    again = [
        make_post(
            i, created_at=start + timedelta(hours=i), sentiment=0.1, likes=9, collected_at=start + timedelta(days=9)
        )
        for i in range(RECOLLECTED)
    ]
    table = posts_to_table(again)
    for day in DAYS:
        rows = table.filter([d.date().isoformat() == day for d in table.column("created_at").to_pylist()])
        if rows.num_rows:
            lake.write_table(f"posts/country=CA/dt={day}/part-mastodon-again.parquet", rows.drop_columns(["country"]))
    return lake


def readme_duckdb_blocks() -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```sql\n(.*?)```", text, flags=re.S)
    return [textwrap.dedent(b) for b in blocks if "read_parquet(" in b]


def run_as_written(block: str, lake: Lake) -> list[tuple[object, ...]]:
    """Every statement of the block; the lake's location for the README's, S3 set-up statements left out."""
    sql = re.sub(r"'(demo-lake|s3://<DataBucketName>)/posts/", f"'{lake.root}/posts/", block)
    connection = duckdb.connect()
    rows: list[tuple[object, ...]] = []
    for statement in (s.strip() for s in sql.split(";")):
        lines = [line for line in statement.splitlines() if not line.lstrip().startswith("--")]
        statement = "\n".join(lines).strip()
        if not statement or statement.startswith(("INSTALL", "LOAD", "CREATE SECRET")):
            continue
        rows = connection.execute(statement).fetchall()
    return rows


def test_the_lake_holds_copies_that_a_plain_count_overcounts(lake: Lake) -> None:
    # What the README's query did on main: count(*) over the files.
    connection = duckdb.connect()
    plain = connection.execute(
        f"SELECT count(*) FROM read_parquet('{lake.root}/posts/*/*/*.parquet', hive_partitioning = true) "
        "WHERE country = 'CA'"
    ).fetchone()
    assert plain is not None and plain[0] / POSTS == pytest.approx(1.8)


def test_every_documented_duckdb_query_counts_each_post_once(lake: Lake) -> None:
    blocks = readme_duckdb_blocks()
    assert len(blocks) == 2  # the local lake's, and the bucket's from a laptop
    for block in blocks:
        rows = run_as_written(block, lake)
        by_day = {str(r[0]): r[1] for r in rows}
        assert sum(by_day.values()) == POSTS, block
        assert set(by_day) == set(DAYS)
        assert all(r[2] == pytest.approx(0.1) for r in rows)


def test_the_athena_queries_over_posts_count_each_post_once(lake: Lake) -> None:
    connection = duckdb.connect()
    connection.execute(
        f"CREATE VIEW posts AS SELECT * FROM read_parquet('{lake.root}/posts/*/*/*.parquet', hive_partitioning = true)"
    )
    view = (ROOT / "infra" / "athena" / "posts_latest.sql").read_text(encoding="utf-8")
    connection.execute(view)  # the Athena view's text is also DuckDB's SQL
    latest = connection.execute("SELECT count(*), sum(likes) FROM posts_latest WHERE country = 'CA'").fetchone()
    assert latest == (POSTS, 9 * RECOLLECTED)  # the later copy of each re-collected post
    columns = [c[0] for c in connection.execute("DESCRIBE posts_latest").fetchall()]
    assert columns == [f.name for f in FILE_SCHEMA] + ["country", "dt"]
    # The README's Athena query on posts itself.
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    query = re.search(r"(SELECT dt, count\(DISTINCT post_id\) AS posts FROM posts\n.*?;)", readme, flags=re.S)
    assert query is not None
    rows = connection.execute(query.group(1)).fetchall()
    assert sum(r[1] for r in rows) == POSTS  # the week of 2026-11-16 holds them all
