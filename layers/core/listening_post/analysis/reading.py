"""How the weekly summary reads a country's posts: DuckDB over the lake's Parquet files, every post once.

A post collected twice sits twice in its partition until the daily compaction merges the files (a
re-collection, or two runs racing); readers count its latest copy. Deduplicating every row would build a
hash table of every post id, seconds per ten million posts, for a few hundred older copies. Instead the
reader finds the older copies first, cheaply: every file holds each post once (appends and compaction
both write it so), so a repeated id sits in a partition of several files, and in one of its smaller files.
Then each question is one scan of the files, and the older copies are

- subtracted from what is additive (counts, sums, sums of squares), while distinct counts are left as
  they are: an older copy agrees with the copy kept on author, source, language, model, topics, duplicate
  key, repost flag and local day, so it adds no distinct value of its own (``SUBTRACT``);
- or, when some older copy disagrees on those (a post edited, or scored by another model, between the two
  collections), excluded from every scan by an anti-join, slower but exact as well (``EXCLUDE``).

Where no partition of the window holds an older copy, which is the rule once compaction has run, the
scans read the files as they are (``CLEAN``).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

import duckdb

from listening_post.model import FILE_SCHEMA

if TYPE_CHECKING:
    from listening_post.lake import Lake

CLEAN, SUBTRACT, EXCLUDE = "clean", "subtract", "exclude"
EPOCH = date(1970, 1, 1)

# What the summary reads of a post besides its text and link.
COLUMNS = (
    "post_id, source, lang, author_id, is_repost, sentiment, sentiment_label, sentiment_model, topics, dup_group, "
    "likes, reposts, replies, created_at, collected_at, topic_sentiment, author_created_at"
)
# An older copy that agrees with the kept copy on these adds nothing to a distinct count (see above).
_IDENTITY = ("author_id", "source", "lang", "sentiment_model", "topics", "dup_group", "is_repost", "day")
_KEY = "post_id, collected_at, created_at"


def exact_sum(expr: str, where: str | None = None) -> str:
    """SQL for the sum of ``expr`` (FILTER ``where``) as a DOUBLE that is the same whatever order the rows
    are added in: DuckDB adds doubles on several threads in an order that changes from run to run, so a
    plain sum differs in its last bits between two runs on the same files. Each value is rounded to 12
    decimals (tones are given to 4) and added exactly as a DECIMAL; a value that is not finite (no number
    has a DECIMAL) is left out."""
    return f"CAST({exact_total(expr, where)} AS DOUBLE)"


def exact_total(expr: str, where: str | None = None) -> str:
    """:func:`exact_sum` left as the DECIMAL: partial sums (a table of them) that add up exactly later."""
    where_sql = f" FILTER (WHERE {where})" if where else ""
    value = f"CASE WHEN isfinite({expr}) THEN CAST({expr} AS DECIMAL(38, 12)) END"
    return f"sum({value}){where_sql}"


class PostsReader:
    """The posts of one country created in [lo, hi), as the DuckDB view ``raw`` (plus ``day``, the local
    day number since 1970-01-01, and ``w``, the week relative to ``monday``), with their older copies found.

    Queries are SQL templates over ``{posts}``; :meth:`query` runs them so that every post counts once.
    """

    def __init__(
        self,
        con: duckdb.DuckDBPyConnection,
        lake: Lake,
        country: str,
        lo: datetime,
        hi: datetime,
        *,
        timezone: str,
        monday: date,
    ) -> None:
        self.con, self.lo, self.hi, self.monday = con, lo, hi, monday
        self.zone = ZoneInfo(timezone)
        # Partitions are UTC dates: a day of margin on each side, the view filters the timestamps exactly.
        partitions = lake.post_file_sizes(country, lo.date() - timedelta(days=1), hi.date() + timedelta(days=1))
        files = [path for sizes in partitions.values() for path, _ in sizes]
        self.day_sql = _local_day_sql(self.zone, lo - timedelta(days=2), hi + timedelta(days=2))
        monday_n = (monday - EPOCH).days
        # Integer division truncates: shift by a thousand weeks so that earlier weeks round down too.
        self.week_sql = f"(({self.day_sql}) - {monday_n} + 7000) // 7 - 1000"
        source = relation(con, lake, "raw_files", files)
        con.execute(
            f"CREATE OR REPLACE TEMP VIEW raw AS SELECT *, {self.day_sql} AS day, {self.week_sql} AS w "
            f"FROM {source} WHERE created_at >= {_ts(lo)} AND created_at < {_ts(hi)}"
        )
        self.mode = self._find_older_copies(lake, partitions)
        self.posts = "kept" if self.mode == EXCLUDE else "raw"

    def since(self, w: int) -> datetime:
        """The UTC instant week ``w`` (relative to ``monday``) starts, for filters the Parquet reader prunes on."""
        start = datetime.combine(self.monday + timedelta(weeks=w), datetime.min.time(), tzinfo=self.zone)
        return max(start.astimezone(UTC), self.lo)

    def query(
        self, sql: str, params: dict[str, Any] | None = None, *, keys: int = 0, additive: Sequence[int] = ()
    ) -> list[tuple[Any, ...]]:
        """Rows of ``sql`` (a template over ``{posts}``) with every post counted once.

        The first ``keys`` columns are the grouping; the columns at ``additive`` are counts or sums, from
        which the older copies' own rows are subtracted. Other columns must be distinct counts, minima,
        maxima or lists of distinct values, which older copies do not change.
        """
        rows = self.con.execute(sql.replace("{posts}", self.posts), params or {}).fetchall()
        if self.mode != SUBTRACT or not additive:
            return rows
        at = {row[:keys]: i for i, row in enumerate(rows)}
        out = [list(row) for row in rows]
        for older in self.con.execute(sql.replace("{posts}", "stale"), params or {}).fetchall():
            i = at[older[:keys]]  # an older copy was read with its group: the group is there
            for c in additive:
                out[i][c] = (out[i][c] or 0) - (older[c] or 0)
        return [tuple(row) for row in out]

    def table(
        self, name: str, sql: str, params: dict[str, Any] | None = None, *, keys: Sequence[str], additive: Sequence[str]
    ) -> None:
        """Temporary table ``name`` of ``sql`` (a template over ``{posts}``) with every post counted once,
        for several questions to read instead of a scan each.

        ``keys`` are its grouping columns, ``additive`` its counts and sums (exact ones: DECIMAL, see
        :func:`exact_total`), from which the older copies' own rows are subtracted in SQL, exactly. Every
        other column must be unchanged by older copies (as in :meth:`query`). A group keeps its row: an
        older copy agrees with the kept one on the identity columns, which any key is made of.
        """
        self.con.execute(f"CREATE OR REPLACE TEMP TABLE {name} AS {sql.replace('{posts}', self.posts)}", params or {})
        if self.mode != SUBTRACT:
            return
        older = f"{name}_older"
        self.con.execute(f"CREATE OR REPLACE TEMP TABLE {older} AS {sql.replace('{posts}', 'stale')}", params or {})
        minus = ", ".join(f"{c} = coalesce({name}.{c}, 0) - coalesce(o.{c}, 0)" for c in additive)
        same = " AND ".join(f"{name}.{k} IS NOT DISTINCT FROM o.{k}" for k in keys)
        self.con.execute(f"UPDATE {name} SET {minus} FROM {older} o WHERE {same}")
        self.con.execute(f"DROP TABLE {older}")

    def _find_older_copies(self, lake: Lake, partitions: dict[str, list[tuple[str, int]]]) -> str:
        """Table ``stale``: the older copies created in the window (empty when there are none); the mode."""
        several = {day: sizes for day, sizes in partitions.items() if len(sizes) > 1}
        multi = [path for sizes in several.values() for path, _ in sizes]
        # The largest file of a partition is the compacted one when there is one; the others are few rows.
        smaller = [path for sizes in several.values() for path, _ in sorted(sizes, key=lambda s: (-s[1], s[0]))[1:]]
        columns = f"{COLUMNS}, {self.day_sql} AS day, {self.week_sql} AS w"
        if not multi:
            self.con.execute(
                f"CREATE OR REPLACE TEMP TABLE stale AS SELECT {columns} FROM {relation(self.con, lake, 'none', [])}"
            )
            return CLEAN
        multi_files = relation(self.con, lake, "multi_files", multi)
        # The ids read more than once first (a hash aggregate), then the window over their rows only: where
        # a partition is still in hourly appends, its smaller files are nearly all of it.
        self.con.execute(
            f"""
            CREATE OR REPLACE TEMP TABLE copies AS
            SELECT {columns},
                   row_number() OVER (PARTITION BY post_id ORDER BY collected_at DESC, created_at DESC) AS copy
            FROM {multi_files}
            WHERE post_id IN (
                SELECT post_id FROM {multi_files}
                WHERE post_id IN (SELECT post_id FROM {relation(self.con, lake, "smaller_files", smaller)})
                GROUP BY post_id HAVING count(*) > 1
            )
            """
        )
        self.con.execute(
            f"CREATE OR REPLACE TEMP TABLE stale AS SELECT * EXCLUDE (copy) FROM copies "
            f"WHERE copy > 1 AND created_at >= {_ts(self.lo)} AND created_at < {_ts(self.hi)}"
        )
        if not self._count("SELECT count(*) FROM stale"):
            return CLEAN
        kept_fields = ", ".join(f"k.{c}" for c in _IDENTITY)
        older_fields = ", ".join(f"s.{c}" for c in _IDENTITY)
        disagreeing = self._count(
            f"SELECT count(*) FROM stale s JOIN copies k ON k.post_id = s.post_id AND k.copy = 1 "
            f"WHERE ({older_fields}) IS DISTINCT FROM ({kept_fields})"
        )
        # Keys of the older copies; a copy identical in all three to the kept one (the same collection
        # written twice) is kept twice rather than dropped with its twin.
        self.con.execute(
            f"CREATE OR REPLACE TEMP TABLE stale_keys AS SELECT {_KEY} FROM stale "
            f"EXCEPT SELECT {_KEY} FROM copies WHERE copy = 1"
        )
        self.con.execute(f"CREATE OR REPLACE TEMP VIEW kept AS SELECT * FROM raw ANTI JOIN stale_keys USING ({_KEY})")
        return EXCLUDE if disagreeing else SUBTRACT

    def _count(self, sql: str) -> int:
        row = self.con.execute(sql).fetchone()
        return int(row[0]) if row else 0


def drop_older_copies(con: duckdb.DuckDBPyConnection, table: str, reader: PostsReader) -> None:
    """Remove older copies from a small table of rows read with :meth:`PostsReader.query`'s ``{posts}``
    and holding post_id, collected_at and created_at; then one row per post (the latest)."""
    if reader.mode == CLEAN:
        return
    con.execute(
        f"DELETE FROM {table} t USING stale_keys k "
        "WHERE t.post_id = k.post_id AND t.collected_at = k.collected_at AND t.created_at = k.created_at"
    )
    # Only a post with an older copy in the window can still have two rows (twins: the same collection
    # written twice): the window function runs over those posts' rows, not over every row of the table.
    con.execute(
        f"DELETE FROM {table} WHERE rowid IN (SELECT rowid FROM {table} WHERE post_id IN (SELECT post_id FROM stale) "
        "QUALIFY row_number() OVER (PARTITION BY post_id ORDER BY collected_at DESC, created_at DESC) > 1)"
    )


def relation(con: duckdb.DuckDBPyConnection, lake: Lake, name: str, files: list[str]) -> str:
    """A relation over ``files``: DuckDB's own Parquet reader for a local lake (parallel, reads only the
    columns a query uses), a registered pyarrow dataset on S3 (projection and filters pushed down)."""
    if not files:
        con.register(name, FILE_SCHEMA.empty_table())
        return name
    if lake.is_local:
        # File names are the lake's own (partition folders and generated names); quotes are escaped anyway.
        # Files of every schema version: columns matched by name, and those of a later version than all
        # the files hold come from the empty table of the current one, as nulls (costs nothing measurable).
        con.register("posts_schema", FILE_SCHEMA.empty_table())
        listed = ", ".join("'" + f.replace("'", "''") + "'" for f in files)
        return f"(SELECT * FROM read_parquet([{listed}], union_by_name = true) UNION ALL BY NAME FROM posts_schema)"
    con.register(name, lake.files_dataset(files))
    return name


def _ts(at: datetime) -> str:
    return f"TIMESTAMPTZ '{at.astimezone(UTC).isoformat()}'"


def _local_day_sql(zone: ZoneInfo, lo: datetime, hi: datetime) -> str:
    """SQL for the local day number (days since 1970-01-01 in ``zone``) of ``created_at`` in [lo, hi).

    The UTC offset is constant between transitions, and every transition of every zone in use falls on a
    quarter hour: a CASE over the few stretches of the window instead of a time zone conversion per row,
    which costs a second per two million posts.
    """
    quarter = 900
    stretches: list[tuple[int, int]] = []
    t, end = int(lo.timestamp()) // quarter * quarter, int(hi.timestamp())
    while t <= end + quarter:
        offset = datetime.fromtimestamp(t, zone).utcoffset()
        seconds = int(offset.total_seconds()) if offset is not None else 0
        if not stretches or stretches[-1][1] != seconds:
            stretches.append((t, seconds))
        t += quarter
    us = "epoch_us(created_at)"
    if len(stretches) == 1:
        offset_sql = str(stretches[0][1])
    else:
        # Each stretch's offset holds until the next stretch starts.
        whens = " ".join(
            f"WHEN {us} < {stretches[i + 1][0] * 1_000_000} THEN {stretches[i][1]}" for i in range(len(stretches) - 1)
        )
        offset_sql = f"CASE {whens} ELSE {stretches[-1][1]} END"
    # Floor division: epoch seconds before 1970 do not occur in a lake.
    return f"(({us} // 1000000 + {offset_sql}) // 86400)"


def day_of(number: int) -> date:
    return EPOCH + timedelta(days=int(number))
