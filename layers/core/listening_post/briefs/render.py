"""summary.json -> brief.html (self-contained: inline CSS and SVG, prints on A4) and brief.md."""

from __future__ import annotations

import json
from datetime import date
from functools import lru_cache
from urllib.parse import quote, urlsplit

import jinja2

from listening_post.briefs import charts
from listening_post.briefs import findings as f
from listening_post.layout import PATHS
from listening_post.sentiment_catalogue import mark_unvalidated
from listening_post.summary_model import Estimate, Summary, TrendWeek
from listening_post.weeks import IsoWeek

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
        signed=f.signed,
        pct=f.pct,
        pct_change=f.pct_change,
        signed_pct=f.signed_pct,
        md=_md_escape,
        link=safe_url,
        mark_unvalidated=mark_unvalidated,  # coverage: models no labelled set measured
    )
    env.globals.update(
        interval=_interval,
        share=_share,
        net=_net,
        tone_word=f.tone_word,
        sure=f.sure,
        direction_word=f.direction_word,
        arrow=f.arrow,
        spike_words=f.spike_words,
        spike_arrow=charts.spike_arrow,
    )
    return env


def _interval(est: Estimate | None, kind: str = "signed") -> str:
    if not est or est["value"] is None or est["ci95"] is None:  # value and interval come together
        return "insufficient data"
    fmt = {"signed": f.signed, "pct": f.pct, "signed_pct": f.signed_pct}[kind]
    lo, hi = est["ci95"]
    return f"{fmt(est['value'])} ({fmt(lo)} to {fmt(hi)})"


def _share(est: Estimate | None) -> str:
    return _interval(est, "pct")


def _net(est: Estimate | None) -> str:
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


def shown_trend(summary: Summary) -> list[TrendWeek]:
    """The trend from the first week with posts: weeks before collection began are not silent weeks."""
    trend = summary["trend"]
    first = next((i for i, row in enumerate(trend) if row["posts"]), len(trend) - 1)
    return trend[first:]


def neighbours(summary: Summary) -> dict[str, dict[str, str] | None]:
    """Links to the previous and next week's briefs, relative to this brief's folder in the lake
    (``briefs/country=CC/week=W/``), so that they work on disk, from S3 and when copied as a folder. The
    previous week is linked when it held posts, the next one once this week is over."""
    week = IsoWeek.parse(summary["week"])
    trend = summary["trend"]
    before = trend[-2]["posts"] if len(trend) > 1 else 0
    over = summary["period"]["end"] <= summary["generated_at"]

    def link(w: IsoWeek) -> dict[str, str]:
        return {"week": str(w), "href": PATHS.sibling_brief(w, "brief.html")}

    return {"prev": link(week.shift(-1)) if before else None, "next": link(week.shift(1)) if over else None}


def render(summary: Summary) -> dict[str, str]:
    """The three brief files, by name."""
    trend = shown_trend(summary)
    monday = date.fromisoformat(summary["period"]["local_start"])
    daily, spikes = summary["coverage"]["daily_posts"], summary["spikes"]
    context = {
        "s": summary,
        "findings": f.findings(summary),
        "method": f.method_notes(summary),
        "nav": neighbours(summary),
        "trend": trend,
        "topic_share_total": sum(
            (t["share_of_voice"]["value"] if t["share_of_voice"] else None) or 0 for t in summary["topics"]
        ),
        "charts": [
            {
                "id": "trend",
                "svgs": [charts.trend_chart(trend, layout) for layout in charts.LAYOUTS],
                "caption": "Posts per week (bars) and mean tone with its 95% interval (line and band).",
            },
            {
                "id": "topics",
                "svgs": [charts.topics_chart(summary["topics"], layout) for layout in charts.LAYOUTS],
                "caption": "Mean tone per topic this week with its 95% interval (whiskers); hollow dot: last week.",
            },
            {
                "id": "daily",
                "svgs": [charts.daily_chart(daily, spikes, monday, layout) for layout in charts.LAYOUTS],
                "caption": "Posts per day this week (local time); spikes highlighted, ▲ above and ▼ below usual.",
            },
        ],
    }
    env = _env()
    return {
        "summary.json": json.dumps(summary, ensure_ascii=False, indent=2, default=str) + "\n",
        "brief.html": env.get_template("brief.html.j2").render(context),
        "brief.md": env.get_template("brief.md.j2").render(context),
    }
