"""Telegram public channels, read with no key: the channel's web preview (``t.me/s/<channel>``), and saved
exports (Telegram Desktop's ``result.json``, Telethon message dumps) for ``import``.

The web preview shows a channel's newest 20 or so messages; ``?before=<message id>`` shows the ones before
that id. Each message is a ``div.tgme_widget_message`` whose ``data-post`` is ``<channel>/<id>``; the parser
reads the page with lexbor (selectolax), never with regular expressions.

What becomes a post, and how:

- The channel is the author (its username, lower-cased; pseudonymised like any author). A signature
  (``tgme_widget_message_from_author``: the admin who posted) names a person and is never read.
- The native id is ``<channel>/<id>`` and names the channel: the lake keeps a keyed hash of it, and the
  public link ``https://t.me/<channel>/<id>`` is the reader's link (``links/``), never ``posts.url``.
- A forwarded message is the channel amplifying someone else's words: a repost row with no text of its
  own (the forwarded text is matched for topics, never stored with it), pointing at the original when the
  forward header links a channel post (``t.me/<channel>/<id>``).
- A reply points at the message it answers (``reply_to_post_id``); the preview's link preview adds its
  target to the post's links; hashtags and mentions come from the text's own anchors; the reactions'
  counts add up to ``likes``.
- An edited message is read as it now reads, under the same id: a later read of it is the same post.
- Service messages (channel created, photo changed, message pinned) and messages with no words (a photo,
  a sticker, a poll the preview cannot show) are no opinion: counted with the withdrawn, never stored.
- The preview shows views but no forwards; the posts schema has no views column, so views are not kept.
  Telethon dumps carry ``forwards`` (``reposts``) and ``replies``.

Exports name a channel by its number, not its username: their posts' ids are ``c<channel id>/<id>`` and their
author ``channel<id>`` (``user<id>`` for a group member), so the same message imported from an export and
read from the preview counts twice. Only public channels and groups are read from a Desktop export: the
messages of a personal chat, a private group or channel are counted with the withdrawn and kept nowhere.
From a Telethon dump, messages of a user or a basic group (``PeerUser``, ``PeerChat``) are private
conversations and are not stored.

Importing this module stays light (pydantic and ``spec``): the parser and the fetcher import the lake's
model, the HTTP client and selectolax when they run.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote, urlsplit

from pydantic import Field, field_validator

from listening_post.sources.spec import AuthorFormError, FetcherArgs, PagedSettings, Platform, StrictModel

if TYPE_CHECKING:
    from selectolax.lexbor import LexborNode

    from listening_post.parsed import ParsedPost
    from listening_post.sources.base import Page
    from listening_post.sources.fetch import FetchContext, FetchedPage, Fetcher, Job

SOURCE = "telegram"
PUBLIC_BASE = "https://t.me"  # reader links always point at Telegram, whatever base_url a test uses
SUPPORTED = (
    "a channel's web preview page (https://t.me/s/<channel>, saved whole or as its message fragments), "
    "a Telegram Desktop JSON export of a public channel or group (result.json), "
    "Telethon messages (Message.to_json() or to_dict() output: one object, a list, or one per line)"
)
# A channel's username: 5 to 32 letters, digits and underscores, starting with a letter (a few old ones
# have 4). Checked without a regular expression engine: the rule is short.
_USERNAME_MIN, _USERNAME_MAX = 4, 32
# A real preview page holds 1,500 to 4,000 tags; lexbor's tree building slows down with the square of the
# nesting depth (30,000 nested tags: 1.5 s), so a page with more tags than this is refused unread.
MAX_TAGS = 30_000
# Desktop export chat types that are public: anything else is a private conversation.
PUBLIC_CHAT_TYPES = ("public_channel", "public_supergroup")
# Desktop export keys and Telethon fields that name a person or a channel: blanked in a rejected record
# before it reaches quarantine (which keeps the author's pseudonym beside it instead).
_IDENTITY_FIELDS = frozenset(
    {"from", "from_id", "actor", "actor_id", "forwarded_from", "saved_from", "author", "post_author", "peer_id"}
    | {"fwd_from", "via_bot", "via_bot_id", "members", "inviter", "via_business_bot_id"}
)
_REDACTED = "[redacted]"


# --- configuration ---------------------------------------------------------------------------------


def channel_name(value: str) -> str:
    """``name``, ``@name``, ``t.me/name``, ``https://t.me/s/name`` or a post link -> ``name``, lower-cased
    (usernames are case-insensitive). ValueError naming the problem otherwise."""
    text = value.strip()
    if "://" in text or text.lower().startswith(("t.me/", "telegram.me/")):
        parts = urlsplit(text if "://" in text else f"https://{text}")
        segments = [s for s in parts.path.split("/") if s]
        if segments[:1] == ["s"]:
            segments = segments[1:]
        text = segments[0] if segments else ""
    text = text.removeprefix("@")
    if not _USERNAME_MIN <= len(text) <= _USERNAME_MAX:
        raise ValueError(
            f"{value!r} is not a Telegram channel username ({_USERNAME_MIN} to {_USERNAME_MAX} characters)"
        )
    if not (text[0].isascii() and text[0].isalpha()) or not all(
        c.isascii() and (c.isalnum() or c == "_") for c in text
    ):
        raise ValueError(f"{value!r} is not a Telegram channel username (letters, digits and _; a letter first)")
    return text.lower()


class TelegramSettings(PagedSettings):
    """``sources.telegram``: where the previews are read and how politely."""

    base_url: str = Field(default=PUBLIC_BASE, pattern=r"^https?://[^\s/]+(/\S*)?$")
    # Telegram publishes no limit for t.me; one page every three seconds per run is a reader's pace.
    requests_per_minute: int = Field(default=20, ge=1, le=60)


class TelegramCountry(StrictModel):
    """``countries[].sources.telegram``: the public channels read for the country."""

    channels: list[str] = Field(default_factory=list, max_length=500)

    @field_validator("channels")
    @classmethod
    def _channels(cls, v: list[str]) -> list[str]:
        return list(dict.fromkeys(channel_name(c) for c in v))


def native_author(handle: str, resolve: Any = None) -> str:
    """The stored author form of a handle given for erasure: a channel username (``@name``, a t.me link)
    for posts read from the preview; ``channel<id>`` or ``user<id>`` as exports name them."""
    h = handle.strip()
    for prefix in ("channel", "user"):
        if h.lower().startswith(prefix) and h[len(prefix) :].isdigit():
            return f"{prefix}{h[len(prefix) :]}"
    try:
        return channel_name(h)
    except ValueError as exc:
        raise AuthorFormError(str(exc)) from None


# --- parsing -----------------------------------------------------------------------------------------


class _Bad(ValueError):
    """One record is unusable; the message is the reason quarantine keeps."""


def parse(payload: bytes | str) -> Page:
    """One saved or fetched response -> posts. Sniffs which of the supported shapes it is; PayloadError
    naming what came instead when it is none of them."""
    from listening_post.sources.base import PayloadError, decode_body

    if isinstance(payload, bytes):
        decoded = decode_body(payload, "utf-8")
        text, replaced = decoded.text, decoded.replaced
    else:
        text, replaced = payload, 0
    head = text.lstrip("\ufeff \t\r\n")
    if not head:
        raise PayloadError("empty response body")
    if head[0] in "[{":
        page = _parse_json(head)
    elif head[0] == "<":
        page = parse_preview(head)
    else:
        raise PayloadError(f"not a Telegram page or export: it starts with {head[:40]!r}; supported: {SUPPORTED}")
    page.replaced_characters = replaced
    return page


# The web preview.


def parse_preview(markup: str, ids: list[int] | None = None) -> Page:
    """A ``t.me/s/<channel>`` page (or the message fragments the page loads): ``next_cursor`` is the id to
    ask ``before=`` for the older messages, None when the page holds none. ``ids`` receives the id of every
    message shown, stored or not (the fetcher's marks)."""
    from selectolax.lexbor import LexborHTMLParser

    from listening_post.sources.base import MALFORMED, Page, PayloadError, Reject, reason_of

    tags = markup.count("<")
    if tags > MAX_TAGS:
        raise PayloadError(f"an HTML page with {tags} tags, more than a Telegram preview holds ({MAX_TAGS}): not read")
    tree = LexborHTMLParser(markup)
    messages = tree.css("div.tgme_widget_message[data-post]")
    if not messages and tree.css_first(".tgme_channel_history, .tme_no_messages_found") is None:
        title = tree.css_first("title")
        shown = " ".join(title.text().split())[:80] if title is not None else "no title"
        raise PayloadError(
            f"an HTML page with no Telegram channel messages ({shown!r}): a private or unknown channel, a "
            f"channel without a web preview, or another site; supported: {SUPPORTED}"
        )
    page = Page()
    ids = [] if ids is None else ids
    for index, node in enumerate(messages):
        channel, number = _post_ref(node.attributes.get("data-post"))
        if number is not None:
            ids.append(number)
        try:
            post = _preview_message(node, channel, number)
        except _Bad as exc:
            page.rejects.append(Reject(str(exc), {"message_id": number}, index, channel))
            continue
        except MALFORMED as exc:
            page.rejects.append(Reject(reason_of(exc), {"message_id": number}, index, channel))
            continue
        if post is None:
            page.withdrawn += 1
        else:
            page.posts.append(post)
    more = tree.css_first("a.tme_messages_more[data-before]")
    before = _int(more.attributes.get("data-before")) if more is not None else None
    oldest = min(ids) if ids else None
    # The "more" link names the oldest message shown; the smallest id on the page says the same when the
    # link is missing (fragments, saved pages), and wins if the link points later than the page itself.
    candidates = [n for n in (before, oldest) if n is not None]
    page.next_cursor = str(min(candidates)) if candidates and min(candidates) > 1 else None
    return page


def _post_ref(value: str | None) -> tuple[str | None, int | None]:
    channel, _, number = (value or "").strip().partition("/")
    try:
        name = channel_name(channel)
    except ValueError:
        name = None
    return name, _int(number)


def _int(value: Any) -> int | None:
    if isinstance(value, int) and not isinstance(value, bool):
        return value if value >= 0 else None
    if isinstance(value, str) and value.strip().isdigit() and len(value.strip()) <= 18:
        return int(value.strip())
    return None


def _preview_message(node: LexborNode, channel: str | None, number: int | None) -> ParsedPost | None:
    from listening_post.parsed import ParsedPost
    from listening_post.sources.base import parse_timestamp

    if channel is None or number is None:
        raise _Bad("data-post is not <channel>/<message id>")
    if "service_message" in (node.attributes.get("class") or "").split():
        return None
    when = node.css_first(".tgme_widget_message_date time[datetime]") or node.css_first("time[datetime]")
    if when is None:
        raise _Bad("missing the message's <time datetime>")
    created_at = parse_timestamp(when.attributes.get("datetime"), field_name="datetime")
    text_node = _text_node(node)
    markup = (text_node.inner_html or "").strip() if text_node is not None else ""
    if text_node is None or not text_node.text(deep=True).strip():
        return None  # a photo, a sticker, a poll: nothing the preview shows in words
    links, hashtags, mentions = _anchors(text_node)
    preview = node.css_first("a.tgme_widget_message_link_preview[href]")
    if preview is not None:
        links.append(str(preview.attributes.get("href")))
    native = f"{channel}/{number}"
    forwarded = node.css_first(".tgme_widget_message_forwarded_from")
    reposted = None
    if forwarded is not None:
        origin = forwarded.css_first("a.tgme_widget_message_forwarded_from_name[href]")
        reposted = _post_link(origin.attributes.get("href") if origin is not None else None)
    reply = node.css_first("a.tgme_widget_message_reply[href]")
    reply_to = _post_link(reply.attributes.get("href")) if reply is not None else None
    is_repost = forwarded is not None
    return ParsedPost(
        source=SOURCE,
        native_id=native,
        created_at=created_at,
        text="" if is_repost else markup,
        is_html=not is_repost,
        author_native=channel,
        url=None,
        link=None if is_repost else f"{PUBLIC_BASE}/{native}",
        likes=None if is_repost else _reactions(node),
        is_repost=is_repost,
        context_text=markup if is_repost else None,
        context_is_html=is_repost,
        id_names_author=True,
        links=[] if is_repost else links,
        hashtags=[] if is_repost else hashtags,
        mentions_native=[] if is_repost else mentions,
        reposted_native=reposted,
        reply_to_native=None if is_repost else reply_to,
    )


def _text_node(node: LexborNode) -> LexborNode | None:
    """The message's own text: not the quoted start of the message it replies to."""
    for candidate in node.css(".tgme_widget_message_text"):
        parent = candidate.parent
        inside_reply = False
        while parent is not None and parent is not node:
            if "tgme_widget_message_reply" in (parent.attributes.get("class") or "").split():
                inside_reply = True
                break
            parent = parent.parent
        if not inside_reply:
            # Albums wrap the caption in a second text div: the inner one is the text itself.
            while (inner := _inner_text_node(candidate)) is not None:
                candidate = inner
            return candidate
    return None


def _inner_text_node(node: LexborNode) -> LexborNode | None:
    for child in node.iter():
        if "tgme_widget_message_text" in (child.attributes.get("class") or "").split():
            return child if child.text(deep=True).strip() == node.text(deep=True).strip() else None
    return None


def _anchors(text: LexborNode) -> tuple[list[str], list[str], list[str]]:
    """Links, hashtags and mentions of a message's text, from its anchors: a hashtag is a search link
    (``?q=%23tag``), a mention an ``@name`` anchor to ``t.me/name``."""
    links: list[str] = []
    hashtags: list[str] = []
    mentions: list[str] = []
    for anchor in text.css("a[href]"):
        href = str(anchor.attributes.get("href") or "").strip()
        shown = anchor.text(deep=True).strip()
        if href.startswith("?q="):
            tag = unquote(href[3:]).strip()
            if tag.startswith("#") and len(tag) > 1:
                hashtags.append(tag[1:])
            continue
        if shown.startswith("@") and urlsplit(href).hostname in ("t.me", "telegram.me"):
            with contextlib.suppress(ValueError):  # an @name that is no username: no mention
                mentions.append(channel_name(shown))
            continue
        if href.startswith(("http://", "https://")):
            links.append(href)
    return links, hashtags, mentions


def _post_link(href: Any) -> str | None:
    """``https://t.me/<channel>/<id>`` -> ``<channel>/<id>``; None for a link to an account or elsewhere."""
    if not isinstance(href, str):
        return None
    parts = urlsplit(href)
    if parts.hostname not in ("t.me", "telegram.me"):
        return None
    segments = [s for s in parts.path.split("/") if s]
    if segments[:1] == ["s"]:
        segments = segments[1:]
    if len(segments) != 2 or _int(segments[1]) is None:
        return None
    try:
        return f"{channel_name(segments[0])}/{int(segments[1])}"
    except ValueError:
        return None


def _reactions(node: LexborNode) -> int | None:
    block = node.css_first(".tgme_widget_message_reactions")
    if block is None:
        return None
    total = 0
    for reaction in block.css(".tgme_reaction"):
        # The emoji sits in <i><b>; the count is the text after it.
        count = _count(reaction.text(deep=False))
        total += count or 0
    return total


def _count(shown: str) -> int | None:
    """``12``, ``2.5K``, ``3.1M`` as Telegram prints counts."""
    text = shown.strip().upper().replace(",", "")
    factor = 1
    if text.endswith(("K", "M")):
        factor = 1_000 if text[-1] == "K" else 1_000_000
        text = text[:-1]
    try:
        value = float(text)
    except ValueError:
        return None
    return round(value * factor) if 0 <= value < 1e12 else None


# The exports.


def _parse_json(text: str) -> Page:
    from listening_post.sources.base import PayloadError, describe, load_json

    try:
        data = load_json(text)
    except PayloadError:
        lines = _json_lines(text)
        if lines is None:
            raise
        data = lines
    if isinstance(data, dict) and isinstance(data.get("messages"), list):
        return _desktop_chat(data)
    if isinstance(data, dict) and _is_telethon(data):
        return _telethon([data])
    if isinstance(data, list) and data and all(_is_telethon(m) for m in data):
        return _telethon(data)
    if isinstance(data, dict) and "_" in data:
        raise PayloadError(f"a Telethon object of type {str(data['_'])[:40]!r}, not a message; supported: {SUPPORTED}")
    raise PayloadError(f"not a Telegram export this reader knows: got {describe(data)}; supported: {SUPPORTED}")


def _json_lines(text: str) -> list[Any] | None:
    """Telethon messages saved one ``to_json()`` per line, or None when the text is not that."""
    records = []
    for line in text.splitlines():
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError:
            return None
        if not _is_telethon(record):
            return None
        records.append(record)
    return records or None


def _is_telethon(record: Any) -> bool:
    return isinstance(record, dict) and record.get("_") in ("Message", "MessageService", "MessageEmpty")


def _desktop_chat(chat: dict[str, Any]) -> Page:
    from listening_post.sources.base import MALFORMED, Page, PayloadError, Reject, reason_of

    kind = chat.get("type")
    if kind not in PUBLIC_CHAT_TYPES:
        # A private conversation is not public opinion: counted, and kept nowhere (not even in quarantine,
        # which would hold its messages and names), as Mastodon's direct messages are.
        return Page(withdrawn=len(chat["messages"]))
    chat_id = _int(chat.get("id"))
    if chat_id is None:
        raise PayloadError("a Telegram Desktop export whose chat has no numeric id")
    page = Page()
    for index, record in enumerate(chat["messages"]):
        try:
            post = desktop_message(record, chat_id, kind == "public_channel")
        except _Bad as exc:
            page.rejects.append(Reject(str(exc), _scrubbed(record), index, _desktop_author(record, chat_id)))
            continue
        except MALFORMED as exc:
            page.rejects.append(Reject(reason_of(exc), _scrubbed(record), index, _desktop_author(record, chat_id)))
            continue
        if post is None:
            page.withdrawn += 1
        else:
            page.posts.append(post)
    return page


def desktop_message(record: Any, chat_id: int, channel: bool = True) -> ParsedPost | None:
    """One message of a Desktop export; None for a service message or one with no words."""
    from listening_post.parsed import ParsedPost
    from listening_post.sources.base import parse_timestamp

    if not isinstance(record, dict):
        raise _Bad("a message must be a JSON object")
    number = _int(record.get("id"))
    if number is None:
        raise _Bad("missing id")
    if record.get("type") == "service":
        return None
    if record.get("type") != "message":
        raise _Bad(f"unknown message type {str(record.get('type'))[:40]!r}")
    # date_unixtime is UTC; date is the exporting computer's local time with no offset: the fallback.
    if record.get("date_unixtime") not in (None, ""):
        stamp = _int(record.get("date_unixtime"))
        if stamp is None:
            raise _Bad(f"unreadable date_unixtime {str(record.get('date_unixtime'))[:40]!r}")
        created_at = parse_timestamp(stamp)
    else:
        created_at = parse_timestamp(record.get("date"), field_name="date")
    entities = record.get("text_entities")
    if not isinstance(entities, list):
        entities = _entities_of_text(record.get("text"))
    words = "".join(str(e.get("text", "")) if isinstance(e, dict) else str(e) for e in entities)
    if not words.strip():
        return None
    links, hashtags, mentions = _entity_references(entities)
    native = f"c{chat_id}/{number}"
    is_repost = record.get("forwarded_from") is not None or record.get("forwarded_from_id") is not None
    reply_to = _int(record.get("reply_to_message_id"))
    same_chat = record.get("reply_to_peer_id") in (None, chat_id)
    return ParsedPost(
        source=SOURCE,
        native_id=native,
        created_at=created_at,
        text="" if is_repost else words,
        author_native=_desktop_author(record, chat_id if channel else None),
        is_repost=is_repost,
        context_text=words if is_repost else None,
        id_names_author=True,
        links=[] if is_repost else links,
        hashtags=[] if is_repost else hashtags,
        mentions_native=[] if is_repost else mentions,
        reply_to_native=f"c{chat_id}/{reply_to}" if reply_to and same_chat and not is_repost else None,
    )


def _entities_of_text(text: Any) -> list[Any]:
    """Older exports have no text_entities: ``text`` is a string or a list of strings and entities."""
    if isinstance(text, str):
        return [{"type": "plain", "text": text}]
    if isinstance(text, list):
        return [e if isinstance(e, dict) else {"type": "plain", "text": str(e)} for e in text]
    if text is None:
        return []
    raise _Bad("text is neither a string nor a list of entities")


def _entity_references(entities: Sequence[Any]) -> tuple[list[str], list[str], list[str]]:
    links: list[str] = []
    hashtags: list[str] = []
    mentions: list[str] = []
    for entity in entities:
        if not isinstance(entity, dict):
            continue
        kind, shown = entity.get("type"), str(entity.get("text") or "")
        if kind == "link" and shown:
            links.append(shown if "://" in shown else f"https://{shown}")
        elif kind == "text_link" and isinstance(entity.get("href"), str):
            links.append(entity["href"])
        elif kind == "hashtag" and shown.startswith("#") and len(shown) > 1:
            hashtags.append(shown[1:])
        elif kind == "mention" and shown.startswith("@"):
            with contextlib.suppress(ValueError):  # an @name that is no username: no mention
                mentions.append(channel_name(shown))
        elif kind == "mention_name" and _int(entity.get("user_id")) is not None:
            mentions.append(f"user{entity['user_id']}")
    return links, hashtags, mentions


def _desktop_author(record: Any, chat_id: int | None) -> str | None:
    """``channel<id>`` or ``user<id>`` as the export's from_id gives it; a channel's own id otherwise."""
    if isinstance(record, dict):
        sender = record.get("from_id") or record.get("actor_id")
        if isinstance(sender, str) and any(
            sender.startswith(p) and sender[len(p) :].isdigit() for p in ("channel", "user", "chat")
        ):
            return sender
        if _int(sender) is not None:  # old exports: a bare number
            return f"channel{sender}" if chat_id is not None and _int(sender) == chat_id else f"user{sender}"
    return f"channel{chat_id}" if chat_id is not None else None


# Telethon.


def _telethon(records: list[Any]) -> Page:
    from listening_post.sources.base import MALFORMED, Page, Reject, reason_of

    page = Page()
    for index, record in enumerate(records):
        try:
            post = telethon_message(record)
        except _Bad as exc:
            page.rejects.append(Reject(str(exc), _scrubbed(record), index, _telethon_author(record)))
            continue
        except MALFORMED as exc:
            page.rejects.append(Reject(reason_of(exc), _scrubbed(record), index, _telethon_author(record)))
            continue
        if post is None:
            page.withdrawn += 1
        else:
            page.posts.append(post)
    return page


def telethon_message(record: Any) -> ParsedPost | None:
    """One Telethon ``Message`` (``to_dict()``/``to_json()``); None for a service or empty message, a
    private conversation's, or one with no words."""
    from listening_post.parsed import ParsedPost
    from listening_post.sources.base import parse_timestamp

    if not isinstance(record, dict):
        raise _Bad("a message must be a JSON object")
    if record.get("_") != "Message":
        return None  # MessageService (joins, pins), MessageEmpty (deleted)
    number = _int(record.get("id"))
    if number is None:
        raise _Bad("missing id")
    peer = record.get("peer_id")
    if not isinstance(peer, dict) or peer.get("_") != "PeerChannel":
        if isinstance(peer, dict) and peer.get("_") in ("PeerUser", "PeerChat"):
            return None  # a private conversation or a basic group: not public
        raise _Bad("peer_id is not a PeerChannel")
    channel_id = _int(peer.get("channel_id"))
    if channel_id is None:
        raise _Bad("peer_id has no channel_id")
    created_at = parse_timestamp(record.get("date"), field_name="date")
    message = record.get("message")
    if message is None:
        message = ""
    if not isinstance(message, str):
        raise _Bad("message is not a string")
    if not message.strip():
        return None
    links, hashtags, mentions = _telethon_references(message, record.get("entities"))
    fwd = record.get("fwd_from")
    is_repost = isinstance(fwd, dict)
    reposted = None
    if isinstance(fwd, dict):
        source = _object(fwd.get("from_id"))
        origin, post = _int(source.get("channel_id")), _int(fwd.get("channel_post"))
        if source.get("_") == "PeerChannel" and origin is not None and post is not None:
            reposted = f"c{origin}/{post}"
    reply = _object(record.get("reply_to"))
    reply_id = _int(reply.get("reply_to_msg_id"))
    reply_peer = reply.get("reply_to_peer_id")
    replies = _object(record.get("replies"))
    return ParsedPost(
        source=SOURCE,
        native_id=f"c{channel_id}/{number}",
        created_at=created_at,
        text="" if is_repost else message,
        author_native=_telethon_author(record),
        reposts=None if is_repost else _int(record.get("forwards")),
        replies=None if is_repost else _int(replies.get("replies")),
        is_repost=is_repost,
        context_text=message if is_repost else None,
        id_names_author=True,
        links=[] if is_repost else links,
        hashtags=[] if is_repost else hashtags,
        mentions_native=[] if is_repost else mentions,
        reposted_native=reposted,
        reply_to_native=f"c{channel_id}/{reply_id}" if reply_id and reply_peer is None and not is_repost else None,
    )


def _object(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _telethon_author(record: Any) -> str | None:
    """A group member's ``user<id>``; the channel's ``channel<id>`` for a channel's own posts."""
    if not isinstance(record, dict):
        return None
    for key in ("from_id", "peer_id"):
        peer = record.get(key)
        if isinstance(peer, dict):
            if peer.get("_") == "PeerUser" and _int(peer.get("user_id")) is not None:
                return f"user{peer['user_id']}"
            if peer.get("_") == "PeerChannel" and _int(peer.get("channel_id")) is not None:
                return f"channel{peer['channel_id']}"
    return None


# Telethon's entity classes, as the Desktop export's entity types: one reader for both (_entity_references).
_TELETHON_KINDS = {
    "MessageEntityUrl": "link",
    "MessageEntityTextUrl": "text_link",
    "MessageEntityHashtag": "hashtag",
    "MessageEntityMention": "mention",
    "MessageEntityMentionName": "mention_name",
}


def _telethon_references(message: str, entities: Any) -> tuple[list[str], list[str], list[str]]:
    """Entities' offsets and lengths count UTF-16 code units (MTProto's rule), not Python characters."""
    if not isinstance(entities, list):
        return [], [], []
    units = message.encode("utf-16-le")
    shaped: list[dict[str, Any]] = []
    for entity in entities:
        if not isinstance(entity, dict):
            continue
        offset, length = _int(entity.get("offset")), _int(entity.get("length"))
        if offset is None or length is None:
            continue
        shown = units[2 * offset : 2 * (offset + length)].decode("utf-16-le", errors="replace")
        kind = _TELETHON_KINDS.get(str(entity.get("_")))
        shaped.append({"type": kind, "text": shown, "href": entity.get("url"), "user_id": entity.get("user_id")})
    return _entity_references(shaped)


def _scrubbed(record: Any) -> Any:
    """A rejected record with the fields that name someone blanked (quarantine keeps the pseudonym)."""
    if not isinstance(record, dict):
        return record
    return {k: (_REDACTED if k in _IDENTITY_FIELDS and v is not None else v) for k, v in record.items()}


def record_author(record: dict[str, Any]) -> str | None:
    """The native author of a raw export record (quarantine's pseudonym for it)."""
    if record.get("_"):
        return _telethon_author(record)
    return _desktop_author(record, None) if record.get("from_id") or record.get("actor_id") else None


# --- fetching ----------------------------------------------------------------------------------------


def channel_key(channel: str) -> str:
    """The cursor's key of a channel: a digest, so that the stored state names no channel."""
    return hashlib.sha256(channel.encode("utf-8")).hexdigest()[:16]


def _country_channels(job: Job) -> list[str]:
    sources = job.country.sources
    section = sources.get(SOURCE) if isinstance(sources, Mapping) else getattr(sources, SOURCE, None)
    channels = section.get("channels") if isinstance(section, Mapping) else getattr(section, "channels", None)
    return list(channels or [])


class TelegramFetcher:
    """Each configured channel's web preview, newest page first, back to the last message seen.

    The cursor is ``{"channels": {<channel key>: <newest message id read>}}`` (keys are digests of the
    usernames). A run reads pages going back with ``before=`` until it reaches that id (or, on a first
    run, the lookback), and moves the mark with the run's last page of that channel: a run that stops
    early (an error) leaves the mark, and the next run reads the same pages again, which the lake's
    dedup absorbs. Telegram has no search here: the query filters the posts read (``keep_matching``).
    """

    source = SOURCE

    def __init__(self, context: FetchContext, base_url: str = PUBLIC_BASE) -> None:
        self.context, self.base_url = context, base_url.rstrip("/")

    def __repr__(self) -> str:
        return f"TelegramFetcher({self.base_url!r})"

    def pages(self, job: Job, cursor: Mapping[str, Any] | None) -> Iterator[FetchedPage]:
        marks: dict[str, int] = {}
        stored = cursor.get("channels") if isinstance(cursor, Mapping) else None
        if isinstance(stored, Mapping):
            marks = {str(k): v for k, v in stored.items() if _int(v) is not None}
        for number, channel in enumerate(_country_channels(job), start=1):
            key = channel_key(channel)
            for fetched, newest in self._channel(
                job, channel, f"telegram channel {number} ({key[:8]})", marks.get(key)
            ):
                if newest is not None:
                    marks[key] = max(newest, marks.get(key, 0))
                    fetched.cursor = {"channels": dict(marks)}
                yield fetched

    def _channel(self, job: Job, channel: str, name: str, mark: int | None) -> Iterator[tuple[FetchedPage, int | None]]:
        from listening_post.sources.errors import HttpError
        from listening_post.sources.fetch import FetchedPage, keep_matching

        url = f"{self.base_url}/s/{channel}"
        oldest_wanted = self.context.now() - self.context.lookback
        before: int | None = None
        newest: int | None = None
        for number in range(1, self.context.max_pages + 1):
            origin = f"{name} page {number}" + (f" before {before}" if before else "")
            try:
                response = self.context.http.get(url, params={"before": before} if before else None)
            except HttpError as exc:
                # The URL names the channel: the report says which channel by its number in the list.
                yield FetchedPage(origin, error=str(exc).replace(exc.url, f"{name} page")), None
                return
            ids: list[int] = []
            fetched = self.context.parse_page(origin, response.body, _preview_reader(ids))
            if fetched.page is None:
                # Reports and quarantine keep the reason and the body: not with the channel's username in them.
                fetched.body = _without_name(fetched.body or b"", channel)
                fetched.error = _without_name((fetched.error or "").encode(), channel).decode()
                yield fetched, None
                return
            page = fetched.page
            next_before = _int(page.next_cursor)
            if ids:
                newest = newest or max(ids)
            if mark is not None:  # what the last run read is in the lake already
                page.posts = [p for p in page.posts if (_message_number(p.native_id) or 0) > mark]
            times = [p.created_at for p in page.posts]
            fetched.filtered = keep_matching(page, job.query.compiled)
            reached = not ids or next_before is None or (mark is not None and min(ids) <= mark + 1)
            old_enough = mark is None and bool(times) and min(times) < oldest_wanted
            stuck = before is not None and (next_before is None or next_before >= before)
            done = reached or old_enough or stuck
            last = done or number == self.context.max_pages
            yield fetched, (newest if last else None)
            if done:
                return
            before = next_before
        yield FetchedPage(f"{name}", note=f"page limit ({self.context.max_pages}) reached"), None


def _without_name(body: bytes, channel: str) -> bytes:
    import re

    text = body.decode("utf-8", errors="replace")
    return re.sub(re.escape(channel), _REDACTED, text, flags=re.IGNORECASE).encode("utf-8")


def _message_number(native_id: str) -> int | None:
    return _int(native_id.rpartition("/")[2])


def _preview_reader(ids: list[int]) -> Callable[[bytes], Page]:
    """The preview parser, also collecting the ids of every message shown (media and service ones too)."""

    def read(body: bytes) -> Page:
        from listening_post.sources.base import PayloadError, decode_body

        decoded = decode_body(body, "utf-8")
        if decoded.text.lstrip("\ufeff \t\r\n")[:1] != "<":
            raise PayloadError(f"expected a Telegram preview page but got {decoded.text.strip()[:60]!r}")
        page = parse_preview(decoded.text, ids)
        page.replaced_characters = decoded.replaced
        return page

    return read


def fetcher(args: FetcherArgs) -> Fetcher:
    settings: TelegramSettings = args.settings
    args.http.set_budget(urlsplit(settings.base_url).netloc, settings.requests_per_minute)
    return TelegramFetcher(args.context, settings.base_url)


PLATFORM = Platform(
    name=SOURCE,
    kind="social",
    parse=parse,
    settings=TelegramSettings,
    country_settings=TelegramCountry,
    fetcher=fetcher,
    native_author=native_author,
    author_form="the channel's username (@name or its t.me link); channel<id> for posts imported from exports",
    record_author=record_author,
    query_syntax=None,  # the preview cannot search: the query filters each channel's posts
    hashtags=True,
    reader_links=True,
    # In a page or export that cannot be parsed: t.me links, data-post ids, the channel's title, bare @names
    # (not e-mail addresses).
    account_patterns=(
        r"(?<=\bt\.me/(?:s/)?)(?!s/)[A-Za-z0-9_]{3,64}",
        r'(?<=data-post=")[A-Za-z0-9_]+(?=/)',
        r'(?<=message_owner_name"[^>]{0,200}>\s*<span dir="auto">)[^<]{1,256}',
        r"(?<![\w.@])@[A-Za-z0-9_]{4,32}\b",
    ),
    country_needs="channels",
    country_needs_why=" (Telegram is read through each channel's web preview)",
    docs="Telegram public channels' web previews (t.me/s/<channel>), no key; Desktop and Telethon exports",
)
