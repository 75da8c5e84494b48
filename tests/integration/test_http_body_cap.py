"""The HTTP client's size cap on bodies as a hostile or broken server sends them, from a real server on
127.0.0.1: a gzip bomb sent with Content-Encoding: gzip, and a plain body with no Content-Length. Each is
fetched in a child process, so that its peak memory (VmHWM) is the fetch's own."""

from __future__ import annotations

import gzip
import http.server
import json
import subprocess
import sys
import threading
import time
from collections.abc import Iterator

import pytest

pytestmark = pytest.mark.integration

MEMBER = gzip.compress(b"\0" * (16 << 20), 9)  # 16 MiB of zeros in about 16 kB
BOMB_MEMBERS = 128  # 2 MiB on the wire, 2 GiB unpacked
PLAIN_CHUNKS = 2048  # 1 MiB each: 2 GiB, sent without Content-Length


class _Hostile(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.0"  # the body ends when the connection closes: no Content-Length needed

    def do_GET(self) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        if self.path == "/bomb":
            self.send_header("Content-Encoding", "gzip")
        self.end_headers()
        chunk, count = (MEMBER, BOMB_MEMBERS) if self.path == "/bomb" else (b" " * (1 << 20), PLAIN_CHUNKS)
        try:
            for _ in range(count):
                self.wfile.write(chunk)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up, as it should

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def hostile() -> Iterator[str]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Hostile)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


CHILD = """
import json, sys
from listening_post.sources.http import HttpClient, HttpPolicy, ResponseTooLargeError
http = HttpClient(HttpPolicy(max_attempts=1, read_timeout=10))
try:
    http.get(sys.argv[1])
    outcome = "read"
except ResponseTooLargeError as exc:
    outcome = str(exc)
hwm = next(int(l.split()[1]) for l in open("/proc/self/status") if l.startswith("VmHWM"))
print(json.dumps({"outcome": outcome, "peak_mib": hwm / 1024}))
"""


@pytest.mark.parametrize("path", ["/bomb", "/plain"])
def test_a_body_over_the_cap_is_refused_in_seconds_and_bounded_memory(hostile: str, path: str) -> None:
    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-c", CHILD, hostile + path], capture_output=True, text=True, timeout=60, check=True
    )
    elapsed = time.monotonic() - started
    result = json.loads(done.stdout)
    assert result["outcome"].startswith("response exceeds the 10485760-byte limit"), result
    assert elapsed < 10, elapsed
    assert result["peak_mib"] < 300, result
