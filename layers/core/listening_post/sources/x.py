"""X (API v2): search responses with ``includes``, and the recent-search fetcher.

A post's link is ``https://x.com/i/web/status/<id>``, which needs no handle, and its author is the
numeric user id: stable when the handle changes (an erasure request by handle is one look-up away,
``GET /2/users/by/username/:handle``). Responses requested with the default fields carry no
``created_at``; post ids are Snowflakes, whose upper bits are the creation time in milliseconds since
the Twitter epoch, so the time is read from the id then. A retweet becomes the original (from
``includes.tweets``) plus a repost row with no text of its own. ``geo.place_id`` resolved through
``includes.places`` gives the country when the post is geotagged.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

import regex
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
    require_str,
)
from listening_post.sources.errors import HttpError
from listening_post.sources.fetch import FetchedPage, iso
from listening_post.sources.query_syntax import QueryTranslationError, boolean
from listening_post.sources.references import optional_bool, optional_time, strings
from listening_post.sources.spec import URL_PATTERN, AuthorFormError, PagedSettings, Platform, Resolver, SecretRef

if TYPE_CHECKING:
    from listening_post.query import Query
    from listening_post.sources.fetch import FetchContext, Job

SOURCE = "x"
TWITTER_EPOCH_MS = 1288834974657
_RETWEET_PREFIX = regex.compile(r"^RT @\w{1,15}: ")
TWEET_FIELDS = "created_at,lang,public_metrics,author_id,referenced_tweets,geo,note_tweet,entities"
# Users are expanded for their creation date and public counts only (posts schema v3), and mentioned users
# so that a mention becomes the pseudonym of the user id; no name, handle or profile is kept.
EXPANSIONS = "referenced_tweets.id,geo.place_id,author_id,entities.mentions.username"
USER_FIELDS = "created_at,public_metrics,verified"
PLACE_FIELDS = "country_code"


def snowflake_time(post_id: str) -> datetime:
    if not post_id.isdigit():
        raise RecordError(f"not a Snowflake id: {post_id[:30]!r}")
    return datetime.fromtimestamp(((int(post_id) >> 22) + TWITTER_EPOCH_MS) / 1000, tz=UTC)


def parse(payload: bytes | str) -> Page:
    data = load_json(payload)
    if _is_v1(data):
        raise PayloadError(V1_MESSAGE)
    if not isinstance(data, dict):
        raise PayloadError(f"not an X API v2 response: got {describe(data)}; supported: {SUPPORTED}")
    if "data" not in data:
        if isinstance(data.get("meta"), dict) and data["meta"].get("result_count") == 0:
            return Page()  # a search that found nothing
        problem = data.get("detail") or data.get("title") or data.get("errors")
        if not problem:
            raise PayloadError(f"not an X API v2 response: got {describe(data)}; supported: {SUPPORTED}")
        raise PayloadError(f"X error response: {str(problem)[:300]}")
    tweets = data["data"] if isinstance(data["data"], list) else [data["data"]]
    includes = as_dict(data.get("includes"))
    places = {
        p["id"]: p for p in as_list(includes.get("places")) if isinstance(p, dict) and isinstance(p.get("id"), str)
    }
    referenced = {
        t["id"]: t for t in as_list(includes.get("tweets")) if isinstance(t, dict) and isinstance(t.get("id"), str)
    }
    users = {u["id"]: u for u in as_list(includes.get("users")) if isinstance(u, dict) and isinstance(u.get("id"), str)}
    meta = as_dict(data.get("meta"))
    page = Page(next_cursor=meta.get("next_token") if isinstance(meta.get("next_token"), str) else None)
    for index, tweet in enumerate(tweets):
        try:
            page.posts.extend(parse_tweet(tweet, places, referenced, users))
        except MALFORMED as exc:
            page.rejects.append(Reject(reason_of(exc), tweet, index))
    return page


SUPPORTED = (
    "API v2 responses with 'data' and optional 'includes': recent and full-archive search, post lookup, "
    "user timelines and mentions, home timeline, liked posts, quote posts, list posts"
)
V1_MESSAGE = "X API v1.1 is not supported; use v2 recent search (GET /2/tweets/search/recent)"


def _is_v1(data: Any) -> bool:
    """v1.1 search (``statuses`` + ``search_metadata``) or a v1.1 timeline (a list of tweets with ``id_str``)."""
    if isinstance(data, dict):
        return isinstance(data.get("statuses"), list) and "search_metadata" in data
    return isinstance(data, list) and bool(data) and isinstance(data[0], dict) and "id_str" in data[0]


def parse_tweet(
    tweet: Any, places: Mapping[Any, Any], referenced: Mapping[Any, Any], users: Mapping[Any, Any] | None = None
) -> list[ParsedPost]:
    if not isinstance(tweet, dict):
        raise RecordError("a post must be a JSON object")
    users = users or {}
    refs = as_list(tweet.get("referenced_tweets"))
    retweeted = next((r.get("id") for r in refs if isinstance(r, dict) and r.get("type") == "retweeted"), None)
    if retweeted is None:
        # Requested without referenced_tweets (the default fields), a retweet shows only by its text.
        plain_retweet = "referenced_tweets" not in tweet and _RETWEET_PREFIX.match(str(tweet.get("text", "")))
        return [_post(tweet, places, users, is_repost=bool(plain_retweet))]
    repost = _post(tweet, places, users, is_repost=True)
    repost.reposted_native = str(retweeted)
    original_record = referenced.get(retweeted)
    if isinstance(original_record, dict):
        try:
            original = _post(original_record, places, users)
        except MALFORMED:  # the retweet itself is still a record of amplification
            return [repost]
        repost.context_text = original.text
        return [original, repost]
    return [repost]


def _text(tweet: dict[str, Any]) -> str:
    note = tweet.get("note_tweet")
    if isinstance(note, dict) and isinstance(note.get("text"), str):
        return str(note["text"])  # a long post: "text" holds only its first 280 characters
    text = tweet.get("text")
    if not isinstance(text, str):
        raise RecordError("missing text")
    return text


def _post(
    tweet: dict[str, Any], places: Mapping[Any, Any], users: Mapping[Any, Any], *, is_repost: bool = False
) -> ParsedPost:
    post_id = require_str(tweet, "id")
    created = tweet.get("created_at")
    created_at = parse_timestamp(created) if created else snowflake_time(post_id)
    text = _text(tweet)
    metrics = as_dict(tweet.get("public_metrics"))
    geo = as_dict(tweet.get("geo"))
    place = places.get(geo.get("place_id")) if geo.get("place_id") else None
    country = place.get("country_code") if isinstance(place, dict) else None
    author = tweet.get("author_id")
    lang = tweet.get("lang")
    return ParsedPost(
        source=SOURCE,
        native_id=post_id,
        created_at=created_at,
        text="" if is_repost else text,
        author_native=str(author) if isinstance(author, str | int) and str(author) else None,
        url=f"https://x.com/i/web/status/{post_id}",
        declared_lang=lang if isinstance(lang, str) and lang != "und" else None,
        likes=None if is_repost else optional_int(metrics.get("like_count")),
        reposts=None if is_repost else optional_int(metrics.get("retweet_count")),
        replies=None if is_repost else optional_int(metrics.get("reply_count")),
        is_repost=is_repost,
        # Until the original is found in includes, the retweet's own copy (less "RT @name: ") is the context.
        context_text=_RETWEET_PREFIX.sub("", text) if is_repost else None,
        country=country.upper() if isinstance(country, str) and len(country) == 2 else None,
        **_references(tweet, users, is_repost=is_repost),
    )


def _references(tweet: dict[str, Any], users: Mapping[Any, Any], *, is_repost: bool) -> dict[str, Any]:
    """Posts schema v3 fields of a post: links as expanded (``unwound_url``, the final address, where X
    followed the redirects), hashtags and mentions from ``entities``; quoted and replied-to ids; the
    author's counts from ``includes.users``. A mention is its user id (the form of ``author_native``), or,
    when the response does not give it, the lower-cased username, pseudonymised all the same."""
    entities = as_dict(tweet.get("entities"))
    refs = {r.get("type"): r.get("id") for r in as_list(tweet.get("referenced_tweets")) if isinstance(r, dict)}
    by_name = {str(u.get("username", "")).lower(): uid for uid, u in users.items() if isinstance(u, dict)}
    mentions = []
    for m in as_list(entities.get("mentions")):
        m = as_dict(m)
        uid = m.get("id") or by_name.get(str(m.get("username", "")).lower())
        if uid or m.get("username"):
            mentions.append(str(uid) if uid else f"@{str(m['username']).lower()}")
    author = as_dict(users.get(tweet.get("author_id")))
    metrics = as_dict(author.get("public_metrics"))
    return {
        # A retweet's entities are the original's: the original row carries them, not the amplification.
        "links": []
        if is_repost
        else [
            link
            for u in map(as_dict, as_list(entities.get("urls")))
            if isinstance(link := u.get("unwound_url") or u.get("expanded_url") or u.get("url"), str)
        ],
        "hashtags": [] if is_repost else strings(as_list(entities.get("hashtags")), "tag"),
        "mentions_native": [] if is_repost else mentions,
        "quoted_native": refs.get("quoted") if isinstance(refs.get("quoted"), str) else None,
        "reply_to_native": refs.get("replied_to") if isinstance(refs.get("replied_to"), str) else None,
        "author_created_at": optional_time(author.get("created_at")),
        "author_followers": optional_int(metrics.get("followers_count")),
        "author_posts": optional_int(metrics.get("tweet_count")),
        "author_is_verified": optional_bool(author.get("verified")),
    }


# --- fetching --------------------------------------------------------------------------------------

RECENT_SEARCH_WINDOW = timedelta(days=7)


class XFetcher:
    """Recent search, newest first, with ``since_id`` from the last run; ``next_token`` pages.

    The cursor is ``{"since_id": <id>}``, the newest post id seen; it moves when the search has been read
    to its end.
    """

    source = SOURCE

    def __init__(self, context: FetchContext, bearer_token: str, base_url: str, *, page_size: int = 100) -> None:
        self.context, self._bearer, self.base_url, self.page_size = (
            context,
            bearer_token,
            base_url.rstrip("/"),
            page_size,
        )

    def __repr__(self) -> str:
        return f"XFetcher({self.base_url!r}, <token hidden>)"

    def pages(self, job: Job, cursor: Mapping[str, Any] | None) -> Iterator[FetchedPage]:
        query = search_query(job.query.compiled)
        since_id = cursor.get("since_id") if cursor else None
        params: dict[str, str | int | None] = {
            "query": query,
            "max_results": self.page_size,
            "tweet.fields": TWEET_FIELDS,
            "expansions": EXPANSIONS,
            "place.fields": PLACE_FIELDS,
            "user.fields": USER_FIELDS,
        }
        if isinstance(since_id, str) and since_id.isdigit():
            params["since_id"] = since_id
        else:
            # Recent search reaches back seven days; a first run reads the configured lookback of it.
            lookback = min(self.context.lookback, RECENT_SEARCH_WINDOW - timedelta(minutes=5))
            params["start_time"] = iso(self.context.now() - lookback)
        newest = int(since_id) if isinstance(since_id, str) and since_id.isdigit() else 0
        url = f"{self.base_url}/2/tweets/search/recent"
        headers = {"Authorization": f"Bearer {self._bearer}"}
        for number in range(1, self.context.max_pages + 1):
            origin = f"x recent search query={query!r} page {number}"
            try:
                response = self.context.http.get(url, params=params, headers=headers)
            except HttpError as exc:
                yield FetchedPage(origin, error=str(exc))
                return
            fetched = self.context.parse_page(origin, response.body, parse)
            yield fetched
            if fetched.page is None:
                return
            newest = max([newest, *(int(p.native_id) for p in fetched.page.posts if p.native_id.isdigit())])
            if not fetched.page.next_cursor:
                break
            params["next_token"] = fetched.page.next_cursor
        else:
            yield FetchedPage(origin, note=f"page limit ({self.context.max_pages}) reached before since_id")
            return
        if newest:
            yield FetchedPage("x cursor", cursor={"since_id": str(newest)})


MAX_QUERY_CHARS = 512


def search_query(query: Query) -> str:
    """X's ``a b`` AND, ``OR``, ``-a``, ``( )``, ``"phrase"``, at most 512 characters: the tree."""
    text = boolean(query, and_=" ", or_=" OR ", negation="-")
    if len(text) > MAX_QUERY_CHARS:
        raise QueryTranslationError(f"the query is {len(text)} characters in X syntax; X takes {MAX_QUERY_CHARS}")
    return text


class XSettings(PagedSettings):
    bearer_token: SecretRef | None = None
    base_url: str = Field(default="https://api.x.com", pattern=URL_PATTERN)


_USER_ID = regex.compile(r"^\d{1,20}$")


def native_author(handle: str, resolve: Resolver | None = None) -> str:
    """Posts are stored by numeric user id: the id itself, or an @name a resolver turns into it."""
    h = handle.strip()
    if _USER_ID.match(h):
        return h
    if resolve is None:
        raise AuthorFormError("X posts are stored by numeric user id: give the id of the account")
    return resolve(SOURCE, h.lstrip("@"))


def _record_author(record: dict[str, Any]) -> str | None:
    author = record.get("author_id")
    return str(author) if isinstance(author, str | int) and str(author) else None


PLATFORM = Platform(
    name=SOURCE,
    kind="social",
    parse=parse,
    settings=XSettings,
    fetcher=lambda args: XFetcher(args.context, args.secret("bearer_token"), args.settings.base_url),
    secrets=("bearer_token",),
    native_author=native_author,
    author_form="the numeric user id, not the @name",
    record_author=_record_author,
    query_syntax=lambda query: [search_query(query)],
    docs="recent search (API v2, bearer token)",
)
