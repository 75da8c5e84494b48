"""Threads (Meta's Threads API, ``graph.threads.net``): keyword search and public profiles' posts.

Two endpoints are read, both answering with media objects in ``data`` and Graph-style ``paging``:

* ``GET /v1.0/keyword_search?q=…&search_type=TOP|RECENT`` (permission ``threads_keyword_search``): one
  search per OR branch of the query, since Meta documents no search operators; the posts found are then
  filtered with the whole query here (exclusions, phrases).
* ``GET /v1.0/profile_posts?username=…`` (permission ``threads_profile_discovery``) for the public profiles
  configured per country (``countries[].sources.threads.profiles``), filtered with the query here.
  ``GET /{user-id}/threads`` is not used: Meta serves it only for the token's own account.

Meta's documented limits (developers.facebook.com/docs/threads): keyword search 2,200 queries per user in a
rolling 24 hours, profile look-ups 1,000 requests per user in 24 hours, at most 100 posts per request. The
fetcher spends at most an hourly share of each (``search_requests_per_hour``, ``profile_requests_per_hour``)
in a sliding hour, so that a warm collect function, which keeps its fetcher from one run to the next, and
the command line count alike; 429 and Retry-After are the shared HTTP client's.

Privacy: a media object names its author twice, ``username`` (the native author, pseudonymised) and the
``permalink`` (``threads.net/@user/post/…``), which is the reader's ``link`` (kept in ``links/``), never the
post's ``url``. The media id names nobody. The access token travels as the documented ``access_token``
parameter, which the HTTP client redacts from every URL it shows; origins never hold it, nor a username.

At its top this module imports what ``sources/spec.py`` allows a platform module; the HTTP client is the
fetch side's, given in ``FetcherArgs``.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections import deque
from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any, Literal
from urllib.parse import urlsplit

from pydantic import Field, field_validator

from listening_post.parsed import ParsedPost
from listening_post.sources.base import (
    MALFORMED,
    Page,
    PayloadError,
    RecordError,
    Reject,
    as_dict,
    describe,
    load_json,
    parse_timestamp,
    reason_of,
    require_str,
)
from listening_post.sources.errors import HttpError
from listening_post.sources.fetch import FetchedPage, keep_matching
from listening_post.sources.query_syntax import MAX_BRANCHES, QueryTranslationError, _dnf, _nnf, _Writer
from listening_post.sources.spec import (
    URL_PATTERN,
    AuthorFormError,
    FetcherArgs,
    PagedSettings,
    Platform,
    Resolver,
    SecretRef,
    StrictModel,
)

if TYPE_CHECKING:
    from listening_post.query import Query
    from listening_post.sources.fetch import FetchContext, Job
    from listening_post.sources.http import Clock

SOURCE = "threads"
API_VERSION = "v1.0"
# Every field a public post has that we store or read (Meta's media fields, less media URLs and owner,
# which keyword search and profile_posts do not return).
FIELDS = (
    "id,media_type,permalink,username,text,timestamp,shortcode,is_quote_post,quoted_post,reposted_post,"
    "is_reply,replied_to,root_post,link_attachment_url,topic_tag"
)
MAX_LIMIT = 100  # documented maximum of ``limit``
_USERNAME = r"^[A-Za-z0-9._]{1,30}$"  # Threads shares Instagram's usernames: letters, digits, "." and "_"
_PROFILE_HOSTS = ("threads.net", "www.threads.net", "threads.com", "www.threads.com")


class ThreadsSettings(PagedSettings):
    """``sources.threads``."""

    access_token: SecretRef | None = None  # a Threads user access token (long-lived: 60 days, refreshable)
    base_url: str = Field(default="https://graph.threads.net", pattern=URL_PATTERN)
    search_type: Literal["TOP", "RECENT"] = "RECENT"
    page_size: int = Field(default=MAX_LIMIT, ge=1, le=MAX_LIMIT, description="posts per request")
    # Hourly shares of Meta's daily quotas (2,200 searches and 1,000 profile requests per 24 h): about 1/24.
    search_requests_per_hour: int = Field(default=90, ge=1, le=2200)
    profile_requests_per_hour: int = Field(default=40, ge=1, le=1000)


class ThreadsCountry(StrictModel):
    """``countries[].sources.threads``: public profiles whose posts are read, by username."""

    profiles: list[str] = Field(default_factory=list, max_length=200)

    @field_validator("profiles")
    @classmethod
    def _profiles(cls, values: list[str]) -> list[str]:
        out = []
        for value in values:
            name = value.strip().removeprefix("@")
            if not re.match(_USERNAME, name):
                raise ValueError(f"{value!r} is not a Threads username (letters, digits, '.' and '_', at most 30)")
            out.append(name.lower())
        return list(dict.fromkeys(out))


# --- parsing ---------------------------------------------------------------------------------------

SUPPORTED = (
    "Threads API media lists ({'data': [...], 'paging': ...}: keyword_search, profile_posts, "
    "/{user-id}/threads, replies, conversation) and single media objects"
)


def parse(payload: bytes | str) -> Page:
    data = load_json(payload)
    if not isinstance(data, dict):
        raise PayloadError(f"not a Threads API response: got {describe(data)}; supported: {SUPPORTED}")
    if "error" in data:
        raise PayloadError(f"Threads error response: {error_text(data)}")
    if isinstance(data.get("data"), list):
        records: list[Any] = data["data"]
        after = as_dict(as_dict(as_dict(data.get("paging")).get("cursors"))).get("after")
        next_cursor = after if isinstance(after, str) and after and records else None
    elif isinstance(data.get("id"), str | int) and not isinstance(data.get("id"), bool):
        records, next_cursor = [data], None  # GET /{threads-media-id}
    else:
        raise PayloadError(f"not a Threads API response: got {describe(data)}; supported: {SUPPORTED}")
    page = Page(next_cursor=next_cursor)
    for index, record in enumerate(records):
        try:
            page.posts.append(parse_media(record))
        except MALFORMED as exc:
            page.rejects.append(Reject(reason_of(exc), record, index, record_author(record)))
    return page


def error_text(data: Mapping[str, Any]) -> str:
    """A Graph API error body (``{"error": {"message", "type", "code", "error_subcode"}}``) in one line."""
    error = data.get("error")
    if not isinstance(error, dict):
        return repr(error)[:300]
    code = error.get("code")
    kind = error.get("type")
    message = str(error.get("message") or error.get("error_user_msg") or "no message")[:300]
    return f"{message} ({kind or 'error'}, code {code})"


def parse_media(record: Any) -> ParsedPost:
    """One Threads media object. A repost (``REPOST_FACADE``) has no text of its own: it becomes a repost
    row pointing at the original (``reposted_post``), whose text the API does not give with it."""
    if not isinstance(record, dict):
        raise RecordError("a media object must be a JSON object")
    media_id = require_str(record, "id")
    created_at = parse_timestamp(record.get("timestamp"), field_name="timestamp")
    is_repost = record.get("media_type") == "REPOST_FACADE"
    text = record.get("text")
    if text is None:
        text = ""  # image, video and carousel posts may have no text
    if not isinstance(text, str):
        raise RecordError("text is not a string")
    permalink = record.get("permalink")
    link = record.get("link_attachment_url")
    topic = record.get("topic_tag")
    return ParsedPost(
        source=SOURCE,
        native_id=media_id,
        created_at=created_at,
        text="" if is_repost else text,
        author_native=record_author(record),
        url=None,
        link=permalink if isinstance(permalink, str) and permalink and not is_repost else None,
        is_repost=is_repost,
        reposted_native=_id_of(as_dict(record.get("reposted_post")).get("id")),
        quoted_native=_id_of(as_dict(record.get("quoted_post")).get("id")),
        reply_to_native=_id_of(as_dict(record.get("replied_to")).get("id")),
        links=[link] if isinstance(link, str) and link and not is_repost else [],
        # Threads has one topic tag per post where other platforms have hashtags.
        hashtags=[] if is_repost or not isinstance(topic, str) or not topic.strip() else [topic.strip().lower()],
    )


def _id_of(value: Any) -> str | None:
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int):
        return str(value)
    return value if isinstance(value, str) and value else None


def record_author(record: dict[str, Any]) -> str | None:
    """The native author of a media object: its username, lower-cased (Threads usernames ignore case)."""
    if not isinstance(record, dict):
        return None
    username = record.get("username")
    return username.strip().lstrip("@").lower() if isinstance(username, str) and username.strip() else None


def native_author(handle: str, resolve: Resolver | None = None) -> str:
    """The stored form of a handle given for erasure: ``@name``, ``name`` or the profile's link."""
    h = handle.strip()
    if h.startswith(("http://", "https://")):
        parts = urlsplit(h)
        if parts.netloc.lower() not in _PROFILE_HOSTS:
            raise AuthorFormError("a Threads profile link is https://www.threads.net/@username")
        h = parts.path.strip("/").split("/")[0]
    h = h.removeprefix("@")
    if not re.match(_USERNAME, h):
        raise AuthorFormError("a Threads author is a username: letters, digits, '.' and '_' (or the profile link)")
    return h.lower()


def for_threads(query: Query) -> list[str]:
    """One keyword search per OR branch, positive terms only: Meta documents no operators (no OR, no
    exclusion, no phrase), so what a branch excludes is applied to the results here."""
    writer = _Writer(query)
    branches: list[str] = []
    for conj in _dnf(_nnf(query.node)):
        words = [writer.term(lit.term).strip('"') for lit in conj if not lit.negated]
        if words:
            branches.append(" ".join(dict.fromkeys(words)))
    branches = list(dict.fromkeys(branches))
    if len(branches) > MAX_BRANCHES:
        raise QueryTranslationError(f"the query expands into {len(branches)} searches; at most {MAX_BRANCHES}")
    return branches


# --- fetching --------------------------------------------------------------------------------------


class ThreadsFetcher:
    """Keyword searches and profiles' posts, newest first, each from ``since`` (the newest post time the
    last run saw, else the lookback) and paged with ``paging.cursors.after``.

    The cursor is ``{"streams": {<stream>: <newest post time, epoch seconds>}}``, one mark per search
    (``q:<keywords>``) and per profile (``p:<sha256 of the username, 16 hex>``: the cursor store holds no
    handle). A stream's mark moves when it has been read to its end or to the page limit.
    """

    source = SOURCE

    def __init__(self, context: FetchContext, access_token: str, settings: ThreadsSettings) -> None:
        self.context, self._token, self.settings = context, access_token, settings
        self.base = f"{settings.base_url.rstrip('/')}/{API_VERSION}"
        clock = context.clock or context.http.clock
        self.windows = {
            "keyword_search": _HourlyShare(settings.search_requests_per_hour, clock),
            "profile_posts": _HourlyShare(settings.profile_requests_per_hour, clock),
        }

    def __repr__(self) -> str:
        return f"ThreadsFetcher({self.base!r}, <token hidden>)"

    def pages(self, job: Job, cursor: Mapping[str, Any] | None) -> Iterator[FetchedPage]:
        marks: dict[str, int] = {
            k: v for k, v in dict((cursor or {}).get("streams") or {}).items() if isinstance(v, int)
        }
        streams: list[tuple[str, str, dict[str, str | int | None], str]] = []
        for number, keywords in enumerate(for_threads(job.query.compiled), 1):
            params: dict[str, str | int | None] = {"q": keywords, "search_type": self.settings.search_type}
            streams.append((f"q:{keywords}", "keyword_search", params, f"threads search {number} ({keywords!r})"))
        for number, username in enumerate(profiles_of(job), 1):
            key = "p:" + hashlib.sha256(username.encode()).hexdigest()[:16]
            # The origin names the profile by its place in the configuration, never by its username.
            origin = f"threads profile {number} of {job.country.code}"
            streams.append((key, "profile_posts", {"username": username}, origin))
        for key, endpoint, params, origin in streams:
            for fetched, mark in self._stream(job, endpoint, params, marks.get(key), origin):
                if mark is not None:
                    marks[key] = mark
                    fetched.cursor = {"streams": dict(marks)}
                yield fetched

    def _stream(
        self, job: Job, endpoint: str, extra: dict[str, str | int | None], mark: int | None, origin: str
    ) -> Iterator[tuple[FetchedPage, int | None]]:
        since = mark if mark is not None else int((self.context.now() - self.context.lookback).timestamp())
        params: dict[str, str | int | None] = {
            **extra,
            "fields": FIELDS,
            "limit": self.settings.page_size,
            "since": since,
            "access_token": self._token,
        }
        newest = mark or 0
        url = f"{self.base}/{endpoint}"
        for number in range(1, self.context.max_pages + 1):
            where = f"{origin} page {number}"
            if not self.windows[endpoint].take():
                note = f"{self.source}: the hourly share of the {endpoint} quota is spent; the rest waits"
                yield FetchedPage(where, note=note), None
                return
            try:
                response = self.context.http.get(url, params=params)
            except HttpError as exc:
                yield FetchedPage(where, error=_failure(exc)), None
                return
            fetched = self.context.parse_page(where, response.body, parse)
            if fetched.page is None:
                yield fetched, None
                return
            times = [int(p.created_at.timestamp()) for p in fetched.page.posts]
            newest = max([newest, *times])
            after = fetched.page.next_cursor
            fetched.filtered = keep_matching(fetched.page, job.query.compiled)
            done = not after or not times
            if done or number == self.context.max_pages:
                if not done:
                    fetched.note = f"page limit ({self.context.max_pages}) reached before the end of {origin}"
                yield fetched, (newest or None)
                return
            yield fetched, None
            params["after"] = after


class _HourlyShare:
    """At most ``limit`` requests in any sliding hour (time from the HTTP client's clock)."""

    def __init__(self, limit: int, clock: Clock) -> None:
        self.limit, self.clock, self.sent = limit, clock, deque[float]()

    def take(self) -> bool:
        now = self.clock.monotonic()
        while self.sent and self.sent[0] <= now - 3600:
            self.sent.popleft()
        if len(self.sent) >= self.limit:
            return False
        self.sent.append(now)
        return True


def profiles_of(job: Job) -> list[str]:
    """The job's country's configured profiles (``countries[].sources.threads.profiles``)."""
    sources = job.country.sources
    section = sources.get(SOURCE) if isinstance(sources, Mapping) else getattr(sources, SOURCE, None)
    profiles = getattr(section, "profiles", None)
    return list(profiles) if isinstance(profiles, list) else []


def _failure(exc: Exception) -> str:
    """The client's message without the URL (a profile's URL holds its username, which no report keeps),
    with the Graph error's type and code when the body has them (190: the token is invalid or expired).
    The error's message is left out: it may quote the username."""
    text = str(exc)
    url = getattr(exc, "url", "")
    text = text.removesuffix(f" ({url})") if url else text
    try:
        data = json.loads(getattr(exc, "body_excerpt", b"") or b"null")
    except ValueError:
        return text
    error = data.get("error") if isinstance(data, dict) else None
    if isinstance(error, dict) and error.get("code") is not None:
        subcode = f", subcode {error['error_subcode']}" if error.get("error_subcode") is not None else ""
        return f"{text} ({str(error.get('type') or 'error')[:60]}, code {error['code']}{subcode})"
    return text


def _fetcher(args: FetcherArgs) -> ThreadsFetcher:
    return ThreadsFetcher(args.context, args.secret("access_token"), args.settings)


PLATFORM = Platform(
    name=SOURCE,
    kind="social",
    parse=parse,
    settings=ThreadsSettings,
    country_settings=ThreadsCountry,
    fetcher=_fetcher,
    secrets=("access_token",),
    native_author=native_author,
    author_form="the Threads username (@name) or the profile's link",
    record_author=record_author,
    query_syntax=for_threads,
    reader_links=True,
    docs="Threads API (keyed): keyword search and public profiles' posts (Meta's graph.threads.net)",
)
