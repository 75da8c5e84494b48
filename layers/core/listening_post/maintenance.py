"""Daily upkeep of the lake: compaction of small files per partition, and retention.

Collectors append one small file per run and partition; readers and Athena pay per file opened, so
compaction rewrites each partition with more than one file into a single deduplicated file. Posts older
than the configured retention are removed here on a laptop; in S3 a lifecycle rule does the same.

Retention deletes for good, so it asks first: ``confirm`` gets every partition that would go and says yes
or no; ``dry_run`` lists what would be compacted and dropped and changes nothing. Two runs at once are kept
apart by the caller's lease (``lease.py``): compacting one partition twice at once deleted each other's
inputs.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from listening_post.lake import CompactResult, Lake

# Longer than the compact function's 15-minute limit, so a live run never loses its lease; a crashed one
# holds it at most this long.
LEASE_SECONDS = 20 * 60
Confirm = Callable[[list[str]], bool]  # the partitions retention would delete -> go ahead?


class RetentionNotConfirmedError(Exception):
    """Retention would delete partitions and was not confirmed: nothing was changed."""


@dataclass
class MaintenanceReport:
    run_id: str
    compacted: list[CompactResult] = field(default_factory=list)
    dropped: list[str] = field(default_factory=list)
    dry_run: bool = False
    would_compact: dict[str, int] = field(default_factory=dict)  # partition -> files, in a dry run
    would_drop: list[str] = field(default_factory=list)  # in a dry run
    erased: int = 0  # rows of authors in the erasure ledger, removed while compacting

    def document(self) -> dict[str, Any]:
        document: dict[str, Any] = {
            "run_id": self.run_id,
            "partitions_compacted": len([c for c in self.compacted if c.files_before > 1]),
            "files_before": sum(c.files_before for c in self.compacted),
            "files_after": sum(c.files_after for c in self.compacted),
            "duplicates_removed": sum(c.duplicates_removed for c in self.compacted),
            "partitions_dropped": self.dropped,
            "erased": self.erased,
        }
        if self.dry_run:
            document |= {
                "dry_run": True,
                "would_compact": self.would_compact,
                "would_drop": self.would_drop,
            }
        return document


def maintain(
    lake: Lake,
    *,
    run_id: str,
    today: date,
    retention_days: int | None,
    countries: Iterable[str] | None = None,
    confirm: Confirm | None = None,
    dry_run: bool = False,
    links_retention_days: int | None = None,
) -> MaintenanceReport:
    """Apply retention, then compact every partition with more than one file.

    Partitions older than ``retention_days`` are deleted only when ``confirm`` says yes to the list of them
    (asked once, before anything changes; without ``confirm`` the answer is no); otherwise
    :class:`RetentionNotConfirmedError` and nothing is changed."""
    from listening_post import links

    report = MaintenanceReport(run_id, dry_run=dry_run)
    chosen = sorted(countries or lake.countries())
    cutoff = (today - timedelta(days=retention_days)).isoformat() if retention_days is not None else None
    days = {country: lake.days(country) for country in chosen}
    doomed = [lake.partition(c, d) for c in chosen for d in days[c] if cutoff is not None and d < cutoff]
    if dry_run:
        report.would_drop = doomed
        for country in chosen:
            for day in days[country]:
                base = lake.partition(country, day)
                if base not in doomed and len(files := lake.partition_files(country, day)) > 1:
                    report.would_compact[base] = len(files)
        return report
    if doomed and not (confirm is not None and confirm(doomed)):
        raise RetentionNotConfirmedError(
            f"retention would delete {len(doomed)} partitions older than {cutoff}; not confirmed, nothing changed"
        )
    for country in chosen:
        if cutoff is not None:
            report.dropped += lake.drop_partitions_before(country, date.fromisoformat(cutoff))
        if links_retention_days is not None:
            report.dropped += links.drop_before(lake, country, today - timedelta(days=links_retention_days))
        for day in lake.days(country):
            if len(lake.partition_files(country, day)) > 1:
                report.compacted.append(lake.compact_partition(country, day, run_id=run_id))
    return report
