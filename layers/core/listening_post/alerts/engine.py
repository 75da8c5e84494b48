"""One evaluation of a country at an instant: every rule's signals, grouped into events (signals sharing
posts are one event), matched against the open events of the cooldown (an update, not a new alert), and
described for a reader (what happened, top terms, three examples, coordinated share, severity)."""

from __future__ import annotations

import hashlib
import re
from datetime import datetime, timedelta
from typing import Any

import pyarrow as pa

from listening_post import links
from listening_post.alerts import store
from listening_post.alerts.rules import Signal, load_all
from listening_post.alerts.rules.terms import prepare as prepare_terms
from listening_post.alerts.window import Window, load
from listening_post.analysis.weekly import excerpt
from listening_post.briefs.render import safe_url
from listening_post.config import Config
from listening_post.lake import Lake

SEVERITY = {1: "low", 2: "medium", 3: "high"}
OVERLAP = 0.3  # share of the smaller post set two signals must share to be one event
MAX_POST_IDS = 500
_MENTION = re.compile(r"@[\w.@-]+")


def evaluate(
    lake: Lake, config: Config, country: str, at: datetime, *, write: bool = True, posts: pa.Table | None = None
) -> list[dict[str, Any]]:
    """The alerts raised or updated by the data up to ``at``; written to the lake unless ``write`` is False.
    ``posts``: the country's posts already read (:func:`listening_post.alerts.window.read`), for replays."""
    win = load(lake, config, country, at, posts)
    try:
        signals = [s for fn in load_all().values() for s in fn(win)]
        cooldown = timedelta(hours=config.alerts.thresholds.cooldown_hours)
        open_events = [
            a for a in store.read_range(lake, country, at - cooldown, at) if a["opened_at"] <= at.isoformat()
        ]
        out: list[dict[str, Any]] = []
        for group in _group(signals):
            previous = _match(open_events, group)
            alert = _update(previous, group, at) if previous else _describe(win, lake, group)
            if write:
                store.save(lake, alert)
            out.append(alert)
        return out
    finally:
        win.con.close()


def _overlaps(a: set[str], b: set[str]) -> bool:
    return bool(a and b) and len(a & b) >= OVERLAP * min(len(a), len(b))


def _group(signals: list[Signal]) -> list[list[Signal]]:
    groups: list[tuple[set[str], list[Signal]]] = []
    for s in sorted(signals, key=lambda s: (-s.severity, s.rule, s.scope, s.key)):
        ids = set(s.post_ids)
        hits = [g for g in groups if _overlaps(g[0], ids)]
        if not hits:
            groups.append((ids, [s]))
            continue
        first = hits[0]
        first[0].update(ids)
        first[1].append(s)
        for other in hits[1:]:  # a signal bridging two groups joins them
            first[0].update(other[0])
            first[1].extend(other[1])
            groups.remove(other)
    return [g[1] for g in groups]


def _match(open_events: list[dict[str, Any]], group: list[Signal]) -> dict[str, Any] | None:
    identities = {s.identity for s in group}
    ids = {p for s in group for p in s.post_ids}
    for alert in reversed(open_events):
        if identities & set(alert["identities"]) or _overlaps(set(alert["post_ids"]), ids):
            found: dict[str, Any] = alert
            return found
    return None


def _update(alert: dict[str, Any], group: list[Signal], at: datetime) -> dict[str, Any]:
    """The same event seen again: figures refreshed, not a new alert (and not delivered again)."""
    known = {s["identity"] for s in alert["signals"]}
    alert["signals"] += [_signal(s) for s in group if s.identity not in known]
    alert["identities"] = sorted({*alert["identities"], *(s.identity for s in group)})
    alert["post_ids"] = list(dict.fromkeys([*alert["post_ids"], *(p for s in group for p in s.post_ids)]))[
        :MAX_POST_IDS
    ]
    alert["last_seen"] = at.isoformat()
    alert["updates"] += 1
    alert["state"] = "updated"
    top = max(group, key=lambda s: s.severity)
    if top.severity > _level(alert["severity"]):
        alert["severity"] = SEVERITY[top.severity]
    alert["latest"] = top.what
    return alert


def _level(name: str) -> int:
    return {v: k for k, v in SEVERITY.items()}[name]


def _signal(s: Signal) -> dict[str, Any]:
    return {
        "rule": s.rule,
        "scope": s.scope,
        "key": s.key,
        "identity": s.identity,
        "severity": SEVERITY[s.severity],
        "what": s.what,
        "figures": s.figures,
    }


def _describe(win: Window, lake: Lake, group: list[Signal]) -> dict[str, Any]:
    top = max(group, key=lambda s: (s.severity, s.rule == "coordination"))
    ids = list(dict.fromkeys(p for s in group for p in s.post_ids))[:MAX_POST_IDS]
    event_id = hashlib.blake2b(f"{win.country}|{top.identity}|{win.at.isoformat()}".encode(), digest_size=8).hexdigest()
    copies = win.con.execute(
        "SELECT post_id FROM cluster_posts WHERE post_id IN (SELECT unnest($ids::VARCHAR[]))", {"ids": ids}
    ).fetchall()
    # Coordinated: near-identical copies (rules/coordination.py) or co-shared links (rules/cosharing.py).
    coordinated = {r[0] for r in copies} | (win.cache.get("cosharing_posts", set()) & set(ids))
    return {
        "event_id": event_id,
        "country": win.country,
        "opened_at": win.at.isoformat(),
        "last_seen": win.at.isoformat(),
        "updates": 0,
        "state": "new",
        "severity": SEVERITY[top.severity],
        "about_us": any(s.about_us for s in group),
        "headline": top.what,
        "latest": top.what,
        "signals": [_signal(s) for s in group],
        "identities": sorted({s.identity for s in group}),
        "posts": len(ids),
        "coordinated_share": len(coordinated) / len(ids) if ids else 0.0,
        "top_terms": _top_terms(win, ids),
        "examples": _examples(win, lake, ids),
        "post_ids": ids,
        "deliveries": [],
    }


def _top_terms(win: Window, ids: list[str], limit: int = 5) -> list[str]:
    prepare_terms(win)
    rows = win.con.execute(
        """
        SELECT term FROM doc_terms JOIN p_text USING (doc)
        WHERE p_text.post_id IN (SELECT unnest($ids::VARCHAR[]))
        GROUP BY term ORDER BY count(*) DESC, contains(term, ' ') DESC, term LIMIT $n
        """,
        {"ids": ids, "n": limit * 3},
    ).fetchall()
    out: list[str] = []
    for (term,) in rows:  # a word inside a kept word pair adds nothing
        if len(out) < limit and not any(term in kept.split(" ") for kept in out):
            out.append(term)
    return out


def mask(text: str) -> str:
    """Handles are never shown: an @mention becomes @…"""
    return _MENTION.sub("@…", text)


def _examples(win: Window, lake: Lake, ids: list[str], limit: int = 3) -> list[dict[str, Any]]:
    """Three posts near the group's median tone, one per copy text (a campaign's copies say one thing)."""
    rows = win.con.execute(
        """
        WITH p AS (SELECT * FROM posts_w WHERE post_id IN (SELECT unnest($ids::VARCHAR[])) AND NOT is_repost),
             m AS (SELECT coalesce(median(sentiment), 0) AS mid FROM p),
             one AS (SELECT *, row_number() OVER (PARTITION BY coalesce(dup_group, post_id) ORDER BY t) AS r FROM p)
        SELECT post_id, source, created_at, text, sentiment, url FROM one, m WHERE r = 1
        ORDER BY abs(coalesce(sentiment, 0) - mid), t LIMIT $n
        """,
        {"ids": ids, "n": limit},
    ).fetchall()
    day = win.at.date()
    reader_links = links.read_links(lake, win.country, day - timedelta(days=2), day, [r[0] for r in rows])
    return [
        {
            "post_id": pid,  # so that erasure finds the example (erasure.py); no identity (keyed for Bluesky)
            "text": excerpt(mask(text or "")),
            "source": source,
            "created_at": created.isoformat(),
            "sentiment": sentiment,
            "link": safe_url(url or reader_links.get(pid)),
        }
        for pid, source, created, text, sentiment, url in rows
    ]


def run(
    lake: Lake,
    config: Config,
    country: str,
    at: datetime,
    channels: list[Any],
    *,
    dry_run: bool = False,
    posts: pa.Table | None = None,
) -> list[dict[str, Any]]:
    """Evaluate, deliver the new alerts and retry earlier deliveries that failed or waited; write to the lake.
    ``dry_run``: evaluate only, nothing delivered, nothing written."""
    from listening_post.alerts.delivery import deliver, quiet

    alerts = evaluate(lake, config, country, at, write=False, posts=posts)
    if dry_run:
        return alerts
    is_quiet = quiet(config.alerts.for_country(country), config.country(country).timezone, at)
    seen = set()
    for alert in alerts:
        seen.add(alert["event_id"])
        if alert["state"] == "new" or any(d["status"] != "sent" for d in alert["deliveries"]):
            deliver(alert, channels, at, is_quiet=is_quiet)
        store.save(lake, alert)
    cooldown = timedelta(hours=config.alerts.thresholds.cooldown_hours)
    for alert in store.read_range(lake, country, at - cooldown, at + timedelta(seconds=1)):
        if alert["event_id"] not in seen and deliver(alert, channels, at, is_quiet=is_quiet):
            store.save(lake, alert)
    return alerts
