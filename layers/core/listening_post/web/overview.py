"""What the web pages show of a summary.json, read through one accessor: the index's headline and tone
arrow, and the country page's trend and findings.

Version 1 summaries carry the figures only (the findings are written from them, as the brief writes
them); a later summary may carry more (its own ``findings``, and sections such as ``about_us``,
``press``, ``public``, ``headlines`` and ``outlets``): what is there is passed on as it is, what is
missing is simply absent, so a page reads old and new summaries alike.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from listening_post.summary_model import Summary

OptionalSection = Literal["about_us", "press", "public", "headlines", "outlets"]
OPTIONAL_SECTIONS: tuple[OptionalSection, ...] = ("about_us", "press", "public", "headlines", "outlets")


@dataclass(frozen=True)
class ToneArrow:
    """The week's change in mean tone: a glyph, and the same said in words (for screen readers too)."""

    glyph: str
    words: str
    direction: str  # "up", "down", "flat" or "none"


@dataclass(frozen=True)
class SummaryView:
    """A summary.json as read from the lake: typed as the summary, read with ``.get`` because an older
    version or a damaged file may lack any part of it."""

    data: Summary

    @property
    def week(self) -> str:
        return str(self.data.get("week", ""))

    @property
    def timezone(self) -> str:
        return str((self.data.get("period") or {}).get("timezone") or "UTC")

    @property
    def topics(self) -> list[tuple[str, str]]:
        return [(t["id"], t.get("label") or t["id"]) for t in self.data.get("topics") or [] if t.get("id")]

    @property
    def sources(self) -> list[str]:
        return [r["source"] for r in (self.data.get("volume") or {}).get("by_source") or [] if r.get("source")]

    @property
    def languages(self) -> list[tuple[str, str]]:
        rows = (self.data.get("volume") or {}).get("by_language") or []
        return [(r["lang"], r.get("name") or r["lang"]) for r in rows if r.get("lang")]

    def findings(self) -> list[str]:
        given = self.data.get("findings")
        if isinstance(given, list) and all(isinstance(x, str) for x in given):
            return given
        from listening_post.briefs.findings import findings  # written from the figures, as in the brief

        try:
            return findings(self.data)
        except (KeyError, TypeError, ValueError):  # a summary this version cannot read: no findings shown
            return []

    def headline(self) -> str | None:
        found = self.findings()
        return found[0] if found else None

    def tone(self) -> dict[str, Any]:
        sentiment = self.data.get("sentiment") or {}
        this = (sentiment.get("mean") or {}).get("value")
        last = ((sentiment.get("previous_week") or {}).get("mean") or {}).get("value")
        change = sentiment.get("change") or {}
        return {
            "this_week": this,
            "last_week": last,
            "change": change.get("difference"),
            "verdict": change.get("verdict"),
        }

    def arrow(self) -> ToneArrow:
        tone = self.tone()
        diff, verdict = tone["change"], tone["verdict"]
        if diff is None:
            return ToneArrow("–", "no comparison with last week", "none")
        sure = "a change larger than chance would explain" if verdict == "significant" else "within noise"
        if diff > 0:
            return ToneArrow("▲", f"tone more positive than last week ({sure})", "up")
        if diff < 0:
            return ToneArrow("▼", f"tone more negative than last week ({sure})", "down")
        return ToneArrow("▶", "tone unchanged from last week", "flat")

    def volume(self) -> dict[str, Any]:
        volume = self.data.get("volume") or {}
        previous = volume.get("previous_week") or {}
        return {"posts": volume.get("posts"), "last_week": previous.get("posts"), "change": previous.get("change")}

    def trend(self) -> list[dict[str, Any]]:
        return [
            {"week": row.get("week"), "posts": row.get("posts"), "tone": (row.get("sentiment") or {}).get("value")}
            for row in self.data.get("trend") or []
        ]

    def sections(self) -> dict[str, Any]:
        """The optional sections this summary carries (see the module's docstring)."""
        return {key: self.data[key] for key in OPTIONAL_SECTIONS if self.data.get(key)}
