"""Collection coverage of a week, from the run reports ``collect`` writes to ``runs/dt=<date>/``.

A brief must say when a source was down: silence from a platform that failed is not silence from its users.
"""

from __future__ import annotations

import json
import logging
from datetime import datetime, timedelta
from typing import Any, Protocol

from listening_post.layout import PATHS

log = logging.getLogger(__name__)


class _Documents(Protocol):
    def list_dir(self, relative: str) -> list[str]: ...

    def read_bytes(self, relative: str) -> bytes: ...


def source_runs(lake: _Documents, country: str, start: datetime, end: datetime) -> list[dict[str, Any]]:
    """Per source: how many collection runs of ``country`` ran in [start, end), how many failed, why."""
    per_source: dict[str, dict[str, Any]] = {}
    day = start.date()
    while day <= end.date():
        folder = PATHS.runs_day(day.isoformat())
        for name in lake.list_dir(folder):
            if not name.endswith(".json"):
                continue
            try:
                report = json.loads(lake.read_bytes(f"{folder}/{name}"))
                started = datetime.fromisoformat(report["started_at"])
            except (ValueError, KeyError, OSError) as exc:
                log.warning("unreadable run report %s/%s: %s", folder, name, exc)
                continue
            if not start <= started < end:
                continue
            for source, data in (report.get("sources") or {}).items():
                jobs = [j for j in data.get("jobs", []) if j.get("country") == country]
                if not jobs and not data.get("skipped"):
                    continue  # this source ran only for other countries
                entry = per_source.setdefault(
                    source,
                    {"source": source, "runs": 0, "ok": 0, "failed": 0, "skipped": 0, "posts": 0, "last_error": None},
                )
                entry["runs"] += 1
                if data.get("skipped"):
                    entry["skipped"] += 1
                    entry["last_error"] = data["skipped"]
                    continue
                entry["posts"] += sum(int(j.get("posts") or 0) for j in jobs)
                errors = [e for j in jobs for e in j.get("errors", [])]
                if errors and not any(j.get("pages") for j in jobs):
                    entry["failed"] += 1
                else:
                    entry["ok"] += 1
                if errors:
                    entry["last_error"] = errors[-1][:300]
        day += timedelta(days=1)
    return sorted(per_source.values(), key=lambda e: e["source"])
