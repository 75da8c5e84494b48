"""An undated feed item keeps the date it was first given: read again a day later (when "now", or the
feed's build date, has moved to another dt partition) it is a duplicate, not a second row."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

from listening_post.enrich.pseudonym import Pseudonymiser
from listening_post.first_seen import FirstSeen
from listening_post.lake import Lake
from listening_post.pipeline import Enricher, ingest_payloads
from tests.conftest import TEST_KEY

FEEDS = Path(__file__).resolve().parents[1] / "data" / "feeds"
DAY1 = datetime(2026, 11, 20, 23, 30, tzinfo=UTC)
DAY2 = DAY1 + timedelta(days=1, hours=2)


def _import(lake: Lake, body: bytes, now: datetime) -> dict[str, int]:
    enricher = Enricher.from_config(None, Pseudonymiser(TEST_KEY))
    result = ingest_payloads(
        [("feed", body)], source="rss", country="RU", query_id="q", lake=lake, enricher=enricher, now=now
    )
    return result.counts()


def test_an_item_first_seen_keeps_its_date_when_fetched_a_day_later(tmp_path: Path) -> None:
    lake = Lake.from_uri(str(tmp_path / "lake"))
    body = (FEEDS / "feedparser_chardet_koi8r.xml").read_bytes()  # no date in item or feed
    assert _import(lake, body, DAY1) == {"imported": 1, "duplicates": 0, "quarantined": 0, "erased": 0}
    assert _import(lake, body, DAY2) == {"imported": 0, "duplicates": 1, "quarantined": 0, "erased": 0}
    assert lake.days("RU") == ["2026-11-20"]
    table = lake.read_posts("RU", DAY1.date(), DAY2.date())
    assert table.column("created_at").to_pylist() == [DAY1]
    assert table.column("created_at_source").to_pylist() == ["first_seen"]
    assert lake.exists(FirstSeen.path("RU", "rss"))


def test_an_item_dated_by_its_feed_keeps_the_first_feed_date(tmp_path: Path, payloads: Path) -> None:
    lake = Lake.from_uri(str(tmp_path / "lake"))
    body = (payloads / "rss" / "rssparser_guardian.TRIMMED5.rss").read_bytes()
    head, items = body.split(b"<item>", 1)
    undated = head + b"<item>" + re.sub(rb"<(pubDate|dc:date)>[^<]*</\1>", b"", items)
    # The next day the feed is rebuilt: its channel date moves to the next day.
    rebuilt = undated.replace(b"Wed, 31 Jan 2018 20:15:15 GMT", b"Thu, 01 Feb 2018 09:00:00 GMT").replace(
        b"2018-01-31T20:15:15Z", b"2018-02-01T09:00:00Z"
    )
    assert _import(lake, undated, DAY1) == {"imported": 5, "duplicates": 0, "quarantined": 0, "erased": 0}
    assert _import(lake, rebuilt, DAY2) == {"imported": 0, "duplicates": 5, "quarantined": 0, "erased": 0}
    assert lake.days("RU") == ["2018-01-31"]


def test_a_damaged_state_document_does_not_stop_an_import(tmp_path: Path) -> None:
    lake = Lake.from_uri(str(tmp_path / "lake"))
    lake.write_bytes(FirstSeen.path("RU", "rss"), b"{not json")
    body = (FEEDS / "feedparser_chardet_koi8r.xml").read_bytes()
    assert _import(lake, body, DAY1)["imported"] == 1
    assert _import(lake, body, DAY2) == {"imported": 0, "duplicates": 1, "quarantined": 0, "erased": 0}
