"""Reddit Listings: the real recorded responses and the edge cases (deleted, removed, crossposts)."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from listening_post.sources import reddit
from listening_post.sources.base import PayloadError

FILES = [
    "praw_best_listing.TRIMMED3.response.json",
    "praw_r-all_search_q-praw-oauth-search.TRIMMED3.response.json",
    "praw_r-askreddit_new_listing.TRIMMED3.response.json",
]


def load(payloads: Path, name: str) -> bytes:
    return (payloads / "reddit" / name).read_bytes()


@pytest.fixture
def listing(payloads: Path) -> dict[str, Any]:
    return json.loads(load(payloads, "praw_r-all_search_q-praw-oauth-search.TRIMMED3.response.json"))


@pytest.mark.parametrize(("name", "after"), list(zip(FILES, ["t3_8h8g1q", None, "t3_48f6io"], strict=True)))
def test_every_real_listing(payloads: Path, name: str, after: str | None) -> None:
    page = reddit.parse(load(payloads, name))
    assert len(page.posts) == 3 and not page.rejects and page.withdrawn == 0
    assert page.next_cursor == after
    for post in page.posts:
        assert post.url and post.url.startswith("https://www.reddit.com/r/") and "?" not in post.url
        assert post.author_native == post.author_native.lower()  # type: ignore[union-attr]
        assert post.created_at.tzinfo is not None and post.declared_lang is None


def test_search_result_fields(payloads: Path) -> None:
    page = reddit.parse(load(payloads, FILES[1]))
    first = page.posts[0]
    assert first.post_id == "reddit:3gpbiu"
    assert first.created_at.isoformat() == "2015-08-12T09:08:34+00:00"  # created_utc, not the skewed created
    assert first.text.startswith("[PRAW][OAuth2Util] Problem using get_banned()") and "\n\n# solved" in first.text
    assert first.author_native == "dclauzel"
    assert (
        first.url == "https://www.reddit.com/r/redditdev/comments/3gpbiu/prawoauth2util_problem_using_get_banned_raise/"
    )
    assert (first.likes, first.replies) == (0, 21)


def test_link_posts_are_their_title(payloads: Path) -> None:
    first = reddit.parse(load(payloads, FILES[0])).posts[0]
    assert first.text == "Whistling noise coming from the engine!"


@pytest.mark.parametrize(
    "change",
    [
        {"selftext": "[deleted]", "author": "[deleted]"},
        {"selftext": "[removed]"},
        {"author": "[deleted]"},
        {"removed_by_category": "moderator"},
    ],
)
def test_deleted_and_removed_posts_are_no_posts(listing: dict[str, Any], change: dict[str, str]) -> None:
    listing["data"]["children"][0]["data"].update(change)
    page = reddit.parse(json.dumps(listing))
    assert len(page.posts) == 2 and page.withdrawn == 1 and not page.rejects
    assert all("[deleted]" not in p.text and "[removed]" not in p.text for p in page.posts)


def test_crosspost_is_the_original_plus_a_textless_repost(listing: dict[str, Any]) -> None:
    original = copy.deepcopy(listing["data"]["children"][1]["data"])
    cross = copy.deepcopy(listing["data"]["children"][0]["data"])
    cross.update(id="xpost1", crosspost_parent=f"t3_{original['id']}", crosspost_parent_list=[original])
    page = reddit.parse(json.dumps({"kind": "Listing", "data": {"children": [{"kind": "t3", "data": cross}]}}))
    first, repost = page.posts
    assert first.post_id == f"reddit:{original['id']}" and not first.is_repost
    assert repost.post_id == "reddit:xpost1" and repost.is_repost and repost.text == ""
    assert repost.context_text == first.text and repost.likes is None


def test_comments_and_more_markers(listing: dict[str, Any]) -> None:
    comment = {
        "id": "c1",
        "body": "Ce n'est pas ça &amp; voilà",
        "author": "SomeOne",
        "created_utc": 1456821458.0,
        "permalink": "/r/AskReddit/comments/48fbm9/x/c1/",
        "score": 3,
    }
    children = [
        {"kind": "t1", "data": comment},
        {"kind": "t1", "data": {**comment, "id": "c2", "body": "[removed]"}},
        {"kind": "more", "data": {"count": 4, "children": ["c3"]}},
        {"kind": "t5", "data": {"id": "sub"}},
    ]
    page = reddit.parse(json.dumps([listing, {"kind": "Listing", "data": {"children": children}}]))
    c1 = next(p for p in page.posts if p.native_id == "c1")
    assert c1.author_native == "someone" and c1.text.startswith("Ce n'est pas")
    assert c1.url == "https://www.reddit.com/r/AskReddit/comments/48fbm9/x/c1/"
    assert page.withdrawn == 1 and [r.index for r in page.rejects] == [3]
    assert len(page.posts) == 4


def test_a_broken_record_is_rejected_and_the_rest_kept(listing: dict[str, Any]) -> None:
    del listing["data"]["children"][0]["data"]["created_utc"]
    listing["data"]["children"][1] = "nonsense"
    page = reddit.parse(json.dumps(listing))
    assert len(page.posts) == 1
    assert [(r.index, r.reason) for r in page.rejects] == [
        (0, "missing created_utc"),
        (1, "a Listing child must be an object with data"),
    ]


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b'{"message": "Too Many Requests", "error": 429}', "Reddit error response: 429"),
        (b'{"kind": "t3", "data": {}}', "not a Reddit Listing"),
        (b"<!doctype html><html><title>Ow! Reddit is down</title></html>", "HTML page"),
        (b'{"kind": "Listing", "data": {"children": [', "invalid JSON"),
    ],
)
def test_unusable_payloads(body: bytes, message: str) -> None:
    with pytest.raises(PayloadError, match=message):
        reddit.parse(body)


def test_time_filter() -> None:
    assert [reddit.time_filter(s) for s in (60, 7200, 3 * 86400, 20 * 86400, 90 * 86400, 900 * 86400)] == [
        "hour",
        "day",
        "week",
        "month",
        "year",
        "all",
    ]


def test_a_post_on_a_user_profile_gets_a_link_without_the_user(listing: dict[str, Any]) -> None:
    """A profile post's permalink is /r/u_<name>/... (or /user/<name>/...): it names its author, so the
    link is Reddit's id-only form; an ordinary subreddit permalink (no user in it) is kept."""
    original = listing["data"]["children"][0]["data"]
    profile = {**original, "id": "abc12", "permalink": "/r/u_SomeOne/comments/abc12/my_post/"}
    comment = {
        "id": "c9",
        "body": "ok",
        "author": "Other",
        "created_utc": 1456821458.0,
        "link_id": "t3_abc12",
        "permalink": "/user/SomeOne/comments/abc12/my_post/c9/",
    }
    children = [{"kind": "t3", "data": profile}, {"kind": "t1", "data": comment}]
    page = reddit.parse(json.dumps({"kind": "Listing", "data": {"children": children}}))
    urls = {p.native_id: p.url for p in page.posts}
    assert urls == {
        "abc12": "https://www.reddit.com/comments/abc12/",
        "c9": "https://www.reddit.com/comments/abc12/_/c9/",
    }
    assert all("someone" not in (u or "").lower() for u in urls.values())
