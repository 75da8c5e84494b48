"""Faults survived with nothing lost and nothing duplicated: bad timestamps, a lake that fails mid-run,
two collectors on one partition, compaction while a collector appends."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from listening_post.collect import Collector
from listening_post.config import parse_config
from listening_post.cursors import CursorKey, LakeCursorStore
from listening_post.enrich.pseudonym import Pseudonymiser
from listening_post.jobs import Job
from listening_post.lake import Lake
from listening_post.pipeline import Enricher, ingest_payloads
from listening_post.sources.fetch import FetchedPage
from listening_post.sources.mastodon import parse
from tests.conftest import TEST_KEY
from tests.helpers import make_post

CONFIG = parse_config("""
secrets: {author_key: {env: K}}
countries:
  - code: CA
    languages: [en]
    sources: {mastodon: {hashtags: [cdnpoli]}}
    queries: [{id: q, query: hello OR world OR tariff, sources: [mastodon]}]
""")


def status(i: int, created_at: str, text: str = "hello world") -> dict[str, Any]:
    return {
        "id": str(1000 + i),
        "created_at": created_at,
        "content": f"<p>{text} {i}</p>",
        "uri": f"https://mstdn.ca/users/u{i}/statuses/{1000 + i}",
        "url": f"https://mstdn.ca/@u{i}/{1000 + i}",
        "account": {"acct": f"u{i}", "url": f"https://mstdn.ca/@u{i}"},
        "language": "en",
    }


def test_future_and_far_past_timestamps_go_to_quarantine(tmp_path: Path) -> None:
    now = datetime(2026, 11, 23, 12, tzinfo=UTC)
    page = [
        status(1, "2026-11-22T10:00:00Z"),
        status(2, "2099-01-01T00:00:00Z"),
        status(3, "1970-01-01T00:00:00Z"),
        status(4, "2026-11-24T11:00:00Z"),
    ]  # within a day ahead: clocks drift
    lake = Lake.from_uri(str(tmp_path / "lake"))
    result = ingest_payloads(
        [("page.json", json.dumps(page).encode())],
        source="mastodon",
        country="CA",
        query_id="q",
        lake=lake,
        enricher=Enricher.from_config(CONFIG, Pseudonymiser(TEST_KEY)),
        now=now,
    )
    assert (result.imported, result.quarantined) == (2, 2)
    (qfile,) = (tmp_path / "lake").glob("quarantine/source=mastodon/*/*.json")
    reasons = sorted(r["reason"] for r in json.loads(qfile.read_text())["records"])
    assert reasons == [
        "created_at 1970-01-01T00:00:00+00:00 is before 2000",
        "created_at 2099-01-01T00:00:00+00:00 is in the future",
    ]
    assert lake.days("CA") == ["2026-11-22", "2026-11-24"]


class PagesFetcher:
    """Two pages of a job, each with its cursor (page-by-page sources advance after each page)."""

    def __init__(self, pages: list[list[dict[str, Any]]]) -> None:
        self.pages_ = pages

    def pages(self, job: Job, cursor: dict[str, Any] | None) -> Iterator[FetchedPage]:
        start = int((cursor or {}).get("page", 0))
        for n, records in enumerate(self.pages_[start:], start=start + 1):
            yield FetchedPage(origin=f"page {n}", page=parse(json.dumps(records).encode()), cursor={"page": n})


class FailingLake(Lake):
    """A lake whose Parquet writes fail while ``broken`` is set (S3 down, disk full)."""

    broken = True

    def write_table(self, relative: str, table: Any) -> str:
        if self.broken:
            raise OSError("simulated: the lake is unreachable")
        return super().write_table(relative, table)


def collector(lake: Lake, fetcher: PagesFetcher, cursors: LakeCursorStore) -> Collector:
    return Collector(
        lake=lake,
        enricher=Enricher.from_config(CONFIG, Pseudonymiser(TEST_KEY)),
        fetchers={"mastodon": fetcher},
        cursors=cursors,
    )


def test_a_lake_that_fails_mid_run_keeps_the_cursor_and_the_rerun_completes(tmp_path: Path) -> None:
    pages = [[status(i, f"2026-11-2{i % 2}T10:00:0{i}Z") for i in range(k * 5, k * 5 + 5)] for k in range(2)]
    base = Lake.from_uri(str(tmp_path / "lake"))
    lake = FailingLake(base.root, base.fs)
    cursors = LakeCursorStore(Lake.from_uri(str(tmp_path / "state")))
    job = Job(CONFIG.countries[0], CONFIG.countries[0].queries[0], "mastodon")
    report = collector(lake, PagesFetcher(pages), cursors).run([job]).sources["mastodon"].jobs[0]
    assert report.errors and "could not store the results" in report.errors[0]
    assert cursors.get(CursorKey("CA", "q", "mastodon")) is None and lake.countries() == []

    lake.broken = False
    report = collector(lake, PagesFetcher(pages), cursors).run([job]).sources["mastodon"].jobs[0]
    assert (report.posts, report.duplicates, report.errors) == (10, 0, [])
    assert cursors.get(CursorKey("CA", "q", "mastodon")) == {"page": 2}
    report = collector(lake, PagesFetcher(pages), cursors).run([job]).sources["mastodon"].jobs[0]
    assert (report.posts, report.duplicates) == (0, 0)  # nothing new past the cursor
    assert lake.read_posts("CA", date(2026, 11, 1), date(2026, 11, 30)).num_rows == 10


def test_two_collectors_writing_one_partition_at_once(tmp_path: Path) -> None:
    lake = Lake.from_uri(str(tmp_path / "lake"))
    at = datetime(2026, 11, 17, 9, tzinfo=UTC)
    posts = [make_post(i, created_at=at + timedelta(seconds=i)) for i in range(200)]
    barrier = threading.Barrier(2)

    def write(run: str) -> None:
        barrier.wait()
        lake.append_posts(posts, run_id=run)

    threads = [threading.Thread(target=write, args=(r,)) for r in ("a", "b")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert lake.read_posts("CA", at.date(), at.date()).num_rows == 200  # both may have written; readers dedup
    lake.compact_partition("CA", at.date(), run_id="c")
    assert len(lake.partition_files("CA", at.date())) == 1
    assert lake.read_posts("CA", at.date(), at.date()).num_rows == 200


def test_compaction_while_a_collector_appends_loses_nothing(tmp_path: Path) -> None:
    lake = Lake.from_uri(str(tmp_path / "lake"))
    at = datetime(2026, 11, 17, 9, tzinfo=UTC)
    stop = threading.Event()
    errors: list[BaseException] = []

    def compact_loop() -> None:
        while not stop.is_set():
            try:
                lake.compact_partition("CA", at.date(), run_id=f"c{threading.get_ident()}")
            except FileNotFoundError:
                pass  # a file vanished under a racing compaction: the next pass picks the partition up
            except BaseException as exc:  # pragma: no cover - recorded for the assertion
                errors.append(exc)

    compactor = threading.Thread(target=compact_loop)
    compactor.start()
    for batch in range(30):
        lake.append_posts([make_post(batch * 10 + i, created_at=at) for i in range(10)], run_id=f"r{batch}")
    stop.set()
    compactor.join()
    assert errors == []
    assert lake.read_posts("CA", at.date(), at.date()).num_rows == 300
    lake.compact_partition("CA", at.date(), run_id="final")
    assert lake.read_posts("CA", at.date(), at.date()).num_rows == 300
    assert len(lake.partition_files("CA", at.date())) == 1


def test_dirty_text_is_cleaned_and_giant_posts_truncated_with_a_mark(tmp_path: Path) -> None:
    giant = "tariff " * 30_000  # 210,000 characters
    page = [
        status(1, "2026-11-20T10:00:00Z", "good\u200b news\u202e about \ufefftariffs"),  # zero-width and bidi
        status(2, "2026-11-20T10:05:00Z", giant),
    ]
    body = json.dumps(page, ensure_ascii=False).encode("utf-8")
    body = body.replace(b"about", b"ab\xff\xfeout")  # invalid UTF-8 inside a string
    lake = Lake.from_uri(str(tmp_path / "lake"))
    result = ingest_payloads(
        [("dirty.json", body)],
        source="mastodon",
        country="CA",
        query_id="q",
        lake=lake,
        enricher=Enricher.from_config(CONFIG, Pseudonymiser(TEST_KEY)),
        now=datetime(2026, 11, 23, tzinfo=UTC),
    )
    assert (result.imported, result.quarantined) == (2, 0)
    texts = {r["post_id"]: r["text"] for r in lake.read_posts("CA", date(2026, 11, 20), date(2026, 11, 20)).to_pylist()}
    clean = texts["mastodon:mstdn.ca/1001"]
    assert "\u200b" not in clean and "\u202e" not in clean and "\ufeff" not in clean
    assert clean.startswith("good news ab") and clean.endswith("tariffs 1")  # U+FFFD kept for the broken bytes
    big = texts["mastodon:mstdn.ca/1002"]
    assert len(big) == 10_000 and big.endswith("[truncated]")
