"""summary.json -> brief.html (self-contained: inline CSS and SVG, prints on A4) and brief.md."""

from __future__ import annotations

import json
from datetime import date
from functools import lru_cache
from typing import Any
from urllib.parse import quote, urlsplit

import jinja2

from listening_post.briefs import charts
from listening_post.briefs import findings as f
from listening_post.sentiment_catalogue import mark_unvalidated

BRIEF_FILES = ("summary.json", "brief.html", "brief.md")


@lru_cache(maxsize=1)
def _env() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("listening_post.briefs", "templates"),
        # Every HTML template is escaped, whatever its suffix (brief.html.j2 was not: ".html" only matched
        # names ending in it). The same HTML goes out by e-mail, where no Content-Security-Policy applies.
        autoescape=jinja2.select_autoescape(enabled_extensions=("html", "html.j2"), default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined,
    )
    env.filters.update(
        signed=f.signed, pct=f.pct, pct_change=f.pct_change, signed_pct=f.signed_pct, md=_md_escape, link=safe_url
    )
    env.globals.update(interval=_interval, share=_share, net=_net, tone_word=f.tone_word)
    env.filters["mark_unvalidated"] = mark_unvalidated  # coverage: models no labelled set measured
    return env


def _interval(est: dict[str, Any] | None, kind: str = "signed") -> str:
    if not est or est.get("value") is None:
        return "insufficient data"
    fmt = {"signed": f.signed, "pct": f.pct, "signed_pct": f.signed_pct}[kind]
    lo, hi = est["ci95"]
    return f"{fmt(est['value'])} ({fmt(lo)} to {fmt(hi)})"


def _share(est: dict[str, Any] | None) -> str:
    return _interval(est, "pct")


def _net(est: dict[str, Any] | None) -> str:
    return _interval(est, "signed_pct")


# What may stay in a link unencoded: RFC 3986's unreserved and reserved characters, and "%" of escapes
# already there. Quotes, angle brackets, spaces, backslashes and non-ASCII are percent-encoded, so a link
# can close neither an HTML attribute nor a Markdown autolink.
_URL_SAFE = "-._~:/?#[]@!$&()*+,;=%"


def safe_url(url: object) -> str | None:
    """``url`` if it is an http(s) link to a host, percent-encoded where needed; otherwise None (shown
    without a link). Feeds and platforms supply these: ``javascript:``, ``data:`` or ``vbscript:`` links
    must never reach a page or an e-mail."""
    if not isinstance(url, str) or any(ord(ch) < 0x20 or ord(ch) == 0x7F for ch in url):
        return None
    encoded = quote(url.strip(), safe=_URL_SAFE)
    try:
        parts = urlsplit(encoded)
    except ValueError:  # e.g. an unbalanced "[" in the host
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return None
    return encoded


def _md_escape(text: str) -> str:
    for ch in "\\`*_[]|<>":
        text = text.replace(ch, "\\" + ch)
    return " ".join(text.split())


def shown_trend(summary: dict[str, Any]) -> list[dict[str, Any]]:
    """The trend from the first week with posts: weeks before collection began are not silent weeks."""
    trend: list[dict[str, Any]] = summary["trend"]
    first = next((i for i, row in enumerate(trend) if row["posts"]), len(trend) - 1)
    return trend[first:]


def render(summary: dict[str, Any]) -> dict[str, str]:
    """The three brief files, by name."""
    trend = shown_trend(summary)
    monday = date.fromisoformat(summary["period"]["local_start"])
    context = {
        "s": summary,
        "findings": f.findings(summary),
        "trend": trend,
        "charts": [
            {
                "id": "trend",
                "svg": charts.trend_chart(trend),
                "caption": "Posts per week (bars) and mean tone with its 95% interval (line and band).",
            },
            {
                "id": "topics",
                "svg": charts.topics_chart(summary["topics"]),
                "caption": "Mean tone per topic this week with 95% interval; hollow dot: last week.",
            },
            {
                "id": "daily",
                "svg": charts.daily_chart(summary["coverage"]["daily_posts"], summary["spikes"], monday),
                "caption": "Posts per day this week (local time); spikes highlighted.",
            },
        ],
    }
    env = _env()
    return {
        "summary.json": json.dumps(summary, ensure_ascii=False, indent=2, default=str) + "\n",
        "brief.html": env.get_template("brief.html.j2").render(context),
        "brief.md": env.get_template("brief.md.j2").render(context),
    }
