"""Statistics: known values, and coverage of the intervals on simulated data with known parameters."""

from __future__ import annotations

import math
import random

import pytest

from listening_post.analysis import stats
from listening_post.analysis.stats import Moments


@pytest.mark.parametrize(
    ("df", "exact"),
    [(5, 2.570582), (10, 2.228139), (29, 2.045230), (100, 1.983972), (1000, 1.962339)],
)
def test_t_quantile_matches_tables(df: int, exact: float) -> None:
    assert stats.t_quantile(0.975, df) == pytest.approx(exact, abs=1e-3)


def test_wilson_known_values() -> None:
    lo, hi = stats.wilson_interval(0, 10)
    assert lo == 0.0 and hi == pytest.approx(0.2775, abs=1e-4)
    lo, hi = stats.wilson_interval(50, 100)
    assert (lo, hi) == pytest.approx((0.4038, 0.5962), abs=1e-4)
    assert stats.wilson_interval(0, 0) == (0.0, 1.0)


def test_welch_detects_a_real_difference_and_not_noise() -> None:
    big = stats.welch_test(Moments(400, 0.20, 0.5), Moments(400, -0.05, 0.5))
    assert big and big["p_value"] < 1e-6
    small = stats.welch_test(Moments(50, 0.02, 0.5), Moments(50, 0.0, 0.5))
    assert small and small["p_value"] > 0.5
    assert stats.verdict(big) == "significant" and stats.verdict(small) == "not significant"
    assert stats.welch_test(Moments(1, 0.1, 0.0), Moments(30, 0.1, 0.2)) is None
    assert stats.verdict(None) == "insufficient data"


def test_p_value_of_t_matches_tables() -> None:
    # t = 2.045 with 29 df is the 97.5% quantile: two-sided p = 0.05.
    assert stats.t_sf_two_sided(2.045230, 29) == pytest.approx(0.05, abs=0.002)
    assert stats.t_sf_two_sided(1.959964, math.inf) == pytest.approx(0.05, abs=1e-6)


def test_estimates_below_min_n_are_insufficient_data() -> None:
    assert stats.mean_estimate(Moments(10, 0.3, 0.2), min_n=30) == {
        "n": 10,
        "value": None,
        "ci95": None,
        "status": "insufficient data",
    }
    assert stats.share_estimate(3, 10, min_n=30)["status"] == "insufficient data"
    ok = stats.share_estimate(30, 60, min_n=30)
    assert ok["value"] == 0.5 and ok["status"] == "ok"


def test_count_change_test() -> None:
    assert stats.count_change_test(0, 0) is None
    assert stats.verdict(stats.count_change_test(230, 200)) == "not significant"
    assert stats.verdict(stats.count_change_test(400, 200)) == "significant"


# --- coverage simulations: the 95% intervals must cover the true value about 95% of the time ------

RUNS = 2000


def coverage(hits: int) -> float:
    return hits / RUNS


def test_mean_interval_coverage_on_bounded_skewed_scores() -> None:
    rng = random.Random(1)

    # Compound-like scores: a mixture piled at the ends of [-1, 1], true mean known by construction.
    def draw() -> float:
        u = rng.random()
        return max(-1.0, min(1.0, rng.gauss(0.6, 0.25) if u < 0.45 else rng.gauss(-0.5, 0.3) if u < 0.8 else 0.0))

    true_mean = sum(draw() for _ in range(400_000)) / 400_000
    hits = 0
    for _ in range(RUNS):
        xs = [draw() for _ in range(60)]
        n, mean = len(xs), sum(xs) / len(xs)
        sd = math.sqrt(sum((x - mean) ** 2 for x in xs) / (n - 1))
        lo, hi = stats.mean_interval(n, mean, sd)
        hits += lo <= true_mean <= hi
    assert 0.93 <= coverage(hits) <= 0.97, coverage(hits)


@pytest.mark.parametrize(("p", "n"), [(0.5, 40), (0.1, 60), (0.03, 300)])
def test_wilson_coverage(p: float, n: int) -> None:
    rng = random.Random(2)
    hits = 0
    for _ in range(RUNS):
        k = sum(rng.random() < p for _ in range(n))
        lo, hi = stats.wilson_interval(k, n)
        hits += lo <= p <= hi
    assert 0.92 <= coverage(hits) <= 0.98, coverage(hits)


def test_net_tone_interval_coverage() -> None:
    rng = random.Random(3)
    p_pos, p_neg, n = 0.35, 0.45, 80
    hits = 0
    for _ in range(RUNS):
        draws = [rng.random() for _ in range(n)]
        pos = sum(d < p_pos for d in draws) / n
        neg = sum(p_pos <= d < p_pos + p_neg for d in draws) / n
        lo, hi = stats.difference_of_shares_interval(pos, neg, n)
        hits += lo <= p_pos - p_neg <= hi
    assert 0.93 <= coverage(hits) <= 0.97, coverage(hits)


def test_welch_false_positive_rate_is_about_five_percent() -> None:
    rng = random.Random(4)
    rejections = 0
    for _ in range(RUNS):
        a = [rng.gauss(0.1, 0.5) for _ in range(40)]
        b = [rng.gauss(0.1, 0.3) for _ in range(70)]

        def moments(xs: list[float]) -> Moments:
            m = sum(xs) / len(xs)
            return Moments(len(xs), m, math.sqrt(sum((x - m) ** 2 for x in xs) / (len(xs) - 1)))

        test = stats.welch_test(moments(a), moments(b))
        rejections += bool(test and test["p_value"] < 0.05)
    assert 0.03 <= rejections / RUNS <= 0.07
