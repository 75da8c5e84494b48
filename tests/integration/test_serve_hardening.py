"""`listening-post serve` against clients that misbehave, on 127.0.0.1 with bounded loops: bad framing is a
prompt 400, stalled clients hold sockets (closed after the read timeout) but not threads, a Host naming
another site is refused, every answer carries the security headers, and no traceback is logged. The
figures (threads held, seconds per bad request) are printed with -s."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from listening_post.cli import main
from listening_post.lake import Lake
from listening_post.web import server as server_module
from listening_post.web.api import SECURITY_HEADERS, create_app
from listening_post.web.store import BriefStore

pytestmark = pytest.mark.integration
DEMO_CONFIG = Path(__file__).resolve().parents[2] / "layers/core/listening_post/demo/config.yaml"
READ_TIMEOUT = 1.0
SLOW_CLIENTS = 300


@pytest.fixture
def served(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[str, int]]:
    lake = Lake.from_uri(str(tmp_path / "lake"))
    lake.write_json("briefs/country=CA/week=2026-W47/summary.json", {"week": "2026-W47"})
    lake.write_bytes("briefs/country=CA/week=2026-W47/brief.html", b"<html><body>brief</body></html>")
    monkeypatch.setattr(server_module, "READ_TIMEOUT", READ_TIMEOUT, raising=False)
    httpd = server_module.make_server(create_app(BriefStore(lake), {"CA": "Canada"}), "127.0.0.1", 0)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield "127.0.0.1", int(httpd.server_address[1])
    httpd.shutdown()
    httpd.server_close()


def exchange(address: tuple[str, int], request: bytes, timeout: float = 5) -> tuple[int | None, dict[str, str], float]:
    """Send raw bytes; the status and headers of the answer (None if the server closed without one) and the
    seconds it took."""
    started = time.monotonic()
    with socket.create_connection(address, timeout=timeout) as sock:
        sock.sendall(request)
        data = b""
        try:
            while b"\r\n\r\n" not in data:
                chunk = sock.recv(65536)
                if not chunk:
                    break
                data += chunk
        except TimeoutError:
            pass
    elapsed = time.monotonic() - started
    if not data.startswith(b"HTTP/"):
        return None, {}, elapsed
    head = data.split(b"\r\n\r\n", 1)[0].decode("latin-1").split("\r\n")
    headers = {k.strip().lower(): v.strip() for k, v in (line.split(":", 1) for line in head[1:] if ":" in line)}
    return int(head[0].split()[1]), headers, elapsed


def has_security_headers(headers: dict[str, str]) -> bool:
    return all(headers.get(k.lower()) == v for k, v in SECURITY_HEADERS.items())


@pytest.mark.parametrize("length", ["abc", "-5", "1e3", "0x10", "99999999999999999999"])
def test_bad_content_length_is_a_prompt_400(served: tuple[str, int], length: str) -> None:
    request = f"POST /countries HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: {length}\r\n\r\n".encode()
    status, headers, seconds = exchange(served, request)
    print(f"Content-Length: {length!r}: {status} in {seconds:.3f} s")
    assert status in (400, 413), (length, status, seconds)
    assert seconds < 1.0
    assert has_security_headers(headers), headers


def test_stalled_clients_hold_no_thread_and_are_closed_after_the_read_timeout(served: tuple[str, int]) -> None:
    before = threading.active_count()
    clients = []
    try:
        for _ in range(SLOW_CLIENTS):
            sock = socket.create_connection(served, timeout=5)
            sock.sendall(b"GET /countries HTTP/1.1\r\nHost: 127.0")  # and then nothing more
            clients.append(sock)
        time.sleep(0.5)
        held = threading.active_count() - before
        # Meanwhile a well-behaved client is answered.
        status, _, seconds = exchange(
            served, b"GET /countries HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
        )
        print(f"{SLOW_CLIENTS} stalled clients: {held} threads more; a normal request took {seconds:.3f} s")
        assert held <= server_module.WORKERS, held
        assert status == 200 and seconds < 2.0
        # Each stalled connection is closed by the server once the read timeout has passed.
        deadline = time.monotonic() + READ_TIMEOUT * 6
        open_ = list(clients)
        while open_ and time.monotonic() < deadline:
            still = []
            for sock in open_:
                sock.settimeout(0.01)
                try:
                    if sock.recv(1024) == b"":
                        continue
                except TimeoutError:
                    still.append(sock)
                except OSError:
                    continue
            open_ = still
            time.sleep(0.05)
        print(f"still open {READ_TIMEOUT * 6:.0f} s later: {len(open_)}")
        assert open_ == []
    finally:
        for sock in clients:
            sock.close()


@pytest.mark.parametrize(
    ("host", "expected"),
    [
        ("127.0.0.1", 200),
        ("localhost", 200),
        ("LOCALHOST:{port}", 200),
        ("[::1]:{port}", 200),
        ("evil.example", 400),
        ("evil.example:{port}", 400),
        ("127.0.0.1.evil.example", 400),
        ("localhost@evil.example", 400),
        ("", 400),
    ],
)
def test_only_requests_naming_this_machine_are_answered(served: tuple[str, int], host: str, expected: int) -> None:
    line = f"Host: {host.format(port=served[1])}\r\n" if host else ""
    status, headers, _ = exchange(served, f"GET /countries HTTP/1.1\r\n{line}Connection: close\r\n\r\n".encode())
    assert status == expected, (host, status)
    assert has_security_headers(headers)


@pytest.mark.parametrize(
    "request_line",
    [
        "GET / HTTP/1.1",
        "GET /countries HTTP/1.1",
        "GET /countries/CA/weeks HTTP/1.1",
        "GET /countries/CA/weeks/2026-W47/summary HTTP/1.1",
        "GET /countries/CA/weeks/2026-W47/brief HTTP/1.1",
        "HEAD /countries/CA/weeks/2026-W47/brief HTTP/1.1",
        "GET /countries/ZZ/weeks HTTP/1.1",
        "GET /countries/CA/weeks/2026-W40/brief HTTP/1.1",
        "GET /nowhere HTTP/1.1",
        "DELETE /countries HTTP/1.1",
        "GET /openapi.json HTTP/1.1",
    ],
)
def test_every_answer_has_the_security_headers(served: tuple[str, int], request_line: str) -> None:
    status, headers, _ = exchange(served, f"{request_line}\r\nHost: localhost\r\nConnection: close\r\n\r\n".encode())
    assert status is not None and status < 500
    assert has_security_headers(headers), (request_line, headers)


def test_oversized_headers_and_bodies_are_refused_with_the_headers(served: tuple[str, int]) -> None:
    big_header = b"GET / HTTP/1.1\r\nHost: localhost\r\nX-Filler: " + b"a" * 100_000 + b"\r\n\r\n"
    status, headers, _ = exchange(served, big_header)
    assert status in (400, 431) and has_security_headers(headers)
    big_body = b"POST /countries HTTP/1.1\r\nHost: localhost\r\nContent-Length: 200000\r\n\r\n" + b"x" * 200_000
    status, headers, _ = exchange(served, big_body)
    assert status == 413 and has_security_headers(headers)


def test_misbehaving_clients_leave_no_traceback(
    served: tuple[str, int], capfd: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture
) -> None:
    for request in (
        b"GET /countries HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: abc\r\n\r\n",
        b"GET /countries HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: -5\r\n\r\n",
        b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03" + b"\x00" * 64,  # a TLS hello to a plain port
        b"GET /countries HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 10\r\n\r\nshort",  # then closes
    ):
        exchange(served, request, timeout=0.5)
    time.sleep(READ_TIMEOUT * 2)  # the stalled one is closed by then
    out, err = capfd.readouterr()
    assert "Traceback" not in out + err + caplog.text


def test_serve_on_a_busy_port_says_so_in_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with pytest.raises(SystemExit) as exit_:
            main(["serve", "--lake", str(tmp_path / "lake"), "--port", str(port), "--config", str(DEMO_CONFIG)])
    assert exit_.value.code == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and f"port {port}" in err[0] and "--port" in err[0], err


def test_the_bound_address_is_allowed_unless_it_is_a_wildcard() -> None:
    assert server_module.allowed_hosts("192.168.1.5") == server_module.LOCAL_NAMES | {"192.168.1.5"}
    assert server_module.allowed_hosts("0.0.0.0") == server_module.LOCAL_NAMES
    assert server_module.allowed_hosts("::") == server_module.LOCAL_NAMES
    assert [server_module.host_name(h) for h in ("[::1]:8080", "LocalHost.", "localhost:80", "")] == [
        "::1",
        "localhost",
        "localhost",
        "",
    ]
