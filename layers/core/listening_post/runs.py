"""Run ids: ``<UTC time>-<6 hex digits>``, in time order, naming collection, import, plan and compaction runs.

Its own module, so that the plan and compact functions name their runs without importing the pipeline.
"""

from __future__ import annotations

import secrets
from datetime import UTC, datetime


def new_run_id(now: datetime | None = None) -> str:
    now = now or datetime.now(UTC)
    return f"{now:%Y%m%dT%H%M%SZ}-{secrets.token_hex(3)}"
