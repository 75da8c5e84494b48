"""The right to erasure: remove every post of one author from the lake, and keep them out for good.

The erasure ledger (``state/erasure/<author id>.json`` in the lake, a local folder or S3) lists the erased
authors by pseudonym, never by handle, with the date and a reason. Every writer of posts consults it:
import and collection drop the erased authors' posts (:func:`append_without_erased`), compaction drops
their rows (:meth:`Lake.compact_partition`).

Erasure writes the ledger entry first, then sweeps. A writer that read the ledger before the entry existed
may write the author's posts after the sweep listed its partition; so each writer reads the ledger again
once its files are written, and rewrites them without any author erased meanwhile. Either the sweep sees
the file, or the writer's second read sees the entry: no row survives. The sweep then checks again, and
says when rows keep reappearing (exit non-zero: run it again).

Files that hold the author's rows are rewritten without them (the new file first, then the old one
deleted), so a crash leaves at worst both, and the next run finishes the job. Quarantined records the
author wrote are removed, and the briefs of the weeks that held those posts are rebuilt (summary.json,
brief.html, brief.md and the weekly topics table), so no excerpt of them survives.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from listening_post.erasure_ledger import ErasureLedger as ErasureLedger
from listening_post.erasure_ledger import LakeErasureLedger as LakeErasureLedger
from listening_post.lake import AppendResult, Lake
from listening_post.layout import PATHS
from listening_post.links import delete_links

if TYPE_CHECKING:
    from listening_post.model import Post

Progress = Callable[[str], None]
# Sweeps after the first, when the previous one still found rows (a writer that raced the ledger entry).
MAX_PASSES = 4


def _other_sources(source: str) -> tuple[str, ...]:
    """Name prefixes of the files that cannot hold ``source``'s authors: appends name their files
    part-<source>-<run id>-<digest>.parquet. Any other file (compaction's, erasure's) is read."""
    from listening_post.sources import registry

    return tuple(PATHS.part_prefix(s) for s in registry.source_names() if s != source) if source else ()


def append_without_erased(
    lake: Lake, posts: Sequence[Post], *, run_id: str, ledger: ErasureLedger | None = None
) -> tuple[AppendResult, int]:
    """Append posts but those of erased authors; returns the append's result and how many were dropped.

    The ledger is read again once the files are written: an author erased in between is removed from
    them here, because the erasure's sweep may have listed the partition before these files existed."""
    ledger = ledger or LakeErasureLedger(lake)
    before = ledger.authors()
    kept = [p for p in posts if p.author_id not in before] if before else list(posts)
    # Distinct posts, as the lake would have counted them (a batch may hold a post twice).
    erased = len({p.post_id for p in posts if p.author_id in before}) if before else 0
    result = lake.append_posts(kept, run_id=run_id)
    if result.files and (late := ledger.authors() - before):
        for relative in result.files:
            removed = _drop_in_place(lake, relative, late)
            result.written -= removed
            erased += removed
    return result, erased


def _drop_in_place(lake: Lake, relative: str, authors: frozenset[str]) -> int:
    """Rewrite a file this run wrote without ``authors``' rows, under the same name (a writer may
    hold no right to delete)."""
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    try:
        table = pq.read_table(lake.path(relative), filesystem=lake.fs)
    except FileNotFoundError:
        return 0  # the erasure's sweep rewrote it already
    hits = pc.fill_null(pc.is_in(table.column("author_id"), value_set=_value_set(authors)), False)
    removed = pc.sum(hits).as_py() or 0
    if removed:
        lake.write_table(relative, table.filter(pc.invert(hits)))
    return int(removed)


def _value_set(authors: Iterable[str]) -> Any:
    import pyarrow as pa

    return pa.array(sorted(authors), type=pa.string())


@dataclass
class ErasureReport:
    author_id: str
    already_erased_at: str | None = None  # the ledger held the author before this run
    posts_removed: int = 0
    quarantined_removed: int = 0
    passes: int = 0
    files_read: int = 0  # posts files whose author column was read, over all passes
    complete: bool = True  # False: rows kept reappearing (a writer racing); run it again
    files_rewritten: list[str] = field(default_factory=list)
    weeks: set[tuple[str, datetime]] = field(default_factory=set)  # (country, a created_at in that week)
    post_ids: set[str] = field(default_factory=set)  # the posts removed: stored alerts quote some of them
    briefs_rebuilt: list[str] = field(default_factory=list)

    @property
    def matched(self) -> bool:
        return bool(self.posts_removed or self.quarantined_removed)

    def document(self) -> dict[str, Any]:
        return {
            "author_id": self.author_id,
            "posts_removed": self.posts_removed,
            "quarantined_removed": self.quarantined_removed,
            "files_read": self.files_read,
            "files_rewritten": len(self.files_rewritten),
            "briefs_rebuilt": self.briefs_rebuilt,
            "already_erased_at": self.already_erased_at,
            "complete": self.complete,
        }


def erase_author(
    lake: Lake,
    author_id: str,
    *,
    run_id: str,
    source: str = "",
    reason: str = "",
    ledger: ErasureLedger | None = None,
    rebuild: Callable[[str, datetime], str | None] | None = None,
    progress: Progress | None = None,
    now: datetime | None = None,
) -> ErasureReport:
    """Record ``author_id`` (a pseudonym) in the ledger, then remove their rows everywhere;
    ``rebuild(country, when)`` rebuilds the brief of the week holding ``when`` and returns its folder, or
    None when there was no brief."""
    say = progress or (lambda _line: None)
    ledger = ledger or LakeErasureLedger(lake)
    report = ErasureReport(author_id)
    previous = ledger.entry(author_id)
    if previous is not None:
        report.already_erased_at = str(previous.get("erased_at"))
    else:
        # First: from here on every writer drops the author.
        ledger.record(author_id, source=source, reason=reason, at=now or datetime.now(UTC))
    for attempt in range(1, MAX_PASSES + 1):
        report.passes = attempt
        if not _sweep_posts(lake, author_id, source, run_id, report, say):
            break  # a pass that changed nothing: no writer put the author back meanwhile
    else:
        report.complete = False
    report.quarantined_removed = _sweep_quarantine(lake, author_id, say)
    _sweep_alerts(lake, report.post_ids, say)
    if rebuild is not None:
        seen: set[str] = set()
        for country, when in sorted(report.weeks):
            path = rebuild(country, when)
            if path and path not in seen:
                seen.add(path)
                report.briefs_rebuilt.append(path)
                say(f"rebuilt {path}")
    return report


def _sweep_posts(lake: Lake, author_id: str, source: str, run_id: str, report: ErasureReport, say: Progress) -> bool:
    """One pass over every posts file that can hold the author; whether it removed rows or met a file
    that vanished (compaction replaced it: its new file is for the next pass)."""
    changed = False
    skip = _other_sources(source)
    for country in lake.countries():
        days = lake.days(country)
        read = 0
        for day in days:
            for relative in lake.partition_files(country, day):
                name = relative.rsplit("/", 1)[1]
                if skip and name.startswith(skip):
                    continue
                read += 1
                report.files_read += 1
                try:
                    changed |= _erase_in_file(lake, country, relative, author_id, run_id, report) > 0
                except FileNotFoundError:
                    changed = True
        say(
            f"pass {report.passes}, {country}: {read} files read in {len(days)} partitions, "
            f"{report.posts_removed} posts removed so far"
        )
    return changed


def _erase_in_file(lake: Lake, country: str, relative: str, author_id: str, run_id: str, report: ErasureReport) -> int:
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    path = lake.path(relative)
    with lake.fs.open_input_file(path) as f:
        authors = pq.ParquetFile(f).read(columns=["author_id"]).column("author_id")
    hits = pc.equal(authors, author_id)
    if not pc.any(hits).as_py():
        return 0
    table = pq.read_table(path, filesystem=lake.fs)
    hits = pc.fill_null(pc.equal(table.column("author_id"), author_id), False)
    mine = table.filter(hits)
    keep = table.filter(pc.invert(hits))
    report.posts_removed += mine.num_rows
    report.weeks.update((country, t) for t in mine.column("created_at").to_pylist())
    report.post_ids.update(mine.column("post_id").to_pylist())
    folder, name = relative.rsplit("/", 1)
    # The reader's links of those posts (links/, same country and day) go with them.
    delete_links(lake, mine.column("post_id").to_pylist(), run_id=run_id, country=country, day=PATHS.day_of(folder))
    if keep.num_rows:
        digest = hashlib.blake2b(f"{name}\n{author_id}".encode(), digest_size=4).hexdigest()
        lake.write_table(PATHS.part(folder, "erased", run_id, digest), keep)
    lake.delete(relative)
    report.files_rewritten.append(relative)
    return int(mine.num_rows)


def _sweep_alerts(lake: Lake, post_ids: set[str], say: Progress) -> int:
    """Drop the erased posts from every alert kept in the lake (its examples quote them, its post_ids name
    them) and rewrite the day's BI table. Alerts already delivered cannot be recalled."""
    from listening_post.alerts import store

    removed = 0
    if not post_ids:
        return removed
    for country in store.countries(lake):
        for day in store.days(lake, country):
            for alert in store.read_day(lake, country, day):
                examples = [e for e in alert.get("examples") or [] if e.get("post_id") not in post_ids]
                raw = json.dumps(alert, ensure_ascii=False)
                named = [i for i in post_ids if i in raw]  # in post_ids, examples and signals' event keys
                if not named:
                    continue
                removed += len(alert.get("examples") or []) - len(examples)
                alert["examples"] = examples
                alert["post_ids"] = [i for i in alert.get("post_ids") or [] if i not in post_ids]
                raw = json.dumps(alert, ensure_ascii=False)
                for post_id in named:  # what is left names it as a key only (a signal's identity)
                    raw = raw.replace(json.dumps(post_id)[1:-1], "erased")
                store.save(lake, json.loads(raw))
    if removed:
        say(f"alerts: {removed} quoted posts removed")
    return removed


def _sweep_quarantine(lake: Lake, author_id: str, say: Progress) -> int:
    """Drop the author's records from every quarantine document (records carry the writer's pseudonym
    when the source's record named one)."""
    removed = 0
    for source in PATHS.values(lake.list_dir(PATHS.QUARANTINE), "source"):
        # Day folders only: keys/ holds the idempotency markers, empty files naming no one.
        for day in PATHS.values(lake.list_dir(PATHS.quarantine_source(source)), "dt"):
            folder = PATHS.quarantine_day(source, day)
            for name in lake.list_dir(folder):
                relative = f"{folder}/{name}"
                raw = lake.read_bytes(relative)
                if author_id.encode() not in raw:
                    continue
                document = json.loads(raw)
                records = document.get("records") or []
                kept = [r for r in records if not (isinstance(r, dict) and r.get("author_id") == author_id)]
                if len(kept) == len(records):
                    continue
                removed += int(len(records) - len(kept))
                document["records"], document["count"] = kept, len(kept)
                if kept:
                    lake.write_json(relative, document)
                else:
                    lake.delete(relative)
    if removed:
        say(f"quarantine: {removed} records removed")
    return removed
