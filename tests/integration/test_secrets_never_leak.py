"""Secrets never appear in logs, run reports or quarantine, even when a platform echoes them back."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
import yaml

from listening_post.cli import main
from tests.replay import JSON, ReplayServer, Reply

pytestmark = pytest.mark.integration

TOKEN = "x-bearer-AAAAsecretTOKENvalue0123456789"
REDDIT_SECRET = "reddit-client-SECRET-value-98765"
BSKY_PASSWORD = "bsky-app-pass-SECRET-4321"


def test_tokens_echoed_by_platforms_stay_out_of_every_file_and_log(
    tmp_path: Path,
    replay: ReplayServer,
    monkeypatch: pytest.MonkeyPatch,
    author_key: str,
    caplog: pytest.LogCaptureFixture,
    capsys: pytest.CaptureFixture[str],
) -> None:
    for name, value in {
        "LP_X": TOKEN,
        "LP_RID": "reddit-id",
        "LP_RSECRET": REDDIT_SECRET,
        "LP_BID": "me.bsky.test",
        "LP_BPASS": BSKY_PASSWORD,
    }.items():
        monkeypatch.setenv(name, value)
    # Misbehaving platforms: error bodies that repeat the credentials they were sent.
    replay.route(
        "/2/tweets/search/recent", Reply(401, {"title": "Unauthorized", "detail": f"Bearer {TOKEN} is not valid"}, JSON)
    )
    replay.route("/api/v1/access_token", Reply(500, f"<html>bad client secret {REDDIT_SECRET}</html>"))
    replay.route(
        "/xrpc/com.atproto.server.createSession",
        Reply(200, {"accessJwt": f"jwt-{BSKY_PASSWORD}", "refreshJwt": "r"}, JSON),
    )
    replay.route(
        "/xrpc/app.bsky.feed.searchPosts", Reply(200, f'{{"posts": [{{"broken": "{BSKY_PASSWORD}"', JSON)
    )  # truncated JSON echoing it
    config = {
        "version": 1,
        "secrets": {"author_key": {"env": "LISTENING_POST_AUTHOR_KEY"}},
        "countries": [
            {
                "code": "DE",
                "languages": ["de"],
                "queries": [{"id": "q", "query": "Zoll", "sources": ["x", "reddit", "bluesky"]}],
            }
        ],
        "sources": {
            "http": {"backoff_max_seconds": 0, "max_attempts": 2, "read_timeout_seconds": 2},
            "x": {"bearer_token": {"env": "LP_X"}, "base_url": replay.url},
            "reddit": {
                "client_id": {"env": "LP_RID"},
                "client_secret": {"env": "LP_RSECRET"},
                "api_base": replay.url,
                "auth_base": replay.url,
            },
            "bluesky": {"identifier": {"env": "LP_BID"}, "app_password": {"env": "LP_BPASS"}, "service": replay.url},
        },
    }
    path = tmp_path / "config.yaml"
    path.write_text(yaml.safe_dump(config))
    lake = tmp_path / "lake"
    caplog.set_level(logging.DEBUG)
    code = main(["--verbose", "collect", "--config", str(path), "--lake", str(lake)])
    assert code == 1  # every job failed: nothing useful happened
    out = capsys.readouterr()
    # The platforms were asked, with the credentials.
    assert replay.seen("/2/tweets/search/recent")[0].headers["authorization"] == f"Bearer {TOKEN}"
    assert replay.seen("/xrpc/app.bsky.feed.searchPosts")
    written = [p for p in lake.rglob("*") if p.is_file()]
    assert any("runs" in p.parts for p in written) and any("quarantine" in p.parts for p in written)
    everything = [out.out, out.err, caplog.text] + [p.read_bytes().decode("utf-8", "replace") for p in written]
    for secret in (TOKEN, REDDIT_SECRET, BSKY_PASSWORD):
        leaks = [text[:200] for text in everything if secret in text]
        assert leaks == [], f"{secret[:12]}… leaked"
    assert any("[secret]" in text for text in everything)  # it was there to leak, and was masked
