"""Charts as inline SVG: no script, no request to any other host, crisp in print.

Each function takes parts of summary.json and returns an ``<svg>`` string with a ``<title>`` for screen
readers. Colours follow the brief's stylesheet (tone: green positive, red negative).
"""

from __future__ import annotations

from datetime import date
from html import escape
from typing import Any

INK, MUTED, LINE, ACCENT = "#1d2330", "#5b6474", "#d9dde4", "#24508f"
POS, NEG, BAND, SPIKE = "#1a7f4b", "#b3261e", "#c9d6ea", "#d97706"
FONT = 'font-family="system-ui, sans-serif" font-size="11"'


def _fmt(x: float) -> str:
    return f"{x:.1f}"


def _tick(x: float) -> str:
    return f"{x:+.2f}".replace("-", "\u2212")


def _svg(width: int, height: int, chart_id: str, title: str, body: list[str]) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'role="img" aria-labelledby="{chart_id}-title" data-chart="{chart_id}">'
        f'<title id="{chart_id}-title">{escape(title)}</title>' + "".join(body) + "</svg>"
    )


def _tone_scale(values: list[float]) -> tuple[float, float]:
    """A tone axis wide enough for the data and always showing 0; within [-1, 1]."""
    lo, hi = min([*values, -0.2]), max([*values, 0.2])
    pad = (hi - lo) * 0.1
    return max(-1.0, lo - pad), min(1.0, hi + pad)


def trend_chart(trend: list[dict[str, Any]]) -> str:
    """Weekly volume (bars) and mean tone with its 95% interval (line and band)."""
    width, height, left, right = 680, 260, 44, 12
    tone_top, tone_bottom, bars_top, bars_bottom = 20, 128, 160, 232
    n = max(len(trend), 1)
    step = (width - left - right) / n
    xs = [left + step * (i + 0.5) for i in range(n)]
    body: list[str] = []
    # Tone panel.
    estimates = [row["sentiment"] for row in trend]
    known = [e for e in estimates if e.get("value") is not None]
    bounds = [v for e in known for v in (e["ci95"][0], e["ci95"][1])]
    lo, hi = _tone_scale(bounds or [0.0])

    def ty(v: float) -> float:
        return tone_bottom - (v - lo) / (hi - lo) * (tone_bottom - tone_top)

    body.append(f'<text x="{left + 4}" y="{tone_top - 2}" fill="{MUTED}" {FONT}>mean tone (95% interval)</text>')
    for tick in (lo, 0.0, hi):
        y = ty(tick)
        dash = ' stroke-dasharray="3 3"' if tick else ""
        body.append(f'<line x1="{left}" x2="{width - right}" y1="{_fmt(y)}" y2="{_fmt(y)}" stroke="{LINE}"{dash}/>')
        body.append(
            f'<text x="{left - 4}" y="{_fmt(y + 4)}" text-anchor="end" fill="{MUTED}" {FONT}>{_tick(tick)}</text>'
        )
    segments: list[list[int]] = [[]]
    for i, e in enumerate(estimates):
        if e.get("value") is None:
            if segments[-1]:
                segments.append([])
        else:
            segments[-1].append(i)
    for seg in (s for s in segments if s):
        upper = " ".join(f"{_fmt(xs[i])},{_fmt(ty(estimates[i]['ci95'][1]))}" for i in seg)
        lower = " ".join(f"{_fmt(xs[i])},{_fmt(ty(estimates[i]['ci95'][0]))}" for i in reversed(seg))
        body.append(f'<polygon points="{upper} {lower}" fill="{BAND}" opacity="0.8" data-series="tone-band"/>')
        line = " ".join(f"{_fmt(xs[i])},{_fmt(ty(estimates[i]['value']))}" for i in seg)
        body.append(f'<polyline points="{line}" fill="none" stroke="{ACCENT}" stroke-width="2"/>')
        for i in seg:
            v = estimates[i]["value"]
            body.append(
                f'<circle cx="{_fmt(xs[i])}" cy="{_fmt(ty(v))}" r="3" fill="{POS if v >= 0 else NEG}">'
                f"<title>{escape(trend[i]['week'])}: {v:+.2f}</title></circle>"
            )
    # Volume panel.
    top = max([row["posts"] for row in trend] + [1])
    body.append(f'<text x="{left + 4}" y="{bars_top - 6}" fill="{MUTED}" {FONT}>posts per week</text>')
    body.append(f'<text x="{left - 4}" y="{bars_top + 8}" text-anchor="end" fill="{MUTED}" {FONT}>{top:,}</text>')
    for i, row in enumerate(trend):
        h = row["posts"] / top * (bars_bottom - bars_top)
        body.append(
            f'<rect x="{_fmt(xs[i] - step * 0.35)}" y="{_fmt(bars_bottom - h)}" width="{_fmt(step * 0.7)}" '
            f'height="{_fmt(h)}" fill="{ACCENT if i == len(trend) - 1 else "#9fb3d1"}" data-series="volume">'
            f"<title>{escape(row['week'])}: {row['posts']:,} posts</title></rect>"
        )
        label = row["week"][-3:]
        body.append(
            f'<text x="{_fmt(xs[i])}" y="{bars_bottom + 14}" text-anchor="middle" fill="{MUTED}" {FONT}>'
            f"{escape(label)}</text>"
        )
    body.append(f'<line x1="{left}" x2="{width - right}" y1="{bars_bottom}" y2="{bars_bottom}" stroke="{INK}"/>')
    title = f"Weekly posts and mean tone with 95% interval, {trend[0]['week']} to {trend[-1]['week']}" if trend else ""
    return _svg(width, height, "trend", title, body)


def topics_chart(topics: list[dict[str, Any]]) -> str:
    """Mean tone per topic this week with its 95% interval (whiskers); last week as a hollow dot."""
    rows = [t for t in topics if t["sentiment"]["mean"].get("value") is not None]
    width, left, right, row_h = 680, 190, 20, 26
    height = 30 + row_h * max(len(rows), 1) + 10
    bounds = [v for t in rows for v in t["sentiment"]["mean"]["ci95"]]
    bounds += [t["previous_week"]["mean"]["value"] for t in rows if t["previous_week"]["mean"].get("value") is not None]
    lo, hi = _tone_scale(bounds or [0.0])

    def tx(v: float) -> float:
        return left + (v - lo) / (hi - lo) * (width - left - right)

    body: list[str] = []
    for tick in (lo, 0.0, hi):
        x = tx(tick)
        body.append(f'<line x1="{_fmt(x)}" x2="{_fmt(x)}" y1="20" y2="{height - 10}" stroke="{LINE}"/>')
        body.append(f'<text x="{_fmt(x)}" y="14" text-anchor="middle" fill="{MUTED}" {FONT}>{_tick(tick)}</text>')
    if not rows:
        body.append(f'<text x="{left}" y="44" fill="{MUTED}" {FONT}>No topic has enough scored posts this week.</text>')
    for i, t in enumerate(rows):
        y = 30 + row_h * i + row_h / 2
        mean = t["sentiment"]["mean"]
        a, b = mean["ci95"]
        colour = POS if mean["value"] >= 0 else NEG
        body.append(
            f'<text x="{left - 8}" y="{_fmt(y + 4)}" text-anchor="end" fill="{INK}" {FONT}>'
            f"{escape(t['label'][:30])}</text>"
        )
        body.append(
            f'<line x1="{_fmt(tx(a))}" x2="{_fmt(tx(b))}" y1="{_fmt(y)}" y2="{_fmt(y)}" stroke="{colour}" '
            'stroke-width="2" data-series="whisker"/>'
        )
        for end in (a, b):
            body.append(
                f'<line x1="{_fmt(tx(end))}" x2="{_fmt(tx(end))}" y1="{_fmt(y - 5)}" y2="{_fmt(y + 5)}" '
                f'stroke="{colour}" stroke-width="2"/>'
            )
        prev = t["previous_week"]["mean"].get("value")
        if prev is not None:
            body.append(
                f'<circle cx="{_fmt(tx(prev))}" cy="{_fmt(y)}" r="4" fill="white" stroke="{MUTED}" '
                f'stroke-width="1.5"><title>last week {prev:+.2f}</title></circle>'
            )
        body.append(
            f'<circle cx="{_fmt(tx(mean["value"]))}" cy="{_fmt(y)}" r="5" fill="{colour}">'
            f"<title>{escape(t['label'])}: {mean['value']:+.2f} ({a:+.2f} to {b:+.2f}), n={mean['n']}</title>"
            "</circle>"
        )
    return _svg(width, height, "topics", "Mean tone per topic with 95% intervals; hollow dots: last week", body)


def daily_chart(daily: list[dict[str, Any]], spikes: list[dict[str, Any]], monday: date) -> str:
    """Posts per local day of the week; days flagged as spikes are highlighted and labelled."""
    width, height, left, bottom, top_pad = 680, 170, 44, 140, 22
    counts = {row["date"]: row["posts"] for row in daily}
    days = [date.fromordinal(monday.toordinal() + i) for i in range(7)]
    flagged: dict[str, list[str]] = {}
    for s in spikes:
        flagged.setdefault(s["date"], []).append(s["kind"])
    top = max([*counts.values(), 1])
    step = (width - left - 12) / 7
    body = [
        f'<line x1="{left}" x2="{width - 12}" y1="{bottom}" y2="{bottom}" stroke="{INK}"/>',
        f'<text x="{left - 4}" y="{top_pad + 4}" text-anchor="end" fill="{MUTED}" {FONT}>{top:,}</text>',
    ]
    for i, day in enumerate(days):
        n = counts.get(day.isoformat(), 0)
        h = n / top * (bottom - top_pad)
        x = left + step * i + step * 0.15
        kinds = flagged.get(day.isoformat(), [])
        fill = SPIKE if kinds else "#9fb3d1"
        marker = f' data-spike="{" ".join(kinds)}"' if kinds else ""
        body.append(
            f'<rect x="{_fmt(x)}" y="{_fmt(bottom - h)}" width="{_fmt(step * 0.7)}" height="{_fmt(h)}" '
            f'fill="{fill}" data-series="daily"{marker}>'
            f"<title>{day:%a %d %b}: {n:,} posts</title></rect>"
        )
        body.append(
            f'<text x="{_fmt(x + step * 0.35)}" y="{bottom + 14}" text-anchor="middle" fill="{MUTED}" {FONT}>'
            f"{day:%a %d}</text>"
        )
        if kinds:
            body.append(
                f'<text x="{_fmt(x + step * 0.35)}" y="{_fmt(max(bottom - h - 5, 10))}" text-anchor="middle" '
                f'fill="{SPIKE}" {FONT} font-weight="bold">▲ {escape(" + ".join(kinds))}</text>'
            )
    return _svg(width, height, "daily", "Posts per day this week; highlighted days are spikes", body)
