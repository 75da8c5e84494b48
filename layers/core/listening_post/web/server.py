"""``listening-post serve``: the API on a local port, through the same resolver the Lambda runs.

Each HTTP request becomes an API Gateway HTTP API (v2) event, so what is tested here is what is deployed.
The server binds to 127.0.0.1 by default: it is a reading room for one desk, not a public site.

HTTP itself is waitress's (ZPL-2.1, pure Python): it reads requests in one event loop and hands only complete
ones to a fixed pool of threads, so a slow or stalled client holds a socket until the read timeout, never a
thread; it answers malformed framing (``Content-Length: abc``, ``-5``, oversized headers or bodies) with a
4xx itself. This module adds what is particular to a server on a laptop: only requests naming this machine
in ``Host`` are answered (a web page elsewhere cannot reach it by pointing a name at 127.0.0.1, i.e. DNS
rebinding), and every response, waitress's own errors included, carries the pages' security headers.
"""

from __future__ import annotations

import base64
import ipaddress
import json
import logging
import threading
import uuid
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from http import HTTPStatus
from typing import Any, cast
from urllib.parse import parse_qsl, urlsplit

from aws_lambda_powertools.event_handler import APIGatewayHttpResolver
from waitress.adjustments import Adjustments
from waitress.channel import HTTPChannel
from waitress.server import TcpWSGIServer
from waitress.task import ErrorTask, ThreadedTaskDispatcher

from listening_post.web.api import SECURITY_HEADERS

log = logging.getLogger(__name__)
MAX_BODY = 64 * 1024  # the API has no request bodies; anything larger is refused (413)
MAX_HEADERS = 32 * 1024  # request line and headers (431 beyond)
READ_TIMEOUT = 10  # seconds a connection may stay silent before it is closed
WORKERS = 4  # threads answering complete requests; connections wait in the event loop, not in threads
MAX_CONNECTIONS = 200  # open connections; more wait in the listen backlog
LOCAL_NAMES = frozenset({"localhost", "127.0.0.1", "::1", "localhost.localdomain"})

StartResponse = Callable[[str, list[tuple[str, str]]], Any]


def to_event(
    method: str, target: str, headers: dict[str, str], body: bytes, *, source_ip: str = "127.0.0.1"
) -> dict[str, Any]:
    """An API Gateway HTTP API (payload 2.0) event, with every field the deployed handler's model requires."""
    parts = urlsplit(target)
    now = datetime.now(UTC)
    lowered = {k.lower(): v for k, v in headers.items()}
    return {
        "version": "2.0",
        "routeKey": "$default",
        "rawPath": parts.path or "/",
        "rawQueryString": parts.query,
        # As API Gateway passes them: decoded, a repeated name's values joined by commas.
        **({"queryStringParameters": _query_parameters(parts.query)} if parts.query else {}),
        "headers": lowered,
        "requestContext": {
            "accountId": "local",
            "apiId": "local",
            "domainName": lowered.get("host", "localhost"),
            "domainPrefix": "local",
            "http": {
                "method": method,
                "path": parts.path or "/",
                "protocol": "HTTP/1.1",
                "sourceIp": source_ip,
                "userAgent": lowered.get("user-agent", ""),
            },
            "requestId": str(uuid.uuid4()),
            "routeKey": "$default",
            "stage": "$default",
            "time": now.strftime("%d/%b/%Y:%H:%M:%S +0000"),
            "timeEpoch": int(now.timestamp() * 1000),
        },
        "body": base64.b64encode(body).decode() if body else None,
        "isBase64Encoded": bool(body),
    }


def _query_parameters(query: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for key, value in parse_qsl(query, keep_blank_values=True):
        out[key] = f"{out[key]},{value}" if key in out else value
    return out


def host_name(header: str) -> str:
    """The name in a Host header, without the port: ``[::1]:8080`` -> ``::1``, ``Localhost.`` -> ``localhost``."""
    header = header.strip().lower()
    if header.startswith("["):
        return header[1 : header.find("]")] if "]" in header else ""
    return header.rsplit(":", 1)[0].rstrip(".") if header.count(":") <= 1 else header


def allowed_hosts(bound: str) -> frozenset[str]:
    """This machine's names, and the address the server is bound to (when it is one a client can name)."""
    try:
        unspecified = ipaddress.ip_address(bound).is_unspecified  # 0.0.0.0 or ::, which no client names
    except ValueError:  # a host name
        unspecified = not bound
    return LOCAL_NAMES | ({bound.lower()} if not unspecified else set())


def _headers(headers: Iterable[tuple[str, str]]) -> list[tuple[str, str]]:
    out = [(k, v) for k, v in headers]
    present = {k.lower() for k, _ in out}
    return out + [(k, v) for k, v in SECURITY_HEADERS.items() if k.lower() not in present]


def _json(status: str, message: str) -> tuple[str, list[tuple[str, str]], bytes]:
    body = json.dumps({"error": message}).encode()
    return status, _headers([("Content-Type", "application/json"), ("Content-Length", str(len(body)))]), body


def make_wsgi_app(app: APIGatewayHttpResolver, hosts: frozenset[str]) -> Callable[..., list[bytes]]:
    # Powertools' resolver keeps the current request on the app object (Lambda runs one request at a
    # time); threads must take turns, or one request's route parameters leak into another's.
    resolving = threading.Lock()

    def application(environ: dict[str, Any], start_response: StartResponse) -> list[bytes]:
        if host_name(environ.get("HTTP_HOST", "")) not in hosts:
            status, headers, body = _json("400 Bad Request", "this server answers only to localhost (Host header)")
            start_response(status, headers)
            return [body]
        length = int(environ.get("CONTENT_LENGTH") or 0)  # waitress has checked it: digits, within MAX_BODY
        data = environ["wsgi.input"].read(length) if length else b""
        request_headers = {
            key[5:].replace("_", "-").lower(): value for key, value in environ.items() if key.startswith("HTTP_")
        }
        method = environ["REQUEST_METHOD"]
        event = to_event(
            "GET" if method == "HEAD" else method,  # waitress leaves HEAD's body out
            environ.get("REQUEST_URI") or "/",
            request_headers,
            data,
            source_ip=environ.get("REMOTE_ADDR", "127.0.0.1"),
        )
        with resolving:
            result = app.resolve(event, cast(Any, None))  # no Lambda context outside Lambda
        payload = result.get("body") or ""
        body = base64.b64decode(payload) if result.get("isBase64Encoded") else str(payload).encode("utf-8")
        code = int(result["statusCode"])
        headers = _headers([*(result.get("headers") or {}).items(), ("Content-Length", str(len(body)))])
        start_response(f"{code} {_reason(code)}", headers)
        return [body]

    return application


def _reason(code: int) -> str:
    try:
        return HTTPStatus(code).phrase
    except ValueError:
        return "Status"


class _ErrorTask(ErrorTask):  # type: ignore[misc]
    """waitress's own error answers (bad framing, too large) with the same security headers as the rest."""

    def execute(self) -> None:
        # ErrorTask.execute, with the headers added before the body is written (writing sends the head).
        status, headers, body = self.request.error.to_response(self.channel.server.adj.ident)
        self.status = status
        self.response_headers.extend([*headers, *SECURITY_HEADERS.items()])
        self.set_close_on_finish()
        self.content_length = len(body)
        self.write(body)


class _Channel(HTTPChannel):  # type: ignore[misc]
    error_task_class = _ErrorTask


class _Server(TcpWSGIServer):  # type: ignore[misc]
    channel_class = _Channel


class BriefServer:
    """The local server: ``serve_forever`` in one thread, ``shutdown`` from another."""

    def __init__(
        self, application: Callable[..., Any], host: str, port: int, *, read_timeout: float | None = None
    ) -> None:
        read_timeout = READ_TIMEOUT if read_timeout is None else read_timeout
        adj = Adjustments(
            listen=f"[{host}]:{port}" if ":" in host else f"{host}:{port}",
            threads=WORKERS,
            connection_limit=MAX_CONNECTIONS,
            channel_timeout=read_timeout,
            cleanup_interval=max(1, int(read_timeout // 2)),
            max_request_header_size=MAX_HEADERS,
            max_request_body_size=MAX_BODY,
            ident="listening-post",
            asyncore_use_poll=True,  # select() stops at 1024 descriptors; poll() does not
            expose_tracebacks=False,
        )
        self._dispatcher = ThreadedTaskDispatcher()
        self._dispatcher.set_thread_count(adj.threads)
        self._map: dict[int, Any] = {}
        self._server = _Server(application, self._map, dispatcher=self._dispatcher, adj=adj, sockinfo=adj.listen[0])
        self.server_address: tuple[str, int] = (str(self._server.effective_host), int(self._server.effective_port))
        self._stopped = threading.Event()

    def serve_forever(self) -> None:
        try:
            self._server.run()
        finally:
            self._stopped.set()

    def _close_all(self) -> None:  # runs in the event loop's thread (through the trigger)
        for dispatcher in list(self._map.values()):
            dispatcher.close()

    def shutdown(self, timeout: float = 10) -> None:
        if not self._stopped.is_set():
            self._server.trigger.pull_trigger(self._close_all)
            self._stopped.wait(timeout)
        self._dispatcher.shutdown(timeout=timeout)

    def server_close(self) -> None:
        if not self._stopped.is_set():
            self._close_all()
        self._dispatcher.shutdown(timeout=1)


def make_server(
    app: APIGatewayHttpResolver, host: str = "127.0.0.1", port: int = 8080, *, read_timeout: float | None = None
) -> BriefServer:
    """The server, bound (``port`` 0 picks a free one: see ``server_address``); OSError if the port is taken."""
    return BriefServer(make_wsgi_app(app, allowed_hosts(host)), host, port, read_timeout=read_timeout)
