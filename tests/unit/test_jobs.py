"""One job type and one planner: the CLI's collect and the plan function run the same jobs, the collect
function turns a queue message back into that job, and every key of a job derives from its JobKey."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import yaml

from listening_post import collect, jobs
from listening_post.aws.state import DynamoDBCursorStore
from listening_post.collect import RunReport
from listening_post.config import Config, parse_config
from listening_post.credentials import SecretResolver
from listening_post.cursors import CursorKey, LakeCursorStore
from listening_post.enrich.pseudonym import Pseudonymiser
from listening_post.jobs import Job, JobKey, JobSpec
from listening_post.lake import Lake
from listening_post.pipeline import Enricher
from listening_post.service import CollectRuntime, plan_collection
from tests.conftest import TEST_KEY
from tests.unit.test_collect import CONFIG, Scripted

AT = datetime(2026, 11, 23, 10, tzinfo=UTC)
# A message exactly as the plan function wrote it before jobs had one type (JobSpec.model_dump_json).
QUEUED_BEFORE = (
    '{"country":"CA","query_id":"q1","source":"mastodon",'
    '"plan_run":"20261123T100000Z-a1b2c3","planned_at":"2026-11-23T10:00:00Z"}'
)


def config_with_a_source_listed_twice() -> Config:
    raw = json.loads(json.dumps(CONFIG))
    raw["countries"][0]["queries"][0]["sources"] = ["mastodon", "gdelt", "mastodon"]
    return parse_config(yaml.safe_dump(raw))


class Queue:
    def __init__(self) -> None:
        self.sent: list[JobSpec] = []

    def send(self, specs: Any) -> int:
        self.sent += specs
        return len(specs)


class Ledger:
    def __init__(self) -> None:
        self.recorded: list[tuple[str, int]] = []

    def record(self, country: str, *, posts: int, newest: datetime | None, at: datetime) -> None:
        self.recorded.append((country, posts))

    def countries(self) -> dict[str, dict[str, Any]]:
        return {}


def test_the_cli_and_the_plan_function_run_the_same_jobs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config = config_with_a_source_listed_twice()
    ran: list[Job] = []

    def run(self: collect.Collector, planned: Any) -> RunReport:
        ran.extend(planned)
        return RunReport(self.run_id, self.started)

    monkeypatch.setattr(collect.Collector, "run", run)
    lake = Lake.from_uri(str(tmp_path / "lake"))
    collect.collect(
        config,
        lake=lake,
        enricher=Enricher(Pseudonymiser(TEST_KEY)),
        http=collect.http_client(config),
        secrets=SecretResolver({}),
        cursors=LakeCursorStore(lake),
    )
    queue = Queue()
    result = plan_collection(config, queue, Ledger(), now=AT, run_id="p1")
    cli = [(j.country.code, j.query.id, j.source) for j in ran]
    queued = [(m.country, m.query_id, m.source) for m in queue.sent]
    # Before, the CLI ran mastodon twice for q1 (its planner kept the duplicate; the plan function's did not).
    assert cli == queued == [("CA", "q1", "mastodon"), ("CA", "q1", "gdelt"), ("CA", "q2", "mastodon")]
    assert result.jobs == 3
    # The collect function turns each message back into the very job the CLI runs.
    assert [jobs.resolve(config, m.job) for m in queue.sent] == ran


def test_every_key_of_a_job_derives_from_its_job_key(tmp_path: Path) -> None:
    config = parse_config(yaml.safe_dump(CONFIG))
    job = jobs.plan(config)[0]
    assert CursorKey is JobKey  # cursors are keyed by the one job identity (fetchers run jobs.Job)
    assert job.key == JobKey("CA", "q1", "mastodon")
    assert str(job.key) == "CA/q1/mastodon" and str(job) == "CA q1 mastodon"
    message = job.message(plan_run="p1", at=AT)
    assert message.job == job.key and message.key == "p1/CA/q1/mastodon"
    assert LakeCursorStore(Lake.from_uri(str(tmp_path / "lake"))).path(job.key) == (
        "state/cursors/country=CA/source=mastodon/q1.json"
    )
    assert DynamoDBCursorStore.item_key(job.key) == {"pk": {"S": "cursor#CA"}, "sk": {"S": "mastodon#q1"}}


def test_narrowing_the_plan_keeps_the_configurations_order() -> None:
    config = parse_config(yaml.safe_dump(CONFIG))
    assert [str(j) for j in jobs.plan(config, sources=["mastodon"])] == ["CA q1 mastodon", "CA q2 mastodon"]
    assert [str(j) for j in jobs.plan(config, countries=["CA"], sources=["gdelt"])] == ["CA q1 gdelt"]
    assert jobs.plan(config, countries=["DE"]) == []


def test_a_message_names_no_job_once_the_configuration_drops_it() -> None:
    config = parse_config(yaml.safe_dump(CONFIG))
    assert jobs.resolve(config, JobKey("CA", "q2", "mastodon")) == Job(
        config.countries[0], config.countries[0].queries[1], "mastodon"
    )
    for gone in (JobKey("DE", "q1", "mastodon"), JobKey("CA", "q9", "mastodon"), JobKey("CA", "q2", "gdelt")):
        assert jobs.resolve(config, gone) is None


def test_a_message_queued_before_this_change_is_still_collected(tmp_path: Path, payloads: Path) -> None:
    status = json.loads((payloads / "mastodon/docs_entity_Status_example.json").read_text())
    config = parse_config(yaml.safe_dump(CONFIG))
    # What the plan function sends now is that same message, byte for byte, so a collect function of
    # either version reads the other's; and the idempotency record (a hash of the fields) is the same.
    job = jobs.plan(config)[0]
    sent = job.message(plan_run="20261123T100000Z-a1b2c3", at=AT)
    assert sent.model_dump_json() == QUEUED_BEFORE
    assert sent.model_dump(mode="json") == json.loads(QUEUED_BEFORE)
    lake = Lake.from_uri(str(tmp_path / "lake"))
    ledger = Ledger()
    runtime = CollectRuntime(
        config,
        lake=lake,
        cursors=LakeCursorStore(lake),
        ledger=ledger,
        secrets=SecretResolver({}),
        pseudonymiser=Pseudonymiser(TEST_KEY),
        now=lambda: AT,
    )
    runtime._fetchers["mastodon"] = Scripted(status)
    result = runtime.run(JobSpec.model_validate_json(QUEUED_BEFORE))
    assert result["job"] == "20261123T100000Z-a1b2c3/CA/q1/mastodon"
    assert result["posts"] == 1 and ledger.recorded == [("CA", 1)]
    assert LakeCursorStore(lake).get(job.key) == {"streams": {"a#cdnpoli": "1"}}
