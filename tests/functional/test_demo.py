"""The demo on the bundled sample data: the flow end to end, and the story the brief must find."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from listening_post.demo import DemoResult, run_demo, sample_files


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> DemoResult:
    return run_demo(str(tmp_path_factory.mktemp("demo") / "lake"))


def summary(demo: DemoResult, country: str, week: str = "2026-W47") -> dict:
    return json.loads(demo.lake.read_bytes(f"briefs/country={country}/week={week}/summary.json"))


def test_sample_data_covers_two_countries_four_weeks_two_sources() -> None:
    groups = sample_files()
    assert {c for c, _, _ in groups} == {"CA", "DE"}
    assert {s for _, s, _ in groups} == {"mastodon", "rss"}
    weeks = {p.name.split("__")[2][:8] for files in groups.values() for p in files}
    assert len(weeks) >= 4


def test_demo_imports_everything_and_briefs_every_week(demo: DemoResult) -> None:
    assert sum(r.imported for r in demo.imported.values()) > 2000
    assert demo.imported[("CA", "mastodon")].quarantined == 6  # one broken status a week
    weeks = {(c, w) for c, w, _ in demo.briefs}
    assert ("CA", "2026-W47") in weeks and ("DE", "2026-W42") in weeks and len(weeks) == 12
    assert all(Path(p).exists() for p in demo.latest_briefs)
    assert any(p.endswith("country=CA/week=2026-W47/brief.html") for p in demo.latest_briefs)


def test_canada_trade_tone_falls_significantly(demo: DemoResult) -> None:
    s = summary(demo, "CA")
    trade = next(t for t in s["topics"] if t["id"] == "trade")
    assert trade["change"]["verdict"] == "significant"
    assert trade["sentiment"]["mean"]["value"] < 0 < trade["previous_week"]["mean"]["value"]
    assert s["topics"][0]["id"] == "trade"
    langs = {row["lang"] for row in s["volume"]["by_language"]}
    assert {"en", "fr"} <= langs
    # French posts are scored by the French VADER (vaderSentiment-fr), not left unscored.
    assert "fr" not in {row["lang"] for row in s["coverage"]["unscored"]["by_language"]}
    assert {"vader-3.3.2", "vader-fr-1.3.4"} <= set(s["sentiment"]["models"])


def test_germany_brief_is_built_from_several_languages(demo: DemoResult) -> None:
    s = summary(demo, "DE")
    assert {"de", "en"} <= {row["lang"] for row in s["volume"]["by_language"]}
    assert s["sentiment"]["mean"]["n"] >= 30


def test_rerunning_the_demo_adds_no_rows(demo: DemoResult) -> None:
    again = run_demo(demo.lake.root)
    assert sum(r.imported for r in again.imported.values()) == 0
    assert sum(r.duplicates for r in again.imported.values()) > 2000


def test_canada_brief_finds_the_campaign_the_new_terms_and_the_spike(demo: DemoResult) -> None:
    s = summary(demo, "CA")
    (cluster,) = s["coordination"]
    assert cluster["posts"] == 24 and cluster["authors"] == 14 and cluster["span_minutes"] <= 60
    assert s["sentiment"]["clusters_counted_once"]["posts_removed"] == 23
    terms = {t["term"]: t for t in s["emerging_terms"]}
    assert "countervailing duties" in terms and terms["countervailing duties"]["coordinated_share"] == 0
    assert terms["#boycottuslumber"]["coordinated_share"] == 1.0
    assert [(x["date"], x["kind"]) for x in s["spikes"] if x["kind"] == "volume"] == [("2026-11-17", "volume")]
    trade = next(t for t in s["topics"] if t["id"] == "trade")
    assert "countervailing duties" in trade["drivers"]
    md = demo.lake.read_bytes("briefs/country=CA/week=2026-W47/brief.md").decode()
    assert "driven by posts about “countervailing duties”" in md
    assert "A coordinated burst of 24 near-identical posts from 14 accounts" in md


def test_no_organic_week_is_flagged_as_coordinated(demo: DemoResult) -> None:
    flagged = {(c, w) for c, w, _ in demo.briefs if summary(demo, c, w)["coordination"]}
    assert flagged == {("CA", "2026-W47")}


def test_bi_tables_are_written_per_week(demo: DemoResult) -> None:
    import duckdb

    rows = duckdb.sql(
        f"SELECT country, week, verdict FROM read_parquet('{demo.lake.root}/weekly/*/*/topics.parquet', "
        "hive_partitioning = true) WHERE topic_id = 'trade' AND week = '2026-W47' ORDER BY country"
    ).fetchall()
    assert rows == [("CA", "2026-W47", "significant"), ("DE", "2026-W47", "insufficient data")]
