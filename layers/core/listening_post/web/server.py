"""``listening-post serve``: the API on a local port, through the same resolver the Lambda runs.

Each HTTP request becomes an API Gateway HTTP API (v2) event, so what is tested here is what is deployed.
The server binds to 127.0.0.1 by default: it is a reading room for one desk, not a public site.
"""

from __future__ import annotations

import base64
import logging
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, cast
from urllib.parse import urlsplit

from aws_lambda_powertools.event_handler import APIGatewayHttpResolver

log = logging.getLogger(__name__)
MAX_BODY = 64 * 1024  # the API has no request bodies; anything larger is refused


def to_event(method: str, target: str, headers: dict[str, str], body: bytes) -> dict[str, Any]:
    parts = urlsplit(target)
    return {
        "version": "2.0",
        "routeKey": "$default",
        "rawPath": parts.path or "/",
        "rawQueryString": parts.query,
        "headers": {k.lower(): v for k, v in headers.items()},
        "requestContext": {
            "http": {"method": method, "path": parts.path or "/", "protocol": "HTTP/1.1", "sourceIp": "127.0.0.1"},
            "stage": "$default",
        },
        "body": base64.b64encode(body).decode() if body else None,
        "isBase64Encoded": bool(body),
    }


def make_handler(app: APIGatewayHttpResolver) -> type[BaseHTTPRequestHandler]:
    # Powertools' resolver keeps the current request on the app object (Lambda runs one request at a
    # time); threads must take turns, or one request's route parameters leak into another's.
    resolving = threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        server_version = "listening-post"
        sys_version = ""

        def _dispatch(self, method: str | None = None) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            if length > MAX_BODY:
                self._send(413, {"Content-Type": "application/json"}, b'{"error": "request too large"}')
                return
            body = self.rfile.read(length) if length else b""
            event = to_event(method or self.command, self.path, dict(self.headers.items()), body)
            with resolving:
                result = app.resolve(event, cast(Any, None))  # no Lambda context outside Lambda
            payload = result.get("body") or ""
            data = base64.b64decode(payload) if result.get("isBase64Encoded") else str(payload).encode("utf-8")
            self._send(int(result["statusCode"]), result.get("headers") or {}, data)

        def _send(self, status: int, headers: dict[str, str], data: bytes) -> None:
            self.send_response(status)
            for key, value in headers.items():
                self.send_header(key, value)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(data)

        def do_GET(self) -> None:
            self._dispatch()

        def do_HEAD(self) -> None:
            self._dispatch("GET")  # same answer as GET; _send leaves the body out

        def __getattr__(self, name: str) -> Any:
            # Every other method (POST, PUT, OPTIONS, TRACE, made-up ones) goes to the resolver, which
            # answers 4xx: the stdlib would answer 501, a server error, for a client's mistake.
            if name.startswith("do_"):
                return self._dispatch
            raise AttributeError(name)

        def log_message(self, format: str, *args: Any) -> None:
            log.debug("%s - %s", self.address_string(), format % args)

    return Handler


class BriefServer(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128  # the stdlib's 5 drops connections as soon as a few dozen readers arrive


def make_server(app: APIGatewayHttpResolver, host: str = "127.0.0.1", port: int = 8080) -> ThreadingHTTPServer:
    return BriefServer((host, port), make_handler(app))
