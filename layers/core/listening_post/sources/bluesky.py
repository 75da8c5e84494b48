"""Bluesky: ``app.bsky.feed.searchPosts`` results, post lists, feed views (where reposts appear) and
threads, and the fetcher.

A post's at-uri holds its author's DID: the native id is the at-uri (``at://<did>/app.bsky.feed.post/<rkey>``)
and marked as naming the author, so the lake keeps only a keyed hash of it (``bluesky:<hash>``, the same on
every collection under one key). The reader's link ``https://bsky.app/profile/<did>/post/<rkey>`` names
the author too: it is kept apart (``links/``), and ``url`` is None. The author is the DID, the stable
identifier a handle resolves to (``com.atproto.identity.resolveHandle``).
Search results never contain reposts (a repost is a record of its own, not a post); feed views mark them
with ``reason: reasonRepost``, and one becomes the original plus a repost row with no text of its own.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from pydantic import Field

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
)
from listening_post.sources.errors import HttpError
from listening_post.sources.fetch import FetchedPage, iso, parse_iso
from listening_post.sources.query_syntax import branches
from listening_post.sources.references import optional_time, strings
from listening_post.sources.spec import (
    URL_PATTERN,
    AuthorFormError,
    FetcherArgs,
    LegacyRow,
    PagedSettings,
    Platform,
    Resolver,
    SecretRef,
)

if TYPE_CHECKING:
    from listening_post.query import Query
    from listening_post.sources.fetch import FetchContext, Job
    from listening_post.sources.http import HttpClient

SOURCE = "bluesky"
POST_TYPE = "app.bsky.feed.post"
REPOST_REASON = "app.bsky.feed.defs#reasonRepost"
_NOT_POSTS = ("app.bsky.feed.defs#blockedPost", "app.bsky.feed.defs#notFoundPost")


def parse(payload: bytes | str) -> Page:
    data = load_json(payload)
    if not isinstance(data, dict):
        raise PayloadError("not a Bluesky response: expected a JSON object")
    if isinstance(data.get("error"), str):
        raise PayloadError(f"Bluesky error response: {data['error']}: {str(data.get('message', ''))[:200]}")
    page = Page(next_cursor=data["cursor"] if isinstance(data.get("cursor"), str) else None)
    if isinstance(data.get("posts"), list):  # searchPosts, getPosts, getQuotes
        items: list[Any] = [{"post": p} for p in data["posts"]]
    elif isinstance(data.get("feed"), list):  # getAuthorFeed, getTimeline, getFeed, getListFeed, getActorLikes
        items = data["feed"]
    elif isinstance(data.get("thread"), dict):  # getPostThread: the post, its parents and its replies
        items = thread_items(data["thread"])
    else:
        raise PayloadError(f"not a Bluesky response this reader knows: got {describe(data)}; supported: {SUPPORTED}")
    for index, item in enumerate(items):
        try:
            page.posts.extend(_item(item))
        except _Withdrawn:
            page.withdrawn += 1
        except MALFORMED as exc:
            page.rejects.append(
                Reject(reason_of(exc), item.get("post", item) if isinstance(item, dict) else item, index)
            )
    return page


SUPPORTED = (
    "searchPosts, getPosts, getQuotes ('posts'); getAuthorFeed, getTimeline, getFeed, getListFeed, "
    "getActorLikes ('feed'); getPostThread ('thread')"
)
MAX_THREAD_NODES = 10_000  # a thread is bounded by the request's depth; this bounds a hand-edited one


def thread_items(root: dict[str, Any]) -> list[Any]:
    """The nodes of a ``getPostThread`` tree (``threadViewPost`` with ``parent`` and ``replies``), as feed
    items: parents first, then the post, then its replies depth-first. Walked without recursion, so a
    deep thread cannot exhaust the stack; a blocked or missing node becomes a withdrawn item."""
    parents: list[Any] = []
    node = root.get("parent")
    while isinstance(node, dict) and len(parents) < MAX_THREAD_NODES:
        parents.append(node)
        node = node.get("parent")
    items: list[Any] = [_thread_item(n) for n in reversed(parents)]
    stack: list[Any] = [root]
    while stack and len(items) < MAX_THREAD_NODES:
        node = stack.pop()
        items.append(_thread_item(node))
        replies = node.get("replies") if isinstance(node, dict) else None
        stack.extend(reversed(as_list(replies)))
    return items


def _thread_item(node: Any) -> Any:
    if isinstance(node, dict) and node.get("$type") in _NOT_POSTS:
        return {"post": node}  # _item counts it as withdrawn
    return {"post": node.get("post")} if isinstance(node, dict) else node


class _Withdrawn(Exception):
    pass


def _item(item: Any) -> list[ParsedPost]:
    if not isinstance(item, dict) or not isinstance(item.get("post"), dict):
        raise RecordError("a feed item must be an object with a post")
    post = item["post"]
    if post.get("$type") in _NOT_POSTS or post.get("blocked") or post.get("notFound"):
        raise _Withdrawn
    original = _post(post)
    reason = item.get("reason")
    if isinstance(reason, dict) and reason.get("$type") == REPOST_REASON:
        return [original, _repost(reason, original)]
    return [original]


def split_uri(uri: Any) -> tuple[str, str, str]:
    """``at://<did>/<collection>/<rkey>`` as its three parts."""
    if not isinstance(uri, str) or not uri.startswith("at://"):
        raise RecordError(f"not an at:// URI: {str(uri)[:80]!r}")
    parts = uri.removeprefix("at://").split("/")
    if len(parts) != 3 or not parts[0].startswith("did:") or not all(parts):
        raise RecordError(f"unexpected at:// URI {uri[:80]!r}")
    return parts[0], parts[1], parts[2]


def _post(post: dict[str, Any]) -> ParsedPost:
    did, collection, rkey = split_uri(post.get("uri"))
    if collection != POST_TYPE:
        raise RecordError(f"not a post record: {collection}")
    record = post.get("record")
    if not isinstance(record, dict):
        raise RecordError("missing record")
    text = record.get("text", "")
    if not isinstance(text, str):
        raise RecordError("record.text is not a string")
    created = record.get("createdAt") or post.get("indexedAt")
    langs = record.get("langs")
    author_did = as_dict(post.get("author")).get("did")
    if not isinstance(author_did, str) or not author_did:
        author_did = did
    return ParsedPost(
        source=SOURCE,
        native_id=f"at://{did}/{collection}/{rkey}",
        id_names_author=True,
        created_at=parse_timestamp(created, field_name="record.createdAt"),
        text=text,
        author_native=author_did.lower(),
        url=None,
        link=f"https://bsky.app/profile/{did}/post/{rkey}",
        declared_lang=langs[0] if isinstance(langs, list) and langs and isinstance(langs[0], str) else None,
        likes=optional_int(post.get("likeCount")),
        reposts=optional_int(post.get("repostCount")),
        replies=optional_int(post.get("replyCount")),
        **_references(record, as_dict(post.get("author"))),
    )


_FACET = "app.bsky.richtext.facet#"


def _references(record: dict[str, Any], author: dict[str, Any]) -> dict[str, Any]:
    """Posts schema v3 fields of a post record: links, mentions (DIDs) and tags from its facets (full URLs,
    where the text shows them shortened), the external card's link, the quoted and the parent post's
    at-uri (keyed like ``native_id`` during enrichment), the author's creation date and verification."""
    links: list[str] = []
    hashtags = strings(record.get("tags"))
    mentions: list[str] = []
    for facet in as_list(record.get("facets")):
        for feature in as_list(as_dict(facet).get("features")):
            feature = as_dict(feature)
            kind = str(feature.get("$type", "")).removeprefix(_FACET)
            value = feature.get({"link": "uri", "mention": "did", "tag": "tag"}.get(kind, ""))
            if isinstance(value, str) and value:
                {"link": links, "mention": mentions, "tag": hashtags}[kind].append(value)
    embed = as_dict(record.get("embed"))
    external = as_dict(embed.get("external")).get("uri")
    if isinstance(external, str):
        links.append(external)
    # A quote is app.bsky.embed.record, or recordWithMedia holding one; its record is a strong ref.
    quoted = as_dict(embed.get("record"))
    quoted = as_dict(quoted.get("record")) if "record" in quoted and "uri" not in quoted else quoted
    external = as_dict(as_dict(embed.get("media")).get("external")).get("uri")
    if isinstance(external, str):
        links.append(external)
    verification = as_dict(author.get("verification")).get("verifiedStatus")
    return {
        "links": links,
        "hashtags": hashtags,
        "mentions_native": [m.lower() for m in mentions],
        "quoted_native": _post_uri(quoted.get("uri")),
        "reply_to_native": _post_uri(as_dict(as_dict(record.get("reply")).get("parent")).get("uri")),
        "author_created_at": optional_time(author.get("createdAt")),
        "author_is_verified": {"valid": True, "invalid": False, "none": False}.get(str(verification))
        if verification
        else None,
    }


def _post_uri(uri: Any) -> str | None:
    """The at-uri of a post (not of a list, feed or starter pack a record embed may also point to)."""
    try:
        did, collection, rkey = split_uri(uri)
    except RecordError:
        return None
    return f"at://{did}/{collection}/{rkey}" if collection == POST_TYPE else None


def _repost(reason: dict[str, Any], original: ParsedPost) -> ParsedPost:
    by = reason.get("by")
    if not isinstance(by, dict) or not isinstance(by.get("did"), str):
        raise RecordError("a repost without the reposting account")
    if isinstance(reason.get("uri"), str):
        did, collection, rkey = split_uri(reason["uri"])
        native = f"at://{did}/{collection}/{rkey}"
    else:
        native = f"repost-of:{by['did']}:{original.native_id}"
    return ParsedPost(
        source=SOURCE,
        native_id=native,
        id_names_author=True,
        created_at=parse_timestamp(reason.get("indexedAt"), field_name="reason.indexedAt"),
        text="",
        author_native=by["did"].lower(),
        url=None,
        link=None,  # a repost is never an example: no link of it is kept
        is_repost=True,
        context_text=original.text,
        reposted_native=original.native_id,
        links=[],
        hashtags=[],
        mentions_native=[],
        author_created_at=optional_time(by.get("createdAt")),
    )


# --- fetching --------------------------------------------------------------------------------------


class BlueskySession:
    """An app-password session (``createSession``), refreshed with ``refreshSession`` when it expires."""

    def __init__(self, http: HttpClient, service: str, identifier: str, app_password: str) -> None:
        self._http, self._service = http, service.rstrip("/")
        self._identifier, self._password = identifier, app_password
        self._access: str | None = None
        self._refresh: str | None = None

    def __repr__(self) -> str:
        return f"BlueskySession({self._service!r}, <credentials hidden>)"

    def _xrpc(self, method: str) -> str:
        return f"{self._service}/xrpc/{method}"

    def _store(self, body: Any) -> str:
        if not isinstance(body, dict) or not isinstance(body.get("accessJwt"), str):
            raise HttpError("Bluesky session response without accessJwt", url=self._xrpc("createSession"))
        access: str = body["accessJwt"]
        self._access, self._refresh = access, body.get("refreshJwt")
        return access

    def access_token(self) -> str:
        if self._access is None:
            credentials = {"identifier": self._identifier, "password": self._password}
            response = self._http.post(self._xrpc("com.atproto.server.createSession"), json_body=credentials)
            return self._store(response.json())
        return self._access

    def refresh(self) -> str:
        """A new access token from the refresh token; a new session when that has expired too."""
        if self._refresh:
            try:
                response = self._http.post(
                    self._xrpc("com.atproto.server.refreshSession"),
                    headers={"Authorization": f"Bearer {self._refresh}"},
                )
                return self._store(response.json())
            except HttpError as exc:
                if exc.status not in (400, 401):
                    raise
        self._access = self._refresh = None
        return self.access_token()

    def get(self, method: str, params: Mapping[str, str | int | None]) -> Any:
        try:
            return self._http.get(self._xrpc(method), params=params, headers=self._auth(self.access_token()))
        except HttpError as exc:
            if exc.status in (400, 401) and exc.error_code in ("ExpiredToken", "InvalidToken"):
                return self._http.get(self._xrpc(method), params=params, headers=self._auth(self.refresh()))
            raise

    @staticmethod
    def _auth(token: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {token}"}


class BlueskyFetcher:
    """``searchPosts`` newest first, one search per OR branch of the query, from the last run's watermark.

    The cursor is ``{"since": <ISO time>}``: the newest post time seen, less an overlap for posts indexed
    late; searches pass it as ``since``. It moves only when every branch was read to its end.
    """

    source = SOURCE
    OVERLAP = timedelta(minutes=10)

    def __init__(self, context: FetchContext, session: BlueskySession, *, page_size: int = 100) -> None:
        self.context, self.session, self.page_size = context, session, page_size

    def pages(self, job: Job, cursor: Mapping[str, Any] | None) -> Iterator[FetchedPage]:
        since = parse_iso(cursor.get("since")) if cursor else None
        if since is None:
            since = self.context.now() - self.context.lookback
        newest = since
        complete = True
        searches = query_syntax(job.query.compiled)
        for branch in searches:
            token: str | None = None
            for number in range(1, self.context.max_pages + 1):
                params: dict[str, str | int | None] = {
                    "q": branch,
                    "sort": "latest",
                    "limit": self.page_size,
                    "since": iso(since),
                    "cursor": token,
                }
                origin = f"bluesky searchPosts q={branch!r} page {number}"
                try:
                    response = self.session.get("app.bsky.feed.searchPosts", params)
                except HttpError as exc:
                    complete = False
                    yield FetchedPage(origin, error=str(exc))
                    break
                fetched = self.context.parse_page(origin, response.body, parse)
                yield fetched
                if fetched.page is None:
                    complete = False
                    break
                for post in fetched.page.posts:
                    newest = max(newest, min(post.created_at, self.context.now()))
                token = fetched.page.next_cursor
                if not token or not fetched.page.posts:
                    break
            else:
                # The page limit ended this branch: the next run starts again from the old mark.
                complete = False
                yield FetchedPage(origin, note=f"page limit ({self.context.max_pages}) reached for q={branch!r}")
        if complete:
            yield FetchedPage("bluesky cursor", cursor={"since": iso(max(since, newest - self.OVERLAP))})


def query_syntax(query: Query) -> list[str]:
    """One search per OR branch: Bluesky's search reads ``a b`` AND, ``-a``, ``"phrase"`` but no OR."""
    return branches(query)


class BlueskySettings(PagedSettings):
    identifier: SecretRef | None = None
    app_password: SecretRef | None = None
    service: str = Field(default="https://bsky.social", pattern=URL_PATTERN)


def _fetcher(args: FetcherArgs) -> BlueskyFetcher:
    session = BlueskySession(args.http, args.settings.service, args.secret("identifier"), args.secret("app_password"))
    return BlueskyFetcher(args.context, session)


def native_author(handle: str, resolve: Resolver | None = None) -> str:
    """Posts are stored by DID: the did:plc:... itself, or a handle a resolver turns into it."""
    h = handle.strip()
    if h.lower().startswith("did:"):
        return h.lower()
    if resolve is None:
        raise AuthorFormError("Bluesky posts are stored by DID: give the did:plc:... of the account")
    return resolve(SOURCE, h.lstrip("@")).lower()


def _record_author(record: dict[str, Any]) -> str | None:
    author = record.get("author")
    did = author.get("did") if isinstance(author, dict) else None
    return did.lower() if isinstance(did, str) and did else None


REPOST_TYPE = "app.bsky.feed.repost"


def legacy_native_id(old_id: str) -> str | None:
    """The native id collection now gives a Bluesky post (its at-uri), from the id the lake held before;
    None when ``old_id`` is not in the old form (already migrated)."""
    rest = old_id.removeprefix(f"{SOURCE}:")
    if not rest.startswith("did:"):
        return None
    parts = rest.split("/")
    if len(parts) == 2:
        return f"at://{parts[0]}/{POST_TYPE}/{parts[1]}"
    if len(parts) == 3 and parts[1] == "repost":
        return f"at://{parts[0]}/{REPOST_TYPE}/{parts[2]}"
    if len(parts) == 4 and parts[1] == "repost-of":
        return f"repost-of:{parts[0]}:at://{parts[2]}/{POST_TYPE}/{parts[3]}"
    return None


def _legacy_identity(post_id: str, url: str | None) -> LegacyRow | None:
    """Old lakes held ``bluesky:<did>/<rkey>`` ids and bsky.app links, which name the author."""
    native = legacy_native_id(post_id)
    if native is None and url is None:
        return None
    return LegacyRow(native_id=native, move_link=url is not None)


PLATFORM = Platform(
    name=SOURCE,
    kind="social",
    parse=parse,
    settings=BlueskySettings,
    fetcher=_fetcher,
    secrets=("identifier", "app_password"),
    native_author=native_author,
    author_form="the account's did:plc:..., not its handle",
    record_author=_record_author,
    query_syntax=query_syntax,
    reader_links=True,
    legacy_identity=_legacy_identity,
    docs="searchPosts with an app password, one search per OR branch of the query",
)
