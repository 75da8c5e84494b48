"""A local HTTP server on 127.0.0.1 that replays scripted responses, and a clock that never really sleeps.

Routes map a path to a list of responses served in order (the last one repeats); each response may be
delayed (to trigger read timeouts), cut short, or carry any status and headers. Every request is
recorded, so tests can check what a fetcher asked for.
"""

from __future__ import annotations

import gzip
import json
import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit


@dataclass
class Reply:
    status: int = 200
    body: bytes | str | Any = b""
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0  # seconds before the status line: a read timeout when above the client's
    gzip: bool = False
    cut_after: int | None = None  # send a Content-Length for the whole body but only this many bytes

    def payload(self) -> bytes:
        if isinstance(self.body, bytes):
            return self.body
        if isinstance(self.body, str):
            return self.body.encode("utf-8")
        return json.dumps(self.body).encode("utf-8")


@dataclass
class Seen:
    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    body: bytes


class ReplayServer:
    def __init__(self) -> None:
        self.routes: dict[str, list[Reply]] = {}
        self.served: dict[str, int] = defaultdict(int)
        self.requests: list[Seen] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:  # quiet
                pass

            def _handle(self) -> None:
                parts = urlsplit(self.path)
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                query = {k: v[-1] for k, v in parse_qs(parts.query, keep_blank_values=True).items()}
                server.requests.append(
                    Seen(self.command, parts.path, query, {k.lower(): v for k, v in self.headers.items()}, body)
                )
                replies = server.routes.get(parts.path)
                if not replies:
                    reply = Reply(404, b'{"error": "NotFound"}', {"Content-Type": "application/json"})
                else:
                    index = server.served[parts.path]
                    server.served[parts.path] += 1
                    reply = replies[min(index, len(replies) - 1)]
                if reply.delay:
                    time.sleep(reply.delay)
                data = reply.payload()
                if reply.gzip:
                    data = gzip.compress(data)
                try:
                    self.send_response(reply.status)
                    for name, value in reply.headers.items():
                        self.send_header(name, value)
                    if reply.gzip:
                        self.send_header("Content-Encoding", "gzip")
                    self.send_header("Content-Length", str(len(data)))
                    if reply.cut_after is not None:
                        self.send_header("Connection", "close")
                    self.end_headers()
                    self.wfile.write(data if reply.cut_after is None else data[: reply.cut_after])
                    if reply.cut_after is not None:
                        self.close_connection = True
                except (BrokenPipeError, ConnectionResetError):
                    pass

            do_GET = _handle  # noqa: N815 - the names http.server calls
            do_POST = _handle  # noqa: N815

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)

    @property
    def url(self) -> str:
        host, port = self.httpd.server_address[:2]
        assert host == "127.0.0.1"
        return f"http://{host}:{port}"

    def route(self, path: str, *replies: Reply) -> None:
        self.routes[path] = list(replies)
        self.served[path] = 0

    def seen(self, path: str) -> list[Seen]:
        return [r for r in self.requests if r.path == path]

    def __enter__(self) -> ReplayServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


class FakeClock:
    """Time that moves only when someone sleeps: backoff and rate-limit tests run instantly."""

    def __init__(self, start: float = 1_800_000_000.0) -> None:
        self.start = start
        self.elapsed = 0.0
        self.sleeps: list[float] = []

    def time(self) -> float:
        return self.start + self.elapsed

    def monotonic(self) -> float:
        return self.elapsed

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.elapsed += seconds


JSON = {"Content-Type": "application/json; charset=utf-8"}
