"""Findings first: plain sentences a reader can act on, generated from summary.json.

Every sentence is built from a figure that carries its interval or test; a change is called a rise or a
drop only when the test says it is larger than chance would explain, otherwise the sentence says so. The
sentences name no test, p-value or z: those are in :func:`method_notes` and in summary.json.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from listening_post.analysis.stats import INSUFFICIENT
from listening_post.summary_model import AboutUs, EmergingTerm, Sentiment, Spike, Summary, Topic

MINUS = "\u2212"


def signed(x: float | None, digits: int = 2) -> str:
    if x is None:
        return "n/a"
    text = f"{x:+.{digits}f}"
    if float(text) == 0:  # -0.004 reads "0.00", not "-0.00" (nor "+0.00": no direction to show)
        return f"{0:.{digits}f}"
    return text.replace("-", MINUS)


def pct(x: float | None, digits: int = 0) -> str:
    if x is None:
        return "n/a"
    return f"{x * 100:.{digits}f}%"


def signed_pct(x: float | None) -> str:
    """A signed share in percentage points: net tone."""
    if x is None:
        return "n/a"
    text = f"{x * 100:+.0f}"
    return ("0" if float(text) == 0 else text.replace("-", MINUS)) + "%"


def pct_change(x: float | None) -> str:
    if x is None:
        return "n/a"
    text = f"{x * 100:+.0f}"
    return ("0" if float(text) == 0 else text.replace("-", MINUS)) + "%"


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


# How sure we are, in words: the verdicts of summary.json's tests.
SURE = {
    "significant": "a change larger than chance would explain",
    "not significant": "within what chance alone would explain",
    INSUFFICIENT: "too few posts to tell",
}


def sure(verdict: str | None) -> str:
    return SURE.get(verdict or INSUFFICIENT, SURE[INSUFFICIENT])


def direction_word(difference: float | None, verdict: str | None) -> str:
    """How tone moved, in words: "more negative" only when the test says the change is not chance."""
    if verdict != "significant" or difference is None:
        return "about the same as"
    return "more positive than" if difference > 0 else "more negative than"


def arrow(difference: float | None, verdict: str | None) -> str:
    """A direction marker that agrees with the sign: up, down, or level when the change may be chance."""
    if verdict != "significant" or difference is None:
        return "→"
    return "▲" if difference > 0 else "▼"


def findings(summary: Summary) -> list[str]:
    volume, sentiment = summary["volume"], summary["sentiment"]
    name = summary.get("country_name") or summary["country"]
    about = [_about_us_sentence(a) for a in summary.get("about_us") or []]
    if volume["posts"] == 0:
        return [
            *about,
            f"No posts about {name} were collected in {summary['week']}: there is nothing to report, and "
            "the silence may be a gap in collection (see coverage).",
        ]
    out: list[str] = [_volume_sentence(summary)]
    mean = sentiment["mean"]
    if mean["status"] == INSUFFICIENT:
        out.append(f"Too few posts could be scored for tone ({mean['n']}) to say how the tone moved.")
    else:
        out.append(_tone_sentence(sentiment))
    for sentence in (
        _topic_shift_sentence(
            [t for t in summary["topics"] if t["id"] not in {a["id"] for a in summary.get("about_us") or []}]
        ),
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
    # The mission's own topics come first, always, even when nothing about them is notable.
    return about + out[:5]


def _about_us_sentence(a: AboutUs) -> str:
    posts, before = a["posts"], a["previous_week_posts"]
    if not posts:
        return f"{a['label']}: nothing notable, no posts this week (last week {before:,})."
    text = f"{a['label']}: {_count(posts, 'post')} ({_volume_words(posts, before)})"
    value, change = a["sentiment"]["value"], a["change"]
    if value is None:
        return text + ", too few to say how the tone is."
    text += f", tone {tone_word(value)} ({signed(value)})"
    prev = (a.get("previous_week") or {}).get("value")
    if change["verdict"] == "significant":
        moved = direction_word(change["difference"], change["verdict"])
        text += f", {moved} last week ({signed(prev)}), {sure(change['verdict'])}"
    elif change["verdict"] == "not significant":
        text += f"; last week {signed(prev)}, a difference within what chance alone would explain: nothing notable"
    else:
        text += ", too few posts last week to compare"
    return text + "."


def _volume_words(posts: int, before: int) -> str:
    if not before:
        return "none last week"
    if posts == before:
        return f"as many as last week, {before:,}"
    return f"{'up' if posts > before else 'down'} from {before:,} last week"


def _volume_sentence(summary: Summary) -> str:
    volume = summary["volume"]
    prev = volume["previous_week"]
    text = f"{_count(volume['posts'], 'post')} from {_count(volume['authors'], 'author')} this week"
    if prev["posts"]:
        change = prev["change"]
        if prev["verdict"] == "significant" and change is not None:  # a verdict needs last week's posts
            direction = "more" if change > 0 else "fewer"
            text += f": {pct(abs(change))} {direction} than last week's {prev['posts']:,}, {sure(prev['verdict'])}"
        else:
            text += f": about as many posts as usual (last week {prev['posts']:,})"
    return text + "."


def _tone_sentence(sentiment: Sentiment) -> str:
    mean = sentiment["mean"]
    shares = sentiment["shares"]
    change, prev = sentiment["change"], sentiment["previous_week"]["mean"]
    value = mean["value"]
    assert value is not None, "called for a tone with enough posts (status ok)"
    text = f"Tone was {tone_word(value)} ({signed(value)} on a scale from −1 to +1)"
    if change["verdict"] == "significant":
        moved = direction_word(change["difference"], change["verdict"])
        text += f", {moved} last week ({signed(prev['value'])}), {sure(change['verdict'])}"
    elif change["verdict"] == "not significant":
        text += f", about the same as last week ({signed(prev['value'])})"
    text += f"; {pct(shares['positive']['value'])} of posts were positive, {pct(shares['negative']['value'])} negative"
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


def _topic_shift_sentence(topics: list[Topic]) -> str | None:
    for t in topics:
        change = t["change"]
        difference = change["difference"]
        if change["verdict"] != "significant" or difference is None:  # a verdict has its difference
            continue
        before, after = t["previous_week"]["mean"]["value"], t["sentiment"]["mean"]["value"]
        word = "more positive" if difference > 0 else "more negative"
        text = f"Tone on {t['label']} turned {word}, from {signed(before)} to {signed(after)}, {sure('significant')}"
        drivers = t.get("drivers") or []
        if drivers:
            text += ", driven by posts about " + " and ".join(f"“{d}”" for d in drivers[:2])
        return text + "."
    return None


def _share_of_voice_sentence(topics: list[Topic]) -> str | None:
    ranked = [t for t in topics if t["posts"] and t["share_of_voice"]]
    if not ranked:
        return None
    top = max(ranked, key=lambda t: t["posts"])
    share = top["share_of_voice"]
    value = share["value"] if share else None
    text = f"{top['label']} drew the most attention: {pct(value)} of posts ({top['posts']:,})"
    if top["volume_change"] is not None:
        text += f", {pct_change(top['volume_change'])} on last week"
    return text + "."


def _coordination_sentence(summary: Summary) -> str | None:
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


def _emerging_sentence(terms: list[EmergingTerm]) -> str | None:
    organic = [t for t in terms if t.get("coordinated_share", 0) < 0.5]
    if not organic:
        return None
    names = [f"“{t['term']}”" for t in organic[:3]]
    listed = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
    return f"Talked about far more than in the previous weeks: {listed}."


def spike_words(spike: Spike) -> str:
    """A spike in plain words, from its figures (its ``description`` carries the statistic)."""
    day = date.fromisoformat(spike["date"])
    if spike["kind"] == "volume":
        n, e = spike["posts"], spike["expected"]
        direction = "more" if n > e else "fewer"
        change = f"{abs(n - e) / e:.0%} {direction}" if e else "more"
        return f"{n:,} posts on {day:%A %d %B}, {change} than the {e:.0f} usual for a {day:%A}"
    word = "more positive" if (spike.get("mean") or 0) > (spike.get("baseline_mean") or 0) else "more negative"
    return (
        f"tone on {day:%A %d %B} was {word} than in the four weeks before "
        f"({signed(spike.get('mean'))} against {signed(spike.get('baseline_mean'))})"
    )


def _spike_sentence(spikes: list[Spike]) -> str | None:
    volume = [s for s in spikes if s["kind"] == "volume" and s["z"] > 0]
    if not volume:
        return None
    top = max(volume, key=lambda s: s["z"])
    text = spike_words(top)
    return f"Volume spiked: {text}."


def method_notes(summary: Summary) -> list[str]:
    """How the findings' verdicts were reached, with the tests' names and figures: for the method note,
    not for the findings."""
    notes = []
    prev = summary["volume"]["previous_week"]
    test = prev["test"]
    if test:
        notes.append(
            f"Volume against last week: {test['test']}, statistic {test['statistic']:+.2f}, "
            f"p = {test['p_value']:.3g} ({prev['verdict']})."
        )
    change = summary["sentiment"]["change"]
    test = change["test"]
    if test:
        notes.append(
            f"Tone against last week: {test['test']}, difference {signed(test['difference'])}, "
            f"p = {test['p_value']:.3g} ({change['verdict']})."
        )
    for a in summary.get("about_us") or []:
        t = next((t for t in summary["topics"] if t["id"] == a["id"]), None)
        test = t["change"]["test"] if t else None
        if t and test:
            notes.append(
                f"{a['label']}, tone against last week: {test['test']}, p = {test['p_value']:.3g}"
                + (f", Holm-adjusted p = {test['p_adjusted']:.3g}" if test.get("p_adjusted") is not None else "")
                + f" ({t['change']['verdict']})."
            )
    notes.append(
        "“Larger than chance would explain” means the test's p-value (Holm-adjusted across topics) is below "
        "0.05; tone figures are means of compound scores from −1 to +1 with 95% intervals."
    )
    return notes
