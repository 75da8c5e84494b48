"""The right to erasure: `listening-post erase-author` on the demo lake."""

from __future__ import annotations

import gzip
import json
from datetime import date
from pathlib import Path

import pytest

from listening_post.authors import AuthorFormError, native_author
from listening_post.cli import main
from listening_post.demo import DATA, run_demo
from listening_post.enrich.pseudonym import DEMO_AUTHOR_KEY, Pseudonymiser
from listening_post.lake import Lake

DEMO_CONFIG = Path(__file__).resolve().parents[2] / "layers/core/listening_post/demo/config.yaml"


def most_active_campaign_account() -> str:
    """A handle from the sample data: one of the accounts of the planted campaign (week 47, Canada)."""
    counts: dict[str, int] = {}
    for path in (Path(str(DATA)) / "CA" / "mastodon").glob("*W47*.gz"):
        for status in json.loads(gzip.decompress(path.read_bytes())):
            if "BoycottUSLumber" in status.get("content", ""):
                acct = status["account"]["acct"]
                counts[acct] = counts.get(acct, 0) + 1
    return max(counts, key=lambda a: counts[a])


def test_erase_author_removes_every_post_and_rebuilds_the_briefs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    lake_dir = tmp_path / "lake"
    demo = run_demo(str(lake_dir))
    handle = most_active_campaign_account()  # e.g. truenorth1234@mas.to, as the person would write it
    author_id = Pseudonymiser(DEMO_AUTHOR_KEY).author_id("mastodon", native_author("mastodon", handle))
    lake = Lake.from_uri(str(lake_dir))
    before = lake.read_posts("CA", date(2026, 10, 1), date(2026, 12, 1))
    theirs = [r for r in before.to_pylist() if r["author_id"] == author_id]
    assert theirs
    brief_before = json.loads(demo.lake.read_bytes("briefs/country=CA/week=2026-W47/summary.json"))

    monkeypatch.setenv("LISTENING_POST_AUTHOR_KEY", DEMO_AUTHOR_KEY.decode())
    code = main(
        [
            "erase-author",
            "--source",
            "mastodon",
            "--handle",
            f"@{handle.upper()}",
            "--lake",
            str(lake_dir),
            "--config",
            str(DEMO_CONFIG),
        ]
    )
    assert code == 0
    report = json.loads(capsys.readouterr().out)
    assert report["posts_removed"] == len(theirs)
    assert report["briefs_rebuilt"] == [str(lake_dir / "briefs/country=CA/week=2026-W47")]

    after = lake.read_posts("CA", date(2026, 10, 1), date(2026, 12, 1))
    assert after.num_rows == before.num_rows - len(theirs)
    assert author_id not in set(after.column("author_id").to_pylist())
    brief_after = json.loads(demo.lake.read_bytes("briefs/country=CA/week=2026-W47/summary.json"))
    assert brief_after["volume"]["posts"] == brief_before["volume"]["posts"] - len(theirs)
    # Erasing again finds nothing.
    assert main(["erase-author", "--source", "mastodon", "--handle", handle, "--lake", str(lake_dir)]) == 0
    assert json.loads(capsys.readouterr().out)["posts_removed"] == 0


@pytest.mark.parametrize(
    ("source", "handle", "native"),
    [
        ("mastodon", "@Gargron@mastodon.social", "gargron@mastodon.social"),
        ("mastodon", "https://mastodon.social/@Gargron", "gargron@mastodon.social"),
        ("reddit", "u/Some_User", "some_user"),
        ("bluesky", "did:plc:ABC123", "did:plc:abc123"),
        ("x", "2244994945", "2244994945"),
        ("youtube", "UCuAXFkgsw1L7xaCfnd5JJOw", "UCuAXFkgsw1L7xaCfnd5JJOw"),
        ("gdelt", "https://Example.de", "outlet:example.de"),
        ("rss", "David Smith in Washington", "David Smith in Washington"),
    ],
)
def test_handles_become_the_stored_form(source: str, handle: str, native: str) -> None:
    assert native_author(source, handle) == native


@pytest.mark.parametrize(
    ("source", "handle", "message"),
    [
        ("mastodon", "gargron", "names its server"),
        ("bluesky", "someone.bsky.social", "give the did:plc"),
        ("x", "@jack", "numeric user id"),
        ("youtube", "@channel", "channel id"),
    ],
)
def test_handles_that_need_the_platform_say_what_to_give(source: str, handle: str, message: str) -> None:
    with pytest.raises(AuthorFormError, match=message):
        native_author(source, handle)


def test_erase_author_refuses_a_bad_handle(tmp_path: Path, author_key: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["erase-author", "--source", "x", "--handle", "@jack", "--lake", str(tmp_path)])
    assert exit_.value.code == 2 and "numeric user id" in capsys.readouterr().err
