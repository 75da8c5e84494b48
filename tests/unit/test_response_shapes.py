"""Every response shape a user saves from the platforms' APIs, read from real recorded responses
(tests/data/README.md gives each file's provenance); the shapes not read are named in the message."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from listening_post.sources import bluesky, mastodon, x, youtube
from listening_post.sources.base import PayloadError

DATA = Path(__file__).resolve().parents[1] / "data"


def body(source: str, name: str) -> bytes:
    return (DATA / source / name).read_bytes()


# --- Mastodon --------------------------------------------------------------------------------------


def test_mastodon_streaming_update_as_server_sent_events() -> None:
    page = mastodon.parse(body("mastodon", "mastodonpy_streaming_user_update.sse"))
    assert [(p.native_id, p.text) for p in page.posts] == [
        ("localhost:3000/117024248092393661", "<p>it&#39;s cool guy</p>")
    ]
    assert page.rejects == []


def test_mastodon_streaming_status_update_event() -> None:
    page = mastodon.parse(body("mastodon", "docs_streaming_status_update.sse"))
    assert [(p.native_id, p.text, p.declared_lang) for p in page.posts] == [
        ("mastodon.local/109348677773283527", "<p>edited</p>", "en")
    ]


def test_mastodon_streaming_websocket_message() -> None:
    page = mastodon.parse(body("mastodon", "docs_streaming_websocket_update.json"))
    [post] = page.posts
    assert post.native_id == "fosstodon.org/108913983628474640"
    assert "inner nvim" in post.text


def test_mastodon_websocket_messages_saved_one_per_line() -> None:
    message = json.loads(body("mastodon", "docs_streaming_websocket_update.json"))
    lines = "\n".join(json.dumps(m) for m in ({"stream": ["public"], "event": "delete", "payload": "1"}, message))
    page = mastodon.parse(lines.encode())
    assert [p.native_id for p in page.posts] == ["fosstodon.org/108913983628474640"]


def test_mastodon_conversations_are_read_but_direct_messages_are_not_stored() -> None:
    """GET /api/v1/conversations: each conversation's last_status goes through the status reader; these
    are direct messages, which are no public opinion: counted as withdrawn, never stored or quarantined."""
    data = json.loads(body("mastodon", "mastodonpy_conversations.json"))
    assert all(c["last_status"]["visibility"] == "direct" for c in data)
    page = mastodon.parse(body("mastodon", "mastodonpy_conversations.json"))
    assert (page.posts, page.rejects, page.withdrawn) == ([], [], len(data))


def test_mastodon_public_conversation_status_is_kept() -> None:
    data = json.loads(body("mastodon", "mastodonpy_conversations.json"))
    data[0]["last_status"]["visibility"] = "public"
    page = mastodon.parse(json.dumps(data))
    assert [p.native_id for p in page.posts] == [mastodon._native_id(data[0]["last_status"]["uri"], "", None)]


def test_mastodon_single_status(payloads: Path) -> None:
    page = mastodon.parse((payloads / "mastodon" / "docs_statuses_get_example.json").read_bytes())
    assert [p.text for p in page.posts] == ["<p>Hello world</p>"]


@pytest.mark.parametrize(
    ("payload", "looks_like"),
    [
        (b'{"foo": 1}', "a JSON object with keys 'foo'"),
        (b'"hello"', "a JSON string"),
        (b'{"accounts": [], "statuses": null}', "a JSON object with keys 'accounts', 'statuses'"),
    ],
)
def test_mastodon_unknown_shape_names_it_and_the_supported_ones(payload: bytes, looks_like: str) -> None:
    with pytest.raises(PayloadError) as info:
        mastodon.parse(payload)
    assert looks_like in str(info.value)
    assert "supported:" in str(info.value) and "conversations" in str(info.value)


# --- Bluesky ---------------------------------------------------------------------------------------

BLUESKY = {
    "bskyr_getAuthorFeed.TRIMMED6.response.json": 7,  # 6 items, one a repost: the original and the repost row
    "bskyr_getTimeline.TRIMMED7.response.json": 8,
    "bskyr_getFeed.response.json": 7,
    "bskyr_getListFeed.response.json": 10,
    "bskyr_getQuotes.response.json": 2,
    "bskyr_getPosts.response.json": 1,
    "bskyr_getPostThread.response.json": 1,
}


@pytest.mark.parametrize(("name", "posts"), BLUESKY.items())
def test_bluesky_shapes(name: str, posts: int) -> None:
    page = bluesky.parse(body("bluesky", name))
    assert (len(page.posts), page.rejects) == (posts, [])
    # The only link names the author: kept for links/, never in the url column (README "What is stored").
    # Reposts keep no link at all: they are never shown as examples.
    assert all(p.url is None for p in page.posts)
    assert all(p.link and p.link.startswith("https://bsky.app/profile/did:") for p in page.posts if not p.is_repost)


def _thread_node(post_view: dict[str, Any], **more: Any) -> dict[str, Any]:
    return {"$type": "app.bsky.feed.defs#threadViewPost", "post": post_view, **more}


def test_bluesky_thread_tree_parents_and_replies() -> None:
    """getPostThread's tree as the lexicon defines it (app.bsky.feed.defs#threadViewPost: ``parent`` and
    ``replies``, each a threadViewPost, notFoundPost or blockedPost). The recorded thread has neither, so
    the tree is built from real post views of the recorded getQuotes response; the shape is the lexicon's."""
    thread = json.loads(body("bluesky", "bskyr_getPostThread.response.json"))["thread"]
    quotes = json.loads(body("bluesky", "bskyr_getQuotes.response.json"))["posts"]
    tree = {
        "thread": _thread_node(
            thread["post"],
            parent={"$type": "app.bsky.feed.defs#notFoundPost", "uri": quotes[0]["uri"], "notFound": True},
            replies=[
                _thread_node(quotes[0], replies=[_thread_node(quotes[1])]),
                {"$type": "app.bsky.feed.defs#blockedPost", "uri": quotes[1]["uri"], "blocked": True, "author": {}},
            ],
        )
    }
    page = bluesky.parse(json.dumps(tree))
    ids = [p.native_id for p in page.posts]
    uri = [thread["post"]["uri"], quotes[0]["uri"], quotes[1]["uri"]]
    assert ids == uri  # the at-uri; the lake keeps only its keyed hash (Pseudonymiser.post_id)
    assert (page.withdrawn, page.rejects) == (2, [])


def test_bluesky_deep_thread_is_read_in_full() -> None:
    post = json.loads(body("bluesky", "bskyr_getPostThread.response.json"))["thread"]["post"]
    node: dict[str, Any] = _thread_node(post)
    for _ in range(300):  # as deep as getPostThread's depth parameter allows (max 1000) and JSON can nest here
        node = _thread_node(post, replies=[node])
    page = bluesky.parse(json.dumps({"thread": node}).encode())
    assert (len(page.posts), page.rejects) == (301, [])


def test_bluesky_unknown_shape_names_it_and_the_supported_ones() -> None:
    with pytest.raises(PayloadError) as info:
        bluesky.parse(b'{"followers": [], "subject": {}}')
    assert "got a JSON object with keys 'followers', 'subject'" in str(info.value)
    assert "getPostThread" in str(info.value) and "getListFeed" in str(info.value)


# --- YouTube ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["pyyoutube_comments_by_parent_paged_1.json", "pyyoutube_comments_multi.json"])
def test_youtube_comments_list_reply_pages(name: str) -> None:
    data = json.loads(body("youtube", name))
    page = youtube.parse(body("youtube", name))
    assert [p.native_id for p in page.posts] == [c["id"] for c in data["items"]]
    assert [p.text for p in page.posts] == [c["snippet"]["textOriginal"] for c in data["items"]]
    assert page.next_cursor == data.get("nextPageToken")


def test_youtube_unknown_kind_is_named() -> None:
    with pytest.raises(PayloadError, match=r"got kind 'youtube#videoListResponse'; supported: commentThreads\.list"):
        youtube.parse(b'{"kind": "youtube#videoListResponse", "items": []}')


# --- X ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    [
        "tweepy_home_timeline.response.json",
        "tweepy_users_tweets.response.json",
        "tweepy_users_mentions.response.json",
        "tweepy_liked_tweets.response.json",
        "tweepy_quote_tweets.response.json",
        "tweepy_list_tweets.response.json",
    ],
)
def test_x_v2_timelines_mentions_likes_quotes_lists(name: str) -> None:
    data = json.loads(body("x", name))
    page = x.parse(body("x", name))
    assert [p.native_id for p in page.posts] == [t["id"] for t in data["data"]]
    assert page.next_cursor == data["meta"].get("next_token")


@pytest.mark.parametrize(
    "name", ["tweepy_v1.1_search_tweets.TRIMMED2.response.json", "tweepy_v1.1_user_timeline.TRIMMED2.response.json"]
)
def test_x_v1_1_is_one_line_naming_v2_recent_search(name: str) -> None:
    with pytest.raises(PayloadError) as info:
        x.parse(body("x", name))
    assert str(info.value) == "X API v1.1 is not supported; use v2 recent search (GET /2/tweets/search/recent)"


def test_x_unknown_shape_names_it_and_the_supported_ones() -> None:
    with pytest.raises(PayloadError) as info:
        x.parse(b'{"users": [], "next_cursor": 0}')
    assert "got a JSON object with keys 'users', 'next_cursor'" in str(info.value)
    assert "liked posts" in str(info.value)


def test_mastodon_status_context() -> None:
    """GET /api/v1/statuses/:id/context, as recorded in Mastodon.py's tests/cassettes/test_status_context.yaml
    (b9f2effbb5a9, interaction 1): ancestors and descendants are statuses."""
    assert mastodon.parse(b'{"ancestors":[],"descendants":[]}').posts == []
    status = json.loads(body("mastodon", "mastodonpy_conversations.json"))[0]["last_status"]
    context = {"ancestors": [dict(status, visibility="public")], "descendants": []}
    assert len(mastodon.parse(json.dumps(context)).posts) == 1
