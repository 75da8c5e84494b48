"""Daily upkeep of the lake: compaction of small files per partition, and retention.

Collectors append one small file per run and partition; readers and Athena pay per file opened, so
compaction rewrites each partition with more than one file into a single deduplicated file. Posts older
than the configured retention are removed here on a laptop; in S3 a lifecycle rule does the same.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from listening_post.lake import CompactResult, Lake


@dataclass
class MaintenanceReport:
    run_id: str
    compacted: list[CompactResult] = field(default_factory=list)
    dropped: list[str] = field(default_factory=list)

    def document(self) -> dict[str, Any]:
        return {
            "run_id": self.run_id,
            "partitions_compacted": len([c for c in self.compacted if c.files_before > 1]),
            "files_before": sum(c.files_before for c in self.compacted),
            "files_after": sum(c.files_after for c in self.compacted),
            "duplicates_removed": sum(c.duplicates_removed for c in self.compacted),
            "partitions_dropped": self.dropped,
        }


def maintain(
    lake: Lake,
    *,
    run_id: str,
    today: date,
    retention_days: int | None,
    countries: Iterable[str] | None = None,
    links_retention_days: int | None = None,
) -> MaintenanceReport:
    """Apply retention (posts, and links/ with its own), then compact every partition with more than one file."""
    from listening_post import links

    report = MaintenanceReport(run_id)
    for country in sorted(countries or lake.countries()):
        if retention_days is not None:
            report.dropped += lake.drop_partitions_before(country, today - timedelta(days=retention_days))
        if links_retention_days is not None:
            report.dropped += links.drop_before(lake, country, today - timedelta(days=links_retention_days))
        for day in lake.days(country):
            if len(lake.partition_files(country, day)) > 1:
                report.compacted.append(lake.compact_partition(country, day, run_id=run_id))
    return report
