"""The right to erasure: remove every post of one author from every partition of the lake.

Files that hold the author's rows are rewritten without them (the new file first, then the old one
deleted), so a crash leaves at worst both, and the next run finishes the job. The briefs of the weeks that
held those posts are rebuilt, so no excerpt of them survives; briefs built afterwards never see them.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import pyarrow.compute as pc
import pyarrow.parquet as pq

from listening_post.lake import Lake
from listening_post.links import delete_links


@dataclass
class ErasureReport:
    author_id: str
    posts_removed: int = 0
    files_rewritten: list[str] = field(default_factory=list)
    weeks: set[tuple[str, datetime]] = field(default_factory=set)  # (country, a created_at in that week)
    briefs_rebuilt: list[str] = field(default_factory=list)

    def document(self) -> dict[str, Any]:
        return {
            "author_id": self.author_id,
            "posts_removed": self.posts_removed,
            "files_rewritten": len(self.files_rewritten),
            "briefs_rebuilt": self.briefs_rebuilt,
        }


def erase_author(
    lake: Lake,
    author_id: str,
    *,
    run_id: str,
    rebuild: Callable[[str, datetime], str | None] | None = None,
) -> ErasureReport:
    """Remove the rows of ``author_id`` (a pseudonym) everywhere; ``rebuild(country, when)`` rebuilds the
    brief of the week holding ``when`` and returns its path, or None when there was no brief."""
    report = ErasureReport(author_id)
    for country in lake.countries():
        for day in lake.days(country):
            for relative in lake.partition_files(country, day):
                _erase_in_file(lake, country, relative, author_id, run_id, report)
    if rebuild is not None:
        seen: set[str] = set()
        for country, when in sorted(report.weeks):
            path = rebuild(country, when)
            if path and path not in seen:
                seen.add(path)
                report.briefs_rebuilt.append(path)
    return report


def _erase_in_file(lake: Lake, country: str, relative: str, author_id: str, run_id: str, report: ErasureReport) -> None:
    path = lake.path(relative)
    authors = pq.read_table(path, columns=["author_id"], filesystem=lake.fs).column("author_id")
    hits = pc.equal(authors, author_id)
    if not pc.any(hits).as_py():
        return
    table = pq.read_table(path, filesystem=lake.fs)
    mine = table.filter(pc.fill_null(hits, False))
    keep = table.filter(pc.invert(pc.fill_null(hits, False)))
    report.posts_removed += mine.num_rows
    report.weeks.update((country, t) for t in mine.column("created_at").to_pylist())
    folder, name = relative.rsplit("/", 1)
    # The reader's links of those posts (links/, same country and day) go with them.
    delete_links(lake, mine.column("post_id").to_pylist(), run_id=run_id, country=country, day=folder.rsplit("=", 1)[1])
    if keep.num_rows:
        digest = hashlib.blake2b(name.encode(), digest_size=4).hexdigest()
        lake.write_table(f"{folder}/part-erased-{run_id}-{digest}.parquet", keep)
    lake.delete(relative)
    report.files_rewritten.append(relative)
