"""Spikes: days of the week whose volume or tone departs from the trailing baseline.

Volume: the day's count against the daily counts of the ``BASELINE_DAYS`` before the week, as a
quasi-Poisson z-score (variance = max(sample variance, mean), so bursty series are not over-flagged).
Tone: the day's mean compound against the baseline's, by Welch's t-test. Seven days are tested at once, so
the threshold is Bonferroni-corrected. Days before collection began are not counted as silent days.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from datetime import date, timedelta
from typing import Any

from listening_post.analysis import stats
from listening_post.analysis.stats import Moments
from listening_post.summary_model import Spike

BASELINE_DAYS = 28
MIN_BASELINE_DAYS = 7
VOLUME_Z = 3.0
ALPHA = 0.05 / 7  # Bonferroni over the week's days
MIN_DAY_SCORED = 20


def daily_spikes(daily: Mapping[date, Mapping[str, Any]], monday: date) -> list[Spike]:
    """Spikes in the week starting ``monday``, from tallies per local day (``posts``, and ``scored``,
    ``total``, ``squares`` of the original posts' sentiment)."""
    first, end = monday - timedelta(days=BASELINE_DAYS), monday + timedelta(days=7)
    by_day: dict[date, tuple[int, Moments]] = {
        d: (int(t["posts"]), Moments.from_sums(t["scored"], t["total"], t["squares"]))
        for d, t in daily.items()
        if first <= d < end and t["posts"]
    }
    started = min(by_day) if by_day else monday
    baseline_days = [first + timedelta(days=i) for i in range(BASELINE_DAYS) if first + timedelta(days=i) >= started]
    if len(baseline_days) < MIN_BASELINE_DAYS:
        return []
    expected, dispersion = _weekday_model(baseline_days, {d: v[0] for d, v in by_day.items()})
    base_tone = _pooled([daily[d] for d in baseline_days if d in daily and d < monday])
    spikes: list[Spike] = []
    for i in range(7):
        day = monday + timedelta(days=i)
        n, tone = by_day.get(day, (0, Moments.of(0, None, None)))
        scored, mean = tone.n, tone.mean
        e = expected[day.weekday()]
        z = (n - e) / math.sqrt(max(dispersion * e, 1e-9))
        if abs(z) >= VOLUME_Z and (n > e or e >= 10):
            direction = "more" if n > e else "fewer"
            spikes.append(
                {
                    "date": day.isoformat(),
                    "kind": "volume",
                    "posts": n,
                    "expected": e,
                    "statistic": "quasi-Poisson z against the same weekday's expected volume "
                    f"over the {len(baseline_days)} days before the week",
                    "z": z,
                    "description": f"{n:,} posts, {abs(n - e) / e:.0%} {direction} than the {e:.0f} expected "
                    f"on a {day:%A} (z = {z:+.1f})",
                }
            )
        if scored and scored >= MIN_DAY_SCORED and base_tone.n >= MIN_DAY_SCORED and mean is not None:
            test = stats.welch_test(tone, base_tone)
            if test and test["p_value"] < ALPHA:
                word = "more positive" if test["difference"] > 0 else "more negative"
                spikes.append(
                    {
                        "date": day.isoformat(),
                        "kind": "tone",
                        "posts": n,
                        "mean": mean,
                        "baseline_mean": base_tone.mean,
                        "statistic": "Welch t against the 28 days before the week, Bonferroni over 7 days",
                        "p_value": test["p_value"],
                        "description": f"tone {word}: mean {_signed(mean)} against {_signed(base_tone.mean)} "
                        f"(n = {scored}, p = {test['p_value']:.2g})",
                    }
                )
    return spikes


def _signed(x: float | None) -> str:
    return "n/a" if x is None else f"{x:+.2f}".replace("-", "\u2212")


def _weekday_model(days: list[date], counts: dict[date, int]) -> tuple[dict[int, float], float]:
    """Expected count per weekday (overall mean times a weekday factor shrunk towards 1) and the
    quasi-Poisson dispersion of the baseline days around it (at least 1)."""
    values = [counts.get(d, 0) for d in days]
    mu = max(sum(values) / len(values), 1e-9)
    prior_days = 2.0  # pseudo-days at the overall mean: four Mondays alone are a noisy factor
    expected: dict[int, float] = {}
    for weekday in range(7):
        same = [counts.get(d, 0) for d in days if d.weekday() == weekday]
        expected[weekday] = (sum(same) + prior_days * mu) / (len(same) + prior_days)
    chi = sum((counts.get(d, 0) - expected[d.weekday()]) ** 2 / max(expected[d.weekday()], 1e-9) for d in days)
    return expected, max(1.0, chi / max(len(days) - 1, 1))


def _pooled(days: list[Mapping[str, Any]]) -> Moments:
    scored, total, squares = (sum(d[k] for d in days) for k in ("scored", "total", "squares"))
    return Moments.from_sums(scored, total, squares)
