"""Emerging terms, spikes and coordination on synthetic weeks with something planted in them."""

from __future__ import annotations

import random
from datetime import timedelta
from pathlib import Path

import pytest

from listening_post.config import Analysis, Coordination
from listening_post.lake import Lake
from listening_post.pipeline import summarise
from listening_post.weeks import IsoWeek
from tests.helpers import make_post

WEEK = IsoWeek.parse("2026-W47")
START = WEEK.bounds("UTC")[0]
rng_words = random.Random(99)
VOCAB = sorted(
    {"".join(rng_words.choice("bcdfghjklmnprstvz") + rng_words.choice("aeiou") for _ in range(3)) for _ in range(900)}
)


def organic_text(rng: random.Random) -> str:
    return " ".join(rng.choice(VOCAB) for _ in range(rng.randint(9, 16))) + "."


def organic_weeks(rng: random.Random, weeks: int = 5, per_day: int = 30, first_id: int = 0) -> list:
    posts = []
    i = first_id
    for d in range(-7 * (weeks - 1), 7):
        for _ in range(per_day):
            at = START + timedelta(days=d, seconds=rng.uniform(0, 86_399))
            posts.append(
                make_post(
                    i,
                    created_at=at,
                    text=organic_text(rng),
                    sentiment=round(rng.uniform(-0.6, 0.8), 3),
                    author=f"a{rng.randint(0, 400)}",
                )
            )
            i += 1
    return posts


def build(tmp_path: Path, posts: list, coordination: Coordination | None = None) -> dict:
    from listening_post.config import parse_config

    config = parse_config("secrets: {author_key: {env: K}}\ncountries: [{code: CA, languages: [en]}]\n")
    config = config.model_copy(update={"analysis": Analysis(coordination=coordination or Coordination())})
    lake = Lake.from_uri(str(tmp_path / "lake"))
    lake.append_posts(posts, run_id="r")
    return summarise(lake, config, "CA", WEEK).summary


@pytest.fixture(scope="module")
def organic() -> list:
    return organic_weeks(random.Random(1))


def test_organic_weeks_raise_no_alarm(tmp_path: Path, organic: list) -> None:
    summary = build(tmp_path, organic)
    assert summary["coordination"] == []
    assert summary["emerging_terms"] == []
    assert summary["spikes"] == []


def test_a_planted_term_emerges(tmp_path: Path, organic: list) -> None:
    rng = random.Random(2)
    planted = [
        make_post(
            100_000 + k,
            created_at=START + timedelta(days=rng.randint(0, 6), hours=rng.randint(0, 23)),
            text=f"{organic_text(rng)} The quantum tariff is back. {organic_text(rng)}",
            author=f"p{k % 25}",
            sentiment=-0.4,
        )
        for k in range(30)
    ]
    summary = build(tmp_path, organic + planted)
    top = summary["emerging_terms"][0]
    assert top["term"] == "quantum tariff" and top["kind"] == "bigram"
    assert top["count"] == 30 and top["baseline_count"] == 0 and top["authors"] == 25 and top["z"] > 3


def test_a_planted_campaign_is_found_and_nothing_else(tmp_path: Path, organic: list) -> None:
    rng = random.Random(3)
    base = "Stop buying imported lumber right now, their tariffs attack our forest workers and towns"
    swaps = ["right now", "immediately", "today", "this week"]
    at = START + timedelta(days=2, hours=18)
    campaign = []
    for k in range(16):
        text = base.replace("right now", swaps[k % 4]) + ("!" * (k % 3)) + " #BoycottLumber"
        campaign.append(
            make_post(
                200_000 + k,
                created_at=at + timedelta(minutes=rng.uniform(0, 40)),
                text=text,
                author=f"c{k % 11}",
                sentiment=-0.6,
                dup_group=f"g{k % 4}",
            )
        )
    # Syndicated news: same headline from many outlets is not coordination.
    news = [
        make_post(
            300_000 + k,
            created_at=at,
            text="Government announces new tariff schedule for softwood lumber",
            source="rss",
            author=f"outlet{k}",
            dup_group="news",
        )
        for k in range(6)
    ]
    summary = build(tmp_path, organic + campaign + news)
    (cluster,) = summary["coordination"]
    assert cluster["posts"] == 16 and cluster["authors"] == 11 and cluster["span_minutes"] <= 40
    assert cluster["sample_text"].startswith("Stop buying imported lumber")
    once = summary["sentiment"]["clusters_counted_once"]
    assert once["posts_removed"] == 15
    assert once["mean"]["value"] > summary["sentiment"]["mean"]["value"]  # the campaign was pulling tone down


def test_copies_spread_over_days_are_not_a_burst(tmp_path: Path, organic: list) -> None:
    spread = [
        make_post(
            400_000 + k,
            created_at=START + timedelta(hours=10 * k),
            text="A long shared sentence that several people happened to quote this week",
            author=f"s{k}",
            dup_group="quote",
        )
        for k in range(8)
    ]
    summary = build(tmp_path, organic + spread, Coordination(min_authors=4, window_minutes=60))
    assert summary["coordination"] == []


def test_a_volume_spike_is_flagged_with_its_statistic(tmp_path: Path, organic: list) -> None:
    rng = random.Random(4)
    wednesday = START + timedelta(days=2)
    extra = [
        make_post(
            500_000 + k,
            created_at=wednesday + timedelta(seconds=rng.uniform(0, 86_399)),
            text=organic_text(rng),
            author=f"x{k}",
            sentiment=0.1,
        )
        for k in range(60)
    ]
    summary = build(tmp_path, organic + extra)
    (spike,) = [s for s in summary["spikes"] if s["kind"] == "volume"]
    assert spike["date"] == "2026-11-18" and spike["posts"] == 90 and spike["z"] > 3
    assert "quasi-Poisson" in spike["statistic"]


def test_quiet_weekends_are_not_spikes(tmp_path: Path) -> None:
    rng = random.Random(5)
    posts, i = [], 0
    for d in range(-28, 7):
        day = START + timedelta(days=d)
        for _ in range(12 if day.weekday() >= 5 else 40):
            posts.append(
                make_post(
                    i,
                    created_at=day + timedelta(seconds=rng.uniform(0, 86_399)),
                    text=organic_text(rng),
                    author=f"a{rng.randint(0, 300)}",
                )
            )
            i += 1
    assert [s for s in build(tmp_path, posts)["spikes"] if s["kind"] == "volume"] == []


def test_languages_without_spaces_are_excluded_from_terms(tmp_path: Path, organic: list) -> None:
    at = START + timedelta(days=1)
    chinese = [
        make_post(600_000 + k, created_at=at, text="美国宣布对加拿大木材征收新的关税", lang="zh", author=f"z{k}")
        for k in range(30)
    ]
    summary = build(tmp_path, organic + chinese)
    assert all("关税" not in t["term"] and "美国" not in t["term"] for t in summary["emerging_terms"])
    assert any("left out of the emerging terms" in c and "Chinese (30)" in c for c in summary["caveats"])


def test_holm_adjustment() -> None:
    from listening_post.analysis.stats import holm

    assert holm([0.01, 0.04, None, 0.03]) == pytest.approx([0.03, 0.06, None, 0.06])
    assert holm([]) == []
