"""The collector's fault isolation, with fetchers and stores that fail on purpose."""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import yaml

from listening_post.collect import Collector
from listening_post.config import parse_config
from listening_post.cursors import CursorKey, LakeCursorStore
from listening_post.enrich.pseudonym import Pseudonymiser
from listening_post.jobs import Job, plan
from listening_post.lake import Lake
from listening_post.pipeline import Enricher
from listening_post.sources import mastodon
from listening_post.sources.base import Page
from listening_post.sources.fetch import FetchedPage
from tests.conftest import TEST_KEY

CONFIG = {
    "version": 1,
    "secrets": {"author_key": {"env": "K"}},
    "countries": [
        {
            "code": "CA",
            "languages": ["en"],
            "sources": {"mastodon": {"hashtags": ["cdnpoli"]}},
            "queries": [
                {"id": "q1", "query": "lumber", "sources": ["mastodon", "gdelt"]},
                {"id": "q2", "query": "tariff", "sources": ["mastodon"]},
            ],
        }
    ],
}


class Scripted:
    source = "mastodon"

    def __init__(self, status: dict[str, Any]) -> None:
        self.status = status

    def pages(self, job: Job, cursor: Mapping[str, Any] | None) -> Iterator[FetchedPage]:
        if job.query.id == "q2":
            raise RuntimeError("a bug in a fetcher")
        page = mastodon.parse(json.dumps([self.status, {"id": "broken"}]))
        yield FetchedPage("page 1", page=page, cursor={"streams": {"a#cdnpoli": "1"}})
        yield FetchedPage("page 2", error="unusable response: invalid JSON", body=b'[{"id": ')
        yield FetchedPage("page 3", page=Page(), note="page limit (2) reached")


class Broken:
    source = "gdelt"

    def pages(self, job: Job, cursor: Mapping[str, Any] | None) -> Iterator[FetchedPage]:
        yield FetchedPage("gdelt", error="HTTP 503 (http://127.0.0.1/x)")


def test_one_failing_job_or_source_does_not_stop_the_others(tmp_path: Path, payloads: Path) -> None:
    status = json.loads((payloads / "mastodon/docs_entity_Status_example.json").read_text())
    config = parse_config(yaml.safe_dump(CONFIG))
    lake = Lake.from_uri(str(tmp_path / "lake"))
    cursors = LakeCursorStore(lake)
    lines: list[str] = []
    collector = Collector(
        lake=lake,
        enricher=Enricher(Pseudonymiser(TEST_KEY)),
        fetchers={"mastodon": Scripted(status), "gdelt": Broken()},
        cursors=cursors,
        progress=lines.append,
        now=lambda: datetime(2026, 11, 23, tzinfo=UTC),
        run_id="r1",
    )
    report = collector.run(plan(config))
    document = lake.read_json("runs/dt=2026-11-23/r1.json")
    q1, q2 = document["sources"]["mastodon"]["jobs"]
    assert (q1["pages"], q1["posts"], q1["quarantined"], q1["cursor_advanced"]) == (3, 1, 2, True)
    assert q1["notes"] == ["page limit (2) reached"]
    assert q1["errors"] == ["page 2: unusable response: invalid JSON"]
    assert q2["errors"] == ["RuntimeError: a bug in a fetcher"] and q2["posts"] == 0
    assert document["sources"]["gdelt"]["errors"] == ["CA q1: gdelt: HTTP 503 (http://127.0.0.1/x)"]
    assert cursors.get(CursorKey("CA", "q1", "mastodon")) == {"streams": {"a#cdnpoli": "1"}}
    assert cursors.get(CursorKey("CA", "q1", "gdelt")) is None
    quarantine = lake.read_json("quarantine/source=mastodon/dt=2026-11-23/r1.json")
    assert [r["reason"] for r in quarantine["records"]] == ["missing created_at", "unusable response: invalid JSON"]
    assert not report.failed and any("CA q2 mastodon" in line for line in lines)


def test_a_lake_that_cannot_be_written_keeps_the_cursor(tmp_path: Path, payloads: Path) -> None:
    status = json.loads((payloads / "mastodon/docs_entity_Status_example.json").read_text())
    config = parse_config(yaml.safe_dump(CONFIG))
    lake = Lake.from_uri(str(tmp_path / "lake"))

    class FullLake(Lake):
        def append_posts(self, posts: Any, *, run_id: str) -> Any:
            raise OSError("disk full")

    broken = FullLake(lake.root, lake.fs)
    cursors = LakeCursorStore(lake)
    collector = Collector(
        lake=broken,
        enricher=Enricher(Pseudonymiser(TEST_KEY)),
        fetchers={"mastodon": Scripted(status)},
        cursors=cursors,
        skipped={"gdelt": "missing credentials"},
    )
    report = collector.run(plan(config, sources=["mastodon", "gdelt"]))
    job = report.sources["mastodon"].jobs[0]
    assert job.errors[-1] == "could not store the results: OSError: disk full" and not job.cursor_advanced
    assert cursors.get(CursorKey("CA", "q1", "mastodon")) is None
    assert report.sources["gdelt"].skipped == "missing credentials"


def test_the_runtime_makes_its_enricher_and_http_client_once_with_the_first_job(tmp_path: Path, payloads: Path) -> None:
    import threading

    from listening_post.credentials import SecretResolver
    from listening_post.jobs import JobSpec
    from listening_post.service import CollectRuntime

    status = json.loads((payloads / "mastodon/docs_entity_Status_example.json").read_text())
    config = parse_config(yaml.safe_dump(CONFIG))
    lake = Lake.from_uri(str(tmp_path / "lake"))
    recorded: list[tuple[str, int]] = []

    class Ledger:
        def record(self, country: str, *, posts: int, newest: datetime | None, at: datetime) -> None:
            recorded.append((country, posts))

        def countries(self) -> dict[str, dict[str, Any]]:
            return {}

    runtime = CollectRuntime(
        config,
        lake=lake,
        cursors=LakeCursorStore(lake),
        ledger=Ledger(),
        secrets=SecretResolver({}),
        pseudonymiser=Pseudonymiser(TEST_KEY),
        now=lambda: datetime(2026, 11, 23, tzinfo=UTC),
    )
    assert runtime._enricher is None and runtime._http is None  # nothing made at start-up
    enrichers: list[Enricher] = []
    threads = [threading.Thread(target=lambda: enrichers.append(runtime.enricher)) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len({id(e) for e in enrichers}) == 1
    runtime._fetchers["mastodon"] = Scripted(status)
    spec = JobSpec(country="CA", query_id="q1", source="mastodon", plan_run="p1", planned_at=datetime.now(UTC))
    result = runtime.run(spec)
    assert result["status"] == "partial" and result["posts"] == 1 and recorded == [("CA", 1)]
    assert runtime.enricher is enrichers[0] and runtime._http is None  # a given fetcher needs no HTTP client
