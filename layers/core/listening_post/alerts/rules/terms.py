"""A surging term: the weighted log-odds of analysis/terms.py (Monroe et al. 2008) of the last
``terms_window_hours`` against the baseline days, kept when its z passes ``terms_z`` (stricter than the
weekly 3: it is tested every hour) in at least ``terms_min_posts`` posts."""

from __future__ import annotations

from listening_post.alerts.rules.base import Signal, rule, severity_of
from listening_post.alerts.rules.coordination import clusters
from listening_post.alerts.window import Window
from listening_post.analysis import terms


def prepare(win: Window) -> None:
    """Tables ``p_text`` (w = 0 the window, -1 the baseline) and ``doc_terms``, once per evaluation."""
    if win.cache.get("terms_ready"):
        return
    clusters(win)  # cluster_posts, for each term's coordinated share
    lo = win.epoch_at - win.thresholds.terms_window_hours * 3600
    win.con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE p_text AS
        SELECT row_number() OVER () AS doc, post_id, CASE WHEN t >= $lo THEN 0 ELSE -1 END AS w, author_id, topics,
               {terms.tokens_sql("text", "lang")} AS toks
        FROM posts_w WHERE NOT is_repost
        """,
        {"lo": lo},
    )
    terms.prepare(win.con, win.languages)
    win.cache["terms_ready"] = True


def term_posts(win: Window, term: str) -> list[str]:
    rows = win.con.execute(
        "SELECT p.post_id FROM doc_terms d JOIN p_text p USING (doc) WHERE d.w = 0 AND d.term = $term LIMIT 1000",
        {"term": term},
    ).fetchall()
    return [r[0] for r in rows]


@rule("term")
def surging_terms(win: Window) -> list[Signal]:
    th = win.thresholds
    prepare(win)
    out: list[Signal] = []
    for scope in win.scopes:
        row = win.con.execute(
            f"SELECT count(*) FROM p_text WHERE w = 0 AND {scope.condition()}", scope.params()
        ).fetchone()
        if not row or row[0] < th.terms_min_posts:  # no term can pass: spare the log-odds
            continue
        for t in terms.emerging(win.con, scope.condition(), scope.params(), limit=3):
            if t["z"] < th.terms_z or t["count"] < th.terms_min_posts:
                continue
            where = "" if scope.topic is None else f" on {scope.label}"
            out.append(
                Signal(
                    rule="term",
                    scope=scope.id,
                    key=t["term"],
                    severity=severity_of(t["z"], th.terms_z, scope.about_us),
                    what=f"“{t['term']}” surging{where}: in {t['count']} posts by {t['authors']} accounts in the "
                    f"last {th.terms_window_hours} hours ({t['share']:.1%}) against {t['baseline_share']:.2%} "
                    f"over the {th.baseline_days} days before (z = {t['z']:.1f})",
                    figures={
                        k: t[k]
                        for k in (
                            "term",
                            "count",
                            "baseline_count",
                            "authors",
                            "share",
                            "baseline_share",
                            "coordinated_share",
                            "z",
                        )
                    },
                    post_ids=term_posts(win, t["term"]),
                    about_us=scope.about_us,
                )
            )
    return out
