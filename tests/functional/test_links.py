"""links/: the readers' links that name authors, on the demo lake (Mastodon timelines): written beside the
posts, joined to the brief's examples, removed with an author's erasure, expired on their own retention."""

from __future__ import annotations

import gzip
import json
import re
from datetime import UTC, date, datetime
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from listening_post.authors import native_author
from listening_post.cli import main
from listening_post.demo import DATA, run_demo
from listening_post.enrich.pseudonym import DEMO_AUTHOR_KEY, Pseudonymiser
from listening_post.lake import Lake
from listening_post.links import delete_links, read_links
from listening_post.maintenance import maintain

DEMO_CONFIG = Path(__file__).resolve().parents[2] / "layers/core/listening_post/demo/config.yaml"


def rows(lake: Path, dataset: str) -> list[dict[str, object]]:
    return pq.read_table(lake / dataset).to_pylist()


@pytest.fixture(scope="module")
def demo_lake(tmp_path_factory: pytest.TempPathFactory) -> Path:
    lake = tmp_path_factory.mktemp("links") / "lake"
    run_demo(str(lake))
    return lake


def test_mastodon_links_live_in_links_and_reach_the_brief_examples(demo_lake: Path) -> None:
    posts = rows(demo_lake, "posts")
    mastodon = {p["post_id"] for p in posts if p["source"] == "mastodon" and not p["is_repost"]}
    assert mastodon and all(p["url"] is None for p in posts if p["source"] == "mastodon")
    links = {r["post_id"]: r["url"] for r in rows(demo_lake, "links")}
    # One link per Mastodon post, none for news, none for boosts (never an example: nothing to keep).
    assert set(links) == mastodon
    assert all(re.fullmatch(r"https://[\w.-]+/@\w+/\d+", str(url)) for url in links.values())

    summary = json.loads((demo_lake / "briefs/country=CA/week=2026-W47/summary.json").read_text())
    examples = [i for group in summary["examples"]["overall"].values() for i in group]
    assert examples and "post_id" not in examples[0]  # the join key does not leak into summary.json
    from_links = [i["url"] for i in examples if i["source"] == "mastodon"]
    assert from_links and all(url in links.values() for url in from_links)
    html = (demo_lake / "briefs/country=CA/week=2026-W47/brief.html").read_text()
    assert from_links[0].replace("&", "&amp;") in html
    # The footer says what is stored, in both forms of the brief.
    md = (demo_lake / "briefs/country=CA/week=2026-W47/brief.md").read_text()
    for document in (html, md):
        assert "no handle, display name or account id is stored outside post text" in document
        assert "author handles are never stored" not in document  # main's claim, untrue of its links


def test_erasure_removes_the_authors_links(
    demo_lake: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import shutil

    lake_dir = tmp_path / "lake"
    shutil.copytree(demo_lake, lake_dir)
    first = sorted((Path(str(DATA)) / "CA" / "mastodon").glob("*.gz"))[0]
    handle = json.loads(gzip.decompress(first.read_bytes()))[0]["account"]["acct"]
    author_id = Pseudonymiser(DEMO_AUTHOR_KEY).author_id("mastodon", native_author("mastodon", handle))
    theirs = {p["post_id"] for p in rows(lake_dir, "posts") if p["author_id"] == author_id}
    links_before = {r["post_id"] for r in rows(lake_dir, "links")}
    theirs_linked = theirs & links_before
    assert theirs_linked

    monkeypatch.setenv("LISTENING_POST_AUTHOR_KEY", DEMO_AUTHOR_KEY.decode())
    args = ["erase-author", "--source", "mastodon", "--handle", handle, "--lake", str(lake_dir)]
    assert main([*args, "--config", str(DEMO_CONFIG)]) == 0
    capsys.readouterr()
    links_after = {r["post_id"] for r in rows(lake_dir, "links")}
    assert links_after == links_before - theirs_linked


def test_delete_and_read_links_by_post_id(demo_lake: Path, tmp_path: Path) -> None:
    import shutil

    lake_dir = tmp_path / "lake"
    shutil.copytree(demo_lake, lake_dir)
    lake = Lake.from_uri(str(lake_dir))
    all_links = {r["post_id"]: r["url"] for r in rows(lake_dir, "links/country=CA")}
    some = sorted(all_links)[:3]
    assert read_links(lake, "CA", date(2020, 1, 1), date(2030, 1, 1), some) == {i: all_links[i] for i in some}
    assert delete_links(lake, some, run_id="t") == 3
    assert read_links(lake, "CA", date(2020, 1, 1), date(2030, 1, 1), some) == {}
    assert delete_links(lake, some, run_id="t") == 0  # nothing left to remove, nothing rewritten


def test_links_expire_on_their_own_retention(demo_lake: Path, tmp_path: Path) -> None:
    import shutil

    lake_dir = tmp_path / "lake"
    shutil.copytree(demo_lake, lake_dir)
    lake = Lake.from_uri(str(lake_dir))
    posts_before = len(rows(lake_dir, "posts"))
    days = sorted({p.name for p in (lake_dir / "links/country=CA").iterdir()})
    cutoff = date.fromisoformat(days[len(days) // 2].removeprefix("dt="))
    today = datetime.now(UTC).date()
    report = maintain(lake, run_id="r", today=today, retention_days=None, links_retention_days=(today - cutoff).days)
    kept = sorted(p.name for p in (lake_dir / "links/country=CA").iterdir())
    assert kept and kept[0] == f"dt={cutoff}" and any(d.startswith("links/") for d in report.dropped)
    assert len(rows(lake_dir, "posts")) == posts_before  # posts keep their own retention
