"""The whole cloud path on 127.0.0.1: moto's server stands in for S3, DynamoDB, SQS, Secrets Manager and
Glue; a local HTTP server replays the platforms.

schedule -> plan -> SQS messages -> collect (replayed sources) -> Parquet in S3, cursors in DynamoDB
-> weekly brief -> the API returns it. Also: a message delivered twice adds no rows; a failing job is a
batch item failure while the others succeed.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import boto3
import pytest
import yaml

from listening_post.aws.state import DynamoDBCursorStore
from listening_post.cursors import CursorKey
from listening_post.lake import Lake
from listening_post.weeks import IsoWeek
from tests.functional.handlers import FakeContext, event, load_handler
from tests.replay import JSON, ReplayServer, Reply
from tests.stack import CONFIG_KEY, make_stack, make_weekly_table

pytestmark = pytest.mark.integration
TABLE = "lp-state"


def config_document(url: str) -> dict[str, Any]:
    return {
        "version": 1,
        "secrets": {"author_key": {"env": "LISTENING_POST_AUTHOR_KEY"}},  # overridden by the stack's secret
        "countries": [
            {
                "code": "DE",
                "languages": ["de", "en"],
                "timezone": "Europe/Berlin",
                "sources": {
                    "rss": {
                        "feeds": [
                            {"url": f"{url}/heise.atom", "language": "de"},
                            {"url": f"{url}/broken.atom", "language": "de"},
                        ]
                    },
                    "mastodon": {"hashtags": ["hoot"]},
                },
                "queries": [
                    {"id": "de-news", "query": "Java OR Microsoft OR Apache OR heise", "sources": ["rss"]},
                    {"id": "de-social", "query": "hoot", "sources": ["mastodon"]},
                    {"id": "de-broken", "query": "anything", "sources": ["gdelt"]},
                ],
            }
        ],
        "topics": [{"id": "java", "label": "Java", "query": "Java*"}],
        "sources": {
            "http": {"backoff_max_seconds": 0, "max_attempts": 2, "read_timeout_seconds": 2},
            "mastodon": {"instances": [url]},
            "gdelt": {"base_url": f"{url}/gdelt", "requests_per_minute": 60},
        },
    }


@pytest.fixture
def stack(
    aws_env: str, bucket: str, replay: ReplayServer, payloads: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[dict[str, Any]]:
    replay.route("/heise.atom", Reply(200, (payloads / "rss" / "rssparser_heise.atom").read_bytes()))
    replay.route(
        "/broken.atom", Reply(200, b"<html><body>Service Unavailable</body></html>", {"Content-Type": "text/html"})
    )
    cassette = yaml.safe_load((payloads / "mastodon" / "mastodonpy_cassette_test_hashtag_tl.yaml").read_text())
    timeline = next(i for i in cassette["interactions"] if "/timelines/tag/" in i["request"]["uri"])
    link = timeline["response"]["headers"]["link"][0]  # as recorded: the cursor comes from it
    replay.route(
        "/api/v1/timelines/tag/hoot",
        Reply(200, timeline["response"]["body"]["string"], {**JSON, "Link": link}),
        Reply(200, b"[]", JSON),
    )
    replay.route("/gdelt", Reply(200, b"Timespan is too short.", {"Content-Type": "text/plain"}))
    s3 = boto3.client("s3", endpoint_url=aws_env)
    resources = make_stack(
        lambda service: boto3.client(service, endpoint_url=aws_env),
        bucket=bucket,
        table=TABLE,
        name=bucket,
        config=yaml.safe_dump(config_document(replay.url)).encode(),
        author_key="generated-by-the-stack-0123456789abcdef",
    )
    make_weekly_table(boto3.client("glue", endpoint_url=aws_env), bucket)
    for name, value in {
        "LISTENING_POST_LAKE": f"s3://{bucket}",
        "LISTENING_POST_CONFIG_LOCATION": f"s3://{bucket}/{CONFIG_KEY}",
        "LISTENING_POST_STATE_TABLE": TABLE,
        "LISTENING_POST_AUTHOR_KEY_SECRET": resources.secret_arn,
        "LISTENING_POST_JOBS_QUEUE_URL": resources.queue_url,
        "LISTENING_POST_DATA_BUCKET": bucket,
        "LISTENING_POST_GLUE_DATABASE": "listening_post",
        "LISTENING_POST_WEEKLY_TABLE": "weekly_topics",
        "POWERTOOLS_TRACE_DISABLED": "true",
        "POWERTOOLS_METRICS_NAMESPACE": "ListeningPost",
    }.items():
        monkeypatch.setenv(name, value)
    yield {"queue_url": resources.queue_url, "bucket": bucket, "endpoint": aws_env, "s3": s3, "timeline": timeline}
    boto3.client("dynamodb", endpoint_url=aws_env).delete_table(TableName=TABLE)


def assert_no_identity_in_the_bucket(stack: dict[str, Any], timeline: dict[str, Any]) -> None:
    """Every object the cloud path wrote: the toot's author (handle, account id, profile link) appears
    nowhere but in the post's own URL column."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    account = json.loads(timeline["response"]["body"]["string"])[0]["account"]
    identities = {account["id"], account["username"], account["acct"], account["url"]}
    s3 = stack["s3"]
    keys = [
        o["Key"]
        for page in s3.get_paginator("list_objects_v2").paginate(Bucket=stack["bucket"])
        for o in page.get("Contents", [])
    ]
    assert len(keys) > 10
    for key in keys:
        body = s3.get_object(Bucket=stack["bucket"], Key=key)["Body"].read()
        if key.endswith(".parquet"):
            table = pq.read_table(pa.BufferReader(body))
            body = json.dumps(
                table.drop_columns([c for c in ("url", "text") if c in table.column_names]).to_pylist(), default=str
            ).encode()
        elif key.startswith("briefs/"):
            body = re.sub(rb"https?://[^\s\"'<>)]+", b" ", body)  # a post's own link may name its author
        found = [i for i in identities if i.encode() in body]
        assert not found, f"{key} holds {found}"


def receive_all(endpoint: str, queue_url: str) -> list[dict[str, Any]]:
    sqs = boto3.client("sqs", endpoint_url=endpoint)
    messages: list[dict[str, Any]] = []
    while batch := sqs.receive_message(QueueUrl=queue_url, MaxNumberOfMessages=10, WaitTimeSeconds=0).get("Messages"):
        messages += batch
        sqs.delete_message_batch(
            QueueUrl=queue_url, Entries=[{"Id": m["MessageId"], "ReceiptHandle": m["ReceiptHandle"]} for m in batch]
        )
    return messages


def as_sqs_event(messages: list[dict[str, Any]]) -> dict[str, Any]:
    template = event("collect")["Records"][0]
    return {
        "Records": [
            {**template, "messageId": m["MessageId"], "receiptHandle": m["ReceiptHandle"], "body": m["Body"]}
            for m in messages
        ]
    }


def test_schedule_to_api(stack: dict[str, Any]) -> None:
    plan = load_handler("plan").lambda_handler(event("plan"), FakeContext())
    assert plan["jobs"] == 3
    messages = receive_all(stack["endpoint"], stack["queue_url"])
    assert len(messages) == 3

    collect = load_handler("collect")
    response = collect.lambda_handler(as_sqs_event(messages), FakeContext())
    # GDELT answers plain text with HTTP 200: that job read nothing and is handed back to the queue.
    failed = [f["itemIdentifier"] for f in response["batchItemFailures"]]
    gdelt = [m["MessageId"] for m in messages if '"gdelt"' in m["Body"]]
    assert failed == gdelt

    lake = Lake.from_uri(f"s3://{stack['bucket']}", endpoint_url=stack["endpoint"])
    posts = lake.read_posts("DE", date(2000, 1, 1), date(2030, 1, 1))
    sources = posts.column("source").to_pylist()
    assert sources.count("rss") == 6 and sources.count("mastodon") == 1  # heise entries that match, and the toot
    keys = [o["Key"] for o in stack["s3"].list_objects_v2(Bucket=stack["bucket"], Prefix="posts/")["Contents"]]
    assert all(k.startswith("posts/country=DE/dt=") and k.endswith(".parquet") for k in keys)
    quarantined = stack["s3"].list_objects_v2(Bucket=stack["bucket"], Prefix="quarantine/")["Contents"]
    assert any("source=rss" in q["Key"] for q in quarantined)  # the HTML error page of the broken feed

    cursors = DynamoDBCursorStore(boto3.client("dynamodb", endpoint_url=stack["endpoint"]), TABLE)
    assert cursors.get(CursorKey("DE", "de-social", "mastodon"))
    assert cursors.get(CursorKey("DE", "de-news", "rss")) is not None

    # The same messages delivered again add no rows.
    rows = posts.num_rows
    ok = [m for m in messages if m["MessageId"] not in failed]
    assert collect.lambda_handler(as_sqs_event(ok), FakeContext()) == {"batchItemFailures": []}
    again = lake.read_posts("DE", date(2000, 1, 1), date(2030, 1, 1))
    assert again.num_rows == rows
    assert len(stack["s3"].list_objects_v2(Bucket=stack["bucket"], Prefix="posts/")["Contents"]) == len(keys)

    brief = load_handler("brief").lambda_handler({"week": "2016-W05"}, FakeContext())
    assert brief == {"briefs": ["DE/2016-W05"], "mailed": [], "failed": {}}
    glue = boto3.client("glue", endpoint_url=stack["endpoint"])
    assert glue.get_partition(
        DatabaseName="listening_post", TableName="weekly_topics", PartitionValues=["DE", "2016-W05"]
    )["Partition"]

    api = load_handler("api")
    api_event = json.loads(
        json.dumps(event("api")).replace("/countries/CA/weeks/2026-W47/summary", "/countries/DE/weeks/2016-W05/brief")
    )
    page = api.lambda_handler(api_event, FakeContext())
    assert page["statusCode"] == 200 and page["headers"]["Content-Type"].startswith("text/html")
    assert "Germany: weekly opinion brief" in page["body"]
    summary_event = json.loads(json.dumps(api_event).replace("/brief", "/summary"))
    summary = json.loads(api.lambda_handler(summary_event, FakeContext())["body"])
    assert_no_identity_in_the_bucket(stack, stack["timeline"])
    start, end = IsoWeek.parse("2016-W05").bounds("Europe/Berlin")
    in_week = sum(start <= t < end for t in posts.column("created_at").to_pylist())
    assert summary["volume"]["posts"] == in_week > 0 and summary["country"] == "DE"
