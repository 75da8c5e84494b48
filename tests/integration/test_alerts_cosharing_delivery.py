"""A co-sharing alert delivered through a real SMTP server on 127.0.0.1 (aiosmtpd): the demo's link-sharing
ring is mailed once, at the first round after its third push, with the ring's figures and outlets; the next
rounds update it without mailing again; quiet rounds (the same hour a week before, and Germany) mail no
co-sharing alert."""

from __future__ import annotations

import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from listening_post.alerts import store
from listening_post.alerts.delivery import channels_for
from listening_post.alerts.engine import run
from listening_post.briefs.mailsafe import mail_safety_problems
from listening_post.config import AlertRecipients, Alerts, AlertSmtp
from listening_post.credentials import SecretResolver
from listening_post.demo import DemoResult, demo_config, run_demo
from listening_post.lake import Lake
from tests.integration.conftest import Mailbox

pytestmark = pytest.mark.integration
FIRST_ROUND = datetime(2026, 11, 12, 20, tzinfo=UTC)  # the first round after the ring's third push (19:10)
WHAT = "accounts repeatedly shared the same"


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> DemoResult:
    return run_demo(str(tmp_path_factory.mktemp("demo") / "lake"))


@pytest.fixture
def lake(demo: DemoResult, tmp_path: Path) -> Lake:
    shutil.copytree(demo.lake.root, tmp_path / "lake", ignore=shutil.ignore_patterns("alerts"))
    return Lake.from_uri(str(tmp_path / "lake"))


def test_the_ring_is_mailed_once_and_quiet_rounds_mail_no_cosharing_alert(
    lake: Lake, smtp: tuple[Mailbox, int]
) -> None:
    box, port = smtp
    alerts = Alerts(
        sender="alerts@mission.example",
        smtp=AlertSmtp(host="127.0.0.1", port=port),
        recipients=[AlertRecipients(country=c, email=[f"desk-{c.lower()}@mission.example"]) for c in ("CA", "DE")],
    )
    cfg = demo_config().model_copy(update={"alerts": alerts})
    resolver = SecretResolver({})

    def round_(country: str, at: datetime) -> list[dict[str, Any]]:
        return run(lake, cfg, country, at, channels_for(cfg, country, resolver))

    quiet = [*round_("CA", FIRST_ROUND - timedelta(days=7)), *round_("DE", FIRST_ROUND)]
    assert not [a for a in quiet if any(s["rule"] == "cosharing" for s in a["signals"])]
    assert not [b for b in box.bodies() if WHAT in b["text/plain"]]
    assert not [a for a in round_("CA", FIRST_ROUND - timedelta(hours=1)) if "cosharing" in str(a["identities"])]

    raised = [a for a in round_("CA", FIRST_ROUND) if any(s["rule"] == "cosharing" for s in a["signals"])]
    assert len(raised) == 1 and raised[0]["state"] == "new"
    ring = raised[0]
    mails = [b for b in box.bodies() if WHAT in b["text/plain"]]
    assert len(mails) == 1
    (mail,) = mails
    assert mail_safety_problems(mail["text/html"]) == []
    for body in mail.values():
        assert "4 accounts repeatedly shared the same 3 links" in body
        assert "northwire.example" in body and "maplefacts.example" in body and "listed low-quality" in body
    assert "Coordinated share: 100%" in mail["text/plain"]
    assert {d["channel"]: d["status"] for d in store.find(lake, "CA", ring["event_id"])["deliveries"]} == {
        "email": "sent"
    }

    # The next rounds: the same event updated (the ring grows to six accounts), not mailed again.
    for hours in (1, 6):
        later = round_("CA", FIRST_ROUND + timedelta(hours=hours))
        assert [a["state"] for a in later if a["event_id"] == ring["event_id"]] == ["updated"]
        assert not [a for a in later if a["state"] == "new" and "cosharing" in str(a["identities"])]
    assert len([b for b in box.bodies() if WHAT in b["text/plain"]]) == 1
    stored = store.find(lake, "CA", ring["event_id"])
    assert stored["updates"] == 2 and "6 accounts" in stored["latest"]
