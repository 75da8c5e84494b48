"""``listening-post collect`` over real feeds served on 127.0.0.1 (tests/data/feeds): an undated Russian
item is kept and first seen, and the bad byte of a feed declared UTF-8 is counted in the run report."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
import yaml

from listening_post.cli import main
from listening_post.first_seen import FirstSeen
from listening_post.lake import Lake
from tests.replay import ReplayServer, Reply

pytestmark = pytest.mark.integration
FEEDS = Path(__file__).resolve().parents[1] / "data" / "feeds"


def test_collect_keeps_undated_feed_items_and_reports_replaced_bytes(
    tmp_path: Path, replay: ReplayServer, author_key: str, capsys: pytest.CaptureFixture[str]
) -> None:
    replay.route("/ru.xml", Reply(200, (FEEDS / "feedparser_chardet_koi8r.xml").read_bytes()))
    replay.route("/noise.xml", Reply(200, (FEEDS / "feedparser_encoding_bozo_linenoise.xml").read_bytes()))
    document = {
        "version": 1,
        "secrets": {"author_key": {"env": "LISTENING_POST_AUTHOR_KEY"}},
        "countries": [
            {
                "code": "RU",
                "languages": ["ru"],
                "sources": {"rss": {"feeds": [{"url": f"{replay.url}/ru.xml"}, {"url": f"{replay.url}/noise.xml"}]}},
                "queries": [{"id": "q", "query": "новогоднюю", "sources": ["rss"]}],
            }
        ],
        "sources": {"http": {"backoff_max_seconds": 0, "read_timeout_seconds": 2}},
    }
    config = tmp_path / "config.yaml"
    config.write_text(yaml.safe_dump(document, allow_unicode=True), encoding="utf-8")
    lake_dir = tmp_path / "lake"
    try:
        code = main(["collect", "--config", str(config), "--lake", str(lake_dir)])
    except SystemExit as exc:
        code = int(exc.code or 0)
    assert code == 0
    summary = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert summary["sources"]["rss"] == {
        "imported": 1,
        "duplicates": 0,
        "quarantined": 0,
        "erased": 0,
        "errors": 0,
        "replaced_characters": 1,
    }
    lake = Lake.from_uri(str(lake_dir))
    report = lake.read_json(summary["report"])
    assert report["sources"]["rss"]["replaced_characters"] == 1
    table = lake.read_posts("RU", date(2000, 1, 1), date(2100, 1, 1))
    (row,) = table.to_pylist()
    assert row["created_at_source"] == "first_seen" and row["text"].startswith("Как пережить новогоднюю ночь")
    assert lake.exists(FirstSeen.path("RU", "rss"))


def test_import_reports_replaced_bytes(tmp_path: Path, author_key: str, capsys: pytest.CaptureFixture[str]) -> None:
    files = [str(FEEDS / "feedparser_encoding_bozo_linenoise.xml"), str(FEEDS / "feedparser_chardet_tis620.xml")]
    args = ["import", "--source", "rss", "--country", "TH", "--lake", str(tmp_path / "lake"), *files]
    assert main(args) == 0
    assert json.loads(capsys.readouterr().out) == {
        "imported": 2,
        "duplicates": 0,
        "quarantined": 0,
        "erased": 0,
        "replaced_characters": 1,
    }
