"""Co-sharing clusters feed the alerts (issue 20): the demo's link-sharing ring (nine Mastodon accounts
pushing one northwire.example or maplefacts.example link a day at 17:10-21:10 UTC, within 40 seconds of
each other, 2026-11-10 to 14 and 17 to 21) raises one alert when it has repeated three times, later rounds
update it, quiet weeks raise none, the threshold is the configuration's, and an erased member's posts leave
the stored alert."""

from __future__ import annotations

import json
import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pytest

from listening_post.alerts import store, window
from listening_post.alerts.engine import run
from listening_post.alerts.rules.cosharing import cosharing_clusters
from listening_post.config import Config, load_config
from listening_post.demo import DemoResult, run_demo
from listening_post.erasure import erase_author
from listening_post.lake import Lake

DEMO_CONFIG = Path(__file__).parents[2] / "layers/core/listening_post/demo/config.yaml"
RING = ("northwire.example", "maplefacts.example")
THIRD_PUSH = datetime(2026, 11, 12, 19, 10, tzinfo=UTC)  # the ring's third link of 2026-W46


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> DemoResult:
    return run_demo(str(tmp_path_factory.mktemp("demo") / "lake"))


@pytest.fixture
def lake(demo: DemoResult, tmp_path: Path) -> Lake:
    shutil.copytree(demo.lake.root, tmp_path / "lake", ignore=shutil.ignore_patterns("alerts"))
    return Lake.from_uri(str(tmp_path / "lake"))


def ring_posts(lake: Lake) -> dict[str, str]:
    """post_id -> author pseudonym of the ring's posts (the accounts linking to its two outlets)."""
    posts = lake.read_posts(
        "CA",
        datetime(2026, 11, 9).date(),
        datetime(2026, 11, 23).date(),
        columns=["post_id", "author_id", "domains", "created_at"],
    )
    ring = {r["author_id"] for r in posts.to_pylist() if r["domains"] and any(d in RING for d in r["domains"])}
    assert len(ring) == 9
    return {r["post_id"]: r["author_id"] for r in posts.to_pylist() if r["author_id"] in ring}


def replay(
    lake: Lake, config: Config, country: str, begin: datetime, end: datetime, posts: pa.Table | None = None
) -> list[tuple[datetime, dict[str, Any]]]:
    """Hourly rounds from ``begin`` to ``end`` as collection would see them: the alerts raised, with when."""
    posts = posts if posts is not None else window.read(lake, country, window.span(config, begin), end)
    raised, at = [], begin
    while at <= end:
        for alert in run(lake, config, country, at, [], posts=posts.filter(pc.less(posts.column("created_at"), at))):
            if alert["state"] == "new":
                raised.append((at, alert))
        at += timedelta(hours=1)
    return raised


def cosharing(alert: dict[str, Any]) -> dict[str, Any] | None:
    return next((s for s in alert["signals"] if s["rule"] == "cosharing"), None)


def test_the_ring_raises_one_alert_when_it_has_repeated_and_later_rounds_update_it(lake: Lake) -> None:
    config = load_config(DEMO_CONFIG)
    raised = replay(lake, config, "CA", datetime(2026, 11, 12, 12, tzinfo=UTC), datetime(2026, 11, 15, 12, tzinfo=UTC))
    found = [(at, a) for at, a in raised if cosharing(a)]
    assert len(found) == 1, [(str(at), a["headline"]) for at, a in raised]
    at, alert = found[0]
    assert THIRD_PUSH < at <= THIRD_PUSH + timedelta(hours=1)  # the first round after the third push
    signal = cosharing(alert)
    assert signal is not None
    figures = signal["figures"]
    assert figures["accounts"] >= 4 and set(figures["domains"]) == set(RING) == set(figures["flagged_domains"])
    assert figures["coordinated_shares"] >= 3 * figures["accounts"] and figures["links"] == 3
    assert "listed low-quality" in signal["what"]
    # Every post behind it is the ring's; examples carry their post_id (erasure finds them); no account named.
    ring = ring_posts(lake)
    assert alert["post_ids"] and set(alert["post_ids"]) <= set(ring)
    assert alert["examples"] and {e["post_id"] for e in alert["examples"]} <= set(alert["post_ids"])
    assert alert["coordinated_share"] == 1.0
    document = json.dumps(store.find(lake, "CA", alert["event_id"]))
    assert not any(author in document for author in set(ring.values()))
    # The rounds after (the ring grows to 7 accounts, and is out of sight for three hours on the 13th,
    # when its first link leaves the 72 hours) updated the same event, raising its severity.
    stored = store.find(lake, "CA", alert["event_id"])
    assert stored is not None and stored["updates"] >= 40 and stored["last_seen"] >= "2026-11-15T11:00"
    assert (alert["severity"], stored["severity"]) == ("low", "medium")


def test_quiet_weeks_raise_no_cosharing_alert(demo: DemoResult) -> None:
    """Every sixth hour of CA's weeks before the ring and of all DE's weeks (each round looks 72 hours back):
    the rule finds nothing."""
    config = load_config(DEMO_CONFIG)
    for country, begin, end in (
        ("CA", datetime(2026, 10, 12, tzinfo=UTC), datetime(2026, 11, 10, 17, tzinfo=UTC)),
        ("DE", datetime(2026, 10, 12, tzinfo=UTC), datetime(2026, 11, 24, tzinfo=UTC)),
    ):
        posts = window.read(demo.lake, country, window.span(config, begin), end)
        assert pc.sum(pc.list_value_length(posts.column("links"))).as_py() > 50  # links are shared, organically
        at = begin
        while at <= end:
            win = window.load(demo.lake, config, country, at, posts.filter(pc.less(posts.column("created_at"), at)))
            try:
                assert cosharing_clusters(win) == [], (country, at)
            finally:
                win.con.close()
            at += timedelta(hours=6)


def test_the_minimum_cluster_size_is_the_configurations(demo: DemoResult) -> None:
    """At 2026-11-20 21:00 UTC the ring's last 72 hours hold all nine accounts."""
    base = load_config(DEMO_CONFIG)
    at = datetime(2026, 11, 20, 21, tzinfo=UTC)

    def accounts(minimum: int) -> list[int]:
        thresholds = base.alerts.thresholds.model_copy(update={"cosharing_min_accounts": minimum})
        config = base.model_copy(update={"alerts": base.alerts.model_copy(update={"thresholds": thresholds})})
        win = window.load(demo.lake, config, "CA", at)
        try:
            return [s.figures["accounts"] for s in cosharing_clusters(win)]
        finally:
            win.con.close()

    assert accounts(4) == [9] and accounts(9) == [9] and accounts(10) == []


def test_an_erased_members_posts_leave_the_stored_alert(lake: Lake) -> None:
    config = load_config(DEMO_CONFIG)
    (alert,) = [a for a in run(lake, config, "CA", datetime(2026, 11, 20, 21, tzinfo=UTC), []) if cosharing(a)]
    ring = ring_posts(lake)
    member = ring[alert["examples"][0]["post_id"]]
    theirs = {p for p, author in ring.items() if author == member}
    assert theirs & set(alert["post_ids"])
    erase_author(lake, member, run_id="test-erasure")
    document = json.dumps(store.find(lake, "CA", alert["event_id"]))
    assert not any(p in document for p in theirs)
    assert store.find(lake, "CA", alert["event_id"])["post_ids"]  # the other members' posts stay
