"""Findings first: three to five plain sentences a reader can act on, generated from summary.json.

Every sentence is built from a figure that carries its interval or test; a change is called a rise or a
drop only when the test says it is significant, otherwise the sentence says the movement is within noise.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from listening_post.analysis.stats import INSUFFICIENT

MINUS = "\u2212"


def signed(x: float | None, digits: int = 2) -> str:
    if x is None:
        return "n/a"
    text = f"{x:+.{digits}f}"
    return text.replace("-", MINUS)


def pct(x: float | None, digits: int = 0) -> str:
    if x is None:
        return "n/a"
    return f"{x * 100:.{digits}f}%"


def signed_pct(x: float | None) -> str:
    """A signed share in percentage points: net tone."""
    if x is None:
        return "n/a"
    return f"{x * 100:+.0f}%".replace("-", MINUS)


def pct_change(x: float | None) -> str:
    if x is None:
        return "n/a"
    return f"{x * 100:+.0f}%".replace("-", MINUS)


def tone_word(mean: float) -> str:
    if mean >= 0.25:
        return "clearly positive"
    if mean >= 0.05:
        return "mildly positive"
    if mean > -0.05:
        return "neutral on balance"
    if mean > -0.25:
        return "mildly negative"
    return "clearly negative"


def _count(n: int, noun: str) -> str:
    return f"{n:,} {noun}{'' if n == 1 else 's'}"


def findings(summary: dict[str, Any]) -> list[str]:
    volume, sentiment = summary["volume"], summary["sentiment"]
    name = summary.get("country_name") or summary["country"]
    if volume["posts"] == 0:
        return [
            f"No posts about {name} were collected in {summary['week']}: there is nothing to report, and "
            "the silence may be a gap in collection (see coverage)."
        ]
    out: list[str] = [_volume_sentence(summary)]
    mean = sentiment["mean"]
    if mean["status"] == INSUFFICIENT:
        out.append(f"Too few posts could be scored for tone ({mean['n']}) to say how the tone moved.")
    else:
        out.append(_tone_sentence(sentiment))
    for sentence in (
        _topic_shift_sentence(summary["topics"]),
        _coordination_sentence(summary),
        _storyline_sentence(summary.get("storylines") or []),
        _emerging_sentence(summary["emerging_terms"]),
        _share_of_voice_sentence(summary["topics"]),
        _spike_sentence(summary["spikes"]),
    ):
        if sentence and len(out) < 5:
            out.append(sentence)
    unscored = summary["coverage"]["unscored"]
    if len(out) < 5 and unscored["share"] and unscored["share"] >= 0.2:
        out.append(
            f"{pct(unscored['share'])} of original posts could not be scored for tone, so tone "
            "figures speak for the rest only."
        )
    return out[:5]


def _volume_sentence(summary: dict[str, Any]) -> str:
    volume = summary["volume"]
    prev = volume["previous_week"]
    text = f"{_count(volume['posts'], 'post')} from {_count(volume['authors'], 'author')} were collected this week"
    if prev["posts"]:
        change = prev["change"]
        direction = "up" if change > 0 else "down"
        if prev["verdict"] == "significant":
            text += f", {direction} {pct(abs(change))} on last week's {prev['posts']:,}"
        else:
            text += f", about as many as last week ({prev['posts']:,}; the difference is within noise)"
    return text + "."


def _tone_sentence(sentiment: dict[str, Any]) -> str:
    mean = sentiment["mean"]
    lo, hi = mean["ci95"]
    shares = sentiment["shares"]
    text = (
        f"Tone was {tone_word(mean['value'])}: mean {signed(mean['value'])} "
        f"(95% CI {signed(lo)} to {signed(hi)}, n={mean['n']:,}); "
        f"{pct(shares['positive']['value'])} positive, {pct(shares['negative']['value'])} negative"
    )
    change, prev = sentiment["change"], sentiment["previous_week"]["mean"]
    if change["verdict"] == "significant":
        word = "a significant rise" if change["difference"] > 0 else "a significant drop"
        text += f", {word} from {signed(prev['value'])} last week"
    elif change["verdict"] == "not significant":
        text += f", no significant change from last week ({signed(prev['value'])})"
    return text + "."


def _storyline_sentence(storylines: list[dict[str, Any]]) -> str | None:
    """The largest storyline that is new, or growing significantly (its status says so)."""
    for st in storylines:
        if st["status"] not in ("new", "growing") or not st["label"]:
            continue
        label = " · ".join(st["label"][:3])
        share = (st.get("share") or {}).get("value")
        text = f"A {st['status']} storyline, “{label}”, drew {st['posts']['value']:,} posts"
        text += f" ({pct(share)} of the week)" if share is not None else ""
        if st["status"] == "growing" and st.get("previous_posts"):
            text += f", up from {round(st['previous_posts']):,} last week"
        if st.get("coordinated_share"):
            text += f"; {pct(st['coordinated_share'])} of them coordinated copies"
        return text + "."
    return None


def _topic_shift_sentence(topics: list[dict[str, Any]]) -> str | None:
    for t in topics:
        change = t["change"]
        if change["verdict"] != "significant":
            continue
        before, after = t["previous_week"]["mean"]["value"], t["sentiment"]["mean"]["value"]
        verb, word = ("rose", "a significant rise") if change["difference"] > 0 else ("fell", "a significant drop")
        text = f"Tone on {t['label']} {verb} from {signed(before)} to {signed(after)}, {word}"
        drivers = t.get("drivers") or []
        if drivers:
            text += ", driven by posts about " + " and ".join(f"“{d}”" for d in drivers[:2])
        return text + "."
    return None


def _share_of_voice_sentence(topics: list[dict[str, Any]]) -> str | None:
    ranked = [t for t in topics if t["posts"] and t["share_of_voice"]]
    if not ranked:
        return None
    top = max(ranked, key=lambda t: t["posts"])
    share = top["share_of_voice"]
    text = f"{top['label']} drew the most attention: {pct(share['value'])} of posts ({top['posts']:,})"
    if top["volume_change"] is not None:
        text += f", {pct_change(top['volume_change'])} on last week"
    return text + "."


def _coordination_sentence(summary: dict[str, Any]) -> str | None:
    clusters = summary["coordination"]
    if not clusters:
        return None
    c = clusters[0]
    sample = c["sample_text"] if len(c["sample_text"]) <= 70 else c["sample_text"][:67].rsplit(" ", 1)[0] + " …"
    text = (
        f"A coordinated burst of {c['posts']} near-identical posts from {c['authors']} accounts within "
        f"{c['span_minutes']} minutes (“{sample}”) made up {pct(c['share_of_week'])} of the week"
    )
    if len(clusters) > 1:
        text += f"; {len(clusters) - 1} smaller cluster{'s' if len(clusters) > 2 else ''} too"
    once = summary["sentiment"].get("clusters_counted_once")
    mean = summary["sentiment"]["mean"]
    if once and once["mean"].get("value") is not None and mean.get("value") is not None:
        text += f"; counted once, tone is {signed(once['mean']['value'])} instead of {signed(mean['value'])}"
    return text + "."


def _emerging_sentence(terms: list[dict[str, Any]]) -> str | None:
    organic = [t for t in terms if t.get("coordinated_share", 0) < 0.5]
    if not organic:
        return None
    names = [f"“{t['term']}”" for t in organic[:3]]
    listed = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
    return f"Talked about far more than in the previous weeks: {listed}."


def _spike_sentence(spikes: list[dict[str, Any]]) -> str | None:
    volume = [s for s in spikes if s["kind"] == "volume" and s["z"] > 0]
    if not volume:
        return None
    top = max(volume, key=lambda s: s["z"])
    day = date.fromisoformat(top["date"])
    return f"Volume spiked on {day:%A %d %B}: {top['description']}."
