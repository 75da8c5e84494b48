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

_BLUESKY_POST = "app.bsky.feed.post"
_BLUESKY_REPOST = "app.bsky.feed.repost"


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


def bluesky_native(old_id: str) -> str | None:
    """The native id collection now gives a Bluesky post (its at-uri), from the id the lake held before;
    None when ``old_id`` is not in the old form (already migrated)."""
    rest = old_id.removeprefix("bluesky:")
    if not rest.startswith("did:"):
        return None
    parts = rest.split("/")
    if len(parts) == 2:
        return f"at://{parts[0]}/{_BLUESKY_POST}/{parts[1]}"
    if len(parts) == 3 and parts[1] == "repost":
        return f"at://{parts[0]}/{_BLUESKY_REPOST}/{parts[2]}"
    if len(parts) == 4 and parts[1] == "repost-of":
        return f"repost-of:{parts[0]}:at://{parts[2]}/{_BLUESKY_POST}/{parts[3]}"
    return None


def reddit_url(url: str) -> str | None:
    """The id-only link for a permalink that names a user; None when ``url`` names none."""
    from urllib.parse import urlsplit

    segments = [s for s in urlsplit(url).path.split("/") if s]
    if len(segments) < 4 or "comments" not in segments:
        return None
    if segments[0] == "r" and not segments[1].lower().startswith("u_"):
        return None
    at = segments.index("comments")
    tail = segments[at + 1 :]
    if not tail:
        return None
    if len(tail) >= 3:  # <submission>/<slug>/<comment>
        return f"https://www.reddit.com/comments/{tail[0]}/_/{tail[2]}/"
    return f"https://www.reddit.com/comments/{tail[0]}/"


def _migrate_row(row: dict[str, Any], pseudonymiser: Pseudonymiser, report: MigrationReport) -> str | None:
    """Rewrite ``row`` in place; returns the reader's link to keep in links/, if any."""
    source, url = row["source"], row["url"]
    if source == "bluesky":
        native = bluesky_native(row["post_id"])
        if native is not None:
            row["post_id"] = pseudonymiser.post_id(source, native)
            report.post_ids_rewritten += 1
    if source in ("bluesky", "mastodon") and url is not None:
        row["url"] = None
        # A repost is never an example: its link is dropped, not kept (as collection does now).
        return None if row["is_repost"] else str(url)
    if source == "reddit" and url is not None and (fixed := reddit_url(url)) is not None:
        row["url"] = fixed
        report.urls_rewritten += 1
    return None


def _needs_migration(rows: list[dict[str, Any]]) -> bool:
    for row in rows:
        source, url = row["source"], row["url"]
        if source == "bluesky" and (bluesky_native(row["post_id"]) is not None or url is not None):
            return True
        if source == "mastodon" and url is not None:
            return True
        if source == "reddit" and url is not None and reddit_url(url) is not None:
            return True
    return False


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
