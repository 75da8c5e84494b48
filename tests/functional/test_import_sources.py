"""``listening-post import`` for every source name, on the real recorded payloads."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from listening_post.cli import main
from listening_post.lake import Lake

CASES = [
    ("bluesky", ["bluesky/searchPosts_q-redistricting.response.json"], 25),
    (
        "reddit",
        [
            "reddit/praw_best_listing.TRIMMED3.response.json",
            "reddit/praw_r-askreddit_new_listing.TRIMMED3.response.json",
        ],
        6,
    ),
    ("x", ["twitter_x/academictwitteR_search_all_IchBinHanna_place-Berlin.FULL.response.json"], 15),
    (
        "youtube",
        ["youtube/pyyoutube_comment_threads_by_video_paged_1.json", "youtube/pyyoutube_comment_thread_single.json"],
        6,
    ),
    ("mastodon", ["mastodon/docs_entity_Status_example.json"], 1),
    ("rss", ["rss/rssparser_heise.atom"], 15),
    ("google_news", ["rss/rssparser_guardian.TRIMMED5.rss"], 5),
]


def run(*args: str) -> int:
    try:
        return main(list(args))
    except SystemExit as exc:
        return int(exc.code or 0)


@pytest.mark.parametrize(("source", "files", "expected"), CASES)
def test_import_each_source(
    tmp_path: Path,
    payloads: Path,
    author_key: str,
    capsys: pytest.CaptureFixture[str],
    source: str,
    files: list[str],
    expected: int,
) -> None:
    paths = [str(payloads / f) for f in files]
    lake = tmp_path / "lake"
    assert run("import", "--source", source, "--country", "DE", "--lake", str(lake), *paths) == 0
    assert json.loads(capsys.readouterr().out) == {"imported": expected, "duplicates": 0, "quarantined": 0, "erased": 0}
    assert run("import", "--source", source, "--country", "DE", "--lake", str(lake), *paths) == 0
    assert json.loads(capsys.readouterr().out) == {"imported": 0, "duplicates": expected, "quarantined": 0, "erased": 0}


def test_import_gdelt_with_a_plain_text_error(
    tmp_path: Path, author_key: str, capsys: pytest.CaptureFixture[str]
) -> None:
    good = tmp_path / "artlist.json"
    good.write_text(
        json.dumps(
            {
                "articles": [
                    {
                        "url": "https://example.de/a",
                        "title": "Zölle",
                        "seendate": "20261123T101500Z",
                        "domain": "example.de",
                        "language": "German",
                        "sourcecountry": "Germany",
                    }
                ]
            }
        )
    )
    bad = tmp_path / "error.txt"
    bad.write_text("Please limit requests to one every 5 seconds.")
    lake = tmp_path / "lake"
    assert run("import", "--source", "gdelt", "--country", "DE", "--lake", str(lake), str(good), str(bad)) == 0
    assert json.loads(capsys.readouterr().out) == {"imported": 1, "duplicates": 0, "quarantined": 1, "erased": 0}
    (quarantined,) = (lake / "quarantine/source=gdelt").rglob("*.json")
    assert "GDELT error message" in quarantined.read_text()
    assert Lake.from_uri(str(lake)).countries() == ["DE"]


def test_x_place_country_overrides_the_query_country(
    tmp_path: Path, payloads: Path, author_key: str, capsys: pytest.CaptureFixture[str]
) -> None:
    path = payloads / "twitter_x/academictwitteR_search_all_url-cdc.gov.TRIMMED_one-per-lang.response.json"
    lake = tmp_path / "lake"
    assert run("import", "--source", "x", "--country", "US", "--lake", str(lake), str(path)) == 0
    assert sorted(Lake.from_uri(str(lake)).countries()) == ["DE", "NL", "SI", "US"]
