"""Storylines on the demo (issue 19): what the Canadian sample's W47 must show, in the summary, the briefs
and the weekly dataset."""

from __future__ import annotations

import json

import duckdb
import pytest

from listening_post.briefs.render import render
from listening_post.demo import DemoResult, run_demo

CONTRACT = {"id", "label", "status", "posts", "tone", "coordinated_share", "languages", "sources", "examples"}


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> DemoResult:
    return run_demo(str(tmp_path_factory.mktemp("demo") / "lake"))


def summary(demo: DemoResult, country: str = "CA", week: str = "2026-W47") -> dict:
    return json.loads(demo.lake.read_bytes(f"briefs/country={country}/week={week}/summary.json"))


def test_every_storyline_carries_the_contract(demo: DemoResult) -> None:
    s = summary(demo)
    assert s["emerging_terms"]  # kept beside the storylines
    assert len(s["storylines"]) >= 3
    for st in s["storylines"]:
        assert set(st) >= CONTRACT
        assert st["status"] in {"new", "growing", "stable", "fading", "returning"}
        assert st["posts"]["ci95"][0] <= st["posts"]["value"] <= st["posts"]["ci95"][1]
        assert all("post_id" not in e for e in st["examples"])
    cov = s["coverage"]["storylines"]
    # Every original post with words was grouped (a few are links or emoji only); no sample.
    assert not cov["sampled"] and cov["original_posts"] - 5 <= cov["grouped"] <= cov["original_posts"]


def test_canada_w47_shows_the_lumber_duties_as_new_with_the_campaign_marked(demo: DemoResult) -> None:
    lines = summary(demo)["storylines"]
    duties = next(st for st in lines if "countervailing duties" in st["label"])
    assert duties["status"] in {"new", "growing"}
    assert duties["posts"]["value"] >= 20 and duties["languages"][0]["lang"] == "en"
    assert duties["press"] >= 1 and duties["public"] >= 10
    campaign = next(st for st in lines if "#boycottuslumber" in st["label"])
    assert campaign["status"] == "new" and campaign["coordinated_share"] == 1.0
    assert duties["coordinated_share"] == 0.0
    # No storyline of an organic week is made of coordinated copies.
    assert all(st["coordinated_share"] == 0 for st in summary(demo, week="2026-W46")["storylines"])


def test_the_french_trade_storyline_keeps_its_id_from_w42_to_w47(demo: DemoResult) -> None:
    w47 = next(st for st in summary(demo)["storylines"] if "compensateurs" in st["label"])
    assert w47["status"] in {"stable", "growing"} and w47["since"] == "2026-W42"
    for week in ("2026-W42", "2026-W43", "2026-W44", "2026-W45", "2026-W46"):
        assert w47["id"] in {st["id"] for st in summary(demo, week=week)["storylines"] if st["coherent"]}, week


def test_the_brief_has_a_storylines_section_after_the_findings(demo: DemoResult) -> None:
    html = demo.lake.read_bytes("briefs/country=CA/week=2026-W47/brief.html").decode()
    assert html.index('id="findings"') < html.index('id="storylines"') < html.index('id="headline"')
    assert "countervailing duties · frankly insulting" in html
    assert "100% from coordinated copies" in html
    md = demo.lake.read_bytes("briefs/country=CA/week=2026-W47/brief.md").decode()
    assert "## Storylines" in md and "**countervailing duties" in md
    findings = md.split("## Storylines")[0]
    assert "A new storyline, “countervailing duties" in findings


def test_storyline_text_is_escaped_in_both_briefs(demo: DemoResult) -> None:
    s = summary(demo)
    s["storylines"][0]["label"] = ["<script>alert(1)</script>", "**bold**"]
    s["storylines"][0]["examples"][0]["url"] = "javascript:alert(1)"
    files = render(s)
    assert "<script>alert(1)" not in files["brief.html"] and "javascript:" not in files["brief.html"]
    assert "\\*\\*bold\\*\\*" in files["brief.md"]


def test_a_summary_without_storylines_still_renders(demo: DemoResult) -> None:
    s = summary(demo)
    del s["storylines"]
    assert 'id="storylines"' in render(s)["brief.html"]


def test_storylines_dataset_is_written_per_week(demo: DemoResult) -> None:
    rows = duckdb.sql(
        f"SELECT country, week, storyline_id, status, posts, coordinated_share FROM read_parquet("
        f"'{demo.lake.root}/weekly/storylines/*/*/storylines.parquet', hive_partitioning = true) "
        "WHERE country = 'CA' AND week = '2026-W47' AND label LIKE '%boycottuslumber%'"
    ).fetchall()
    assert len(rows) == 1 and rows[0][3] == "new" and rows[0][5] == 1.0
    weeks = duckdb.sql(
        f"SELECT count(DISTINCT week) FROM read_parquet('{demo.lake.root}/weekly/storylines/*/*/storylines.parquet', "
        "hive_partitioning = true)"
    ).fetchall()
    assert weeks == [(6,)]
