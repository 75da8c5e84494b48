"""The local API under a bounded load from a second process on 127.0.0.1: 50 concurrent clients for 30
seconds, zero errors. The figures land in build/load.json (RELIABILITY.md quotes a run)."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from bench.load import run_load
from listening_post.demo import run_demo

pytestmark = [pytest.mark.integration, pytest.mark.slow]
ROOT = Path(__file__).resolve().parents[2]
DEMO_CONFIG = ROOT / "layers/core/listening_post/demo/config.yaml"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_fifty_clients_for_thirty_seconds_without_an_error(tmp_path: Path) -> None:
    lake = tmp_path / "lake"
    run_demo(str(lake))
    port = free_port()
    server = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "listening-post"),
            "serve",
            "--lake",
            str(lake),
            "--port",
            str(port),
            "--config",
            str(DEMO_CONFIG),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        for _ in range(100):
            try:
                urllib.request.urlopen(base + "/countries", timeout=1).read()
                break
            except OSError:
                time.sleep(0.1)
        result = run_load(base, clients=50, seconds=30)
    finally:
        server.terminate()
        server.wait(timeout=10)
    out = ROOT / "build" / "load.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(result, indent=2))
    print(json.dumps(result))
    assert result["errors"] == 0, result["error_samples"]
    assert result["requests"] > 1000
