"""The week's alerts for the brief (summary key ``alerts``): what was raised, and what became of it."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from listening_post.alerts import store
from listening_post.lake import Lake


def week_alerts(lake: Lake, country: str, start: datetime, end: datetime) -> list[dict[str, Any]]:
    out = []
    for a in store.read_range(lake, country, start, end):
        if a["opened_at"] < start.isoformat():
            continue
        hours = (datetime.fromisoformat(a["last_seen"]) - datetime.fromisoformat(a["opened_at"])).total_seconds() / 3600
        sent = sum(d["status"] == "sent" for d in a["deliveries"])
        pending = [d["channel"] for d in a["deliveries"] if d["status"] != "sent"]
        became = (
            f"seen again for {hours:.0f} hours ({a['updates']} updates), latest: {a['latest']}"
            if a["updates"]
            else "not seen again after the first round"
        )
        delivery = f"delivered to {sent} channel(s)" + (f"; not delivered: {', '.join(pending)}" if pending else "")
        out.append(
            {
                "event_id": a["event_id"],
                "opened_at": a["opened_at"],
                "last_seen": a["last_seen"],
                "severity": a["severity"],
                "headline": a["headline"],
                "rules": sorted({s["rule"] for s in a["signals"]}),
                "updates": a["updates"],
                "became": became,
                "delivery": delivery if a["deliveries"] else "no channel configured",
            }
        )
    return out
