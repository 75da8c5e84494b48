"""Per-storyline shares of posts linking to the configuration's low-quality and state-affiliated outlets
(issue 20, item 4): in the summary, the brief (Markdown and HTML) and the storylines dataset (version 2).
The demo's link-sharing ring posts links to northwire.example and maplefacts.example, both listed
low-quality in the demo's configuration; its posts make storylines of their own."""

from __future__ import annotations

import json
import re
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.dataset as ds
import pyarrow.parquet as pq
import pytest

from listening_post.analysis.storylines import STORYLINES_SCHEMA, Doc, _outlet_shares
from listening_post.briefs.render import render
from listening_post.config import OutletLists
from listening_post.demo import DemoResult, run_demo


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> DemoResult:
    return run_demo(str(tmp_path_factory.mktemp("demo") / "lake"))


def _summary(demo: DemoResult, week: str = "2026-W47", country: str = "CA") -> dict:
    return json.loads(demo.lake.read_bytes(f"briefs/country={country}/week={week}/summary.json"))


def test_the_rings_storylines_link_to_low_quality_outlets_and_the_others_do_not(demo: DemoResult) -> None:
    current = [s for s in _summary(demo)["storylines"] if s["coherent"]]
    by_share = {s["id"]: s["outlets"]["low_quality"]["value"] for s in current}
    ring = [s for s in current if by_share[s["id"]]]
    assert [s["posts"]["value"] for s in ring] == [25, 5]
    assert all(by_share[s["id"]] == 1.0 for s in ring)
    assert all(by_share[s["id"]] == 0.0 for s in current if s not in ring)
    for s in ring:  # every post of them carries a link; no state-affiliated list configured: 0
        assert s["outlets"]["posts_with_links"] == s["posts"]["sample"]
        assert s["outlets"]["state_affiliated"]["value"] == 0.0
    # The weeks before the ring (W42-W45): no storyline links to a listed outlet.
    for week in ("2026-W42", "2026-W43", "2026-W44", "2026-W45"):
        assert not any(
            s["outlets"]["low_quality"] and s["outlets"]["low_quality"]["value"]
            for s in _summary(demo, week)["storylines"]
        )


def test_the_brief_shows_the_share_in_both_formats(demo: DemoResult) -> None:
    html = demo.lake.read_bytes("briefs/country=CA/week=2026-W47/brief.html").decode()
    md = demo.lake.read_bytes("briefs/country=CA/week=2026-W47/brief.md").decode()
    section = html[html.index('<section id="storylines">') : html.index("</section>", html.index('id="storylines"'))]
    assert section.count("100% linking to listed low-quality outlets") == 2
    assert "low-quality or state-affiliated lists" in section  # what the figure means
    storylines = md[md.index("## Storylines") : md.index("\n## ", md.index("## Storylines") + 1)]
    assert len(re.findall(r"^- \*\*.*; 100% linking to listed low-quality outlets;", storylines, re.M)) == 2
    # Germany configures the same lists and links to none of them: nothing is said.
    de = demo.lake.read_bytes("briefs/country=DE/week=2026-W47/brief.html").decode()
    assert "linking to listed" not in de


def test_a_summary_without_lists_or_written_before_renders_without_it(demo: DemoResult) -> None:
    summary = _summary(demo)
    for s in summary["storylines"]:
        s["outlets"] = None
    files = render(summary)
    assert "linking to listed" not in files["brief.html"] and "linking to listed" not in files["brief.md"]
    for s in summary["storylines"]:
        del s["outlets"]
    files = render(summary)
    assert "linking to listed" not in files["brief.html"] and "<h2>Storylines</h2>" in files["brief.html"]


def test_the_dataset_has_the_shares_and_reads_version_1_files_as_null(demo: DemoResult, tmp_path: Path) -> None:
    root = demo.lake.root
    rows = duckdb.sql(
        f"SELECT low_quality_share, state_affiliated_share FROM read_parquet("
        f"'{root}/weekly/storylines/*/*/storylines.parquet', hive_partitioning = true) "
        "WHERE country = 'CA' AND week = '2026-W47' AND low_quality_share > 0"
    ).fetchall()
    assert rows == [(1.0, 0.0), (1.0, 0.0)]
    written = pq.read_schema(f"{root}/weekly/storylines/country=CA/week=2026-W47/storylines.parquet")
    assert written.metadata[b"listening_post.schema_version"] == b"2"
    # A file written before (version 1: no such columns) beside a new one: null, not an error.
    old = pq.read_table(f"{root}/weekly/storylines/country=CA/week=2026-W47/storylines.parquet")
    old = old.drop_columns(["low_quality_share", "state_affiliated_share"])
    pq.write_table(old, tmp_path / "v1.parquet")
    both = ds.dataset([str(tmp_path / "v1.parquet")], schema=STORYLINES_SCHEMA).to_table()
    assert both.column("low_quality_share").null_count == both.num_rows > 0
    assert both.schema.field("low_quality_share").type == pa.float64()


def test_subdomains_count_and_no_list_means_no_figure() -> None:
    docs = [
        Doc("a", "x", "mastodon", "en", "", [], domains=("news.northwire.example",)),
        Doc("b", "y", "mastodon", "en", "", [], domains=("cbc.ca",)),
        Doc("c", "z", "mastodon", "en", "", [], domains=()),
        Doc("d", "w", "mastodon", "en", "", [], domains=("state.example", "northwire.example")),
    ]
    shares = _outlet_shares(docs, OutletLists(low_quality=["northwire.example"], state_affiliated=["state.example"]))
    assert shares is not None
    assert shares["posts_with_links"] == 3
    assert shares["low_quality"]["value"] == 0.5 and shares["state_affiliated"]["value"] == 0.25
    assert _outlet_shares(docs, OutletLists(trusted=["cbc.ca"])) is None
