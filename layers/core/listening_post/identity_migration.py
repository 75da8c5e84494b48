"""One-off migration of a lake written before posts were free of author identity (``migrate-identity``).

Lakes written until then hold, outside the text: Bluesky post ids ``bluesky:<did>/<rkey>`` (and reposts'
``<did>/repost/<rkey>``, ``<did>/repost-of/<did>/<rkey>``) and their ``https://bsky.app/profile/<did>/...``
links, Mastodon links ``https://host/@user/id``, and Reddit permalinks of posts on user profiles
(``/r/u_<name>/``, ``/user/<name>/``). Each posts file holding any of them is rewritten: Bluesky ids become
the keyed hash collection now writes (so a re-collected post is recognised as the same post), links that
name the author move to ``links/`` and ``url`` becomes None, profile permalinks become Reddit's id-only
form. Links are written before the new posts file, the old file is deleted last: a crash leaves at worst
both files, which readers deduplicate, and running the command again finishes the job. Files already in
the new form are not touched, so a second run changes nothing.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any

from listening_post.enrich.pseudonym import Pseudonymiser
from listening_post.lake import Lake
from listening_post.sources.spec import LegacyRow


@dataclass
class MigrationReport:
    files_read: int = 0
    files_rewritten: list[str] = field(default_factory=list)
    post_ids_rewritten: int = 0
    links_moved: int = 0
    urls_rewritten: int = 0
    errors: list[str] = field(default_factory=list)  # files that could not be read: left as they are

    def document(self) -> dict[str, Any]:
        return {
            "files_read": self.files_read,
            "files_rewritten": len(self.files_rewritten),
            "post_ids_rewritten": self.post_ids_rewritten,
            "links_moved": self.links_moved,
            "urls_rewritten": self.urls_rewritten,
            "errors": self.errors,
        }


def _legacy(row: dict[str, Any]) -> LegacyRow | None:
    """What the platform of ``row`` changes in it (its ``legacy_identity``), or None."""
    from listening_post.sources import registry

    spec = registry.emitted_by().get(row["source"])
    if spec is None or spec.legacy_identity is None:
        return None
    return spec.legacy_identity(row["post_id"], row["url"])


def _migrate_row(row: dict[str, Any], pseudonymiser: Pseudonymiser, report: MigrationReport) -> str | None:
    """Rewrite ``row`` in place; returns the reader's link to keep in links/, if any."""
    fix = _legacy(row)
    if fix is None:
        return None
    if fix.native_id is not None:
        row["post_id"] = pseudonymiser.post_id(row["source"], fix.native_id)
        report.post_ids_rewritten += 1
    if fix.move_link:
        url, row["url"] = row["url"], None
        # A repost is never an example: its link is dropped, not kept (as collection does now).
        return None if row["is_repost"] else str(url)
    if fix.url is not None:
        row["url"] = fix.url
        report.urls_rewritten += 1
    return None


def _needs_migration(rows: list[dict[str, Any]]) -> bool:
    return any(_legacy(row) is not None for row in rows)


def migrate_identity(lake: Lake, pseudonymiser: Pseudonymiser, *, run_id: str) -> MigrationReport:
    import pyarrow as pa
    import pyarrow.parquet as pq

    from listening_post import links
    from listening_post.model import FILE_SCHEMA

    report = MigrationReport()
    for country in lake.countries():
        for day in lake.days(country):
            for relative in lake.partition_files(country, day):
                report.files_read += 1
                path = lake.path(relative)
                try:
                    # Only the three columns decide; most files of a migrated lake need no more than these.
                    head = pq.read_table(path, columns=["post_id", "source", "url"], filesystem=lake.fs).to_pylist()
                    if not _needs_migration(head):
                        continue
                    rows = pq.read_table(path, filesystem=lake.fs).to_pylist()
                except (OSError, pa.ArrowException, KeyError) as exc:
                    # A damaged or foreign file: say which and why, migrate the rest; a rerun retries it.
                    report.errors.append(f"{relative}: {type(exc).__name__}: {str(exc)[:200]}")
                    continue
                moved: dict[str, str] = {}
                for row in rows:
                    link = _migrate_row(row, pseudonymiser, report)
                    if link is not None:
                        moved[row["post_id"]] = link
                folder, name = relative.rsplit("/", 1)
                digest = hashlib.blake2b(name.encode(), digest_size=4).hexdigest()
                if moved:
                    ids = sorted(moved)
                    link_table = pa.table({"post_id": ids, "url": [moved[i] for i in ids]}, schema=links.schema())
                    target = lake.paths.part(links.partition(country, day), "migrated", run_id, digest)
                    lake.write_table(target, link_table)
                    report.links_moved += len(ids)
                new = pa.Table.from_pylist(rows, schema=FILE_SCHEMA)
                lake.write_table(lake.paths.part(folder, "migrated", run_id, digest), new)
                lake.delete(relative)
                report.files_rewritten.append(relative)
    return report
