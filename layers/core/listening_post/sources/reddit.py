"""Reddit: Listings of submissions (``t3``) and comments (``t1``), and the OAuth search fetcher.

A submission's text is its title and self text (Markdown, kept as text). ``[deleted]`` and ``[removed]``
bodies, and posts whose author deleted the account, carry no opinion: they are counted as withdrawn and
never stored. A crosspost becomes the original plus a repost row with no text of its own. The author is
the user name in lower case (Reddit names are case-insensitive and cannot be changed).
"""

from __future__ import annotations

import base64
from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import regex
from pydantic import Field

from listening_post.enrich.urls import links_in_text
from listening_post.parsed import ParsedPost
from listening_post.sources.base import (
    MALFORMED,
    Page,
    PayloadError,
    RecordError,
    Reject,
    load_json,
    optional_int,
    parse_timestamp,
    reason_of,
    require_str,
)
from listening_post.sources.errors import HttpError
from listening_post.sources.fetch import FetchedPage
from listening_post.sources.query_syntax import boolean
from listening_post.sources.spec import (
    URL_PATTERN,
    FetcherArgs,
    LegacyRow,
    PagedSettings,
    Platform,
    Resolver,
    SecretRef,
    StrictModel,
)

if TYPE_CHECKING:
    from listening_post.query import Query
    from listening_post.sources.fetch import FetchContext, Job
    from listening_post.sources.http import HttpClient

SOURCE = "reddit"
WITHDRAWN = frozenset({"[deleted]", "[removed]"})


def parse(payload: bytes | str) -> Page:
    data = load_json(payload)
    listings = data if isinstance(data, list) else [data]  # a comments page is [submission, comments]
    page = Page()
    for listing in listings:
        if not isinstance(listing, dict):
            raise PayloadError("not a Reddit Listing")
        if "error" in listing and "data" not in listing:
            raise PayloadError(f"Reddit error response: {listing.get('error')} {str(listing.get('message', ''))[:200]}")
        body = listing.get("data")
        if listing.get("kind") != "Listing" or not isinstance(body, dict) or not isinstance(body.get("children"), list):
            raise PayloadError("not a Reddit Listing (kind 'Listing' with data.children)")
        if isinstance(body.get("after"), str) and page.next_cursor is None:
            page.next_cursor = body["after"]
        for index, child in enumerate(body["children"]):
            try:
                page.posts.extend(parse_thing(child))
            except _Withdrawn:
                page.withdrawn += 1
            except MALFORMED as exc:
                page.rejects.append(Reject(reason_of(exc), child, index))
    return page


class _Withdrawn(Exception):
    pass


def parse_thing(child: Any) -> list[ParsedPost]:
    if not isinstance(child, dict) or not isinstance(child.get("data"), dict):
        raise RecordError("a Listing child must be an object with data")
    kind, data = child.get("kind"), child["data"]
    if kind == "more":
        return []  # "load more comments": a pointer, not a post
    if kind == "t1":
        return [_comment(data)]
    if kind != "t3":
        raise RecordError(f"not a submission or comment (kind {kind!r})")
    parents = data.get("crosspost_parent_list")
    if data.get("crosspost_parent") or (isinstance(parents, list) and parents):
        return _crosspost(data, parents[0] if isinstance(parents, list) and parents else None)
    return [_submission(data)]


def _withdrawn(data: dict[str, Any], body_key: str) -> bool:
    return data.get(body_key) in WITHDRAWN or data.get("author") in WITHDRAWN or bool(data.get("removed_by_category"))


def _author(data: dict[str, Any]) -> str | None:
    author = data.get("author")
    return author.lower() if isinstance(author, str) and author and author not in WITHDRAWN else None


def _url(data: dict[str, Any]) -> str | None:
    """The permalink, ``/r/<subreddit>/comments/<id>/<slug>/``, which names no user, unless the post is on
    a user's profile (``/r/u_<name>/``, ``/user/<name>/``): then the id-only form Reddit redirects from."""
    permalink = data.get("permalink")
    if not isinstance(permalink, str) or not permalink.startswith("/"):
        return None
    path = urlsplit(permalink).path  # without ?ref=search_posts and the like
    segments = [s for s in path.split("/") if s]
    if len(segments) >= 4 and segments[0] == "r" and not segments[1].lower().startswith("u_"):
        return "https://www.reddit.com" + path
    thing = data.get("id")
    link_id = data.get("link_id")
    if not isinstance(thing, str) or not thing.isalnum():
        return None
    if isinstance(link_id, str) and link_id.startswith("t3_"):  # a comment: its submission, then itself
        return f"https://www.reddit.com/comments/{link_id[3:]}/_/{thing}/"
    return f"https://www.reddit.com/comments/{thing}/"


def _submission(data: dict[str, Any], *, repost: bool = False) -> ParsedPost:
    if _withdrawn(data, "selftext"):
        raise _Withdrawn
    native = require_str(data, "id")
    title = data.get("title") or ""
    selftext = data.get("selftext") or ""
    if not isinstance(title, str) or not isinstance(selftext, str):
        raise RecordError("title or selftext is not a string")
    text = f"{title}\n\n{selftext}" if selftext.strip() else title
    return ParsedPost(
        source=SOURCE,
        native_id=native,
        created_at=parse_timestamp(data.get("created_utc"), field_name="created_utc"),
        text="" if repost else text,
        author_native=_author(data),
        url=_url(data),
        likes=None if repost else optional_int(data.get("score")),
        reposts=None if repost else optional_int(data.get("num_crossposts")),
        replies=None if repost else optional_int(data.get("num_comments")),
        is_repost=repost,
        context_text=text if repost else None,
        # Posts schema v3: the link a link post shares (Reddit gives it expanded) and those in its text;
        # Reddit has no hashtags, and a listing states nothing of the author's account.
        links=[] if repost else [*_shared_link(data), *links_in_text(selftext)],
        reposted_native=_thing_id(data.get("crosspost_parent")) if repost else None,
    )


def _shared_link(data: dict[str, Any]) -> list[str]:
    link = data.get("url_overridden_by_dest") or data.get("url")
    return [link] if isinstance(link, str) and not data.get("is_self") and link.startswith("http") else []


def _thing_id(fullname: Any) -> str | None:
    """``t3_abc`` (a fullname) as ``abc``, the native id of that post."""
    if isinstance(fullname, str) and fullname[:3] in ("t1_", "t3_") and fullname[3:].isalnum():
        return fullname[3:]
    return None


def _crosspost(data: dict[str, Any], parent: Any) -> list[ParsedPost]:
    repost = _submission(data, repost=True)
    if not isinstance(parent, dict):
        return [repost]  # the original is not in the payload: its title stands in as context
    try:
        original = _submission(parent)
    except _Withdrawn:
        return [repost]
    repost.context_text = original.text
    return [original, repost]


def _comment(data: dict[str, Any]) -> ParsedPost:
    if _withdrawn(data, "body"):
        raise _Withdrawn
    body = data.get("body")
    if not isinstance(body, str):
        raise RecordError("missing body")
    return ParsedPost(
        source=SOURCE,
        native_id=require_str(data, "id"),
        created_at=parse_timestamp(data.get("created_utc"), field_name="created_utc"),
        text=body,
        author_native=_author(data),
        url=_url(data),
        likes=optional_int(data.get("score")),
        links=links_in_text(body),
        reply_to_native=_thing_id(data.get("parent_id")),
    )


# --- fetching --------------------------------------------------------------------------------------


class RedditAuth:
    """An application-only OAuth token (client credentials grant), renewed before it expires."""

    def __init__(self, http: HttpClient, auth_base: str, client_id: str, client_secret: str) -> None:
        self._http, self._auth_base = http, auth_base.rstrip("/")
        self._basic = base64.b64encode(f"{client_id}:{client_secret}".encode()).decode()
        self._token: str | None = None
        self._expires = 0.0

    def __repr__(self) -> str:
        return "RedditAuth(<credentials hidden>)"

    def token(self, *, renew: bool = False) -> str:
        now = self._http.clock.monotonic()
        if renew or self._token is None or now >= self._expires:
            url = f"{self._auth_base}/api/v1/access_token"
            response = self._http.post(
                url, form={"grant_type": "client_credentials"}, headers={"Authorization": f"Basic {self._basic}"}
            )
            body = response.json()
            if not isinstance(body, dict) or not isinstance(body.get("access_token"), str):
                reason = body.get("error") if isinstance(body, dict) else None
                raise HttpError(f"Reddit gave no access token ({reason or 'unexpected answer'})", url=url)
            self._token = body["access_token"]
            self._expires = now + float(body.get("expires_in") or 3600) - 60
        assert self._token is not None
        return self._token


def time_filter(age_seconds: float) -> str:
    """The narrowest ``t`` of Reddit search that still reaches back to the watermark."""
    for name, limit in (("hour", 3600), ("day", 86400), ("week", 7 * 86400), ("month", 31 * 86400)):
        if age_seconds <= limit:
            return name
    return "year" if age_seconds <= 365 * 86400 else "all"


class RedditFetcher:
    """Search, newest first, in the country's subreddits (or all of Reddit), down to the last watermark.

    The cursor is ``{"newest_utc": <epoch seconds>}``, the newest post time seen; it moves when the search
    has been read down to it.
    """

    source = SOURCE

    def __init__(self, context: FetchContext, auth: RedditAuth, api_base: str, *, page_size: int = 100) -> None:
        self.context, self.auth, self.api_base, self.page_size = context, auth, api_base.rstrip("/"), page_size

    def pages(self, job: Job, cursor: Mapping[str, Any] | None) -> Iterator[FetchedPage]:
        now = self.context.now()
        mark = cursor.get("newest_utc") if cursor else None
        watermark = float(mark) if isinstance(mark, int | float) else (now - self.context.lookback).timestamp()
        subreddits = getattr(job.country.sources, SOURCE).subreddits
        url = f"{self.api_base}/r/{'+'.join(subreddits)}/search" if subreddits else f"{self.api_base}/search"
        query = search_query(job.query.compiled)
        newest = watermark
        after: str | None = None
        for number in range(1, self.context.max_pages + 1):
            params: dict[str, str | int | None] = {
                "q": query,
                "sort": "new",
                "t": time_filter(now.timestamp() - watermark),
                "limit": self.page_size,
                "type": "link",
                "raw_json": 1,
                "restrict_sr": 1 if subreddits else None,
                "after": after,
            }
            origin = f"reddit search {url.removeprefix(self.api_base)} q={query!r} page {number}"
            try:
                response = self._get(url, params)
            except HttpError as exc:
                yield FetchedPage(origin, error=str(exc))
                return
            fetched = self.context.parse_page(origin, response.body, parse)
            yield fetched
            if fetched.page is None:
                return
            times = [p.created_at.timestamp() for p in fetched.page.posts]
            newest = max([newest, *times])
            after = fetched.page.next_cursor
            if not after or (times and min(times) <= watermark) or not fetched.page.posts:
                break
        else:
            yield FetchedPage(origin, note=f"page limit ({self.context.max_pages}) reached before the watermark")
            return
        yield FetchedPage("reddit cursor", cursor={"newest_utc": newest})

    def _get(self, url: str, params: Mapping[str, str | int | None]) -> Any:
        try:
            return self.context.http.get(url, params=params, headers={"Authorization": f"bearer {self.auth.token()}"})
        except HttpError as exc:
            if exc.status != 401:
                raise
            token = self.auth.token(renew=True)
            return self.context.http.get(url, params=params, headers={"Authorization": f"bearer {token}"})


def search_query(query: Query) -> str:
    """Reddit's ``AND``, ``OR``, ``NOT``, ``( )``, ``"phrase"``: the tree, NOT pushed to terms."""
    return boolean(query, and_=" AND ", or_=" OR ", negation="NOT ")


class CountryReddit(StrictModel):
    subreddits: list[str] = Field(default_factory=list)


class RedditSettings(PagedSettings):
    client_id: SecretRef | None = None
    client_secret: SecretRef | None = None
    requests_per_minute: int = Field(default=100, ge=1, le=1000)
    api_base: str = Field(default="https://oauth.reddit.com", pattern=URL_PATTERN)
    auth_base: str = Field(default="https://www.reddit.com", pattern=URL_PATTERN)


def _fetcher(args: FetcherArgs) -> RedditFetcher:
    s = args.settings
    auth = RedditAuth(args.http, s.auth_base, args.secret("client_id"), args.secret("client_secret"))
    for base in (s.api_base, s.auth_base):
        args.http.set_budget(urlsplit(base).netloc, s.requests_per_minute)
    return RedditFetcher(args.context, auth, s.api_base)


def native_author(handle: str, resolve: Resolver | None = None) -> str:
    """The user name, with or without ``u/``."""
    return regex.sub(r"^/?u/|^@", "", handle.strip()).lower()


def _record_author(record: dict[str, Any]) -> str | None:
    data = record.get("data")
    return _author(data if isinstance(data, dict) else record)


def id_only_url(url: str) -> str | None:
    """The id-only link for a permalink that names a user; None when ``url`` names none."""
    segments = [s for s in urlsplit(url).path.split("/") if s]
    if len(segments) < 4 or "comments" not in segments:
        return None
    if segments[0] == "r" and not segments[1].lower().startswith("u_"):
        return None
    at = segments.index("comments")
    tail = segments[at + 1 :]
    if not tail:
        return None
    if len(tail) >= 3:  # <submission>/<slug>/<comment>
        return f"https://www.reddit.com/comments/{tail[0]}/_/{tail[2]}/"
    return f"https://www.reddit.com/comments/{tail[0]}/"


def _legacy_identity(post_id: str, url: str | None) -> LegacyRow | None:
    """Old lakes held permalinks of posts on user profiles (``/r/u_<name>/``, ``/user/<name>/``)."""
    fixed = id_only_url(url) if url is not None else None
    return LegacyRow(url=fixed) if fixed is not None else None


PLATFORM = Platform(
    name=SOURCE,
    kind="social",
    parse=parse,
    settings=RedditSettings,
    country_settings=CountryReddit,
    fetcher=_fetcher,
    secrets=("client_id", "client_secret"),
    native_author=native_author,
    author_form="the user name, with or without u/",
    record_author=_record_author,
    legacy_identity=_legacy_identity,
    query_syntax=lambda query: [search_query(query)],
    docs="search of the country's subreddits (OAuth client credentials)",
)
