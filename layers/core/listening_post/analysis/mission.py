"""About us: the topics that concern the mission itself (``about_us: true`` in the configuration), which
the brief opens with, whatever happened to them: volume, tone, change and one representative post each."""

from __future__ import annotations

from listening_post.summary_model import AboutUs, Example, Examples, Topic


def about_us(topics: list[Topic], ids: list[str], representative: Examples) -> list[AboutUs]:
    """One entry per mission topic, in configuration order, from the summary's ``topics`` and
    ``representative`` examples. The example shown is from the side the topic's tone leans to."""
    by_id = {t["id"]: t for t in topics}
    out: list[AboutUs] = []
    for tid in ids:
        t = by_id.get(tid)
        if t is None:
            continue
        mean = t["sentiment"]["mean"]["value"]
        sides = representative["by_topic"].get(tid, {})
        order = ("negative", "positive") if mean is not None and mean < 0 else ("positive", "negative")
        example: Example | None = None
        for side in order:
            if sides.get(side):
                example = {**sides[side][0], "side": side}
                break
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
