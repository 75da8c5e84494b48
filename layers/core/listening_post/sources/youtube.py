"""YouTube Data API v3: ``commentThreads.list`` and ``comments.list`` (reply pages) responses, and the
fetcher of comments on videos.

A top-level comment (and each reply the response includes) is a post; its link is the video with the
comment highlighted (``watch?v=<video>&lc=<comment>``), which names no channel. A comment about a channel
rather than a video (the retired channel discussion) has only a link naming that channel: it is the
reader's ``link``, kept apart (``links/``). The author is the channel id, the stable id a
channel URL shows. ``textOriginal`` is plain text but only returned to the comment's author; otherwise
``textDisplay`` is read as HTML (the default ``textFormat``).
"""

from __future__ import annotations

from collections.abc import Generator, Iterator, Mapping
from datetime import timedelta
from typing import TYPE_CHECKING, Any

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
from listening_post.sources.fetch import FetchedPage, iso, keep_matching, parse_iso
from listening_post.sources.query_syntax import branches
from listening_post.sources.references import html_links
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

SOURCE = "youtube"


def parse(payload: bytes | str) -> Page:
    data = load_json(payload)
    if not isinstance(data, dict):
        raise PayloadError("not a YouTube API response: expected a JSON object")
    if isinstance(data.get("error"), dict):
        error = data["error"]
        raise PayloadError(f"YouTube error response: {error.get('code')} {str(error.get('message', ''))[:200]}")
    kind = data.get("kind")
    if not isinstance(kind, str) or kind not in _READERS or not isinstance(data.get("items"), list):
        got = f"kind {kind!r}" if isinstance(kind, str) else describe(data)
        raise PayloadError(f"not a YouTube response this reader knows: got {got}; supported: {SUPPORTED}")
    read = _READERS[kind]
    page = Page(next_cursor=data["nextPageToken"] if isinstance(data.get("nextPageToken"), str) else None)
    for index, item in enumerate(data["items"]):
        try:
            page.posts.extend(read(item))
        except MALFORMED as exc:
            page.rejects.append(Reject(reason_of(exc), item, index))
    return page


def parse_thread(item: Any) -> list[ParsedPost]:
    if not isinstance(item, dict) or not isinstance(item.get("snippet"), dict):
        raise RecordError("a comment thread must be an object with a snippet")
    snippet = item["snippet"]
    top = snippet.get("topLevelComment")
    if not isinstance(top, dict):
        raise RecordError("missing snippet.topLevelComment")
    video = snippet.get("videoId") or (top.get("snippet") or {}).get("videoId")
    posts = [_comment(top, video, replies=optional_int(snippet.get("totalReplyCount")))]
    for reply in as_list(as_dict(item.get("replies")).get("comments")):
        posts.append(_comment(reply, video))
    return posts


def parse_comment(item: Any) -> list[ParsedPost]:
    """One comment of a ``comments.list`` response (the replies to a thread, by ``parentId``)."""
    return [_comment(item, None)]


_READERS = {"youtube#commentThreadListResponse": parse_thread, "youtube#commentListResponse": parse_comment}
SUPPORTED = "commentThreads.list (youtube#commentThreadListResponse), comments.list (youtube#commentListResponse)"


def _comment(comment: Any, video: Any, *, replies: int | None = None) -> ParsedPost:
    if not isinstance(comment, dict) or not isinstance(comment.get("snippet"), dict):
        raise RecordError("a comment must be an object with a snippet")
    comment_id = require_str(comment, "id")
    s = comment["snippet"]
    original, display = s.get("textOriginal"), s.get("textDisplay")
    if isinstance(original, str):
        text, is_html = original, False
    elif isinstance(display, str):
        text, is_html = display, True
    else:
        raise RecordError("missing textOriginal and textDisplay")
    channel = s.get("authorChannelId")
    author = channel.get("value") if isinstance(channel, dict) else None
    video = video or s.get("videoId")
    about = s.get("channelId")  # the channel a comment without a video is about
    link = None
    if not isinstance(video, str) and isinstance(about, str) and about:
        link = f"https://www.youtube.com/channel/{about}/discussion?lc={comment_id}"
    return ParsedPost(
        source=SOURCE,
        native_id=comment_id,
        created_at=parse_timestamp(s.get("publishedAt"), field_name="publishedAt"),
        text=text,
        is_html=is_html,
        author_native=author if isinstance(author, str) and author else None,
        url=f"https://www.youtube.com/watch?v={video}&lc={comment_id}" if isinstance(video, str) else None,
        link=link,
        likes=optional_int(s.get("likeCount")),
        replies=replies,
        # Posts schema v3: links written in the comment (YouTube has no link entities), the comment a
        # reply answers; a comment states nothing of its author's account.
        links=html_links(text) if is_html else links_in_text(text),
        reply_to_native=s["parentId"] if isinstance(s.get("parentId"), str) and s["parentId"] else None,
    )


def link_replies(posts: list[ParsedPost]) -> int:
    """Give replies read from ``comments.list`` (which names no video) the link of their thread's video,
    when the thread is among ``posts`` (a thread page saved with its reply pages); returns how many."""
    videos: dict[str, str] = {}
    for post in posts:
        if post.url and "watch?v=" in post.url:
            videos[post.native_id] = post.url.split("watch?v=", 1)[1].split("&", 1)[0]
    linked = 0
    for post in posts:
        if post.url is None and post.link is None and post.reply_to_native in videos:
            post.url = f"https://www.youtube.com/watch?v={videos[post.reply_to_native]}&lc={post.native_id}"
            linked += 1
    return linked


# --- fetching --------------------------------------------------------------------------------------


class YoutubeFetcher:
    """Comments on the country's configured videos (kept when the query matches them) and on the videos
    a search finds for the query in the country's region (all kept: they are the conversation about it).

    Videos come from ``search.list`` (q, regionCode, newest first, published in the last
    ``video_window``); comments from ``commentThreads.list`` newest first, read down to the newest
    comment time the last run saw on that video. The cursor is ``{"videos": {<id>: <ISO time>}}``; a
    video's mark moves when its comments were read to the mark.
    """

    source = SOURCE

    def __init__(
        self,
        context: FetchContext,
        api_key: str,
        base_url: str,
        *,
        max_videos: int = 10,
        video_window: timedelta = timedelta(days=7),
    ) -> None:
        self.context, self._key, self.base_url = context, api_key, base_url.rstrip("/")
        self.max_videos, self.video_window = max_videos, video_window

    def __repr__(self) -> str:
        return f"YoutubeFetcher({self.base_url!r}, <key hidden>)"

    def pages(self, job: Job, cursor: Mapping[str, Any] | None) -> Iterator[FetchedPage]:
        marks: dict[str, str] = dict(cursor.get("videos", {})) if cursor else {}
        wanted = getattr(job.country.sources, SOURCE)
        configured = list(wanted.video_ids)
        found: list[str] = []
        region = wanted.region_code
        if region:
            origin = f"youtube search q={search_query(job.query.compiled)!r} region {region}"
            try:
                found = self._search(job, region)
            except HttpError as exc:
                yield FetchedPage(origin, error=str(exc))
            except PayloadError as exc:
                yield FetchedPage(origin, error=f"unusable response: {exc}")
        videos = list(dict.fromkeys([*configured, *found]))
        # Marks of videos no longer configured or found are dropped, so the cursor stays small.
        current = {v: marks[v] for v in videos if v in marks}
        for video in videos:
            newest = yield from self._video(job, video, marks.get(video), filter_locally=video not in found)
            if newest is not None:
                current[video] = newest
                yield FetchedPage(f"youtube cursor {video}", cursor={"videos": dict(current)})

    def _search(self, job: Job, region: str) -> list[str]:
        params: dict[str, str | int | None] = {
            "part": "snippet",
            "type": "video",
            "q": search_query(job.query.compiled),
            "regionCode": region,
            "order": "date",
            "maxResults": self.max_videos,
            "publishedAfter": iso(self.context.now() - self.video_window),
            "key": self._key,
        }
        response = self.context.http.get(f"{self.base_url}/search", params=params)
        data = load_json(response.body)
        items = data.get("items") if isinstance(data, dict) else None
        if not isinstance(items, list):
            raise PayloadError("search.list response without items")
        ids = [i.get("id", {}).get("videoId") for i in items if isinstance(i, dict) and isinstance(i.get("id"), dict)]
        return [v for v in ids if isinstance(v, str)]

    def _video(
        self, job: Job, video: str, mark: str | None, *, filter_locally: bool
    ) -> Generator[FetchedPage, None, str | None]:
        """Pages of one video's comments; returns the new mark when read down to the old one, else None."""
        since = parse_iso(mark) or (self.context.now() - self.context.lookback)
        newest = since
        token: str | None = None
        for number in range(1, self.context.max_pages + 1):
            params: dict[str, str | int | None] = {
                "part": "snippet,replies",
                "videoId": video,
                "order": "time",
                "maxResults": 100,
                "pageToken": token,
                "key": self._key,
            }
            origin = f"youtube commentThreads video {video} page {number}"
            try:
                response = self.context.http.get(f"{self.base_url}/commentThreads", params=params)
            except HttpError as exc:
                reason = exc.error_code
                if reason == "commentsDisabled":
                    yield FetchedPage(origin, note=f"comments are disabled on video {video}")
                    return None
                yield FetchedPage(origin, error=str(exc) + (f" [{reason}]" if reason else ""))
                return None
            fetched = self.context.parse_page(origin, response.body, parse)
            if fetched.page is not None:
                times = [p.created_at for p in fetched.page.posts]
                newest = max([newest, *times])
                if filter_locally:
                    fetched.filtered = keep_matching(fetched.page, job.query.compiled)
            yield fetched
            if fetched.page is None:
                return None
            token = fetched.page.next_cursor
            if not token or not times or min(times) <= since:
                return iso(newest)
        yield FetchedPage(origin, note=f"page limit ({self.context.max_pages}) reached on video {video}")
        return None


def search_query(query: Query) -> str:
    """YouTube's ``a b`` AND, ``|`` OR, ``-a``, no parentheses: the OR branches joined by ``|``."""
    return " | ".join(branches(query))


class CountryYoutube(StrictModel):
    video_ids: list[str] = Field(default_factory=list)
    region_code: str | None = None


class YoutubeSettings(PagedSettings):
    api_key: SecretRef | None = None
    base_url: str = Field(default="https://www.googleapis.com/youtube/v3", pattern=URL_PATTERN)
    max_videos: int = Field(default=10, ge=1, le=50, description="videos a search adds per query")
    video_window_days: int = Field(default=7, ge=1, le=90, description="how recent searched videos are")


def _fetcher(args: FetcherArgs) -> YoutubeFetcher:
    s = args.settings
    return YoutubeFetcher(
        args.context,
        args.secret("api_key"),
        s.base_url,
        max_videos=s.max_videos,
        video_window=timedelta(days=s.video_window_days),
    )


_CHANNEL = regex.compile(r"^UC[0-9A-Za-z_-]{22}$")


def native_author(handle: str, resolve: Resolver | None = None) -> str:
    """Comments are stored by channel id (UC...); the @name is not it."""
    h = handle.strip()
    if _CHANNEL.match(h):
        return h
    raise AuthorFormError("YouTube comments are stored by channel id: give the UC... id of the channel")


PLATFORM = Platform(
    name=SOURCE,
    kind="social",
    parse=parse,
    settings=YoutubeSettings,
    country_settings=CountryYoutube,
    fetcher=_fetcher,
    secrets=("api_key",),
    native_author=native_author,
    author_form="the channel id UC..., not the @name",
    query_syntax=lambda query: [search_query(query)],
    after_import=link_replies,  # reply pages name no video: their thread in the same import does
    docs="comments on configured videos and on those a search finds in the country's region (API key)",
)
