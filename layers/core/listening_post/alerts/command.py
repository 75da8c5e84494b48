"""``listening-post alerts``: evaluate one or every configured country as of an instant, print one JSON line
per alert raised or updated, deliver the new ones (not with ``--dry-run``, which writes nothing either)."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from listening_post.config import Config
from listening_post.lake import Lake


def parse_at(value: str | None) -> datetime:
    if value is None:
        return datetime.now(UTC)
    try:
        at = datetime.fromisoformat(value)
    except ValueError:
        raise ValueError(f"--at: {value!r} is not an ISO timestamp (e.g. 2026-11-17T23:30:00Z)") from None
    return at.replace(tzinfo=UTC) if at.tzinfo is None else at.astimezone(UTC)


def run(
    lake: Lake,
    config: Config,
    countries: list[str],
    at: datetime,
    *,
    dry_run: bool,
    channels: Callable[[str], list[Any]],
    echo: Callable[[str], None] = print,
) -> int:
    from listening_post.alerts.engine import run as evaluate_and_deliver

    shown = 0
    for country in countries:
        for alert in evaluate_and_deliver(
            lake, config, country, at, [] if dry_run else channels(country), dry_run=dry_run
        ):
            echo(
                json.dumps({k: v for k, v in alert.items() if k not in ("post_ids", "identities")}, ensure_ascii=False)
            )
            shown += 1
    return shown
