"""Browser-captured exports: Zeeschuimer's NDJSON, as 4CAT imports it (import only, no fetcher).

Zeeschuimer is a browser extension: a person browses TikTok, Instagram or X, it keeps the items the
pages loaded, and exports them as NDJSON, one JSON object per line::

    {"nav_index": ..., "item_id": ..., "timestamp_collected": <ms>, "source_platform": "tiktok.com",
     "source_platform_url": <the page>, "source_url": <the request>, "user_agent": ..., "data": {<item>}}

``data`` is the platform's own item as its web page received it. Each item becomes a post of its own
platform (``source`` tiktok, instagram or x), its fields read as 4CAT's data sources read them
(``datasources/<platform>/search_<platform>.py``, ``map_item``). Collection stays manual: nothing here
talks to a platform.

Per platform:
- tiktok.com: the web API's video item. Author: the handle (``author.uniqueId``), lower-cased. Its page
  ``tiktok.com/@<handle>/video/<id>`` names the author, so it is a reader link (``links/``), never the
  post's ``url``. Hashtags and mentions from ``textExtra``. Not read, for want of a recorded example: a
  duet's original (``duetInfo``), the region (``locationCreated``); X's ``place`` likewise.
- instagram.com: the web API's media item (the "item list" form of 4CAT). Post id: the shortcode
  (``/p/<code>``, which names nobody; ``id`` holds the owner's user id and is not used). Author: the
  username, lower-cased. Hashtags and mentions read from the caption, as 4CAT does.
- twitter.com / x.com: the web GraphQL ``Tweet`` result. Posts carry ``source`` "x" with the same native
  id, author (the numeric user id) and link as the X API reader writes, so a post captured in a browser
  and the same post read from the API are one post.

Not read, quarantined with the reason: X retweets and results other than a plain ``Tweet``, Threads and
LinkedIn items (no recorded capture was found to check a mapping against), TikTok comments, Instagram's
older "graph" items, every other ``source_platform``.
A malformed line, or one longer than :data:`MAX_LINE_BYTES`, is quarantined and the rest of the file kept.
Quarantined records hold the line number, the platform and the item's field names, never the item: its
identity fields (owners, user ids, mentioned handles) take other names on every platform.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from listening_post.sources.spec import AuthorFormError, Platform, StrictModel

if TYPE_CHECKING:
    from listening_post.model import ParsedPost
    from listening_post.sources.base import Page

# A captured item is a few to a few tens of kilobytes; a line past this is not one (the file as a whole is
# capped by LISTENING_POST_MAX_PAYLOAD_MB before it is read).
MAX_LINE_BYTES = 2_000_000
MAX_KEYS_SHOWN = 40

# source_platform -> the ``source`` its posts carry.
PLATFORMS = {"tiktok.com": "tiktok", "instagram.com": "instagram", "twitter.com": "x", "x.com": "x"}
# Platforms Zeeschuimer captures that are not read yet, with why.
NOT_READ = {
    "threads.net": "no recorded Threads capture was available to check a mapping against",
    "threads.com": "no recorded Threads capture was available to check a mapping against",
    "linkedin.com": "no recorded LinkedIn capture was available to check a mapping against (and LinkedIn "
    "items give only a relative time, e.g. '18h')",
    "tiktok-comments": "TikTok comments are not read (only videos)",
}
SUPPORTED = "tiktok.com, instagram.com, twitter.com, x.com"

_TWITTER_TIME = "%a %b %d %H:%M:%S %z %Y"  # "Tue Oct 10 07:57:53 +0000 2023"
# Hashtags and mentions of an Instagram caption (4CAT reads them from the caption too; underscores kept).
_HASHTAG = re.compile(r"#([^\s!@#$%^&*()+{}:\"|<>?\[\];',./`~]+)")
_MENTION = re.compile(r"(?<![\w@])@([A-Za-z0-9_](?:[A-Za-z0-9_.]{0,28}[A-Za-z0-9_])?)")


class ZeeschuimerSettings(StrictModel):
    """``sources.zeeschuimer``: nothing to set; exports are imported, never collected."""


def parse(payload: bytes | str) -> Page:
    """An NDJSON export: every line one captured item; a line that cannot be read is a reject."""
    from listening_post.sources.base import MALFORMED, Page, PayloadError, Reject, reason_of

    page = Page(replaced_characters=0)
    envelopes = 0
    first_shape: str | None = None
    for index, raw in enumerate(_raw_lines(payload)):
        if not raw.strip():
            continue
        number = index + 1
        if len(raw) > MAX_LINE_BYTES:
            page.rejects.append(
                Reject(
                    f"line {number}: {len(raw):,} bytes, more than the {MAX_LINE_BYTES:,} of a captured item",
                    {"line": number, "bytes": len(raw)},
                    index,
                )
            )
            continue
        line, replaced = _decode(raw)
        page.replaced_characters = (page.replaced_characters or 0) + replaced
        item, problem = _load_line(line)
        if problem is not None:
            first_shape = first_shape or problem
            page.rejects.append(Reject(f"line {number}: {problem}", {"line": number, "bytes": len(raw)}, index))
            continue
        if not isinstance(item, dict) or not isinstance(item.get("source_platform"), str):
            shape = "not a JSON object" if not isinstance(item, dict) else "no source_platform"
            first_shape = first_shape or _describe(item)
            page.rejects.append(Reject(f"line {number}: {shape}", {"line": number, **_shape(item)}, index))
            continue
        envelopes += 1
        platform = item["source_platform"].strip().lower()
        record = {"line": number, "source_platform": platform[:100], **_shape(item.get("data"))}
        source = PLATFORMS.get(platform)
        if source is None:
            why = NOT_READ.get(platform) or f"unknown source_platform {platform[:100]!r}; read: {SUPPORTED}"
            page.rejects.append(Reject(f"line {number}: {platform[:100]} items are not read: {why}", record, index))
            continue
        data = item.get("data")
        if not isinstance(data, dict):
            page.rejects.append(Reject(f"line {number} ({platform}): data is not a JSON object", record, index))
            continue
        try:
            posts = _READERS[source](data)
        except MALFORMED as exc:
            page.rejects.append(Reject(f"line {number} ({platform}): {reason_of(exc)}", record, index))
            continue
        page.posts.extend(posts)
    if not envelopes and first_shape is not None:
        raise PayloadError(
            f"not a Zeeschuimer NDJSON export: no line is an item with source_platform and data "
            f"(the first line is {first_shape})"
        )
    if not envelopes and not page.rejects:
        raise PayloadError("empty file: no captured items")
    return page


def _raw_lines(payload: bytes | str) -> Iterator[bytes]:
    """The file's lines as bytes, one at a time: a 64 MiB export is never held twice as text."""
    from listening_post.sources.base import bom_encoding

    body = payload.encode("utf-8") if isinstance(payload, str) else payload
    encoding = bom_encoding(body)
    if encoding not in (None, "utf-8-sig"):  # a UTF-16 or UTF-32 file: rare enough to re-encode whole
        body = body.decode(encoding, errors="replace").encode("utf-8")
    start = 3 if body.startswith(b"\xef\xbb\xbf") else 0
    while start < len(body):
        end = body.find(b"\n", start)
        end = len(body) if end == -1 else end
        yield body[start:end].rstrip(b"\r")
        start = end + 1


def _decode(raw: bytes) -> tuple[str, int]:
    """A line as text (UTF-8, as Zeeschuimer writes), invalid bytes replaced and counted."""
    try:
        return raw.decode("utf-8"), 0
    except UnicodeDecodeError:
        from listening_post.sources.base import decode_body

        decoded = decode_body(raw, "utf-8")
        return decoded.text, decoded.replaced


def _load_line(line: str) -> tuple[Any, str | None]:
    if line.lstrip()[:1] == "<":
        return None, "markup, not JSON (an HTML page saved instead of the export?)"
    try:
        return json.loads(line), None
    except json.JSONDecodeError as exc:
        return None, f"invalid JSON at column {exc.colno}: {exc.msg}"
    except RecursionError:
        return None, "JSON nested too deeply to read"


def _shape(data: Any) -> dict[str, Any]:
    """What a quarantined record keeps of an item: its field names (the values name people)."""
    if isinstance(data, dict):
        return {"data_keys": [str(k)[:60] for k in list(data)[:MAX_KEYS_SHOWN]]}
    return {"data_type": type(data).__name__}


def _describe(value: Any) -> str:
    from listening_post.sources.base import describe

    return describe(value)


# --- TikTok -----------------------------------------------------------------------------------------


def _tiktok(item: dict[str, Any]) -> list[ParsedPost]:
    from listening_post.model import ParsedPost
    from listening_post.sources.base import RecordError, as_dict, as_list, optional_int, require_str

    video_id = require_str(item, "id")
    created = optional_int(item.get("createTime"))
    if created is None:
        raise RecordError("missing createTime")
    desc = item.get("desc", "")
    if not isinstance(desc, str):
        raise RecordError("desc is not a string")
    handle = _tiktok_author(item)
    stats, author_stats = as_dict(item.get("stats")), as_dict(item.get("authorStats"))
    extras = [as_dict(e) for e in as_list(item.get("textExtra"))]
    hashtags = [e["hashtagName"] for e in extras if isinstance(e.get("hashtagName"), str) and e["hashtagName"]]
    if not hashtags:  # older items name their hashtags as "challenges" only
        hashtags = [
            c["title"] for c in map(as_dict, as_list(item.get("challenges"))) if isinstance(c.get("title"), str)
        ]
    mentions = [
        e["userUniqueId"].lower() for e in extras if isinstance(e.get("userUniqueId"), str) and e["userUniqueId"]
    ]
    author = item.get("author")
    return [
        ParsedPost(
            source="tiktok",
            native_id=video_id,
            created_at=_epoch(created),
            text=desc,
            author_native=handle,
            url=None,
            link=f"https://www.tiktok.com/@{handle}/video/{video_id}" if handle else None,
            likes=optional_int(stats.get("diggCount")),
            reposts=optional_int(stats.get("shareCount")),
            replies=optional_int(stats.get("commentCount")),
            links=[],
            hashtags=hashtags,
            mentions_native=mentions,
            author_followers=optional_int(author_stats.get("followerCount")),
            author_posts=optional_int(author_stats.get("videoCount")),
            author_is_verified=author.get("verified")
            if isinstance(author, dict) and isinstance(author.get("verified"), bool)
            else None,
        )
    ]


def _tiktok_author(item: dict[str, Any]) -> str | None:
    author = item.get("author")
    if isinstance(author, dict):  # an intercepted API response
        author = author.get("uniqueId")
    # else the page's embedded JSON, where "author" is the handle itself (4CAT reads both)
    return _handle(author)


# --- Instagram --------------------------------------------------------------------------------------


def _instagram(item: dict[str, Any]) -> list[ParsedPost]:
    from listening_post.model import ParsedPost
    from listening_post.sources.base import RecordError, as_dict, optional_int, require_str

    if "shortcode" in item and "media_type" not in item:
        raise RecordError("an Instagram 'graph' item (shortcode, edge_media_to_caption): only API media items are read")
    code = require_str(item, "code")
    if item.get("_zs_partial"):
        raise RecordError("a partial item (Zeeschuimer could capture only part of it: no date)")
    taken_at = optional_int(item.get("taken_at"))
    if taken_at is None:
        raise RecordError("missing taken_at")
    caption = item.get("caption")
    text = as_dict(caption).get("text", "") if caption is not None else ""
    if not isinstance(text, str):
        raise RecordError("caption.text is not a string")
    user, owner = as_dict(item.get("user")), as_dict(item.get("owner"))
    hidden = bool(item.get("like_and_view_counts_disabled"))
    verified = user.get("is_verified")
    return [
        ParsedPost(
            source="instagram",
            native_id=code,
            created_at=_epoch(taken_at),
            text=text,
            author_native=_handle(user.get("username") or owner.get("username")),
            url=f"https://www.instagram.com/p/{code}/",
            likes=None if hidden else optional_int(item.get("like_count")),
            reposts=optional_int(item.get("media_repost_count")),
            replies=optional_int(item.get("comment_count")),
            links=[],
            hashtags=_HASHTAG.findall(text),
            mentions_native=[m.lower() for m in _MENTION.findall(text)],
            author_is_verified=verified if isinstance(verified, bool) else None,
        )
    ]


# --- X (twitter.com, x.com) -------------------------------------------------------------------------


def _x(item: dict[str, Any]) -> list[ParsedPost]:
    from listening_post.sources.base import RecordError

    # Only a plain ``Tweet`` result is read: the wrappers and tombstones of other GraphQL responses
    # (``TweetWithVisibilityResults``, ``TweetTombstone``) have no recorded capture to check against, and
    # lack ``legacy`` here, so they are quarantined with that reason.
    if not isinstance(item.get("legacy"), dict):
        kind = item.get("__typename")
        raise RecordError(f"not a Tweet result with legacy fields (__typename {str(kind)[:40]!r})")
    if "retweeted_status_result" in item["legacy"]:
        # Its text is "RT @name: " and a cut copy, its counts the original's: read as a post it would count
        # an amplification as a second opinion. Quarantined until a recorded capture shows the shape.
        raise RecordError("a retweet: not read (no recorded capture of one was available to check a mapping)")
    return [_x_post(item)]


def _x_post(tweet: dict[str, Any]) -> ParsedPost:
    from listening_post.model import ParsedPost
    from listening_post.sources.base import RecordError, as_dict, as_list, optional_int

    legacy = tweet["legacy"]
    post_id = tweet.get("rest_id") or legacy.get("id_str")
    if not isinstance(post_id, str) or not post_id.isdigit():
        raise RecordError("missing rest_id")
    created = _twitter_time(legacy.get("created_at"))
    if created is None:
        raise RecordError(f"unreadable created_at {str(legacy.get('created_at'))[:40]!r}")
    note = as_dict(as_dict(as_dict(tweet.get("note_tweet")).get("note_tweet_results")).get("result"))
    text = note.get("text") if isinstance(note.get("text"), str) else legacy.get("full_text")
    if not isinstance(text, str):
        raise RecordError("missing full_text")
    user = as_dict(as_dict(as_dict(tweet.get("core")).get("user_results")).get("result"))
    user_legacy = as_dict(user.get("legacy"))
    author = user.get("rest_id") or legacy.get("user_id_str")
    entities = as_dict(legacy.get("entities"))
    urls, mentions = map(as_dict, as_list(entities.get("urls"))), map(as_dict, as_list(entities.get("user_mentions")))
    lang = legacy.get("lang")
    verified = user.get("is_blue_verified", user_legacy.get("verified"))
    return ParsedPost(
        source="x",
        native_id=post_id,
        created_at=created,
        text=text,
        author_native=str(author) if isinstance(author, str | int) and str(author) else None,
        url=f"https://x.com/i/web/status/{post_id}",
        declared_lang=lang if isinstance(lang, str) and lang not in ("und", "zxx") else None,
        likes=optional_int(legacy.get("favorite_count")),
        reposts=optional_int(legacy.get("retweet_count")),
        replies=optional_int(legacy.get("reply_count")),
        links=[u["expanded_url"] for u in urls if isinstance(u.get("expanded_url"), str)],
        hashtags=[h["text"] for h in map(as_dict, as_list(entities.get("hashtags"))) if isinstance(h.get("text"), str)],
        mentions_native=[m["id_str"] for m in mentions if isinstance(m.get("id_str"), str)],
        quoted_native=_digits(legacy.get("quoted_status_id_str")),
        reply_to_native=_digits(legacy.get("in_reply_to_status_id_str")),
        author_created_at=_twitter_time(user_legacy.get("created_at")),
        author_followers=optional_int(user_legacy.get("followers_count")),
        author_posts=optional_int(user_legacy.get("statuses_count")),
        author_is_verified=verified if isinstance(verified, bool) else None,
    )


def _twitter_time(value: Any) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        return datetime.strptime(value.strip(), _TWITTER_TIME).astimezone(UTC)
    except ValueError:
        return None


def _digits(value: Any) -> str | None:
    return value if isinstance(value, str) and value.isdigit() else None


# --- shared -----------------------------------------------------------------------------------------


def _epoch(seconds: int) -> datetime:
    from listening_post.sources.base import RecordError

    try:
        return datetime.fromtimestamp(seconds, tz=UTC)
    except (OverflowError, OSError, ValueError):
        raise RecordError(f"unreadable time {seconds!r}") from None


def _handle(value: Any) -> str | None:
    if not isinstance(value, str):
        return None
    handle = value.strip().lstrip("@").lower()
    return handle or None


_READERS = {"tiktok": _tiktok, "instagram": _instagram, "x": _x}


def native_author(handle: str, resolve: Any = None) -> str:
    """The stored author of a TikTok or Instagram handle: as given, without ``@``, lower-cased (the
    platforms' handles are case-insensitive). X posts are the X platform's: its form applies."""
    stored = _handle(handle)
    if not stored or any(c.isspace() for c in stored) or "/" in stored:
        raise AuthorFormError(f"not a handle: {handle[:60]!r}; give the TikTok or Instagram handle, e.g. @name")
    return stored


PLATFORM = Platform(
    name="zeeschuimer",
    kind="social",
    parse=parse,
    settings=ZeeschuimerSettings,
    fetcher=None,  # import only: a person captures items in a browser with Zeeschuimer and imports the file
    native_author=native_author,
    author_form="the TikTok or Instagram handle (@name); X authors in the X platform's form",
    record_author=None,  # quarantined records hold no item, so no author to pseudonymise
    query_syntax=None,
    hashtags=True,
    reader_links=True,  # TikTok's video links name the author
    emits=("tiktok", "instagram", "x"),
    docs="TikTok, Instagram and X items captured in a browser with Zeeschuimer (NDJSON export); import only",
)
