"""The alert function as Lambda runs it (moto): one round per scheduled event, idempotent per country and
round, the alerts in the lake."""

from __future__ import annotations

from typing import Any

from listening_post.alerts import store
from listening_post.demo import run_demo
from listening_post.lake import Lake
from tests.functional.handlers import FakeContext, event, load_handler
from tests.functional.test_handlers import aws  # noqa: F401 - the fixture


def test_the_alert_function_raises_the_campaign_once_per_round(aws: dict[str, Any]) -> None:  # noqa: F811
    run_demo(str(aws["lake_dir"]))
    handler = load_handler("alert")
    first = handler.lambda_handler(event("alert"), FakeContext())
    assert first["at"] == "2026-11-18T00:00:00+00:00"
    ca = next(r for r in first["results"] if r["country"] == "CA")
    lake = Lake.from_uri(str(aws["lake_dir"]))
    raised = [store.find(lake, "CA", e) for e in ca["new"]]
    assert any(a and "near-identical posts from 14 accounts" in a["headline"] for a in raised)
    # The same scheduled event delivered again: the first result, nothing evaluated again.
    again = handler.lambda_handler(event("alert"), FakeContext())
    assert again == first
    assert all((a := store.find(lake, "CA", e)) and a["updates"] == 0 for e in ca["new"])
