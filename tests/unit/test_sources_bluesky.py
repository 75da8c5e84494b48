"""Bluesky searchPosts and feed views: the real recorded response, its cassette, and the edge cases."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from listening_post.sources import bluesky
from listening_post.sources.base import PayloadError


def load(payloads: Path, name: str) -> bytes:
    return (payloads / "bluesky" / name).read_bytes()


@pytest.fixture
def response(payloads: Path) -> dict[str, Any]:
    return json.loads(load(payloads, "searchPosts_q-redistricting.response.json"))


def test_real_search_response(payloads: Path) -> None:
    page = bluesky.parse(load(payloads, "searchPosts_q-redistricting.response.json"))
    assert len(page.posts) == 25 and not page.rejects and page.next_cursor == "25"
    first = page.posts[0]
    # The at-uri names the author: it stays in memory, marked, and the lake gets a keyed hash of it.
    assert first.native_id == "at://did:plc:kkergqgbhb56ptpwj2wenkje/app.bsky.feed.post/3lpk2u6qo222m"
    assert first.id_names_author
    assert first.url is None  # the only link names the author: it is the reader's link, kept in links/
    assert first.link == "https://bsky.app/profile/did:plc:kkergqgbhb56ptpwj2wenkje/post/3lpk2u6qo222m"
    assert first.author_native == "did:plc:kkergqgbhb56ptpwj2wenkje"
    assert first.created_at.isoformat() == "2025-05-19T17:10:09.561858+00:00"
    assert first.text.startswith("Ends Versus Means") and not first.is_html
    assert (first.likes, first.reposts, first.replies) == (0, 0, 0)
    # No handle anywhere a row could carry it.
    for post in page.posts:
        assert ".bsky.social" not in post.native_id and ".bsky.social" not in (post.url or "")
        assert post.author_native and post.author_native.startswith("did:")
        assert post.created_at.tzinfo is not None
    # record.langs is optional: missing on 4 of the 25, kept as "no declared language".
    assert sum(p.declared_lang is None for p in page.posts) == 4
    assert {p.declared_lang for p in page.posts} == {None, "en"}
    # "+00:00" offsets and "Z" both read as UTC.
    offset = next(p for p in page.posts if p.native_id.endswith("3lpii6nwbyt2m"))
    assert offset.created_at.isoformat() == "2025-05-19T02:03:20.286393+00:00"
    # A quote post is the quoting author's own words only: the quoted post is not a second row.
    quote = next(p for p in page.posts if p.native_id.endswith("3lpjl6vjfes2b"))
    assert quote.text.startswith("Thursday is Opinion Day") and "Marc Elias" not in quote.text
    assert len({p.post_id for p in page.posts}) == 25


def test_cassette_body_is_the_same_response(payloads: Path) -> None:
    cassette = yaml.safe_load(load(payloads, "bskyr_vcr_f_search.yml"))
    (interaction,) = cassette["http_interactions"]
    assert interaction["response"]["headers"]["RateLimit-Policy"] == "3000;w=300"
    from_cassette = bluesky.parse(interaction["response"]["body"]["string"].encode())
    extracted = bluesky.parse(load(payloads, "searchPosts_q-redistricting.response.json"))
    assert [p.post_id for p in from_cassette.posts] == [p.post_id for p in extracted.posts]
    assert [p.text for p in from_cassette.posts] == [p.text for p in extracted.posts]


def test_the_lexicon_is_not_a_response(payloads: Path) -> None:
    with pytest.raises(PayloadError, match="keys 'lexicon', 'id', 'defs'; supported: searchPosts"):
        bluesky.parse(load(payloads, "atproto_lexicon_app.bsky.feed.searchPosts.json"))


def test_a_repost_in_a_feed_is_the_original_plus_a_textless_repost(response: dict[str, Any]) -> None:
    original = response["posts"][1]
    reason = {
        "$type": "app.bsky.feed.defs#reasonRepost",
        "by": {"did": "did:plc:reposter", "handle": "someone.example"},
        "uri": "at://did:plc:reposter/app.bsky.feed.repost/3abc",
        "indexedAt": "2025-05-19T18:00:00.000Z",
    }
    page = bluesky.parse(json.dumps({"feed": [{"post": original, "reason": reason}]}))
    first, repost = page.posts
    assert not first.is_repost and first.text.startswith(original["record"]["text"][:20])
    assert repost.is_repost and repost.text == "" and repost.context_text == first.text
    assert repost.native_id == "at://did:plc:reposter/app.bsky.feed.repost/3abc" and repost.id_names_author
    assert repost.author_native == "did:plc:reposter"
    assert (
        repost.url is None and repost.link is None
    )  # never an example: no reader's link kept and "someone.example" not in str(repost)


def test_blocked_and_missing_posts_are_withdrawn_not_errors(response: dict[str, Any]) -> None:
    feed = [
        {"post": response["posts"][0]},
        {"post": {"$type": "app.bsky.feed.defs#notFoundPost", "uri": "at://x", "notFound": True}},
        {"post": {"$type": "app.bsky.feed.defs#blockedPost", "uri": "at://y", "blocked": True}},
    ]
    page = bluesky.parse(json.dumps({"feed": feed}))
    assert len(page.posts) == 1 and page.withdrawn == 2 and not page.rejects


def test_broken_records_are_rejected_and_the_rest_kept(response: dict[str, Any]) -> None:
    posts = copy.deepcopy(response["posts"][:4])
    posts[0]["uri"] = "https://not-an-at-uri"
    del posts[1]["record"]["createdAt"]
    del posts[1]["indexedAt"]
    posts[2]["uri"] = posts[2]["uri"].replace("app.bsky.feed.post", "app.bsky.feed.like")
    page = bluesky.parse(json.dumps({"posts": posts}))
    assert len(page.posts) == 1
    assert [r.index for r in page.rejects] == [0, 1, 2]
    assert "at:// URI" in page.rejects[0].reason and "createdAt" in page.rejects[1].reason


def test_created_at_falls_back_to_indexed_at(response: dict[str, Any]) -> None:
    post = copy.deepcopy(response["posts"][0])
    del post["record"]["createdAt"]
    (parsed,) = bluesky.parse(json.dumps({"posts": [post]})).posts
    assert parsed.created_at.isoformat() == "2025-05-19T17:10:09.813000+00:00"


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b'{"error": "ExpiredToken", "message": "Token has expired"}', "Bluesky error response: ExpiredToken"),
        (b"<html><body>502 Bad Gateway</body></html>", "expected JSON but got an HTML page"),
        (b'{"posts": [{"uri": "at://did:plc:a/app.bsky.feed.post/1"', "invalid JSON"),
        (b"[]", "expected a JSON object"),
    ],
)
def test_unusable_payloads(body: bytes, message: str) -> None:
    with pytest.raises(PayloadError, match=message):
        bluesky.parse(body)
