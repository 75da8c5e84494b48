"""The one HTTP client every fetcher uses: timeouts, retries, rate limits, size cap, conditional GET.

urllib3 does the transport (connection pools, connect/read timeouts, streaming, gzip, redirects that drop
``Authorization`` across hosts); tenacity runs the retry policy (attempts, exponential backoff with full
jitter, ``Retry-After``). Both are small, pure Python and well kept, and urllib3 is already in every
Lambda Python runtime; requests or httpx would add packages for no feature we need.

Time comes from an injectable :class:`Clock`, so tests of backoff and rate limits run instantly.
Secrets never leave this module in a message: URLs are redacted before they reach an exception or a
report, and headers are never echoed.
"""

from __future__ import annotations

import email.utils
import json
import random
import time
from collections import deque
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import tenacity
import urllib3
from tenacity.wait import wait_base

from listening_post import __version__
from listening_post.sources.errors import HttpError

# Query parameters that carry credentials (YouTube's ``key``); their values never reach a message.
SENSITIVE_PARAMS = frozenset({"key", "api_key", "apikey", "access_token", "token", "client_secret", "password"})
# A reset value above this is an epoch time (X, Bluesky); below, seconds from now (Reddit, IETF draft).
_EPOCH_THRESHOLD = 1_000_000_000
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})


class Clock(Protocol):
    def time(self) -> float: ...  # wall clock, epoch seconds (to read epoch rate-limit resets)

    def monotonic(self) -> float: ...

    def sleep(self, seconds: float) -> None: ...


class SystemClock:
    def time(self) -> float:
        return time.time()

    def monotonic(self) -> float:
        return time.monotonic()

    def sleep(self, seconds: float) -> None:
        time.sleep(seconds)


class TransientHttpError(HttpError):
    """Worth another try: connection trouble, a timeout, 5xx or 429."""

    def __init__(self, message: str, *, url: str, status: int | None = None, retry_after: float | None = None) -> None:
        super().__init__(message, url=url, status=status)
        self.retry_after = retry_after


class RateLimitedError(HttpError):
    """The platform asks us to wait longer than we may (``max_wait``): the job stops, the run goes on."""


class ResponseTooLargeError(HttpError):
    pass


class HostDownError(HttpError):
    """The host refused a connection or its name did not resolve: it is not asked again during this run."""


@dataclass(frozen=True, slots=True)
class HttpPolicy:
    connect_timeout: float = 5.0
    read_timeout: float = 30.0
    max_attempts: int = 5
    backoff_initial: float = 1.0
    backoff_max: float = 60.0
    # The longest single wait we accept (Retry-After, a rate-limit reset, a full budget). Beyond it the
    # request fails at once: a Lambda cannot sleep for X's 15-minute window.
    max_wait: float = 120.0
    max_response_bytes: int = 10 * 1024 * 1024
    contact: str | None = None
    # How long a host that refused or did not resolve is not asked again: a CLI run's whole length, and a
    # few minutes of a warm collect function, which keeps its client between invocations.
    down_seconds: float = 300.0

    @property
    def user_agent(self) -> str:
        contact = f"; {self.contact}" if self.contact else ""
        return f"listening-post/{__version__} (public-opinion research for diplomatic missions{contact})"


@dataclass(slots=True)
class Response:
    status: int
    headers: dict[str, str]  # lower-case names
    body: bytes
    url: str  # redacted

    def header(self, name: str) -> str | None:
        return self.headers.get(name.lower())

    def json(self) -> Any:
        return json.loads(self.body)


def redact_url(url: str) -> str:
    parts = urlsplit(url)
    if not parts.query:
        return url
    pairs = [(k, "[redacted]" if k.lower() in SENSITIVE_PARAMS else v) for k, v in parse_qsl(parts.query, True)]
    return urlunsplit(parts._replace(query=urlencode(pairs, safe="[]:,")))


def retry_after_seconds(headers: Mapping[str, str], now: float) -> float | None:
    """Seconds to wait that the response asks for: ``Retry-After`` (seconds or HTTP date), else a rate-limit
    reset when nothing remains (``x-rate-limit-*`` of X, ``x-ratelimit-*`` of Reddit, ``RateLimit-*`` of
    Bluesky and the IETF draft)."""
    value = headers.get("retry-after")
    if value:
        value = value.strip()
        try:
            return max(0.0, float(value))
        except ValueError:
            parsed = email.utils.parsedate_to_datetime(value) if value else None
            if parsed is not None:
                return max(0.0, parsed.timestamp() - now)
    for prefix in ("x-rate-limit-", "x-ratelimit-", "ratelimit-"):
        remaining, reset = headers.get(prefix + "remaining"), headers.get(prefix + "reset")
        if remaining is None or reset is None:
            continue
        try:
            if float(remaining) > 0:
                return None
            reset_value = float(reset)
        except ValueError:
            continue
        return max(0.0, reset_value - now if reset_value > _EPOCH_THRESHOLD else reset_value)
    return None


@dataclass(slots=True)
class _HostState:
    per_minute: int | None = None
    sent: deque[float] = field(default_factory=deque)
    blocked_until: float = 0.0


class _FullJitter(wait_base):
    """Exponential backoff with full jitter; a server's Retry-After wins when it asks for longer."""

    def __init__(self, policy: HttpPolicy, rng: random.Random) -> None:
        self.policy, self.rng = policy, rng

    def __call__(self, retry_state: tenacity.RetryCallState) -> float:
        ceiling = min(self.policy.backoff_max, self.policy.backoff_initial * 2 ** (retry_state.attempt_number - 1))
        wait = self.rng.uniform(0, ceiling)
        exc = retry_state.outcome.exception() if retry_state.outcome else None
        if isinstance(exc, TransientHttpError) and exc.retry_after is not None:
            wait = max(wait, exc.retry_after)
        return wait


class HttpClient:
    """Sends requests with the policy; ``budgets`` caps requests per minute per host (Reddit: 100)."""

    def __init__(
        self,
        policy: HttpPolicy | None = None,
        *,
        clock: Clock | None = None,
        pool: urllib3.PoolManager | None = None,
        budgets: Mapping[str, int] | None = None,
        rng: random.Random | None = None,
    ) -> None:
        self.policy = policy or HttpPolicy()
        self.clock = clock or SystemClock()
        self.pool = pool or urllib3.PoolManager(num_pools=16, maxsize=2)
        self.rng = rng or random.Random()  # noqa: S311  # nosec B311 - jitter, not cryptography
        self._hosts: dict[str, _HostState] = {}
        self.requests_sent = 0
        # Hosts that refused or did not resolve, with the first failure: with no network every request would
        # otherwise wait out its retries (212 s for the example configuration), and a second try within one
        # run rarely finds a refusing host back. Each is asked again after policy.down_seconds.
        self.down_hosts: dict[str, str] = {}
        self._down_until: dict[str, float] = {}
        self.reached_hosts: set[str] = set()  # hosts that answered with any HTTP status
        for host, per_minute in (budgets or {}).items():
            self.set_budget(host, per_minute)

    def __repr__(self) -> str:
        return f"HttpClient({self.policy!r})"

    def set_budget(self, host: str, per_minute: int) -> None:
        self._host(host).per_minute = per_minute

    def _host(self, host: str) -> _HostState:
        return self._hosts.setdefault(host.lower(), _HostState())

    def get(self, url: str, **kwargs: Any) -> Response:
        return self.request("GET", url, **kwargs)

    def post(self, url: str, **kwargs: Any) -> Response:
        return self.request("POST", url, **kwargs)

    def request(
        self,
        method: str,
        url: str,
        *,
        params: Mapping[str, str | int | None] | None = None,
        headers: Mapping[str, str] | None = None,
        form: Mapping[str, str] | None = None,
        json_body: Any = None,
        etag: str | None = None,
        last_modified: str | None = None,
    ) -> Response:
        """One logical request, retried per the policy. 2xx and 304 return; anything else raises HttpError."""
        if params:
            query = urlencode([(k, str(v)) for k, v in params.items() if v is not None])
            url = f"{url}{'&' if urlsplit(url).query else '?'}{query}" if query else url
        sent_headers = {"User-Agent": self.policy.user_agent, "Accept-Encoding": "gzip, deflate"}
        body: bytes | None = None
        if form is not None:
            body = urlencode(form).encode()
            sent_headers["Content-Type"] = "application/x-www-form-urlencoded"
        elif json_body is not None:
            body = json.dumps(json_body).encode()
            sent_headers["Content-Type"] = "application/json"
        if etag:
            sent_headers["If-None-Match"] = etag
        if last_modified:
            sent_headers["If-Modified-Since"] = last_modified
        sent_headers.update(headers or {})
        shown = redact_url(url)
        retrying = tenacity.Retrying(
            stop=tenacity.stop_after_attempt(self.policy.max_attempts),
            wait=_FullJitter(self.policy, self.rng),
            retry=tenacity.retry_if_exception_type(TransientHttpError),
            sleep=self._sleep,
            reraise=True,
        )
        response: Response = retrying(self._once, method, url, shown, sent_headers, body)
        return response

    def _sleep(self, seconds: float) -> None:
        # Waits longer than max_wait were turned into RateLimitedError before tenacity got to sleep.
        self.clock.sleep(min(seconds, self.policy.max_wait))

    def _await_slot(self, host: str, shown: str) -> None:
        state = self._host(host)
        now = self.clock.monotonic()
        wait = max(0.0, state.blocked_until - now)
        if state.per_minute:
            while state.sent and state.sent[0] <= now - 60:
                state.sent.popleft()
            if len(state.sent) >= state.per_minute:
                wait = max(wait, state.sent[0] + 60 - now)
        if wait > self.policy.max_wait:
            raise RateLimitedError(f"rate limit: {host} is closed for another {wait:.0f} s", url=shown)
        if wait > 0:
            self.clock.sleep(wait)
        state.sent.append(self.clock.monotonic())

    def _once(self, method: str, url: str, shown: str, headers: dict[str, str], body: bytes | None) -> Response:
        host = urlsplit(url).netloc.lower()
        if host in self.down_hosts:
            if self.clock.monotonic() < self._down_until[host]:
                raise HostDownError(f"{host} is marked down for this run ({self.down_hosts[host]})", url=shown)
            del self.down_hosts[host], self._down_until[host]
        self._await_slot(host, shown)
        self.requests_sent += 1
        timeout = urllib3.Timeout(connect=self.policy.connect_timeout, read=self.policy.read_timeout)
        retries = urllib3.Retry(total=None, connect=0, read=0, status=0, other=0, redirect=5, raise_on_status=False)
        try:
            raw = self.pool.request(
                method, url, body=body, headers=headers, timeout=timeout, retries=retries, preload_content=False
            )
        except urllib3.exceptions.MaxRetryError as exc:
            if isinstance(exc.reason, urllib3.exceptions.NewConnectionError):  # refused, or the name did not resolve
                reason = self.down_hosts[host] = _describe(exc.reason)
                self._down_until[host] = self.clock.monotonic() + self.policy.down_seconds
                raise HostDownError(f"{reason}; {host} is not asked again in this run", url=shown) from None
            raise TransientHttpError(f"{_describe(exc.reason)}", url=shown) from None
        except urllib3.exceptions.HTTPError as exc:
            raise TransientHttpError(_describe(exc), url=shown) from None
        self.reached_hosts.add(host)
        try:
            received = {k.lower(): v for k, v in raw.headers.items()}
            self._note_rate_limit(host, received)
            status = raw.status
            if status in RETRY_STATUSES:
                wait = retry_after_seconds(received, self.clock.time())
                raw.drain_conn()
                if wait is not None and wait > self.policy.max_wait:
                    raise RateLimitedError(f"HTTP {status}, asked to wait {wait:.0f} s", url=shown, status=status)
                raise TransientHttpError(f"HTTP {status}", url=shown, status=status, retry_after=wait)
            data = self._read(raw, shown)
        except urllib3.exceptions.HTTPError as exc:  # a timeout or a cut connection while reading the body
            raw.close()
            raise TransientHttpError(_describe(exc), url=shown) from None
        except HttpError:
            raw.close()
            raise
        finally:
            raw.release_conn()
        if status == 304 or 200 <= status < 300:
            return Response(status, received, data, shown)
        raise HttpError(f"HTTP {status}", url=shown, status=status, body=data)

    def _read(self, raw: urllib3.BaseHTTPResponse, shown: str) -> bytes:
        limit = self.policy.max_response_bytes
        declared = raw.headers.get("content-length")
        if declared and declared.isdigit() and int(declared) > limit:
            raise ResponseTooLargeError(f"response of {declared} bytes exceeds the {limit}-byte limit", url=shown)
        chunks: list[bytes] = []
        total = 0
        for chunk in raw.stream(64 * 1024, decode_content=True):
            total += len(chunk)
            if total > limit:  # also catches a small gzip body that unpacks into a huge one
                raise ResponseTooLargeError(f"response exceeds the {limit}-byte limit", url=shown)
            chunks.append(chunk)
        return b"".join(chunks)

    def _note_rate_limit(self, host: str, headers: Mapping[str, str]) -> None:
        """When a response says nothing remains until a reset, hold further requests to that host."""
        if "retry-after" in headers:
            return  # handled with the retry of this very response
        wait = retry_after_seconds(headers, self.clock.time())
        if wait:
            state = self._host(host)
            state.blocked_until = max(state.blocked_until, self.clock.monotonic() + wait)


def _describe(exc: BaseException | None) -> str:
    if exc is None:
        return "connection failed"
    name = type(exc).__name__
    if isinstance(exc, urllib3.exceptions.NameResolutionError):  # before its parent NewConnectionError
        return "the host name did not resolve"
    if isinstance(exc, urllib3.exceptions.NewConnectionError):  # before TimeoutError: it subclasses it
        return "could not connect"
    if isinstance(exc, urllib3.exceptions.TimeoutError):
        return f"timed out ({name})"
    if isinstance(exc, urllib3.exceptions.ProtocolError):
        return "connection broken while reading the response"
    return f"connection failed ({name})"
