"""Charts as inline SVG: no script, no request to any other host, crisp in print.

Each function takes parts of summary.json and returns an ``<svg>`` string with a ``<title>`` and a
``<desc>`` (the figures in words) for screen readers. Each chart comes in two layouts: ``WIDE`` (screens
and A4) and ``NARROW`` (phones, 390 px), drawn for its width rather than scaled down, so that text stays
legible; the brief's stylesheet shows one of them. Colours are from the Okabe-Ito palette, told apart by
readers with any common colour-vision deficiency: blue for positive, vermilion for negative, orange for
spikes; direction is also said by a marker (▲ ▼), never by colour alone.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date
from html import escape
from typing import Any

from listening_post.summary_model import Estimate, Spike, Topic, TrendWeek

INK, MUTED, LINE, ACCENT = "#1d2330", "#4b5563", "#d9dde4", "#0b4f8a"
POS, NEG, BAND, SPIKE, BAR = "#0072b2", "#c2410c", "#cfe3f3", "#e69f00", "#8fb8de"
MINUS = "\u2212"


@dataclass(frozen=True)
class Layout:
    name: str
    width: int
    font: int
    left: int  # room for the axis labels


WIDE = Layout("wide", 720, 12, 48)
NARROW = Layout("narrow", 360, 13, 44)
LAYOUTS = (WIDE, NARROW)


def _font(layout: Layout) -> str:
    return f'font-family="system-ui, sans-serif" font-size="{layout.font}"'


def _fmt(x: float) -> str:
    return f"{x:.1f}"


def _tick(x: float) -> str:
    text = f"{x:+.1f}" if abs(x * 10 - round(x * 10)) < 1e-9 else f"{x:+.2f}"
    return "0" if abs(x) < 1e-9 else text.replace("-", MINUS)


def _svg(layout: Layout, height: int, chart_id: str, title: str, desc: str, body: list[str]) -> str:
    ident = f"{chart_id}-{layout.name}"
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {layout.width} {height}" class="chart {layout.name}" '
        f'width="{layout.width}" height="{height}" role="img" aria-labelledby="{ident}-title {ident}-desc" '
        f'data-chart="{chart_id}" data-layout="{layout.name}">'
        f'<title id="{ident}-title">{escape(title)}</title><desc id="{ident}-desc">{escape(desc)}</desc>'
        + "".join(body)
        + "</svg>"
    )


def nice_step(span: float, most: int = 5) -> float:
    """The smallest of 1, 2, 2.5 and 5 times a power of ten that divides ``span`` in at most ``most`` steps."""
    if span <= 0:
        return 1.0
    power = 10.0 ** math.floor(math.log10(span / most))
    for m in (1, 2, 2.5, 5, 10):
        if span / (m * power) <= most:
            return m * power
    return 10 * power


def nice_ticks(lo: float, hi: float, most: int = 5) -> list[float]:
    """Round ticks covering [lo, hi], always including 0 when the range spans it."""
    step = nice_step(hi - lo, most)
    first, last = math.floor(lo / step + 1e-9), math.ceil(hi / step - 1e-9)
    return [round(k * step, 10) for k in range(first, last + 1)]


def _tone_ticks(values: list[float]) -> list[float]:
    """A tone axis with round ticks, wide enough for the data and always showing 0; within [-1, 1]."""
    lo, hi = min([*values, -0.2]), max([*values, 0.2])
    ticks = nice_ticks(max(-1.0, lo), min(1.0, hi), 4)
    return [t for t in ticks if -1.0 <= t <= 1.0]


def _count_ticks(top: int) -> list[int]:
    return [int(t) for t in nice_ticks(0, max(top, 1), 4)]


def _known(e: Estimate) -> tuple[float, float, float] | None:
    """(value, lo, hi) of an estimate with enough posts; None without (its value and interval are None
    together)."""
    value, ci95 = e["value"], e["ci95"]
    return (value, ci95[0], ci95[1]) if value is not None and ci95 is not None else None


def trend_chart(trend: list[TrendWeek], layout: Layout = WIDE) -> str:
    """Weekly volume (bars, with a scale) and mean tone with its 95% interval (line and band)."""
    width, left, right = layout.width, layout.left, 12
    font, fs = _font(layout), layout.font
    tone_top, tone_bottom, bars_top, bars_bottom = 24, 140, 178, 256
    height = bars_bottom + fs + 10
    n = max(len(trend), 1)
    step = (width - left - right) / n
    xs = [left + step * (i + 0.5) for i in range(n)]
    body: list[str] = []
    estimates = [_known(row["sentiment"]) for row in trend]
    points = {i: e for i, e in enumerate(estimates) if e is not None}
    ticks = _tone_ticks([v for _, a, b in points.values() for v in (a, b)] or [0.0])
    lo, hi = ticks[0], ticks[-1]

    def ty(v: float) -> float:
        return tone_bottom - (v - lo) / (hi - lo) * (tone_bottom - tone_top)

    body.append(f'<text x="{left}" y="{tone_top - 8}" fill="{MUTED}" {font}>mean tone (band: 95% interval)</text>')
    for tick in ticks:
        y = ty(tick)
        dash = "" if abs(tick) < 1e-9 else ' stroke-dasharray="3 3"'
        body.append(f'<line x1="{left}" x2="{width - right}" y1="{_fmt(y)}" y2="{_fmt(y)}" stroke="{LINE}"{dash}/>')
        body.append(
            f'<text x="{left - 4}" y="{_fmt(y + fs / 3)}" text-anchor="end" fill="{MUTED}" {font}>{_tick(tick)}</text>'
        )
    segments: list[list[int]] = [[]]
    for i, e in enumerate(estimates):
        if e is None:
            if segments[-1]:
                segments.append([])
        else:
            segments[-1].append(i)
    for seg in (s for s in segments if s):
        upper = " ".join(f"{_fmt(xs[i])},{_fmt(ty(points[i][2]))}" for i in seg)
        lower = " ".join(f"{_fmt(xs[i])},{_fmt(ty(points[i][1]))}" for i in reversed(seg))
        body.append(f'<polygon points="{upper} {lower}" fill="{BAND}" data-series="tone-band"/>')
        line = " ".join(f"{_fmt(xs[i])},{_fmt(ty(points[i][0]))}" for i in seg)
        body.append(f'<polyline points="{line}" fill="none" stroke="{ACCENT}" stroke-width="2"/>')
        for i in seg:
            v = points[i][0]
            body.append(
                f'<circle cx="{_fmt(xs[i])}" cy="{_fmt(ty(v))}" r="3.5" fill="{POS if v >= 0 else NEG}">'
                f"<title>{escape(trend[i]['week'])}: {_tick(v) if abs(v) < 1e-9 else f'{v:+.2f}'}</title></circle>"
            )
    # Volume panel, with its own scale.
    counts = _count_ticks(max([row["posts"] for row in trend] + [1]))
    top = counts[-1]

    def by(v: float) -> float:
        return bars_bottom - v / top * (bars_bottom - bars_top)

    body.append(f'<text x="{left}" y="{bars_top - 10}" fill="{MUTED}" {font}>posts per week</text>')
    for c in counts:
        body.append(f'<line x1="{left}" x2="{width - right}" y1="{_fmt(by(c))}" y2="{_fmt(by(c))}" stroke="{LINE}"/>')
        body.append(
            f'<text x="{left - 4}" y="{_fmt(by(c) + fs / 3)}" text-anchor="end" fill="{MUTED}" {font}>{c:,}</text>'
        )
    every = 1 if step >= fs * 3.2 else 2  # week labels every other bar where they would overlap
    for i, row in enumerate(trend):
        h = bars_bottom - by(row["posts"])
        body.append(
            f'<rect x="{_fmt(xs[i] - step * 0.35)}" y="{_fmt(bars_bottom - h)}" width="{_fmt(step * 0.7)}" '
            f'height="{_fmt(h)}" fill="{ACCENT if i == len(trend) - 1 else BAR}" data-series="volume">'
            f"<title>{escape(row['week'])}: {row['posts']:,} posts</title></rect>"
        )
        if (len(trend) - 1 - i) % every == 0:
            body.append(
                f'<text x="{_fmt(xs[i])}" y="{bars_bottom + fs + 2}" text-anchor="middle" fill="{MUTED}" {font}>'
                f"{escape(row['week'][-3:])}</text>"
            )
    body.append(f'<line x1="{left}" x2="{width - right}" y1="{bars_bottom}" y2="{bars_bottom}" stroke="{INK}"/>')
    title = f"Weekly posts and mean tone, {trend[0]['week']} to {trend[-1]['week']}" if trend else "Weekly posts"
    desc = "; ".join(
        f"{row['week']}: {row['posts']:,} posts, tone "
        + (f"{row['sentiment']['value']:+.2f}" if row["sentiment"].get("value") is not None else "not enough posts")
        for row in trend
    )
    return _svg(layout, height, "trend", title, desc, body)


def topics_chart(topics: list[Topic], layout: Layout = WIDE) -> str:
    """Mean tone per topic this week with its 95% interval (whiskers); last week as a hollow dot. In the
    narrow layout each topic's name sits above its row instead of beside it."""
    known = [(t, _known(t["sentiment"]["mean"])) for t in topics]
    rows = [(t, e) for t, e in known if e is not None]
    narrow = layout is NARROW
    width, right, fs = layout.width, 16, layout.font
    left = 16 if narrow else 210
    row_h = 44 if narrow else 28
    height = 34 + row_h * max(len(rows), 1) + 8
    bounds = [v for _, (_, a, b) in rows for v in (a, b)]
    bounds += [v for t, _ in rows if (v := t["previous_week"]["mean"]["value"]) is not None]
    ticks = _tone_ticks(bounds or [0.0])
    lo, hi = ticks[0], ticks[-1]
    font = _font(layout)

    def tx(v: float) -> float:
        return left + (v - lo) / (hi - lo) * (width - left - right)

    body: list[str] = []
    for tick in ticks:
        x = tx(tick)
        colour = INK if abs(tick) < 1e-9 else LINE
        body.append(f'<line x1="{_fmt(x)}" x2="{_fmt(x)}" y1="24" y2="{height - 8}" stroke="{colour}"/>')
        body.append(f'<text x="{_fmt(x)}" y="{fs + 2}" text-anchor="middle" fill="{MUTED}" {font}>{_tick(tick)}</text>')
    if not rows:
        body.append(f'<text x="{left}" y="50" fill="{MUTED}" {font}>No topic has enough scored posts this week.</text>')
    for i, (t, (value, a, b)) in enumerate(rows):
        y = 34 + row_h * i + (row_h * 0.68 if narrow else row_h / 2)
        colour = POS if value >= 0 else NEG
        if narrow:
            body.append(f'<text x="{left}" y="{_fmt(y - 10)}" fill="{INK}" {font}>{escape(t["label"][:40])}</text>')
        else:
            body.append(
                f'<text x="{left - 10}" y="{_fmt(y + fs / 3)}" text-anchor="end" fill="{INK}" {font}>'
                f"{escape(t['label'][:32])}</text>"
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
        prev = t["previous_week"]["mean"]["value"]
        if prev is not None:
            body.append(
                f'<circle cx="{_fmt(tx(prev))}" cy="{_fmt(y)}" r="4.5" fill="white" stroke="{INK}" '
                f'stroke-width="1.5"><title>last week {prev:+.2f}</title></circle>'
            )
        body.append(
            f'<circle cx="{_fmt(tx(value))}" cy="{_fmt(y)}" r="5.5" fill="{colour}">'
            f"<title>{escape(t['label'])}: {value:+.2f} ({a:+.2f} to {b:+.2f})</title></circle>"
        )
    desc = "; ".join(
        f"{t['label']}: {value:+.2f} (95% interval {a:+.2f} "
        f"to {b:+.2f})"
        + (
            f", last week {t['previous_week']['mean']['value']:+.2f}"
            if t["previous_week"]["mean"]["value"] is not None
            else ""
        )
        for t, (value, a, b) in rows
    )
    title = "Mean tone per topic with 95% intervals; hollow dots: last week"
    return _svg(layout, height, "topics", title, desc or "No topic has enough scored posts this week.", body)


def spike_arrow(spike: Spike) -> str:
    """▲ or ▼ as the spike's own figures go: volume against its expectation, tone against its baseline."""
    if spike["kind"] == "volume":
        up = spike["posts"] > spike["expected"]
    else:
        up = (spike.get("mean") or 0.0) > (spike.get("baseline_mean") or 0.0)
    return "▲" if up else "▼"


def daily_chart(daily: list[dict[str, Any]], spikes: list[Spike], monday: date, layout: Layout = WIDE) -> str:
    """Posts per local day of the week, with a scale; days flagged as spikes are highlighted and labelled
    with the direction of each spike (▲ more posts or more positive, ▼ fewer or more negative)."""
    width, left, fs, right = layout.width, layout.left, layout.font, 12
    top_pad, bottom = 40, 170
    height = bottom + fs + 10
    font = _font(layout)
    counts = {row["date"]: row["posts"] for row in daily}
    days = [date.fromordinal(monday.toordinal() + i) for i in range(7)]
    flagged: dict[str, list[Spike]] = {}
    for s in spikes:
        flagged.setdefault(s["date"], []).append(s)
    scale = _count_ticks(max([*counts.values(), 1]))
    top = scale[-1]
    step = (width - left - right) / 7

    def y_of(v: float) -> float:
        return bottom - v / top * (bottom - top_pad)

    body = []
    for c in scale:
        body.append(
            f'<line x1="{left}" x2="{width - right}" y1="{_fmt(y_of(c))}" y2="{_fmt(y_of(c))}" stroke="{LINE}"/>'
        )
        body.append(
            f'<text x="{left - 4}" y="{_fmt(y_of(c) + fs / 3)}" text-anchor="end" fill="{MUTED}" {font}>{c:,}</text>'
        )
    body.append(f'<line x1="{left}" x2="{width - right}" y1="{bottom}" y2="{bottom}" stroke="{INK}"/>')
    narrow = layout is NARROW
    for i, day in enumerate(days):
        n = counts.get(day.isoformat(), 0)
        h = bottom - y_of(n)
        x = left + step * i + step * 0.15
        found = flagged.get(day.isoformat(), [])
        kinds = [s["kind"] for s in found]
        fill = SPIKE if found else BAR
        marker = f' data-spike="{" ".join(kinds)}"' if found else ""
        body.append(
            f'<rect x="{_fmt(x)}" y="{_fmt(bottom - h)}" width="{_fmt(step * 0.7)}" height="{_fmt(h)}" '
            f'fill="{fill}" data-series="daily"{marker}>'
            f"<title>{day:%a %d %b}: {n:,} posts</title></rect>"
        )
        label = f"{day:%a}"[:2] if narrow else f"{day:%a %d}"
        body.append(
            f'<text x="{_fmt(x + step * 0.35)}" y="{bottom + fs + 2}" text-anchor="middle" fill="{MUTED}" {font}>'
            f"{label}</text>"
        )
        for k, s in enumerate(found):
            word = s["kind"] if not narrow else ("vol." if s["kind"] == "volume" else s["kind"])
            body.append(
                f'<text x="{_fmt(x + step * 0.35)}" y="{_fmt(max(bottom - h - 5 - k * (fs + 2), fs))}" '
                f'text-anchor="middle" fill="{INK}" {font} font-weight="bold" data-direction="{spike_arrow(s)}">'
                f"{spike_arrow(s)} {escape(word)}</text>"
            )
    desc = "; ".join(
        f"{day:%A}: {counts.get(day.isoformat(), 0):,} posts"
        + "".join(
            f" ({'more' if spike_arrow(s) == '▲' else 'fewer'} posts than usual)"
            if s["kind"] == "volume"
            else f" (tone {'more positive' if spike_arrow(s) == '▲' else 'more negative'} than usual)"
            for s in flagged.get(day.isoformat(), [])
        )
        for day in days
    )
    return _svg(layout, height, "daily", "Posts per day this week; highlighted days are spikes", desc, body)
