"""A co-sharing cluster: accounts sharing the same links, or reposting the same posts, within seconds of each
other, again and again. The weekly method (analysis/amplification.py, after CooRnet: the window estimated
from the data, ``min_repetition`` co-shares per pair, viral buckets left out; the settings of
``analysis.amplification``) applied to the social posts of the last ``cosharing_window_hours`` (72: a ring
pushing one link a day has repeated three times), raised for a cluster of at least
``cosharing_min_accounts`` accounts. A cluster is one event while it goes on (its posts carry over from
round to round, so the engine updates the event); growing to 1.4 and 2 times the minimum raises its
severity. The alert names no account: counts, the links pushed and their outlets, and the posts (examples
and erasure read ``post_ids``)."""

from __future__ import annotations

from typing import Any

from listening_post.alerts.rules.base import Signal, rule, severity_of
from listening_post.alerts.window import Window
from listening_post.analysis import amplification

MAX_POSTS = 1000


@rule("cosharing")
def cosharing_clusters(win: Window) -> list[Signal]:
    th = win.thresholds
    settings = win.config.analysis.amplification
    hours = th.cosharing_window_hours
    amplification.share_tables(
        win.con, "posts_w", "t >= $lo", {"lo": win.epoch_at - hours * 3600}, settings.young_account_days, post_ids=True
    )
    window, _ = amplification.estimate_window(win.con, settings)
    lists = {
        "low-quality": set(settings.outlets.low_quality),
        "state-affiliated": set(settings.outlets.state_affiliated),
    }
    out: list[Signal] = []
    shared: set[str] = set()
    for c in amplification.find_clusters(win.con, settings, window):
        if c["accounts"] < th.cosharing_min_accounts:
            continue
        ids = amplification.coordinated_post_ids(win.con, c.pop("members"), window)[:MAX_POSTS]
        if not ids:
            continue
        shared.update(ids)
        domains = [d["domain"] for d in c["domains"]]
        on_lists = {name: [d for d in domains if amplification.on_list(d, on)] for name, on in lists.items()}
        listed = sorted({d for found in on_lists.values() for d in found}, key=domains.index)
        objects = _objects(c)
        out.append(
            Signal(
                rule="cosharing",
                scope="all",
                # The cluster's first coordinated post: a post id (erasure replaces it), and the engine
                # matches later rounds by the posts they share anyway.
                key=ids[0],
                severity=severity_of(c["accounts"], th.cosharing_min_accounts, False),
                what=f"{c['accounts']} accounts repeatedly shared the same {objects} within {window} seconds "
                f"of each other: {c['coordinated_shares']} coordinated shares in the last {hours} hours"
                + (f", linking to {', '.join(domains)}" if domains else "")
                + "".join(f" (listed {name}: {', '.join(found)})" for name, found in on_lists.items() if found),
                figures={
                    "accounts": c["accounts"],
                    "posts": c["posts"],
                    "share_of_window": c["share_of_week"],
                    "coordinated_shares": c["coordinated_shares"],
                    "links": c["link_count"],
                    "reposted_posts": c["reposted_posts"],
                    "domains": domains,
                    "flagged_domains": listed,
                    "window_seconds": window,
                    "mean_sentiment": c["tone"]["mean"],
                },
                post_ids=ids,
            )
        )
    win.cache["cosharing_posts"] = shared  # the engine counts them in an alert's coordinated share
    return out


def _objects(c: dict[str, Any]) -> str:
    links, posts = c["link_count"], c["reposted_posts"]
    parts = [f"{n} {word}{'' if n == 1 else 's'}" for n, word in ((links, "link"), (posts, "post")) if n]
    return " and ".join(parts) or "links"
