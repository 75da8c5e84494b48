"""The ``links/`` dataset: the reader's link of each post whose every link names its author.

Mastodon links are ``https://host/@user/id`` and Bluesky's ``https://bsky.app/profile/<did>/post/<rkey>``:
no form without the author exists. Those links are not written to ``posts`` (its ``url`` is None for
them); they are kept here, ``post_id -> url``, so that a brief can still link its examples. The dataset has
its own retention (``links_retention_days``; an S3 lifecycle rule when deployed) and its own access: the
collect function writes it, the brief function reads it, nothing else (template.yaml). Its files hold
(post_id, url), laid out as :mod:`listening_post.layout` says.

It is partitioned like ``posts`` (the post's UTC day), so a week's examples read a week of links, and
retention drops whole days.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from datetime import date
from typing import TYPE_CHECKING

from listening_post.layout import PATHS

if TYPE_CHECKING:
    import pyarrow as pa

    from listening_post.lake import Lake
    from listening_post.model import Post

COLUMNS = ("post_id", "url")


def schema() -> pa.Schema:
    import pyarrow as pa

    return pa.schema(
        [pa.field("post_id", pa.string(), nullable=False), pa.field("url", pa.string(), nullable=False)],
        metadata={b"listening_post.schema": b"links", b"listening_post.schema_version": b"1"},
    )


def partition(country: str, day: date | str) -> str:
    return PATHS.links_partition(country, day)


def write_links(lake: Lake, posts: Iterable[Post], *, run_id: str) -> list[str]:
    """Write the ``link`` of each post that has one, one file per (country, day, source); returns the files.

    Names are content-addressed like posts files, so a retried write replaces its file."""
    import pyarrow as pa

    groups: dict[tuple[str, str, str], dict[str, str]] = {}
    for post in posts:
        if post.link:
            key = (post.country, post.created_at.date().isoformat(), post.source)
            groups.setdefault(key, {})[post.post_id] = post.link
    written = []
    for (country, day, source), links in sorted(groups.items()):
        ids = sorted(links)
        digest = hashlib.blake2b("\n".join(ids).encode(), digest_size=4).hexdigest()
        table = pa.table({"post_id": ids, "url": [links[i] for i in ids]}, schema=schema())
        written.append(lake.write_table(PATHS.part(partition(country, day), source, run_id, digest), table))
    return written


def days(lake: Lake, country: str) -> list[str]:
    return PATHS.values(lake.list_dir(PATHS.country(PATHS.LINKS, country)), "dt")


def countries(lake: Lake) -> list[str]:
    return PATHS.values(lake.list_dir(PATHS.LINKS), "country")


def files(lake: Lake, country: str, day: str) -> list[str]:
    base = partition(country, day)
    return [f"{base}/{name}" for name in lake.list_dir(base) if name.endswith(".parquet")]


def read_links(lake: Lake, country: str, start: date, end: date, post_ids: Iterable[str]) -> dict[str, str]:
    """The links of ``post_ids`` among the posts of ``country`` dated ``start`` to ``end`` (UTC days)."""
    import pyarrow.compute as pc
    import pyarrow.dataset as ds

    from listening_post.listing import relisting

    wanted = sorted(set(post_ids))
    if not wanted:
        return {}
    lo, hi = start.isoformat(), end.isoformat()

    def read() -> dict[str, str]:
        paths = [lake.path(f) for day in days(lake, country) if lo <= day <= hi for f in files(lake, country, day)]
        if not paths:
            return {}
        # One dataset: its files are read in parallel (hourly collection leaves many small ones per day).
        dataset = ds.dataset(paths, schema=schema(), format="parquet", filesystem=lake.fs)
        table = dataset.to_table(filter=pc.field("post_id").isin(wanted))
        return dict(zip(table.column("post_id").to_pylist(), table.column("url").to_pylist(), strict=True))

    # A file replaced meanwhile (erasure rewrites files): list again, as posts readers do.
    return relisting(read)


def delete_links(
    lake: Lake,
    post_ids: Iterable[str],
    *,
    run_id: str,
    country: str | None = None,
    day: date | str | None = None,
) -> int:
    """Remove the links of ``post_ids`` (erasure); returns how many rows went. ``country`` and ``day`` (the
    posts' partition) narrow the search; without them every partition is read. Files holding none are not
    touched; a file holding some is rewritten without them (new file first, then the old one deleted)."""
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    doomed = sorted(set(post_ids))
    if not doomed:
        return 0
    removed = 0
    ids = pa.array(doomed, pa.string())
    for where in [country] if country else countries(lake):
        for when in [str(day)] if day else days(lake, where):
            for relative in files(lake, where, when):
                table = pq.read_table(lake.path(relative), filesystem=lake.fs, schema=schema())
                hits = pc.is_in(table.column("post_id"), value_set=ids)
                count = pc.sum(hits).as_py() or 0
                if not count:
                    continue
                keep = table.filter(pc.invert(hits))
                if keep.num_rows:
                    folder, name = relative.rsplit("/", 1)
                    digest = hashlib.blake2b(name.encode(), digest_size=4).hexdigest()
                    lake.write_table(PATHS.part(folder, "erased", run_id, digest), keep)
                lake.delete(relative)
                removed += count
    return removed


def drop_before(lake: Lake, country: str, cutoff: date) -> list[str]:
    """Retention: delete the links partitions of ``country`` whose date is before ``cutoff``."""
    dropped = []
    for day in days(lake, country):
        if day < cutoff.isoformat():
            base = partition(country, day)
            lake.fs.delete_dir(lake.path(base))
            dropped.append(base)
    return dropped
