"""A new coordinated cluster: the weekly coordination rule (analysis/coordination.py: the same duplicate
key or near-identical words, at least ``analysis.coordination.min_authors`` distinct authors within its
``window_minutes``) applied to the sliding window of the last ``coordination_window_hours``."""

from __future__ import annotations

from typing import Any

from listening_post.alerts.rules.base import Signal, rule, severity_of
from listening_post.alerts.window import Window
from listening_post.analysis.coordination import find_clusters


def clusters(win: Window) -> list[dict[str, Any]]:
    """The window's clusters (once per evaluation); table ``cluster_posts`` holds their posts."""
    if "clusters" not in win.cache:
        lo = win.epoch_at - win.thresholds.coordination_window_hours * 3600
        win.con.execute(
            """
            CREATE OR REPLACE TEMP TABLE texts AS
            SELECT post_id, author_id, created_at, sentiment, dup_group, text, TRUE AS sampled, 0 AS w,
                   is_repost, source, length(text) AS chars
            FROM posts_w WHERE t >= $lo
            """,
            {"lo": lo},
        )
        row = win.con.execute("SELECT count(*) FROM texts").fetchone()
        found = find_clusters(win.con, win.config.analysis.coordination, int(row[0]) if row else 0)
        win.con.execute(
            "CREATE OR REPLACE TEMP TABLE cluster_posts AS SELECT unnest($ids::VARCHAR[]) AS post_id",
            {"ids": [p for c in found for p in c["post_ids"]]},
        )
        win.cache["clusters"] = found
    result: list[dict[str, Any]] = win.cache["clusters"]
    return result


@rule("coordination")
def coordinated_clusters(win: Window) -> list[Signal]:
    settings = win.config.analysis.coordination
    out: list[Signal] = []
    for c in clusters(win):
        share = c["share_of_week"] or 0.0
        out.append(
            Signal(
                rule="coordination",
                scope="all",
                key=c["post_ids"][0],
                # Authors over the rule's minimum: 4 is the floor, twice that is a campaign.
                severity=severity_of(c["authors"], settings.min_authors, False),
                what=f"{c['posts']} near-identical posts from {c['authors']} accounts within "
                f"{c['span_minutes']} minutes ({share:.0%} of the posts of the last "
                f"{win.thresholds.coordination_window_hours} hours)",
                figures={k: c[k] for k in ("posts", "authors", "first_at", "last_at", "span_minutes", "mean_sentiment")}
                | {"share_of_window": share},
                post_ids=list(c["post_ids"]),
            )
        )
    return out
