"""Alert delivery through real servers on 127.0.0.1 (aiosmtpd SMTP, an HTTP webhook receiver), SES and SNS
through moto; the content of what arrives is checked, and a failed delivery is retried without the alert
being raised or sent twice."""

from __future__ import annotations

import json
import shutil
import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import boto3
import pytest
from moto import mock_aws

from listening_post.alerts import store
from listening_post.alerts.delivery import SesChannel, SnsChannel, channels_for
from listening_post.alerts.engine import run
from listening_post.briefs.mailsafe import mail_safety_problems
from listening_post.config import AlertRecipients, Alerts, AlertSmtp, AlertWebhook, QuietHours, SecretRef
from listening_post.credentials import SecretResolver
from listening_post.demo import DemoResult, demo_config, run_demo
from listening_post.lake import Lake
from tests.integration.conftest import Mailbox

pytestmark = pytest.mark.integration
CAMPAIGN_ROUND = datetime(2026, 11, 18, 0, tzinfo=UTC)  # the first round after the demo's campaign began


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> DemoResult:
    return run_demo(str(tmp_path_factory.mktemp("demo") / "lake"))


@pytest.fixture
def lake(demo: DemoResult, tmp_path: Path) -> Lake:
    shutil.copytree(demo.lake.root, tmp_path / "lake", ignore=shutil.ignore_patterns("alerts"))
    return Lake.from_uri(str(tmp_path / "lake"))


class Hooks:
    def __init__(self) -> None:
        self.received: list[tuple[str, dict[str, str], dict[str, Any]]] = []
        self.fail_next: dict[str, int] = {}


@pytest.fixture
def hooks() -> Iterator[tuple[Hooks, str]]:
    state = Hooks()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            if state.fail_next.get(self.path, 0) > 0:
                state.fail_next[self.path] -= 1
                self.send_response(503)
                self.end_headers()
                return
            state.received.append((self.path, dict(self.headers), json.loads(body)))
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield state, f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def configured(port: int, quiet: QuietHours | None = None) -> Any:
    alerts = Alerts(
        sender="alerts@mission.example",
        smtp=AlertSmtp(host="127.0.0.1", port=port),
        evidence_url="http://127.0.0.1:8080",
        recipients=[
            AlertRecipients(
                country="CA",
                email=["desk@mission.example"],
                webhooks=[
                    AlertWebhook(url=SecretRef(env="HOOK_JSON")),
                    AlertWebhook(url=SecretRef(env="HOOK_TEAMS"), format="teams"),
                    AlertWebhook(url=SecretRef(env="HOOK_SLACK"), format="slack"),
                ],
                quiet_hours=quiet,
            )
        ],
    )
    return demo_config().model_copy(update={"alerts": alerts})


def test_smtp_and_webhooks_deliver_once_and_a_failure_is_retried(
    lake: Lake, smtp: tuple[Mailbox, int], hooks: tuple[Hooks, str]
) -> None:
    box, port = smtp
    state, base = hooks
    cfg = configured(port)
    resolver = SecretResolver(
        {"HOOK_JSON": f"{base}/json", "HOOK_TEAMS": f"{base}/teams", "HOOK_SLACK": f"{base}/slack"}
    )
    state.fail_next["/json"] = 1  # the JSON receiver is down for the first round
    alerts = run(lake, cfg, "CA", CAMPAIGN_ROUND, channels_for(cfg, "CA", resolver))
    campaign = next(a for a in alerts if "near-identical" in a["headline"])
    status = {d["channel"]: d["status"] for d in store.find(lake, "CA", campaign["event_id"])["deliveries"]}
    assert status == {
        "email": "sent",
        "webhook-1 (json)": "failed",
        "webhook-2 (teams)": "sent",
        "webhook-3 (slack)": "sent",
    }

    # The mail: plain text and mail-safe HTML, both saying what happened, handles masked.
    assert len(box.messages) == 1
    mail = box.messages[0]
    parts = {p.get_content_type(): p.get_payload(decode=True).decode() for p in mail.walk() if not p.is_multipart()}
    assert set(parts) == {"text/plain", "text/html"}
    assert mail_safety_problems(parts["text/html"]) == []
    for body in parts.values():
        assert "24 near-identical posts from 14 accounts" in body
        assert f"/alerts/CA/{campaign['event_id']}" in body  # the posts behind it
    assert "Coordinated share" in parts["text/plain"] and campaign["top_terms"][0] in parts["text/plain"]
    assert mail["Message-ID"] == f"<alert-{campaign['event_id']}@listening-post>"

    # The next round: the event is updated, not raised again; only the failed webhook is tried again.
    later = run(lake, cfg, "CA", CAMPAIGN_ROUND.replace(hour=1), channels_for(cfg, "CA", resolver))
    assert all(a["state"] == "updated" for a in later if a["event_id"] == campaign["event_id"])
    assert not [a for a in later if a["state"] == "new" and "near-identical" in a["headline"]]
    stored = store.find(lake, "CA", campaign["event_id"])
    assert {d["channel"]: (d["status"], d["attempts"]) for d in stored["deliveries"]} == {
        "email": ("sent", 1),
        "webhook-1 (json)": ("sent", 2),
        "webhook-2 (teams)": ("sent", 1),
        "webhook-3 (slack)": ("sent", 1),
    }
    assert len(box.messages) == 1
    by_path = {path: (headers, body) for path, headers, body in state.received}
    assert [p for p, _, _ in state.received].count("/json") == 1
    headers, body = by_path["/json"]
    assert headers["Idempotency-Key"] == campaign["event_id"]
    assert body["event_id"] == campaign["event_id"] and body["severity"] == "high"
    assert body["examples"] and all(e["link"] is None or e["link"].startswith("https://") for e in body["examples"])
    _, slack = by_path["/slack"]
    assert "near-identical" in slack["text"] and slack["blocks"][0]["text"]["type"] == "mrkdwn"
    _, card = by_path["/teams"]
    assert card["@type"] == "MessageCard" and "near-identical" in card["title"] and "Top terms" in card["text"]


def test_quiet_hours_defer_delivery_until_they_end(lake: Lake, smtp: tuple[Mailbox, int]) -> None:
    box, port = smtp
    cfg = configured(port, QuietHours(start="18:00", end="20:00"))  # Toronto: 19:00 at the round
    run(
        lake,
        cfg,
        "CA",
        CAMPAIGN_ROUND,
        channels_for(
            cfg,
            "CA",
            SecretResolver(
                {
                    "HOOK_JSON": "http://127.0.0.1:9/x",
                    "HOOK_TEAMS": "http://127.0.0.1:9/y",
                    "HOOK_SLACK": "http://127.0.0.1:9/z",
                }
            ),
        ),
    )
    assert box.messages == []
    campaign = next(
        a
        for a in store.read_range(lake, "CA", CAMPAIGN_ROUND, CAMPAIGN_ROUND.replace(hour=1))
        if "near-identical" in a["headline"]
    )
    assert {d["status"] for d in campaign["deliveries"]} == {"deferred"}
    run(
        lake,
        cfg,
        "CA",
        CAMPAIGN_ROUND.replace(hour=2),
        channels_for(
            cfg,
            "CA",
            SecretResolver(
                {
                    "HOOK_JSON": "http://127.0.0.1:9/x",
                    "HOOK_TEAMS": "http://127.0.0.1:9/y",
                    "HOOK_SLACK": "http://127.0.0.1:9/z",
                }
            ),
        ),
    )  # 21:00 in Toronto
    assert len(box.messages) == 1


@mock_aws
def test_ses_and_sns_through_moto(lake: Lake) -> None:
    ses, sns, sqs = (boto3.client(s, region_name="us-east-1") for s in ("ses", "sns", "sqs"))
    ses.verify_email_identity(EmailAddress="alerts@mission.example")
    topic = sns.create_topic(Name="alerts-ca")["TopicArn"]
    queue = sqs.create_queue(QueueName="alerts-ca")["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=arn)
    cfg = demo_config()
    channels = [SesChannel(ses, "alerts@mission.example", ["desk@mission.example"]), SnsChannel(sns, topic)]
    alerts = run(lake, cfg, "CA", CAMPAIGN_ROUND, channels)
    campaign = next(a for a in alerts if "near-identical" in a["headline"])
    assert {d["status"] for d in campaign["deliveries"]} == {"sent"}
    assert ses.get_send_quota()["SentLast24Hours"] >= 1
    messages = sqs.receive_message(QueueUrl=queue, MaxNumberOfMessages=10)["Messages"]
    notes = [json.loads(m["Body"]) for m in messages]
    note = next(n for n in notes if "near-identical" in n["Message"])
    assert note["MessageAttributes"]["event_id"]["Value"] == campaign["event_id"]
    assert "Coordinated share" in note["Message"]
