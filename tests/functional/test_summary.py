"""The weekly summary on a lake with posts of known properties."""

from __future__ import annotations

import random
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from listening_post.config import parse_config
from listening_post.lake import Lake
from listening_post.pipeline import summarise
from listening_post.weeks import IsoWeek
from tests.helpers import make_post, week_of_posts

CONFIG = parse_config("""
secrets: {author_key: {env: K}}
countries:
  - {code: CA, languages: [en, fr], timezone: America/Toronto}
topics:
  - {id: trade, label: Trade and tariffs, query: 'tariff*'}
  - {id: housing, label: Housing, query: 'rent'}
analysis: {min_n: 30}
""")
WEEK = IsoWeek.parse("2026-W47")
TOP_KEYS = {
    "schema_version",
    "country",
    "week",
    "period",
    "generated_at",
    "volume",
    "sentiment",
    "topics",
    "emerging_terms",
    "spikes",
    "coordination",
    "examples",
    "coverage",
    "caveats",
    "trend",
}


@pytest.fixture
def lake(tmp_path: Path) -> Lake:
    return Lake.from_uri(str(tmp_path / "lake"))


def week_start(week: IsoWeek) -> datetime:
    return week.bounds("America/Toronto")[0]


def test_summary_reports_a_tone_drop_with_intervals_and_tests(lake: Lake) -> None:
    rng = random.Random(7)
    posts = []
    for k, mean in zip(range(-5, 1), [0.2, 0.25, 0.2, 0.22, 0.2, -0.15], strict=True):
        posts += week_of_posts(rng, week_start(WEEK.shift(k)), 150, mean, first_id=1000 * (k + 10), topics=["trade"])
    posts += week_of_posts(rng, week_start(WEEK), 20, 0.3, first_id=90_000, topics=["housing"])
    lake.append_posts(posts, run_id="r1")
    summary = summarise(lake, CONFIG, "CA", WEEK).summary
    assert set(summary) >= TOP_KEYS
    assert summary["schema_version"] == 2 and summary["country_name"] == "Canada"
    assert summary["volume"]["posts"] == 170
    mean = summary["sentiment"]["mean"]
    assert mean["n"] == 170 and mean["ci95"][0] < mean["value"] < mean["ci95"][1]
    assert summary["sentiment"]["change"]["verdict"] == "significant"
    assert summary["sentiment"]["change"]["difference"] < 0
    trade = next(t for t in summary["topics"] if t["id"] == "trade")
    assert trade["change"]["verdict"] == "significant"
    assert trade["share_of_voice"]["value"] == pytest.approx(150 / 170)
    housing = next(t for t in summary["topics"] if t["id"] == "housing")
    assert housing["sentiment"]["mean"]["status"] == "insufficient data"  # 20 < min_n
    assert summary["topics"][0]["id"] == "trade"  # what changed most comes first
    assert [w["week"] for w in summary["trend"]][-1] == "2026-W47"
    assert summary["trend"][-1]["posts"] == 170


def test_brief_files_say_it_in_sentences(lake: Lake, tmp_path: Path) -> None:
    rng = random.Random(8)
    posts = week_of_posts(rng, week_start(WEEK.shift(-1)), 120, 0.3, first_id=0, topics=["trade"])
    posts += week_of_posts(rng, week_start(WEEK), 120, -0.2, first_id=5000, topics=["trade"])
    lake.append_posts(posts, run_id="r1")
    result = summarise(lake, CONFIG, "CA", WEEK, out_dir=tmp_path / "out")
    md = (tmp_path / "out" / "brief.md").read_text()
    html = (tmp_path / "out" / "brief.html").read_text()
    assert re.search(
        r"Tone on Trade and tariffs turned more negative, from \+0\.[23]\d to −0\.[12]\d, a change larger than", md
    )
    assert "<h2>Findings</h2>" in html and "more negative than last week" in html
    assert "http://" not in html.replace('xmlns="http://www.w3.org/2000/svg"', "")  # self-contained
    assert all(Path(p).exists() for p in result.lake_paths)
    assert lake.exists("briefs/country=CA/week=2026-W47/summary.json")


def test_reposts_count_as_volume_but_not_as_opinions(lake: Lake) -> None:
    start = week_start(WEEK) + timedelta(hours=1)
    posts = [make_post(i, created_at=start, sentiment=0.5) for i in range(40)]
    posts += [
        make_post(100 + i, created_at=start, sentiment=None, is_repost=True, text="", lang="und") for i in range(60)
    ]
    lake.append_posts(posts, run_id="r")
    summary = summarise(lake, CONFIG, "CA", WEEK).summary
    assert summary["volume"]["posts"] == 100 and summary["volume"]["reposts"] == 60
    assert summary["sentiment"]["mean"]["n"] == 40
    assert summary["coverage"]["unscored"]["posts"] == 0


def test_a_week_without_posts_gives_an_honest_empty_brief(lake: Lake) -> None:
    result = summarise(lake, CONFIG, "CA", WEEK)
    summary = result.summary
    assert summary["volume"]["posts"] == 0
    assert summary["sentiment"]["mean"]["status"] == "insufficient data"
    assert "No posts were collected" in summary["caveats"][0]
    md = Path(result.lake_paths[2]).read_text()
    assert "No posts about Canada were collected in 2026-W47" in md


def test_unscored_languages_are_reported_with_the_reason(lake: Lake) -> None:
    start = week_start(WEEK) + timedelta(hours=3)
    posts = [make_post(i, created_at=start, sentiment=0.1) for i in range(40)]
    posts += [make_post(100 + i, created_at=start, sentiment=None, lang="ru") for i in range(20)]  # no default
    posts += [make_post(200 + i, created_at=start, sentiment=None, lang="fr") for i in range(5)]
    lake.append_posts(posts, run_id="r")
    unscored = summarise(lake, CONFIG, "CA", WEEK).summary["coverage"]["unscored"]
    assert unscored["posts"] == 25 and unscored["share"] == pytest.approx(25 / 65)
    assert unscored["by_language"] == [
        {"lang": "ru", "name": "Russian", "posts": 20, "reason": "no sentiment backend reads Russian"},
        {
            "lang": "fr",
            "name": "French",
            "posts": 5,
            "reason": "its backend returned no score (a failed cloud call, or text it rejects)",
        },
    ]


def test_duplicates_in_the_lake_are_counted_once(lake: Lake) -> None:
    start = week_start(WEEK) + timedelta(hours=2)
    posts = [make_post(i, created_at=start, sentiment=0.2) for i in range(35)]
    lake.append_posts(posts, run_id="a")
    # A racing writer appended the same posts again, collected later with new counts.
    again = [
        make_post(i, created_at=start, sentiment=0.2, likes=99, collected_at=datetime(2026, 11, 24, tzinfo=UTC))
        for i in range(35)
    ]
    from listening_post.model import posts_to_table

    lake.write_table(
        "posts/country=CA/dt=2026-11-16/part-mastodon-b-x.parquet",
        posts_to_table(again).drop_columns(["country"]),
    )
    summary = summarise(lake, CONFIG, "CA", WEEK).summary
    assert summary["volume"]["posts"] == 35
    assert summary["examples"]["overall"]["positive"][0]["engagement"] == 99  # latest collection wins


def test_a_source_down_all_week_is_reported(lake: Lake) -> None:
    start = week_start(WEEK)
    lake.append_posts(
        [make_post(i, created_at=start + timedelta(hours=5), sentiment=0.1) for i in range(40)], run_id="r"
    )
    for day in range(7):
        at = start + timedelta(days=day, hours=6)
        lake.write_json(
            f"runs/dt={at.date()}/run{day}.json",
            {
                "run_id": f"run{day}",
                "started_at": at.isoformat(),
                "sources": {
                    "mastodon": {"skipped": None, "jobs": [{"country": "CA", "pages": 2, "posts": 6, "errors": []}]},
                    "bluesky": {
                        "skipped": None,
                        "jobs": [
                            {"country": "CA", "pages": 0, "posts": 0, "errors": ["https://bsky.social/...: HTTP 503"]}
                        ],
                    },
                    "reddit": {"skipped": "missing credentials (client_id, client_secret)", "jobs": []},
                    "x": {"skipped": None, "jobs": [{"country": "DE", "pages": 1, "posts": 3, "errors": []}]},
                },
            },
        )
    lake.write_bytes(f"runs/dt={start.date()}/broken.json", b"{not json")
    result = summarise(lake, CONFIG, "CA", WEEK)
    sources = {s["source"]: s for s in result.summary["coverage"]["sources"]}
    assert sources["mastodon"] == {
        "source": "mastodon",
        "runs": 7,
        "ok": 7,
        "failed": 0,
        "skipped": 0,
        "posts": 42,
        "last_error": None,
    }
    assert sources["bluesky"]["failed"] == 7 and sources["bluesky"]["last_error"].endswith("HTTP 503")
    assert sources["reddit"]["skipped"] == 7
    assert "x" not in sources  # its jobs were for another country
    caveats = " ".join(result.summary["caveats"])
    assert "bluesky did not deliver in any of its 7 collection runs this week" in caveats
    md = Path(result.lake_paths[2]).read_text()
    assert "| bluesky | 7 | 0 | 7 | 0 | 0 |" in md
