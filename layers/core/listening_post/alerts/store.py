"""Alerts in the lake: one JSON document per event, in the folder of the country and the day it opened
(rewritten as the event is updated or delivered), and the day's alerts as one Parquet file beside them for
BI tools (:mod:`listening_post.layout`: ``alerts/``)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

import pyarrow as pa

from listening_post.lake import Lake
from listening_post.layout import PATHS

BI_SCHEMA = pa.schema(
    [
        ("event_id", pa.string()),
        ("country", pa.string()),
        ("opened_at", pa.timestamp("us", tz="UTC")),
        ("last_seen", pa.timestamp("us", tz="UTC")),
        ("severity", pa.string()),
        ("rules", pa.list_(pa.string())),
        ("scopes", pa.list_(pa.string())),
        ("headline", pa.string()),
        ("posts", pa.int64()),
        ("coordinated_share", pa.float64()),
        ("updates", pa.int64()),
        ("deliveries_sent", pa.int64()),
        ("deliveries_pending", pa.int64()),
    ]
)


def folder(country: str, day: date | str) -> str:
    return PATHS.alerts_day(country, day)


def save(lake: Lake, alert: dict[str, Any]) -> str:
    day = alert["opened_at"][:10]
    path = lake.write_json(PATHS.alert(alert["country"], day, alert["event_id"]), alert)
    _write_bi(lake, alert["country"], day)
    return path


def _write_bi(lake: Lake, country: str, day: str) -> None:
    alerts = read_day(lake, country, day)
    rows = {
        "event_id": [a["event_id"] for a in alerts],
        "country": [a["country"] for a in alerts],
        "opened_at": [datetime.fromisoformat(a["opened_at"]) for a in alerts],
        "last_seen": [datetime.fromisoformat(a["last_seen"]) for a in alerts],
        "severity": [a["severity"] for a in alerts],
        "rules": [sorted({s["rule"] for s in a["signals"]}) for a in alerts],
        "scopes": [sorted({s["scope"] for s in a["signals"]}) for a in alerts],
        "headline": [a["headline"] for a in alerts],
        "posts": [a["posts"] for a in alerts],
        "coordinated_share": [a["coordinated_share"] for a in alerts],
        "updates": [a["updates"] for a in alerts],
        "deliveries_sent": [sum(d["status"] == "sent" for d in a["deliveries"]) for a in alerts],
        "deliveries_pending": [sum(d["status"] != "sent" for d in a["deliveries"]) for a in alerts],
    }
    lake.write_table(PATHS.alerts_table(country, day), pa.table(rows, schema=BI_SCHEMA))


def read_day(lake: Lake, country: str, day: str) -> list[dict[str, Any]]:
    base = folder(country, day)
    return [lake.read_json(f"{base}/{name}") for name in lake.list_dir(base) if name.endswith(".json")]


def days(lake: Lake, country: str) -> list[str]:
    return PATHS.values(lake.list_dir(PATHS.alerts_country(country)), "dt")


def countries(lake: Lake) -> list[str]:
    return PATHS.values(lake.list_dir(PATHS.ALERTS), "country")


def read_range(lake: Lake, country: str, start: datetime, end: datetime) -> list[dict[str, Any]]:
    """Alerts opened in [start, end) (days before ``start`` too when still seen after it), oldest first."""
    lo, hi = (start - timedelta(days=14)).date().isoformat(), end.date().isoformat()
    found = [a for d in days(lake, country) if lo <= d <= hi for a in read_day(lake, country, d)]
    s, e = start.isoformat(), end.isoformat()
    return sorted((a for a in found if a["last_seen"] >= s and a["opened_at"] < e), key=lambda a: a["opened_at"])


def find(lake: Lake, country: str, event_id: str) -> dict[str, Any] | None:
    for d in reversed(days(lake, country)):
        path = PATHS.alert(country, d, event_id)
        if lake.exists(path):
            document: dict[str, Any] = dict(lake.read_json(path))
            return document
    return None
