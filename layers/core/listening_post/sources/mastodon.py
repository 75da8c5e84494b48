"""Mastodon: Status entities from hashtag timelines, search, single-status lookups, conversations and
the streaming API's events.

A status is identified across the fediverse by its ActivityPub ``uri``; the native id is the origin
server and the status id there, so the same toot seen through two instances is one post. A boost
(``reblog``) becomes the original post plus a repost row with no text of its own. Every link to a status
names its author (``https://host/@user/id``, ``/users/user/statuses/id``): it is the reader's ``link``,
kept apart from the posts (``links/``), and the post's ``url`` is None.
"""

from __future__ import annotations

import html
import json
from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, quote, urlsplit

import regex
from pydantic import Field, field_validator

from listening_post.parsed import ParsedPost
from listening_post.sources.base import (
    MALFORMED,
    Page,
    PayloadError,
    RecordError,
    Reject,
    as_dict,
    as_list,
    describe,
    load_json,
    optional_int,
    parse_timestamp,
    reason_of,
    require_str,
)
from listening_post.sources.errors import HttpError
from listening_post.sources.fetch import FetchedPage, keep_matching
from listening_post.sources.references import html_links, optional_time, strings
from listening_post.sources.spec import (
    AuthorFormError,
    FetcherArgs,
    LegacyRow,
    PagedSettings,
    Platform,
    Resolver,
    SecretRef,
    StrictModel,
)

if TYPE_CHECKING:
    from listening_post.sources.fetch import FetchContext, Job

SOURCE = "mastodon"
_SEGMENT = regex.compile(r"^[A-Za-z0-9_-]{1,64}$")


SUPPORTED = (
    "a status (/api/v1/statuses/:id), a list of statuses (timelines, context), search results (/api/v2/search), "
    "conversations (/api/v1/conversations), streaming events (server-sent events or WebSocket messages: "
    "update, status.update, conversation)"
)
# Streaming events that carry a status (``update``, ``status.update``) or a conversation; the others
# (delete, notification, filters_changed, announcement…) hold no public post.
_STATUS_EVENTS = frozenset({"update", "status.update"})
_CONVERSATION_EVENT = "conversation"
# Only what anyone can read is public opinion: direct messages and followers-only posts are not stored.
_NOT_PUBLIC = ("direct", "private")  # a tuple: compared by ==, so an unhashable value is just not in it


def parse(payload: bytes | str) -> Page:
    text = payload.decode("utf-8", errors="replace") if isinstance(payload, bytes) else payload
    if _is_event_stream(text):
        records = _event_stream_records(text)
    else:
        records = _json_records(text)
    page = Page()
    for index, record in enumerate(records):
        if record is _NO_STATUS or (isinstance(record, dict) and record.get("visibility") in _NOT_PUBLIC):
            page.withdrawn += 1
            continue
        try:
            page.posts.extend(parse_status(record))
        except MALFORMED as exc:
            page.rejects.append(Reject(reason_of(exc), record, index))
    return page


def _json_records(text: str) -> list[Any]:
    try:
        data = load_json(text)
    except PayloadError:
        messages = _websocket_lines(text)
        if messages is None:
            raise
        return [r for m in messages for r in _websocket_records(m)]
    if isinstance(data, dict) and isinstance(data.get("statuses"), list):
        return list(data["statuses"])  # /api/v2/search
    if isinstance(data, dict) and isinstance(data.get("ancestors"), list) and isinstance(data.get("descendants"), list):
        return [*data["ancestors"], *data["descendants"]]  # /api/v1/statuses/:id/context
    if isinstance(data, list):
        # timelines; conversations hold their newest status in last_status
        return [_conversation_status(r) if _is_conversation(r) else r for r in data]
    if isinstance(data, dict) and "id" in data and ("content" in data or "reblog" in data):
        return [data]  # /api/v1/statuses/:id
    if _is_conversation(data):
        return [_conversation_status(data)]
    if isinstance(data, dict) and isinstance(data.get("event"), str) and "payload" in data:
        return _websocket_records(data)
    if isinstance(data, dict) and "error" in data:
        raise PayloadError(f"Mastodon error response: {data['error']!r}")
    raise PayloadError(f"not a Mastodon response this reader knows: got {describe(data)}; supported: {SUPPORTED}")


def _is_conversation(record: Any) -> bool:
    return isinstance(record, dict) and "last_status" in record and "accounts" in record


_NO_STATUS = object()  # a conversation whose statuses were all deleted: no post, nothing to quarantine


def _conversation_status(conversation: dict[str, Any]) -> Any:
    status = conversation["last_status"]
    return _NO_STATUS if status is None else status


def _is_event_stream(text: str) -> bool:
    """Server-sent events as ``GET /api/v1/streaming/*`` sends them: ``event:``/``data:`` lines, ``:`` comments."""
    head = text.lstrip("\ufeff \t\r\n")
    return head.startswith((":", "event:", "data:"))


def _event_stream_records(text: str) -> list[Any]:
    records: list[Any] = []
    event = "message"
    data: list[str] = []
    for line in [*text.splitlines(), ""]:
        if not line:
            if data:
                records.extend(_event_records(event, "\n".join(data)))
            event, data = "message", []
        elif line.startswith(":"):
            continue  # a heartbeat or comment
        else:
            name, _, value = line.partition(":")
            value = value.removeprefix(" ")
            if name == "event":
                event = value
            elif name == "data":
                data.append(value)
    if not records and "event:" not in text:
        raise PayloadError(f"not a Mastodon event stream: no event lines; supported: {SUPPORTED}")
    return records


def _websocket_lines(text: str) -> list[dict[str, Any]] | None:
    """WebSocket messages saved one per line, or None when the text is not that."""
    messages = []
    for line in text.splitlines():
        if not line.strip():
            continue
        try:
            message = json.loads(line)
        except json.JSONDecodeError:
            return None
        if not isinstance(message, dict) or not isinstance(message.get("event"), str):
            return None
        messages.append(message)
    return messages or None


def _websocket_records(message: dict[str, Any]) -> list[Any]:
    payload = message.get("payload")
    if not isinstance(payload, str):
        return []  # filters_changed and the like carry no payload
    return _event_records(str(message["event"]), payload)


def _event_records(event: str, data: str) -> list[Any]:
    """The status a streaming event carries, as a one-element list; nothing for other events."""
    if event not in _STATUS_EVENTS and event != _CONVERSATION_EVENT:
        return []
    try:
        record = json.loads(data)
    except json.JSONDecodeError as exc:
        raise PayloadError(f"streaming event {event!r} with invalid JSON: {exc.msg}") from None
    if event == _CONVERSATION_EVENT:
        return [_conversation_status(record)] if _is_conversation(record) else [record]
    return [record]


def parse_status(record: Any) -> list[ParsedPost]:
    if not isinstance(record, dict):
        raise RecordError("a status must be a JSON object")
    reblog = record.get("reblog")
    if isinstance(reblog, dict):
        original = _status(reblog)
        boost = _status(record, is_repost=True)
        boost.context_text, boost.context_is_html = original.text, original.is_html
        boost.reposted_native = original.native_id
        return [original, boost]
    return [_status(record)]


def _status(record: dict[str, Any], *, is_repost: bool = False) -> ParsedPost:
    status_id = require_str(record, "id")
    created_at = parse_timestamp(record.get("created_at"))
    uri = record.get("uri") if isinstance(record.get("uri"), str) else None
    url = record.get("url") if isinstance(record.get("url"), str) else uri
    native_id = _native_id(uri, status_id, url)
    content = record.get("content")
    if content is None:
        content = ""
    if not isinstance(content, str):
        raise RecordError("content is not a string")
    spoiler = record.get("spoiler_text")
    if isinstance(spoiler, str) and spoiler.strip():
        # A content warning is the author's own words about the post: it belongs to the text.
        content = f"<p>{html.escape(spoiler)}</p>{content}"
    return ParsedPost(
        source=SOURCE,
        native_id=native_id,
        created_at=created_at,
        text="" if is_repost else content,
        is_html=not is_repost,
        author_native=_author(record.get("account")),
        url=None,
        link=None if is_repost else url,  # a boost is never an example: its link is not kept at all
        declared_lang=record.get("language") if isinstance(record.get("language"), str) else None,
        likes=None if is_repost else optional_int(record.get("favourites_count")),
        reposts=None if is_repost else optional_int(record.get("reblogs_count")),
        replies=None if is_repost else optional_int(record.get("replies_count")),
        is_repost=is_repost,
        **_references(record, native_id, status_id, "" if is_repost else content),
    )


def _references(record: dict[str, Any], native_id: str, status_id: str, content: str) -> dict[str, Any]:
    """Posts schema v3 fields of a status. Links are the content's anchors (their ``href`` is the full URL,
    the text shows it shortened) and the preview card's; mentions in the author's ``user@host`` form.
    ``in_reply_to_id`` and a quote's id are ids on the server the status was read from: they become post
    ids only when the status is that server's own (its native id is ``host/<its id>``)."""
    account = as_dict(record.get("account"))
    host = native_id.split("/", 1)[0] if native_id.endswith(f"/{status_id}") else None
    card = as_dict(record.get("card")).get("url")
    quote = as_dict(record.get("quote"))
    quoted = as_dict(quote.get("quoted_status"))
    quoted_native = None
    if quoted.get("id"):
        uri, url = quoted.get("uri"), quoted.get("url")
        quoted_native = _native_id(
            uri if isinstance(uri, str) else None, str(quoted["id"]), url if isinstance(url, str) else None
        )
    elif quote.get("quoted_status_id") and host:
        quoted_native = f"{host}/{quote['quoted_status_id']}"
    reply_to = record.get("in_reply_to_id")
    return {
        "links": [*html_links(content), *([card] if isinstance(card, str) and content else [])],
        "hashtags": strings(record.get("tags"), "name"),
        "mentions_native": [m for m in (_author(m) for m in as_list(record.get("mentions"))) if m],
        "quoted_native": quoted_native,
        "reply_to_native": f"{host}/{reply_to}" if host and isinstance(reply_to, str | int) and reply_to else None,
        "author_created_at": optional_time(account.get("created_at")),
        "author_followers": optional_int(account.get("followers_count")),
        "author_posts": optional_int(account.get("statuses_count")),
        "author_is_verified": None,  # Mastodon verifies links in a profile, not who the account is
    }


def _native_id(uri: str | None, status_id: str, url: str | None) -> str:
    """``origin-host/status-id`` from the ActivityPub URI, stable across instances; no handle in it."""
    for candidate in (uri, url):
        if candidate:
            parts = urlsplit(candidate)
            segments = [s for s in parts.path.split("/") if s]
            # A boost's URI is the boosted-by status plus "/activity": the id is the segment before it.
            if segments and segments[-1] == "activity":
                segments.pop()
            segment = segments[-1] if segments else ""
            if parts.netloc and _SEGMENT.match(segment):
                return f"{parts.netloc.lower()}/{segment}"
    return status_id


def _author(account: Any) -> str | None:
    """The account as ``user@host``, the form a person would give to ask for erasure."""
    if not isinstance(account, dict):
        return None
    acct = account.get("acct") or account.get("username")
    if not isinstance(acct, str) or not acct:
        return None
    if "@" not in acct:
        home = account.get("url") or account.get("uri")
        host = urlsplit(home).netloc if isinstance(home, str) else ""
        acct = f"{acct}@{host}" if host else acct
    return acct.lower()


# --- fetching --------------------------------------------------------------------------------------

_LINK = regex.compile(r'<([^>]*)>\s*;\s*rel="?([a-z]+)"?')


def link_params(header: str | None) -> dict[str, dict[str, str]]:
    """The query parameters of each relation of a ``Link`` header: ``{"next": {"max_id": ...}, ...}``."""
    out: dict[str, dict[str, str]] = {}
    for url, rel in _LINK.findall(header or ""):
        out[rel] = dict(parse_qsl(urlsplit(url).query))
    return out


def instance_url(instance: str) -> str:
    """``mastodon.social`` or a full base URL (tests point at ``http://127.0.0.1:port``)."""
    return instance.rstrip("/") if "://" in instance else f"https://{instance.strip('/')}"


class MastodonFetcher:
    """Hashtag timelines of the configured instances, filtered locally with the query (Mastodon's public
    timelines cannot search).

    Pagination follows the ``Link`` header. A first run reads back from the newest post over the lookback;
    later runs read forward from the last mark with ``min_id``, page by page, so the mark can move after
    every page. The cursor is ``{"streams": {"<host>#<tag>": <newest status id>}}``.
    """

    source = SOURCE

    def __init__(
        self, context: FetchContext, instances: list[str], *, access_token: str | None = None, page_size: int = 40
    ) -> None:
        self.context, self.instances, self.page_size = context, [instance_url(i) for i in instances], page_size
        self._token = access_token

    def __repr__(self) -> str:
        return f"MastodonFetcher({self.instances!r})"

    def pages(self, job: Job, cursor: Mapping[str, Any] | None) -> Iterator[FetchedPage]:
        marks: dict[str, str] = dict(cursor.get("streams", {})) if cursor else {}
        headers = {"Authorization": f"Bearer {self._token}"} if self._token else {}
        for base in self.instances:
            for tag in getattr(job.country.sources, SOURCE).hashtags:
                key = f"{urlsplit(base).netloc}#{tag.lower()}"
                url = f"{base}/api/v1/timelines/tag/{quote(tag, safe='')}"
                for fetched, mark in self._stream(job, url, marks.get(key), headers):
                    if mark is not None:
                        marks[key] = mark
                        fetched.cursor = {"streams": dict(marks)}
                    yield fetched

    def _stream(
        self, job: Job, url: str, mark: str | None, headers: dict[str, str]
    ) -> Iterator[tuple[FetchedPage, str | None]]:
        forward = mark is not None
        params: dict[str, str | int | None] = {"limit": self.page_size, "min_id": mark}
        newest: str | None = None
        oldest_wanted = self.context.now() - self.context.lookback
        for number in range(1, self.context.max_pages + 1):
            origin = f"mastodon {url} page {number}"
            try:
                response = self.context.http.get(url, params=params, headers=headers)
            except HttpError as exc:
                yield FetchedPage(origin, error=str(exc)), None
                return
            fetched = self.context.parse_page(origin, response.body, parse)
            if fetched.page is None:
                yield fetched, None
                return
            links = link_params(response.header("link"))
            times = [p.created_at for p in fetched.page.posts]
            fetched.filtered = keep_matching(fetched.page, job.query.compiled)
            newest = newest or links.get("prev", {}).get("min_id")
            if forward:
                # Each page is older-first progress past the mark: the mark can follow it at once.
                next_min = links.get("prev", {}).get("min_id")
                yield fetched, next_min
                if not next_min or not times:
                    return
                params = {"limit": self.page_size, "min_id": next_min}
            else:
                next_max = links.get("next", {}).get("max_id")
                done = not next_max or not times or min(times) < oldest_wanted
                last = done or number == self.context.max_pages
                yield fetched, (newest if last else None)
                if done:
                    return
                params = {"limit": self.page_size, "max_id": next_max}
        yield FetchedPage(f"mastodon {url}", note=f"page limit ({self.context.max_pages}) reached"), None


class CountryMastodon(StrictModel):
    hashtags: list[str] = Field(default_factory=list)

    @field_validator("hashtags")
    @classmethod
    def _tags(cls, v: list[str]) -> list[str]:
        return [t.lstrip("#") for t in v]


class MastodonSettings(PagedSettings):
    # Host names (mastodon.social) or base URLs.
    instances: list[str] = Field(default_factory=lambda: ["mastodon.social"], min_length=1)
    access_token: SecretRef | None = None

    @field_validator("instances")
    @classmethod
    def _instances(cls, v: list[str]) -> list[str]:
        for instance in v:
            if not regex.match(r"^(https?://)?[A-Za-z0-9.-]+(:\d+)?/?$", instance):
                raise ValueError(f"{instance!r} is not a host name or base URL of a Mastodon instance")
        return v


def _fetcher(args: FetcherArgs) -> MastodonFetcher:
    token = args.secret("access_token") if args.settings.access_token else None
    return MastodonFetcher(args.context, args.settings.instances, access_token=token)


def native_author(handle: str, resolve: Resolver | None = None) -> str:
    """``user@server`` (or the profile link ``https://server/@user``), as :func:`_author` stores it."""
    h = handle.strip()
    if h.startswith(("http://", "https://")):  # a profile link: https://host/@user
        parts = urlsplit(h)
        user = parts.path.strip("/").lstrip("@")
        h = f"{user}@{parts.netloc}"
    h = h.lstrip("@")
    if "@" not in h:
        raise AuthorFormError("a Mastodon handle names its server: user@server (or the profile link)")
    return h.lower()


PLATFORM = Platform(
    name=SOURCE,
    kind="social",
    parse=parse,
    settings=MastodonSettings,
    country_settings=CountryMastodon,
    fetcher=_fetcher,
    native_author=native_author,
    author_form="user@server, or the profile link",
    record_author=lambda record: _author(record.get("account")),
    reader_links=True,
    # Old lakes held status links (https://host/@user/id), which name the author: they move to links/.
    legacy_identity=lambda post_id, url: LegacyRow(move_link=True) if url is not None else None,
    country_needs="hashtags",
    country_needs_why=" (Mastodon is read through hashtag timelines)",
    docs="hashtag timelines of the configured instances, filtered with the query",
)
