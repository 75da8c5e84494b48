"""Who amplifies (issue 20): planted co-sharing networks found among organic look-alikes, the demo's
link-sharing ring in the brief, the weekly dataset, and nothing naming an account in the summary."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bench.amplification import analyse, flagged, generate
from listening_post.briefs.render import render
from listening_post.demo import DemoResult, run_demo


def test_planted_networks_are_found_at_the_target_precision_and_recall(tmp_path: Path) -> None:
    week = generate(101, accounts=2000, planted=True)
    summary, _ = analyse(week, tmp_path / "planted")
    found = flagged(summary)
    precision = len(found & week.planted) / len(found)
    recall = len(found & week.planted) / len(week.planted)
    assert precision >= 0.9 and recall >= 0.8, (precision, recall)
    amp = summary["amplification"]
    assert 1 <= amp["method"]["window_seconds"] <= 3600 and amp["method"]["window_estimated_from"] >= 10
    # The low-quality push shows in the outlet shares; the organic week has none.
    assert amp["outlets"]["by_category"]["low_quality"]["share"] > 0.02


def test_organic_only_weeks_flag_almost_no_one(tmp_path: Path) -> None:
    week = generate(201, accounts=2000, planted=False)
    summary, _ = analyse(week, tmp_path / "organic")
    assert len(flagged(summary)) / len(week.organic) <= 0.01
    assert summary["amplification"]["outlets"]["by_category"]["low_quality"]["share"] == 0


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> DemoResult:
    return run_demo(str(tmp_path_factory.mktemp("demo") / "lake"))


def _summary(demo: DemoResult, country: str, week: str = "2026-W47") -> dict:
    return json.loads(demo.lake.read_bytes(f"briefs/country={country}/week={week}/summary.json"))


def test_the_demo_ring_is_found_and_followed_across_weeks(demo: DemoResult) -> None:
    (ring,) = _summary(demo, "CA")["amplification"]["clusters"]
    (before,) = _summary(demo, "CA", "2026-W46")["amplification"]["clusters"]
    assert ring["accounts"] == 9 and {d["domain"] for d in ring["domains"]} == {
        "northwire.example",
        "maplefacts.example",
    }
    assert ring["id"] == before["id"] and ring["since"] == "2026-W46" and ring["continues"]
    assert not _summary(demo, "DE")["amplification"]["clusters"]
    for week in ("2026-W42", "2026-W43", "2026-W44", "2026-W45"):
        assert not _summary(demo, "CA", week)["amplification"]["clusters"]
    outlets = _summary(demo, "CA")["amplification"]["outlets"]
    assert outlets["source"] == "configuration" and outlets["by_category"]["low_quality"]["shares"] == 41


def test_the_summary_names_no_account_and_the_dataset_keeps_the_members(demo: DemoResult) -> None:
    import duckdb

    text = demo.lake.read_bytes("briefs/country=CA/week=2026-W47/summary.json").decode()
    assert '"members"' not in text
    authors = {
        r[0]
        for r in duckdb.sql(
            f"SELECT DISTINCT author_id FROM read_parquet('{demo.lake.root}/posts/*/*/*.parquet', union_by_name = true)"
        ).fetchall()
    }
    assert not any(a in text for a in authors if a)
    rows = duckdb.sql(
        f"SELECT week, cluster_id, len(members), low_quality_link_share FROM read_parquet("
        f"'{demo.lake.root}/weekly/amplification/*/*/amplification.parquet', hive_partitioning = true) "
        "WHERE country = 'CA' AND week >= '2026-W46' ORDER BY week, cluster_id NULLS LAST"
    ).fetchall()
    assert [(w, n) for w, c, n, _ in rows if c] == [("2026-W46", 9), ("2026-W47", 9)]
    shares = {w: share for w, c, _, share in rows if c is None}
    assert shares["2026-W47"] == pytest.approx(0.5) and shares["2026-W46"] > 0.3


def test_the_brief_shows_who_amplifies_after_the_coordination_section(demo: DemoResult) -> None:
    html = demo.lake.read_bytes("briefs/country=CA/week=2026-W47/brief.html").decode()
    md = demo.lake.read_bytes("briefs/country=CA/week=2026-W47/brief.md").decode()
    assert html.index('<section id="coordinated">') < html.index('<section id="amplification">')
    assert html.index('<section id="amplification">') < html.index('<section id="examples">')
    assert "<h2>Who amplifies</h2>" in html and "<strong>9 accounts</strong>" in html
    assert "signals, not verdicts" in html
    assert md.index("## What looks coordinated") < md.index("## Who amplifies") < md.index("## Examples")
    assert "- 9 accounts" in md and "active since 2026-W46" in md


def test_a_summary_written_before_renders(demo: DemoResult) -> None:
    summary = _summary(demo, "CA")
    del summary["amplification"]
    files = render(summary)
    assert "written before amplification was measured" in files["brief.html"]
    assert "## Who amplifies" in files["brief.md"]
