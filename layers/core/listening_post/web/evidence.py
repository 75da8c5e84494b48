"""The evidence behind a figure: a sample of the posts of one country and week, filtered as the figure was
(topic, tone label, source, language), read from the lake's Parquet files with DuckDB.

The week's bounds (in the country's time zone) and its topics come from the week's ``summary.json``: the
posts listed are those behind that brief's numbers. Every post counts once (its latest copy, as the summary
reads it: analysis/reading.py); reposts are left out, as the tone figures leave them out. The sample is a
stable pseudo-random order (a hash of the post id), so that pages do not shift between requests and the
first page is not merely the loudest posts.

Nothing here names an author: ``author_id`` is never read, @mentions in the text are masked as in the
briefs' examples, and the only link shown is the post's own (from ``posts``, or for Mastodon and Bluesky,
whose every link names the author, from the ``links/`` dataset, the reader's link the brief shows too).

Imports DuckDB when called, never at import: the API function's cold start does not pay for it.
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cache
from typing import Any, Protocol

from listening_post.layout import PATHS
from listening_post.sources import registry
from listening_post.weeks import IsoWeek

# As in the briefs' examples (analysis/weekly.py); a test checks both mask alike.
MENTION = r"(?<![\w@])@[\w.@-]+"
TEXT_CHARS = 600  # a post's text as listed: long articles are cut at a word boundary
MAX_LIMIT = 100
MAX_PAGE = 1000
# What the API function may copy from S3 to /tmp (512 MiB) for one request: a week of one country's posts
# is a few MiB; more means the lake is not compacted, and Athena is the tool then.
MAX_BYTES = 256 * 1024 * 1024


class Files(Protocol):
    def list_dir(self, relative: str) -> list[str]: ...

    def read_bytes(self, relative: str) -> bytes: ...


class TooMuchData(Exception):
    """The week's files exceed what one request may read."""


@dataclass(frozen=True)
class Filters:
    topic: str | None = None
    label: str | None = None
    source: str | None = None
    lang: str | None = None

    def as_params(self) -> dict[str, str]:
        return {k: v for k, v in self.__dict__.items() if v is not None}


@dataclass(frozen=True)
class Page:
    total: int
    page: int
    limit: int
    posts: list[dict[str, Any]]

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.limit))

    @property
    def next_page(self) -> int | None:
        return self.page + 1 if self.page < min(self.pages, MAX_PAGE) else None

    @property
    def previous_page(self) -> int | None:
        return self.page - 1 if self.page > 1 else None


@cache
def _mention() -> Any:
    import regex  # with the first listing, not at the API function's cold start

    return regex.compile(MENTION)


def mask(text: str, limit: int = TEXT_CHARS) -> str:
    text = _mention().sub("@…", text or "")
    if len(text) <= limit:
        return text
    return text[:limit].rsplit(" ", 1)[0] + " …"


def _partition_files(files: Files, dataset: str, country: str, first: Any, last: Any) -> list[str]:
    out = []
    day = first
    while day <= last:
        folder = PATHS.partition(dataset, country, day.isoformat())
        out += [f"{folder}/{name}" for name in files.list_dir(folder) if name.endswith(".parquet")]
        day += timedelta(days=1)
    return out


def _local_paths(files: Files, relative: list[str], scratch: str) -> list[str]:
    """Paths DuckDB can open: the lake's own on a laptop, copies in ``scratch`` from S3 (no httpfs in Lambda)."""
    path = getattr(files, "path", None)
    if getattr(files, "is_local", False) and callable(path):
        return [str(path(r)) for r in relative]
    out, total = [], 0
    for i, r in enumerate(relative):
        data = files.read_bytes(r)
        total += len(data)
        if total > MAX_BYTES:
            raise TooMuchData(f"the week's files exceed {MAX_BYTES // 2**20} MiB; query them with Athena")
        target = os.path.join(scratch, f"{i}.parquet")
        with open(target, "wb") as fh:
            fh.write(data)
        out.append(target)
    return out


def _files_sql(paths: list[str]) -> str:
    listed = ", ".join("'" + p.replace("'", "''") + "'" for p in paths)
    return f"read_parquet([{listed}], union_by_name = true)"


def sample(
    files: Files, country: str, week: IsoWeek, timezone: str, filters: Filters, *, page: int, limit: int
) -> Page:
    """Page ``page`` (1-based) of ``limit`` posts of ``country`` in ``week`` matching ``filters``."""
    import duckdb

    start, end = week.bounds(timezone)
    # Partitions are UTC dates of creation: a day of margin each side, the query filters exactly.
    first, last = start.date() - timedelta(days=1), end.date() + timedelta(days=1)
    posts = _partition_files(files, PATHS.POSTS, country, first, last)
    if not posts:
        return Page(0, page, limit, [])
    with tempfile.TemporaryDirectory(prefix="evidence-") as scratch:
        con = duckdb.connect()
        try:
            con.execute("SET threads = 2")
            paths = _local_paths(files, posts, scratch)
            where = ["NOT is_repost"]
            params: dict[str, Any] = {"lo": start, "hi": end}
            if filters.topic is not None:
                where.append("list_contains(topics, $topic)")
                params["topic"] = filters.topic
            for column in ("label", "source", "lang"):
                value = getattr(filters, column)
                if value is not None:
                    where.append(f"{'sentiment_label' if column == 'label' else column} = ${column}")
                    params[column] = value
            # The latest copy of each post first (an older copy may carry another label), then the filters.
            # File names are the lake's or ours, quoted; every value is a parameter.
            hits = (
                "CREATE TEMP TABLE hits AS SELECT * FROM ("  # noqa: S608
                "SELECT post_id, source, lang, text, url, sentiment, sentiment_label, topics, created_at, "
                "likes, reposts, replies, is_repost "
                f"FROM {_files_sql(paths)} WHERE created_at >= $lo AND created_at < $hi "
                "QUALIFY row_number() OVER (PARTITION BY post_id ORDER BY collected_at DESC, created_at DESC) = 1"
                f") WHERE {' AND '.join(where)}"
            )
            con.execute(hits, params)
            row = con.execute("SELECT count(*) FROM hits").fetchone()
            total = int(row[0]) if row else 0
            rows = con.execute(
                "SELECT post_id, source, lang, text, url, sentiment, sentiment_label, topics, created_at, "
                "likes, reposts, replies FROM hits ORDER BY md5(post_id) LIMIT $limit OFFSET $offset",
                {"limit": limit, "offset": (page - 1) * limit},
            ).fetchall()
            links = _links(con, files, country, first, last, scratch, rows)
        finally:
            con.close()
    return Page(total, page, limit, [_post(r, links) for r in rows])


def _links(
    con: Any, files: Files, country: str, first: Any, last: Any, scratch: str, rows: list[tuple[Any, ...]]
) -> dict[str, str]:
    """The reader's links of the listed Mastodon and Bluesky posts, from ``links/`` (read only when needed)."""
    linked = {spec.name for spec in registry.platforms() if spec.reader_links}  # their links live in links/
    wanted = [r[0] for r in rows if r[4] is None and r[1] in linked]
    if not wanted:
        return {}
    relative = _partition_files(files, PATHS.LINKS, country, first, last)
    if not relative:
        return {}
    links_dir = os.path.join(scratch, "links")
    os.makedirs(links_dir, exist_ok=True)
    paths = _local_paths(files, relative, links_dir)
    sql = f"SELECT post_id, any_value(url) FROM {_files_sql(paths)} WHERE list_contains($ids, post_id) GROUP BY 1"  # noqa: S608
    found = con.execute(sql, {"ids": wanted}).fetchall()
    return dict(found)


def _post(row: tuple[Any, ...], links: dict[str, str]) -> dict[str, Any]:
    from listening_post.briefs.render import safe_url  # http(s) links only, as in the briefs

    post_id, source, lang, text, url, sentiment, label, topics, created_at, likes, reposts, replies = row
    created = created_at.astimezone(UTC) if isinstance(created_at, datetime) else None
    return {
        "created_at": created.isoformat() if created else None,
        "source": source,
        "lang": lang,
        "text": mask(text),
        "url": safe_url(url if url is not None else links.get(post_id)),
        "sentiment": sentiment,
        "label": label,
        "topics": list(topics or []),
        "engagement": {"likes": likes, "reposts": reposts, "replies": replies},
    }
