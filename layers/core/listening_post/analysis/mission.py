"""About us: the topics that concern the mission itself (``about_us: true`` in the configuration), which
the brief opens with, whatever happened to them: volume, tone, change and one representative post each."""

from __future__ import annotations

from typing import Any


def about_us(topics: list[dict[str, Any]], ids: list[str], representative: dict[str, Any]) -> list[dict[str, Any]]:
    """One entry per mission topic, in configuration order, from the summary's ``topics`` and
    ``representative`` examples. The example shown is from the side the topic's tone leans to."""
    by_id = {t["id"]: t for t in topics}
    out = []
    for tid in ids:
        t = by_id.get(tid)
        if t is None:
            continue
        mean = t["sentiment"]["mean"].get("value")
        sides = representative["by_topic"].get(tid, {})
        order = ("negative", "positive") if mean is not None and mean < 0 else ("positive", "negative")
        example = next((dict(sides[s][0], side=s) for s in order if sides.get(s)), None)
        out.append(
            {
                "id": tid,
                "label": t["label"],
                "posts": t["posts"],
                "previous_week_posts": t["previous_week_posts"],
                "volume_change": t["volume_change"],
                "share_of_voice": t["share_of_voice"],
                "sentiment": t["sentiment"]["mean"],
                "previous_week": t["previous_week"]["mean"],
                "change": {"verdict": t["change"]["verdict"], "difference": t["change"]["difference"]},
                "example": example,
            }
        )
    return out
