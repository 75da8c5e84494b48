"""Alerts on the demo lake, replayed hour by hour as collection rounds would see it (issue 18).

The Canadian sample plants a copy-paste campaign on the Tuesday of 2026-W47 (24 near-identical posts from
14 fresh accounts within an hour, from 23:06 UTC): the first hourly evaluation after it starts must raise
one alert, and later hours update it rather than raise it again."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pyarrow.compute as pc
import pytest

from listening_post.alerts import store, window
from listening_post.alerts.engine import run
from listening_post.cli import main
from listening_post.config import load_config
from listening_post.demo import DemoResult, run_demo
from listening_post.lake import Lake

CAMPAIGN = "stop buying American lumber"
DEMO_CONFIG = Path(__file__).parents[2] / "layers/core/listening_post/demo/config.yaml"


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> DemoResult:
    return run_demo(str(tmp_path_factory.mktemp("demo") / "lake"))


def campaign_start(lake: Lake) -> datetime:
    posts = lake.read_posts(
        "CA", datetime(2026, 11, 17).date(), datetime(2026, 11, 18).date(), columns=["text", "created_at"]
    )
    copies = posts.filter(pc.match_substring(posts.column("text"), CAMPAIGN))
    assert copies.num_rows >= 20
    first: datetime = pc.min(copies.column("created_at")).as_py()
    return first


def test_replay_raises_the_campaign_within_the_hour_once(demo: DemoResult) -> None:
    config = load_config(DEMO_CONFIG)
    start = campaign_start(demo.lake)
    begin, end = datetime(2026, 11, 16, 5, tzinfo=UTC), datetime(2026, 11, 19, 5, tzinfo=UTC)
    posts = window.read(demo.lake, "CA", window.span(config, begin), end)
    raised: list[tuple[datetime, dict]] = []
    at = begin
    while at <= end:
        seen = posts.filter(pc.less(posts.column("created_at"), at))  # what a round at `at` would have
        for alert in run(demo.lake, config, "CA", at, [], posts=seen):
            if alert["state"] == "new":
                raised.append((at, alert))
        at += timedelta(hours=1)
    campaign = [(when, a) for when, a in raised if any(CAMPAIGN in e["text"] for e in a["examples"])]
    assert len(campaign) == 1, [a["headline"] for _, a in raised]  # one event, one alert
    when, alert = campaign[0]
    delay = when - start
    print(
        f"campaign starts {start.isoformat()}, alert at {when.isoformat()}: delay {delay.total_seconds() / 60:.0f} min"
    )
    assert timedelta(0) < delay <= timedelta(hours=1)
    assert {s["rule"] for s in alert["signals"]} >= {"coordination"}
    assert alert["severity"] == "high"
    coordination = next(s for s in alert["signals"] if s["rule"] == "coordination")
    assert coordination["figures"]["posts"] >= 20 and coordination["figures"]["authors"] >= 12
    # Share of all the posts behind the alert (the hour's volume spike joined it): the copies and more.
    assert alert["coordinated_share"] >= coordination["figures"]["posts"] / alert["posts"] - 1e-9
    # The hours after update the same event in the lake instead of raising it again.
    stored = store.find(demo.lake, "CA", alert["event_id"])
    assert stored is not None and stored["updates"] >= 1 and stored["last_seen"] > stored["opened_at"]
    assert demo.lake.exists(f"alerts/country=CA/dt={stored['opened_at'][:10]}/alerts.parquet")


def test_cli_prints_the_campaign_alert_and_dry_run_writes_nothing(
    demo: DemoResult, tmp_path, capsys: pytest.CaptureFixture[str]
) -> None:
    lake = tmp_path / "copy"
    import shutil

    shutil.copytree(demo.lake.root, lake, ignore=shutil.ignore_patterns("alerts"))
    code = main(
        [
            "alerts",
            "--lake",
            str(lake),
            "--config",
            str(DEMO_CONFIG),
            "--country",
            "CA",
            "--at",
            "2026-11-17T23:59:00Z",
            "--dry-run",
        ]
    )
    assert code == 0
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert any("near-identical posts from 14 accounts" in a["headline"] for a in lines)
    alert = next(a for a in lines if "near-identical" in a["headline"])
    assert alert["top_terms"] and alert["examples"]
    for example in alert["examples"]:  # handles never shown: no @mention, links http(s) only
        assert not re.search(r"@\w", example["text"])
        assert example["link"] is None or example["link"].startswith(("https://", "http://"))
    assert not (lake / "alerts").exists()


def test_cli_refuses_a_bad_timestamp(demo: DemoResult, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["alerts", "--lake", demo.lake.root, "--config", str(DEMO_CONFIG), "--at", "Tuesday"])
    assert exc.value.code == 2
    assert "--at: 'Tuesday' is not an ISO timestamp" in capsys.readouterr().err


def test_the_brief_lists_the_weeks_alerts_and_serve_shows_them(demo: DemoResult, tmp_path: Path) -> None:
    import shutil

    from listening_post.pipeline import summarise
    from listening_post.web.api import create_app
    from listening_post.web.server import to_event
    from listening_post.web.store import BriefStore
    from listening_post.weeks import IsoWeek

    shutil.copytree(demo.lake.root, tmp_path / "lake", ignore=shutil.ignore_patterns("alerts"))
    lake, config = Lake.from_uri(str(tmp_path / "lake")), load_config(DEMO_CONFIG)
    for hour in (0, 1, 2):
        run(lake, config, "CA", datetime(2026, 11, 18, hour, tzinfo=UTC), [])
    campaign = next(
        a
        for a in store.read_range(lake, "CA", datetime(2026, 11, 16, tzinfo=UTC), datetime(2026, 11, 23, tzinfo=UTC))
        if "near-identical" in a["headline"]
    )
    summarise(lake, config, "CA", IsoWeek.parse("2026-W47"))
    base = "briefs/country=CA/week=2026-W47"
    summary = json.loads(lake.read_bytes(f"{base}/summary.json"))
    listed = next(a for a in summary["alerts"] if a["event_id"] == campaign["event_id"])
    assert listed["updates"] == 2 and "seen again for 2 hours" in listed["became"]
    html, md = lake.read_bytes(f"{base}/brief.html").decode(), lake.read_bytes(f"{base}/brief.md").decode()
    assert '<section id="alerts">' in html and campaign["headline"] in html and "What became of it" in html
    assert "## Alerts this week" in md and "near-identical" in md

    app = create_app(BriefStore(lake), {"CA": "Canada"})
    listing = app.resolve(to_event("GET", "/alerts/CA", {}, b""), None)
    assert listing["statusCode"] == 200 and f"/alerts/CA/{campaign['event_id']}" in listing["body"]
    page = app.resolve(to_event("GET", f"/alerts/CA/{campaign['event_id']}", {}, b""), None)
    assert page["statusCode"] == 200 and "Examples" in page["body"]
    # Handles never shown: links (by the links/ rule, http(s) only) aside, no @name in the page.
    assert not re.search(r"@\w", re.sub(r'href="[^"]*"', "", page["body"]))
    assert app.resolve(to_event("GET", "/alerts/CA/../../posts", {}, b""), None)["statusCode"] in (400, 404)
    assert app.resolve(to_event("GET", "/alerts/CA/0123456789abcdef", {}, b""), None)["statusCode"] == 404
