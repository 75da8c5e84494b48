"""Volume spikes: the last hour of social posts (the last day of news) against the same hour (day) of the
baseline days, weekday-weighted as the weekly spike method does (analysis/spikes.py ``_weekday_model``:
the same weekday's windows, shrunk towards the overall mean; quasi-Poisson dispersion of the baseline).
The statistic is the Anscombe-transformed Poisson z (analysis/stats.py), divided by the square root of the
dispersion so that a bursty baseline is not over-flagged; small counts are not z-tested into alerts (an
expected 0.2 against 3 is not an event): ``volume_min_posts`` and ``volume_min_ratio`` must hold too."""

from __future__ import annotations

import math
from datetime import timedelta
from zoneinfo import ZoneInfo

from listening_post.alerts.rules.base import Signal, rule, severity_of
from listening_post.alerts.window import Window
from listening_post.analysis import stats
from listening_post.analysis.spikes import MIN_BASELINE_DAYS, _weekday_model

MEDIA = (("social", 3600, "hour"), ("news", 86400, "day"))
MIN_EXPECTED = 0.5  # a window never seen busy is expected to hold half a post, not zero


@rule("volume")
def volume_spikes(win: Window) -> list[Signal]:
    out: list[Signal] = []
    th = win.thresholds
    zone = ZoneInfo(win.config.country(win.country).timezone)
    for medium, seconds, unit in MEDIA:
        for scope in win.scopes:
            rows = win.con.execute(
                f"""
                SELECT k, count(*) FROM (
                    SELECT floor(($at - t) / 86400)::INT AS k, ($at - t) - floor(($at - t) / 86400) * 86400 AS off
                    FROM posts_w WHERE social = $social AND {scope.condition()}
                ) WHERE off < $w GROUP BY k
                """,
                {"at": win.epoch_at, "social": medium == "social", "w": seconds, **scope.params()},
            ).fetchall()
            counts = {int(k): int(n) for k, n in rows}
            if not counts.get(0):
                continue
            started = win.started.timestamp() if win.started else win.epoch_at
            ks = [k for k in range(1, th.baseline_days + 1) if win.epoch_at - k * 86400 - seconds >= started]
            if len(ks) < MIN_BASELINE_DAYS:
                continue
            day_of = {k: (win.at - timedelta(days=k)).astimezone(zone).date() for k in [0, *ks]}
            expected_by_weekday, dispersion = _weekday_model(
                [day_of[k] for k in ks], {day_of[k]: counts.get(k, 0) for k in ks}
            )
            n, e = counts[0], max(expected_by_weekday[day_of[0].weekday()], MIN_EXPECTED)
            test = stats.poisson_rate_test(n, e)
            assert test is not None  # e > 0
            z = test["statistic"] / math.sqrt(dispersion)
            if z < th.volume_z or n < th.volume_min_posts or n < th.volume_min_ratio * e:
                continue
            ids = [
                r[0]
                for r in win.con.execute(
                    f"SELECT post_id FROM posts_w WHERE social = $social AND {scope.condition()} "
                    "AND t >= $lo ORDER BY t LIMIT 1000",
                    {"social": medium == "social", "lo": win.epoch_at - seconds, **scope.params()},
                ).fetchall()
            ]
            where = "" if scope.topic is None else f" on {scope.label}"
            out.append(
                Signal(
                    rule="volume",
                    scope=scope.id,
                    key=medium,
                    severity=severity_of(z, th.volume_z, scope.about_us),
                    what=f"{n} {medium} posts{where} in the last {unit}, {n / e:.0f} times the {e:.1f} usual "
                    f"for this {unit} of a {day_of[0]:%A} over the last {len(ks)} days (z = {z:.1f})",
                    figures={
                        "posts": n,
                        "expected": round(e, 2),
                        "z": round(z, 2),
                        "dispersion": round(dispersion, 2),
                        "baseline_windows": len(ks),
                        "window": unit,
                        "medium": medium,
                    },
                    post_ids=ids,
                    about_us=scope.about_us,
                )
            )
    return out
