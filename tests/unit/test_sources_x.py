"""X API v2 responses: every real recorded payload, retweets, places, Snowflake times, errors."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from listening_post.sources import x
from listening_post.sources.base import PayloadError

FILES = {
    "academictwitteR_search_all_IchBinHanna_place-Berlin.FULL.response.json": (15, 15, 0),
    "academictwitteR_search_all_happy_has-mentions.TRIMMED_one-per-lang.response.json": (17, 26, 9),
    "academictwitteR_search_all_url-cdc.gov.TRIMMED_one-per-lang.response.json": (18, 29, 11),
    "postman_recent_search_conversation_id_expanded_users.json": (4, 4, 0),
    "postman_recent_search_q-nyc_default.json": (10, 10, 4),
    "postman_recent_search_q-nyc_tweet_fields.json": (10, 10, 7),
    "postman_tweet_lookup_single_place_fields.json": (1, 1, 0),
    "postman_tweet_lookup_single_with_public_metrics.json": (1, 1, 0),
    "tweepy_search_recent_q-Tweepy_2022-10-07.response.json": (10, 10, 0),
}


def load(payloads: Path, name: str) -> bytes:
    return (payloads / "twitter_x" / name).read_bytes()


def test_every_real_payload_is_listed(payloads: Path) -> None:
    assert {p.name for p in (payloads / "twitter_x").iterdir()} == set(FILES)


@pytest.mark.parametrize(("name", "expected"), list(FILES.items()))
def test_every_real_payload(payloads: Path, name: str, expected: tuple[int, int, int]) -> None:
    tweets, posts, reposts = expected
    raw = json.loads(load(payloads, name))
    page = x.parse(load(payloads, name))
    assert not page.rejects
    assert len(raw["data"] if isinstance(raw["data"], list) else [raw["data"]]) == tweets
    assert len(page.posts) == posts and sum(p.is_repost for p in page.posts) == reposts
    assert page.next_cursor == raw.get("meta", {}).get("next_token")
    for post in page.posts:
        assert post.url == f"https://x.com/i/web/status/{post.native_id}"
        assert post.created_at.tzinfo is not None
        if post.is_repost:
            assert post.text == "" and post.context_text and not post.context_text.startswith("RT @")
            assert post.likes is None
        assert post.declared_lang != "und"
    assert len({p.post_id for p in page.posts}) == len(page.posts)


def test_place_country_and_fields(payloads: Path) -> None:
    page = x.parse(load(payloads, "academictwitteR_search_all_IchBinHanna_place-Berlin.FULL.response.json"))
    first = page.posts[0]
    assert first.post_id == "x:1403438596695134209" and first.author_native == "14451880"
    assert first.created_at.isoformat() == "2021-06-11T19:46:50+00:00"
    assert first.declared_lang == "de" and (first.likes, first.reposts, first.replies) == (0, 0, 2)
    assert {p.country for p in page.posts} == {"DE"}  # Berlin, country_code DE ("Deutschland" localised)
    cdc = x.parse(load(payloads, "academictwitteR_search_all_url-cdc.gov.TRIMMED_one-per-lang.response.json"))
    assert {p.country for p in cdc.posts} == {None, "SI", "NL", "DE"}


def test_retweet_original_comes_from_includes(payloads: Path) -> None:
    raw = json.loads(load(payloads, "academictwitteR_search_all_happy_has-mentions.TRIMMED_one-per-lang.response.json"))
    page = x.parse(json.dumps(raw))
    first_rt = raw["data"][0]
    original_id = first_rt["referenced_tweets"][0]["id"]
    original = next(p for p in page.posts if p.native_id == original_id)
    repost = next(p for p in page.posts if p.native_id == first_rt["id"])
    assert not original.is_repost and original.text
    assert repost.is_repost and repost.context_text == original.text
    # The retweet's own "RT @name: ..." copy is never stored as text.
    assert all(not p.text.startswith("RT @") for p in page.posts)


def test_default_fields_times_come_from_the_snowflake_id(payloads: Path) -> None:
    page = x.parse(load(payloads, "tweepy_search_recent_q-Tweepy_2022-10-07.response.json"))
    for post in page.posts:
        # The test bot wrote its own clock into each post: "2022-10-07 22:42:12.637103 tweepy".
        written = post.text.removesuffix(" tweepy")
        assert post.created_at.strftime("%Y-%m-%d %H:%M:%S") == written[:19]
        assert post.author_native is None


def test_default_fields_retweets_are_recognised_by_their_text(payloads: Path) -> None:
    page = x.parse(load(payloads, "postman_recent_search_q-nyc_default.json"))
    reposts = [p for p in page.posts if p.is_repost]
    assert len(reposts) == 4 and all(p.text == "" and p.context_text for p in reposts)


def test_long_posts_use_note_tweet() -> None:
    tweet = {"id": "1578516068309794817", "text": "short…", "note_tweet": {"text": "the whole long text"}}
    (post,) = x.parse(json.dumps({"data": [tweet]})).posts
    assert post.text == "the whole long text"


def test_empty_search_and_errors() -> None:
    assert x.parse(b'{"meta": {"result_count": 0}}').posts == []
    with pytest.raises(PayloadError, match="X error response: Unauthorized"):
        x.parse(b'{"title": "Unauthorized", "type": "about:blank", "status": 401, "detail": "Unauthorized"}')
    with pytest.raises(PayloadError, match="HTML page"):
        x.parse(b"<!DOCTYPE html><html><body>Over capacity</body></html>")
    with pytest.raises(PayloadError, match="invalid JSON"):
        x.parse(b'{"data": [{"id": "1", "text": "cut')


def test_a_broken_record_is_rejected_and_the_rest_kept(payloads: Path) -> None:
    raw: dict[str, Any] = json.loads(load(payloads, "postman_recent_search_q-nyc_tweet_fields.json"))
    broken = copy.deepcopy(raw)
    del broken["data"][2]["text"]
    broken["data"][3]["created_at"] = "yesterday"
    broken["data"][4] = None
    page = x.parse(json.dumps(broken))
    assert [r.index for r in page.rejects] == [2, 3, 4] and len(page.posts) == 7
