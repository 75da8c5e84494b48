"""Every Lambda handler with its events/ sample: AWS APIs from moto (in process), the lake a local folder."""

from __future__ import annotations

import gzip
import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import boto3
import pytest
import yaml
from moto import mock_aws

from listening_post.aws.state import DynamoDBCursorStore, Ledger
from listening_post.cursors import CursorKey
from listening_post.demo import DATA, run_demo
from listening_post.jobs import Job
from listening_post.lake import Lake
from listening_post.model import posts_to_table
from listening_post.sources.fetch import FetchedPage
from listening_post.sources.mastodon import parse as parse_mastodon
from listening_post.sources.rss import parse as parse_rss
from tests.functional.handlers import FakeContext, event, load_handler
from tests.helpers import make_post
from tests.stack import CONFIG_KEY, make_stack, make_weekly_table

BUCKET, TABLE, REGION = "lp-data", "lp-state", "us-east-1"
DEMO_CONFIG = Path(__file__).resolve().parents[2] / "layers/core/listening_post/demo/config.yaml"


@pytest.fixture
def aws(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[dict[str, Any]]:
    for name, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": REGION,
        "AWS_REGION": REGION,
        "POWERTOOLS_METRICS_NAMESPACE": "ListeningPost",
        "POWERTOOLS_SERVICE_NAME": "listening-post",
        "POWERTOOLS_TRACE_DISABLED": "true",
    }.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    with mock_aws():
        s3 = boto3.client("s3", region_name=REGION)
        s3.create_bucket(Bucket=BUCKET)
        stack = make_stack(
            lambda service: boto3.client(service, region_name=REGION),
            bucket=BUCKET,
            table=TABLE,
            name="lp",
            config=DEMO_CONFIG.read_bytes(),
            author_key="stack-generated-author-key-0123456789abcdef",
        )
        lake_dir = tmp_path / "lake"
        for name, value in {
            "LISTENING_POST_LAKE": str(lake_dir),
            "LISTENING_POST_CONFIG_LOCATION": f"s3://{BUCKET}/{CONFIG_KEY}",
            "LISTENING_POST_STATE_TABLE": TABLE,
            "LISTENING_POST_AUTHOR_KEY_SECRET": stack.secret_arn,
            "LISTENING_POST_JOBS_QUEUE_URL": stack.queue_url,
            "LISTENING_POST_DATA_BUCKET": BUCKET,
        }.items():
            monkeypatch.setenv(name, value)
        yield {"queue_url": stack.queue_url, "lake_dir": lake_dir, "s3": s3}


def test_plan_queues_every_job_and_names_stale_countries(
    aws: dict[str, Any], capsys: pytest.CaptureFixture[str]
) -> None:
    ledger = Ledger(boto3.client("dynamodb", region_name=REGION), TABLE)
    long_ago = datetime.now(UTC) - timedelta(days=3)
    ledger.record("DE", posts=0, newest=None, at=long_ago)  # collected for days, never a post
    ledger.record("CA", posts=5, newest=datetime.now(UTC) - timedelta(hours=2), at=datetime.now(UTC))
    handler = load_handler("plan")
    result = handler.lambda_handler(event("plan"), FakeContext())
    assert result["jobs"] == 4 and result["stale_countries"] == ["DE"]
    sqs = boto3.client("sqs", region_name=REGION)
    bodies = []
    while messages := sqs.receive_message(QueueUrl=aws["queue_url"], MaxNumberOfMessages=10).get("Messages"):
        bodies += [json.loads(m["Body"]) for m in messages]
        sqs.delete_message_batch(
            QueueUrl=aws["queue_url"],
            Entries=[{"Id": m["MessageId"], "ReceiptHandle": m["ReceiptHandle"]} for m in messages],
        )
    assert sorted((b["country"], b["query_id"], b["source"]) for b in bodies) == [
        ("CA", "ca-news", "rss"),
        ("CA", "ca-social", "mastodon"),
        ("DE", "de-news", "rss"),
        ("DE", "de-social", "mastodon"),
    ]
    assert {b["plan_run"] for b in bodies} == {result["run_id"]}
    metrics = [json.loads(line) for line in capsys.readouterr().out.splitlines() if '"_aws"' in line]
    assert metrics and metrics[-1]["StaleCountries"] == [1.0] and metrics[-1]["JobsQueued"] == [4.0]


class SampleFetcher:
    """Serves the demo's sample responses as if fetched; fails for one query to show partial batches."""

    def __init__(self, source: str, fail: set[str]) -> None:
        self.source, self.fail = source, fail

    def pages(self, job: Job, cursor: dict[str, Any] | None) -> Iterator[FetchedPage]:
        if job.query.id in self.fail:
            yield FetchedPage(origin=f"https://example.invalid/{job.query.id}", error="HTTP 503 after 4 attempts")
            return
        folder = Path(str(DATA)) / job.country.code / job.source
        parse = parse_mastodon if job.source == "mastodon" else parse_rss
        for path in sorted(folder.glob(f"{job.query.id}__*W47*.gz"))[:2]:
            yield FetchedPage(
                origin=path.name, page=parse(gzip.decompress(path.read_bytes())), cursor={"last": path.name}
            )


def records_of(jobs: list[tuple[str, str, str]]) -> dict[str, Any]:
    sample = event("collect")["Records"][0]
    records = []
    for i, (country, query, source) in enumerate(jobs):
        body = {
            "country": country,
            "query_id": query,
            "source": source,
            "plan_run": "20261123T100000Z-a1b2c3",
            "planned_at": "2026-11-23T10:00:00Z",
        }
        records.append({**sample, "messageId": f"m{i}", "body": json.dumps(body)})
    return {"Records": records}


def test_collect_writes_posts_cursors_and_the_ledger(aws: dict[str, Any]) -> None:
    handler = load_handler("collect")
    handler.runtime._fetchers.update({"mastodon": SampleFetcher("mastodon", set()), "rss": SampleFetcher("rss", set())})
    response = handler.lambda_handler(event("collect"), FakeContext())
    assert response == {"batchItemFailures": []}
    lake = Lake.from_uri(str(aws["lake_dir"]))
    posts = lake.read_posts("CA", datetime(2026, 11, 1).date(), datetime(2026, 11, 30).date())
    assert posts.num_rows > 50 and set(posts.column("source").to_pylist()) == {"mastodon", "rss"}
    client = boto3.client("dynamodb", region_name=REGION)
    assert DynamoDBCursorStore(client, TABLE).get(CursorKey("CA", "ca-social", "mastodon")) == {
        "last": "ca-social__tag-cdnpoli__2026-W47__p02.json.gz"
    }
    assert Ledger(client, TABLE).countries()["CA"]["posts"] == posts.num_rows
    # Authors are pseudonymised with the stack's key, not left as handles.
    assert all(len(a) == 32 for a in posts.column("author_id").to_pylist() if a)


def test_state_items_are_those_the_table_resource_wrote_and_read(aws: dict[str, Any]) -> None:
    """The adapters write DynamoDB's typed values themselves (a low-level client, no boto3 resource): the
    items are the ones the boto3 Table resource used to write, and items it wrote read back the same."""
    client, table = boto3.client("dynamodb", region_name=REGION), boto3.resource("dynamodb", region_name=REGION)
    items = table.Table(TABLE)
    cursors, ledger = DynamoDBCursorStore(client, TABLE), Ledger(client, TABLE)
    key = CursorKey("CA", "ca-social", "mastodon")
    cursors.put(key, {"streams": {"mastodon.social#cdnpoli": "113"}})
    item = items.get_item(Key={"pk": "cursor#CA", "sk": "mastodon#ca-social"})["Item"]
    assert json.loads(item["cursor"]) == {"streams": {"mastodon.social#cdnpoli": "113"}}
    assert datetime.fromisoformat(item["updated_at"]).tzinfo is not None
    items.put_item(Item={"pk": "cursor#DE", "sk": "rss#de-news", "cursor": json.dumps({"feeds": {}})})
    assert cursors.get(CursorKey("DE", "de-news", "rss")) == {"feeds": {}}
    assert cursors.get(CursorKey("BR", "br-news", "rss")) is None

    early, late = datetime(2026, 11, 23, 9, tzinfo=UTC), datetime(2026, 11, 23, 11, tzinfo=UTC)
    ledger.record("CA", posts=3, newest=late, at=early)
    ledger.record("CA", posts=2, newest=early, at=late)  # an older newest post does not move last_post_at
    ledger.record("CA", posts=0, newest=None, at=late)
    item = items.get_item(Key={"pk": "ledger", "sk": "country#CA"})["Item"]
    assert item["posts"] == 5 and item["first_run_at"] == early.isoformat()
    assert item["last_run_at"] == late.isoformat() and item["last_post_at"] == late.isoformat()
    items.put_item(Item={"pk": "ledger", "sk": "country#DE", "posts": 7, "last_run_at": early.isoformat()})
    assert ledger.countries() == {
        "CA": {"posts": 5, "first_run_at": early, "last_run_at": late, "last_post_at": late},
        "DE": {"posts": 7, "first_run_at": None, "last_run_at": early, "last_post_at": None},
    }


def test_the_same_message_twice_adds_no_rows(aws: dict[str, Any]) -> None:
    handler = load_handler("collect")
    handler.runtime._fetchers.update({"mastodon": SampleFetcher("mastodon", set()), "rss": SampleFetcher("rss", set())})
    assert handler.lambda_handler(event("collect"), FakeContext()) == {"batchItemFailures": []}
    files = sorted(p.name for p in Path(aws["lake_dir"]).rglob("*.parquet"))
    assert handler.lambda_handler(event("collect"), FakeContext()) == {"batchItemFailures": []}
    assert sorted(p.name for p in Path(aws["lake_dir"]).rglob("*.parquet")) == files
    # A later plan run of the same job is new work: it runs, and the lake's dedup absorbs the re-read pages.
    again = records_of([("CA", "ca-social", "mastodon")])
    again["Records"][0]["body"] = again["Records"][0]["body"].replace("20261123T100000Z", "20261123T110000Z")
    assert handler.lambda_handler(again, FakeContext()) == {"batchItemFailures": []}
    assert sorted(p.name for p in Path(aws["lake_dir"]).rglob("*.parquet")) == files
    # The idempotency records are keyed by the handler's run_job, as when it was decorated at cold start:
    # records written before the idempotency layer was made on first use still match.
    items = boto3.client("dynamodb", region_name=REGION).scan(TableName=TABLE)["Items"]
    keys = sorted(i["sk"]["S"].split("#")[0] for i in items if i["pk"]["S"].startswith("idempotency#"))
    assert keys == ["test-func.handler_collect.run_job"] * 3


def test_a_failing_job_is_a_batch_item_failure_and_the_others_succeed(aws: dict[str, Any]) -> None:
    handler = load_handler("collect")
    handler.runtime._fetchers.update(
        {"mastodon": SampleFetcher("mastodon", {"ca-social"}), "rss": SampleFetcher("rss", set())}
    )
    batch = records_of([("CA", "ca-social", "mastodon"), ("CA", "ca-news", "rss"), ("DE", "de-news", "rss")])
    batch["Records"].append({**batch["Records"][0], "messageId": "broken", "body": "{not json"})
    batch["Records"].append(
        {
            **batch["Records"][0],
            "messageId": "gone",
            "body": batch["Records"][0]["body"].replace("ca-social", "ca-retired"),
        }
    )
    response = handler.lambda_handler(batch, FakeContext())
    assert response == {"batchItemFailures": [{"itemIdentifier": "m0"}, {"itemIdentifier": "broken"}]}
    lake = Lake.from_uri(str(aws["lake_dir"]))
    assert set(lake.countries()) == {"CA", "DE"}
    runs = list(Path(aws["lake_dir"]).glob("runs/dt=*/*.json"))
    failed = [json.loads(p.read_text()) for p in runs if "HTTP 503" in p.read_text()]
    assert failed and failed[0]["sources"]["mastodon"]["errors"]


def test_brief_builds_registers_and_mails(aws: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> None:
    run_demo(str(aws["lake_dir"]))
    for path in Path(aws["lake_dir"], "briefs").rglob("*"):
        if path.is_file():
            path.unlink()
    glue = boto3.client("glue", region_name=REGION)
    make_weekly_table(glue, BUCKET)
    storylines_table = {
        "Name": "weekly_storylines",
        "StorageDescriptor": {"Location": f"s3://{BUCKET}/weekly/storylines/"},
    }
    glue.create_table(
        DatabaseName="listening_post",
        TableInput={
            **storylines_table,
            "PartitionKeys": [{"Name": "country", "Type": "string"}, {"Name": "week", "Type": "string"}],
        },
    )
    sesv2 = boto3.client("sesv2", region_name=REGION)
    sesv2.create_email_identity(EmailIdentity="briefs@mission.example")
    for name, value in {
        "LISTENING_POST_GLUE_DATABASE": "listening_post",
        "LISTENING_POST_WEEKLY_TABLE": "weekly_topics",
        "LISTENING_POST_WEEKLY_SIDES_TABLE": "weekly_sides",
        "LISTENING_POST_STORYLINES_TABLE": "weekly_storylines",
        "LISTENING_POST_BRIEF_SENDER": "briefs@mission.example",
        "LISTENING_POST_BRIEF_RECIPIENTS": json.dumps({"CA": ["political@mission.example"]}),
    }.items():
        monkeypatch.setenv(name, value)
    handler = load_handler("brief")
    result = handler.lambda_handler(event("brief"), FakeContext())
    assert result == {"briefs": ["CA/2026-W47", "DE/2026-W47"], "mailed": ["CA"], "failed": {}}
    lake = Lake.from_uri(str(aws["lake_dir"]))
    assert lake.exists("briefs/country=CA/week=2026-W47/brief.html")
    parts = glue.get_partitions(DatabaseName="listening_post", TableName="weekly_topics")["Partitions"]
    assert sorted(p["Values"] for p in parts) == [["CA", "2026-W47"], ["DE", "2026-W47"]]
    assert parts[0]["StorageDescriptor"]["Location"].endswith(f"/weekly/country={parts[0]['Values'][0]}/week=2026-W47/")
    sides = glue.get_partitions(DatabaseName="listening_post", TableName="weekly_sides")["Partitions"]
    assert sorted(p["Values"] for p in sides) == [["CA", "2026-W47"], ["DE", "2026-W47"]]
    assert sides[0]["StorageDescriptor"]["Location"].endswith(
        f"/weekly_sides/country={sides[0]['Values'][0]}/week=2026-W47/"
    )
    parts = glue.get_partitions(DatabaseName="listening_post", TableName="weekly_storylines")["Partitions"]
    assert sorted(p["Values"] for p in parts) == [["CA", "2026-W47"], ["DE", "2026-W47"]]
    assert parts[0]["StorageDescriptor"]["Location"].endswith(
        f"/weekly/storylines/country={parts[0]['Values'][0]}/week=2026-W47/"
    )
    assert lake.exists("weekly/storylines/country=CA/week=2026-W47/storylines.parquet")
    # Registering again is a no-op, and a scheduled run with no week picks each country's last complete week.
    assert handler.lambda_handler(event("brief"), FakeContext())["failed"] == {}


def test_api_serves_a_summary_from_s3(aws: dict[str, Any]) -> None:
    s3 = aws["s3"]
    s3.put_object(Bucket=BUCKET, Key="briefs/country=CA/week=2026-W47/summary.json", Body=b'{"week": "2026-W47"}')
    handler = load_handler("api")
    response = handler.lambda_handler(event("api"), FakeContext())
    assert response["statusCode"] == 200 and json.loads(response["body"]) == {"week": "2026-W47"}
    bad = json.loads(json.dumps(event("api")).replace("2026-W47", "2026-W99"))
    assert handler.lambda_handler(bad, FakeContext())["statusCode"] == 400
    missing = json.loads(json.dumps(event("api")).replace("2026-W47", "2026-W40"))
    assert handler.lambda_handler(missing, FakeContext())["statusCode"] == 404
    countries = json.loads(json.dumps(event("api")).replace("/countries/CA/weeks/2026-W47/summary", "/countries"))
    listed = json.loads(handler.lambda_handler(countries, FakeContext())["body"])
    assert [c["code"] for c in listed] == ["CA", "DE"]


def test_compact_rewrites_small_files(aws: dict[str, Any]) -> None:
    lake = Lake.from_uri(str(aws["lake_dir"]))
    at = datetime(2026, 11, 17, 9, tzinfo=UTC)
    for k in range(4):
        lake.write_table(
            f"posts/country=CA/dt=2026-11-17/part-mastodon-r{k}.parquet",
            posts_to_table([make_post(k, created_at=at)]).drop_columns(["country"]),
        )
    handler = load_handler("compact")
    result = handler.lambda_handler(event("compact"), FakeContext())
    assert result["files_before"] == 4 and result["files_after"] == 1
    assert len(lake.partition_files("CA", "2026-11-17")) == 1


def test_a_bad_configuration_fails_the_cold_start_with_every_problem(aws: dict[str, Any]) -> None:
    document = yaml.safe_load(DEMO_CONFIG.read_text())
    document["countries"][0]["code"] = "ZZ"
    document["topics"][0]["query"] = "tariff AND ("
    aws["s3"].put_object(Bucket=BUCKET, Key=CONFIG_KEY, Body=yaml.safe_dump(document).encode())
    from listening_post.config import ConfigError

    with pytest.raises(ConfigError) as err:
        load_handler("plan")  # the cold start itself fails, before any job is planned
    problems = [str(p) for p in err.value.problems]
    assert any("'ZZ' is not an ISO 3166-1" in p for p in problems)
    assert any("bad query syntax" in p for p in problems)
    assert all(p.startswith(f"s3://{BUCKET}/{CONFIG_KEY}:") for p in problems)


def test_a_batch_killed_mid_way_completes_on_redelivery_without_duplicates(aws: dict[str, Any]) -> None:
    """The function times out in the middle of a batch: the runtime kills it, SQS redelivers the batch
    after the visibility timeout. The job that finished is not run again; the one cut off runs in full."""

    class Killed(BaseException):
        """Lambda's timeout: nothing in the handler may catch it."""

    handler = load_handler("collect")
    fetchers = {"mastodon": SampleFetcher("mastodon", set()), "rss": SampleFetcher("rss", set())}
    handler.runtime._fetchers.update(fetchers)
    original = handler.runtime.lake.append_posts
    appends: list[str] = []
    dying = {"on": True}

    def dies_on_the_second_job(posts: Any, *, run_id: str) -> Any:
        appends.append(run_id)
        if dying["on"] and len(appends) == 2:
            raise Killed
        return original(posts, run_id=run_id)

    handler.runtime.lake.append_posts = dies_on_the_second_job
    short = FakeContext()
    short.get_remaining_time_in_millis = lambda: 1  # type: ignore[method-assign]  # in-progress marks expire at once
    with pytest.raises(Killed):
        handler.lambda_handler(event("collect"), short)
    lake = Lake.from_uri(str(aws["lake_dir"]))
    first = lake.read_posts("CA", datetime(2026, 11, 1).date(), datetime(2026, 11, 30).date()).num_rows
    assert first > 0  # the first job made it

    dying["on"] = False
    assert handler.lambda_handler(event("collect"), FakeContext()) == {"batchItemFailures": []}
    rows = lake.read_posts("CA", datetime(2026, 11, 1).date(), datetime(2026, 11, 30).date())
    assert set(rows.column("source").to_pylist()) == {"mastodon", "rss"}
    assert rows.num_rows == len(set(rows.column("post_id").to_pylist()))
    # Three appends in all: the finished job was not collected again (its result came from the idempotency
    # record); the job cut off ran once more, in full.
    assert len(appends) == 3 and appends[2] == appends[1]


def test_the_api_handler_fuzzed_against_its_openapi_document(aws: dict[str, Any]) -> None:
    """Schemathesis cases, valid and invalid, sent as API Gateway events to the deployed handler: no 5xx."""
    import schemathesis
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st
    from schemathesis import GenerationMode

    from listening_post.web.server import to_event

    aws["s3"].put_object(Bucket=BUCKET, Key="briefs/country=CA/week=2026-W47/summary.json", Body=b"{}")
    handler = load_handler("api")
    schema = schemathesis.openapi.from_dict(json.loads(handler.app.get_openapi_json_schema()))
    schema.config.generation.update(modes=[GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
    strategies = [result.ok().as_strategy() for result in schema.get_all_operations()]

    @given(st.one_of(strategies))
    @settings(max_examples=200, deadline=None, suppress_health_check=list(HealthCheck))
    def check(case: Any) -> None:
        query = "&".join(f"{k}={v}" for k, v in (case.query or {}).items())
        target = case.formatted_path + (f"?{query}" if query else "")
        response = handler.lambda_handler(to_event(case.method, target, {}, b""), FakeContext())
        assert response["statusCode"] < 500, (target, response)

    check()
