"""Tone shifts: the mean compound of the last ``tone_window_hours`` against the baseline days before it,
by Welch's t-test (analysis/stats.py, as the weekly spikes), beyond ``tone_alpha`` and by at least
``tone_min_shift`` (a significant but tiny shift is not worth a message). Reposts are not opinions."""

from __future__ import annotations

from listening_post.alerts.rules.base import Signal, rule, severity_of
from listening_post.alerts.window import Window
from listening_post.analysis import stats
from listening_post.analysis.spikes import _signed
from listening_post.analysis.stats import Moments


@rule("tone")
def tone_shifts(win: Window) -> list[Signal]:
    th = win.thresholds
    lo = win.epoch_at - th.tone_window_hours * 3600
    out: list[Signal] = []
    for scope in win.scopes:
        rows = win.con.execute(
            f"""
            SELECT t >= $lo AS now, count(sentiment), sum(sentiment), sum(sentiment * sentiment)
            FROM posts_w WHERE NOT is_repost AND sentiment IS NOT NULL AND {scope.condition()} GROUP BY 1
            """,
            {"lo": lo, **scope.params()},
        ).fetchall()
        by = {bool(now): Moments.from_sums(n, total, squares) for now, n, total, squares in rows}
        current, base = by.get(True), by.get(False)
        if not current or not base or current.n < th.tone_min_posts or base.n < th.tone_min_posts:
            continue
        test = stats.welch_test(current, base)
        if not test or test["p_value"] >= th.tone_alpha or abs(test["difference"]) < th.tone_min_shift:
            continue
        word = "more positive" if test["difference"] > 0 else "more negative"
        where = "" if scope.topic is None else f" on {scope.label}"
        ids = [
            r[0]
            for r in win.con.execute(
                f"SELECT post_id FROM posts_w WHERE NOT is_repost AND sentiment IS NOT NULL AND t >= $lo "
                f"AND {scope.condition()} ORDER BY t LIMIT 1000",
                {"lo": lo, **scope.params()},
            ).fetchall()
        ]
        out.append(
            Signal(
                rule="tone",
                scope=scope.id,
                key="negative" if test["difference"] < 0 else "positive",
                severity=severity_of(abs(test["difference"]), th.tone_min_shift, scope.about_us),
                what=f"tone{where} {word} over the last {th.tone_window_hours} hours: mean {_signed(current.mean)} "
                f"against {_signed(base.mean)} over the {th.baseline_days} days before (n = {current.n}, "
                f"p = {test['p_value']:.2g})",
                figures={
                    "mean": current.mean,
                    "baseline_mean": base.mean,
                    "n": current.n,
                    "baseline_n": base.n,
                    "p_value": test["p_value"],
                    "ci95": test["ci95"],
                },
                post_ids=ids,
                about_us=scope.about_us,
            )
        )
    return out
