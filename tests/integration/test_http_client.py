"""The shared HTTP client against a local server: retries, waits, limits, sizes, conditional GET."""

from __future__ import annotations

import random
import socket

import pytest

from listening_post.sources.http import (
    HostDownError,
    HttpClient,
    HttpError,
    HttpPolicy,
    RateLimitedError,
    ResponseTooLargeError,
    TransientHttpError,
)
from tests.replay import JSON, FakeClock, ReplayServer, Reply

pytestmark = pytest.mark.integration


def client(clock: FakeClock, **policy: object) -> HttpClient:
    defaults: dict[str, object] = {"read_timeout": 0.5, "connect_timeout": 0.5, "max_attempts": 4}
    return HttpClient(HttpPolicy(**{**defaults, **policy}), clock=clock, rng=random.Random(7))  # type: ignore[arg-type]


def test_429_waits_as_long_as_retry_after_says(replay: ReplayServer, clock: FakeClock) -> None:
    replay.route("/a", Reply(429, b"slow down", {"Retry-After": "7"}), Reply(200, b"ok"))
    response = client(clock).get(replay.url + "/a")
    assert response.body == b"ok" and len(replay.seen("/a")) == 2
    assert clock.sleeps == [7.0]  # the server's wait wins over the (shorter) backoff


def test_500s_are_retried_with_growing_jittered_backoff(replay: ReplayServer, clock: FakeClock) -> None:
    replay.route("/a", Reply(500), Reply(502), Reply(503), Reply(200, b"ok"))
    assert client(clock, backoff_initial=1.0).get(replay.url + "/a").body == b"ok"
    assert len(clock.sleeps) == 3
    for attempt, slept in enumerate(clock.sleeps):
        assert 0 <= slept <= 2**attempt  # full jitter under a doubling ceiling


def test_retries_give_up_after_max_attempts(replay: ReplayServer, clock: FakeClock) -> None:
    replay.route("/a", Reply(503))
    with pytest.raises(TransientHttpError, match="HTTP 503"):
        client(clock, max_attempts=3).get(replay.url + "/a")
    assert len(replay.seen("/a")) == 3


def test_client_errors_are_not_retried(replay: ReplayServer, clock: FakeClock) -> None:
    replay.route("/a", Reply(403, b'{"error": {"errors": [{"reason": "quotaExceeded"}]}}', JSON))
    with pytest.raises(HttpError) as err:
        client(clock).get(replay.url + "/a")
    assert err.value.status == 403 and err.value.error_code == "quotaExceeded"
    assert len(replay.seen("/a")) == 1 and clock.sleeps == []


def test_a_read_timeout_is_retried(replay: ReplayServer, clock: FakeClock) -> None:
    replay.route("/slow", Reply(200, b"late", delay=1.0), Reply(200, b"on time"))
    assert client(clock, read_timeout=0.2).get(replay.url + "/slow").body == b"on time"
    assert len(clock.sleeps) == 1


def test_a_body_cut_short_is_retried(replay: ReplayServer, clock: FakeClock) -> None:
    replay.route("/cut", Reply(200, b'{"posts": [1, 2, 3]}', cut_after=5), Reply(200, b'{"posts": []}'))
    assert client(clock).get(replay.url + "/cut").body == b'{"posts": []}'


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])  # closed again when the block ends: nobody listens there


def test_a_refused_host_is_marked_down_after_the_first_failure(replay: ReplayServer, clock: FakeClock) -> None:
    http = client(clock, max_attempts=5)
    port = closed_port()
    with pytest.raises(HostDownError, match=rf"could not connect; 127\.0\.0\.1:{port} is not asked again"):
        http.get(f"http://127.0.0.1:{port}/x")
    assert http.requests_sent == 1 and clock.sleeps == []  # refused: no retry, no backoff
    with pytest.raises(HostDownError, match="marked down for this run"):
        http.get(f"http://127.0.0.1:{port}/y")
    assert http.requests_sent == 1  # not even tried
    assert http.down_hosts == {f"127.0.0.1:{port}": "could not connect"}
    replay.route("/a", Reply(200, b"ok"))
    assert http.get(replay.url + "/a").body == b"ok"  # other hosts are unaffected
    assert http.reached_hosts == {replay.url.split("//")[1]}
    clock.sleep(300)  # a warm collect function keeps its client: the host is asked again later
    with pytest.raises(HostDownError, match="could not connect; "):
        http.get(f"http://127.0.0.1:{port}/z")
    assert http.requests_sent == 3


def test_a_name_that_does_not_resolve_is_marked_down(clock: FakeClock) -> None:
    http = client(clock, max_attempts=5)
    for path in ("/a", "/b", "/c"):
        with pytest.raises(HostDownError, match="did not resolve"):
            http.get(f"http://listening-post-test.invalid{path}")
    assert http.requests_sent == 1 and clock.sleeps == []


def test_a_wait_longer_than_allowed_fails_at_once(replay: ReplayServer, clock: FakeClock) -> None:
    replay.route("/a", Reply(429, b"", {"Retry-After": "900"}))
    with pytest.raises(RateLimitedError, match="asked to wait 900 s"):
        client(clock, max_wait=60).get(replay.url + "/a")
    assert clock.sleeps == [] and len(replay.seen("/a")) == 1


def test_rate_limit_headers_hold_the_next_request(replay: ReplayServer, clock: FakeClock) -> None:
    # X's reset is an epoch time; Reddit's is seconds from now; both say "nothing remains".
    reset = int(clock.time()) + 30
    replay.route("/x", Reply(200, b"1", {"x-rate-limit-remaining": "0", "x-rate-limit-reset": str(reset)}))
    replay.route("/r", Reply(200, b"1", {"X-Ratelimit-Remaining": "0.0", "X-Ratelimit-Reset": "12"}))
    http = client(clock)
    http.get(replay.url + "/x")
    http.get(replay.url + "/r")  # same host: waits for X's reset first
    assert clock.sleeps == [30.0]
    http.get(replay.url + "/r")
    assert clock.sleeps == [30.0, 12.0]


def test_bluesky_ratelimit_headers_are_read(replay: ReplayServer, clock: FakeClock) -> None:
    reset = int(clock.time()) + 5
    replay.route("/b", Reply(429, b"{}", {"RateLimit-Remaining": "0", "RateLimit-Reset": str(reset)}), Reply(200))
    client(clock).get(replay.url + "/b")
    assert clock.sleeps == [5.0]


def test_per_host_budget(replay: ReplayServer, clock: FakeClock) -> None:
    replay.route("/a", Reply(200, b"ok"))
    http = client(clock)
    http.set_budget(replay.url.removeprefix("http://"), 3)
    for _ in range(7):
        http.get(replay.url + "/a")
    assert clock.sleeps == [60.0, 60.0]  # the 4th and 7th request wait for the window to slide


def test_response_size_cap_also_after_decompression(replay: ReplayServer, clock: FakeClock) -> None:
    replay.route("/big", Reply(200, b"x" * 5000))
    replay.route("/bomb", Reply(200, b"0" * 200_000, gzip=True))
    http = client(clock, max_response_bytes=4096)
    with pytest.raises(ResponseTooLargeError, match="5000 bytes"):
        http.get(replay.url + "/big")
    with pytest.raises(ResponseTooLargeError):
        http.get(replay.url + "/bomb")  # a few hundred bytes on the wire
    assert len(replay.seen("/big")) == 1  # not retried


def test_gzip_is_unpacked(replay: ReplayServer, clock: FakeClock) -> None:
    replay.route("/g", Reply(200, b'{"a": 1}', gzip=True))
    assert client(clock).get(replay.url + "/g").json() == {"a": 1}
    assert "gzip" in replay.seen("/g")[0].headers["accept-encoding"]


def test_conditional_get_and_user_agent(replay: ReplayServer, clock: FakeClock) -> None:
    replay.route("/feed", Reply(304))
    response = client(clock, contact="press@example.org").get(
        replay.url + "/feed", etag='"v1"', last_modified="Mon, 23 Nov 2026 10:00:00 GMT"
    )
    assert response.status == 304 and response.body == b""
    seen = replay.seen("/feed")[0].headers
    assert seen["if-none-match"] == '"v1"' and seen["if-modified-since"].startswith("Mon, 23 Nov 2026")
    assert seen["user-agent"].startswith("listening-post/") and "press@example.org" in seen["user-agent"]


def test_secrets_in_urls_never_reach_a_message(replay: ReplayServer, clock: FakeClock) -> None:
    replay.route("/yt", Reply(400, b'{"error": {"code": 400}}', JSON))
    with pytest.raises(HttpError) as err:
        client(clock).get(replay.url + "/yt", params={"key": "AIzaSECRET", "videoId": "v1"})
    assert "AIzaSECRET" not in str(err.value) and "videoId=v1" in str(err.value)
    assert "AIzaSECRET" not in repr(err.value)
