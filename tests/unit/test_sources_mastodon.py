"""Mastodon Status entities: real recorded payloads and the edge cases of the API."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest
import yaml

from listening_post.sources import mastodon
from listening_post.sources.base import PayloadError


def load(payloads: Path, name: str) -> bytes:
    return (payloads / "mastodon" / name).read_bytes()


def test_docs_status_example(payloads: Path) -> None:
    page = mastodon.parse(load(payloads, "docs_entity_Status_example.json"))
    assert not page.rejects
    (post,) = page.posts
    assert post.post_id == "mastodon:mastodon.social/103270115826048975"
    assert post.created_at.isoformat() == "2019-12-08T03:48:33.901000+00:00"
    assert post.author_native == "gargron@mastodon.social"
    assert post.declared_lang == "en"
    assert (post.likes, post.reposts, post.replies) == (11, 6, 5)
    assert post.is_html and "I lost my inheritance" in post.text
    assert post.url is None  # every Mastodon link names the author: the reader's link goes to links/
    assert post.link == "https://mastodon.social/@Gargron/103270115826048975"


@pytest.mark.parametrize(
    "name",
    [
        "docs_statuses_get_example.json",
        "mastodonpy_statuses_get.response.json",
        "mastodonpy_timelines_tag_hoot.response.json",
        "docs_entity_Status_example.json",
    ],
)
def test_every_real_json_payload_parses(payloads: Path, name: str) -> None:
    page = mastodon.parse(load(payloads, name))
    assert page.posts and not page.rejects
    for post in page.posts:
        assert post.created_at.tzinfo is not None
        assert post.native_id and "@" not in post.native_id


def test_recorded_hashtag_timeline_cassette_matches_extracted_body(payloads: Path) -> None:
    cassette = yaml.safe_load(load(payloads, "mastodonpy_cassette_test_hashtag_tl.yaml"))
    timeline = next(i for i in cassette["interactions"] if "/timelines/tag/" in i["request"]["uri"])
    assert "link" in {k.lower() for k in timeline["response"]["headers"]}
    from_cassette = mastodon.parse(timeline["response"]["body"]["string"].encode())
    extracted = mastodon.parse(load(payloads, "mastodonpy_timelines_tag_hoot.response.json"))
    assert [p.post_id for p in from_cassette.posts] == [p.post_id for p in extracted.posts]
    # The client declared Japanese for English text: kept only as a hint.
    assert extracted.posts[0].declared_lang == "ja"


def test_elided_docs_example_is_not_json(payloads: Path) -> None:
    with pytest.raises(PayloadError, match="invalid JSON at line 5 column 5"):
        mastodon.parse(load(payloads, "docs_timelines_tag_cats_example.ELIDED.jsonc"))


@pytest.fixture
def status(payloads: Path) -> dict:
    return json.loads(load(payloads, "docs_entity_Status_example.json"))


def test_reblog_is_the_original_plus_a_textless_repost(status: dict) -> None:
    original = copy.deepcopy(status)
    boost = copy.deepcopy(status)
    boost.update(
        id="999",
        uri="https://chaos.social/users/someone/statuses/999/activity",
        url=None,
        content="",
        reblog=original,
        account={"acct": "someone@chaos.social", "username": "someone"},
    )
    page = mastodon.parse(json.dumps([boost]))
    first, repost = page.posts
    assert first.post_id == "mastodon:mastodon.social/103270115826048975" and not first.is_repost
    assert repost.is_repost and repost.text == ""
    assert repost.context_text == first.text  # for topic matching only; never stored with the repost
    assert repost.author_native == "someone@chaos.social"
    assert repost.likes is None
    # A boost's URI ends in /activity: its id is the status before that, or every boost would be one post.
    assert repost.post_id == "mastodon:chaos.social/999"


def test_content_warning_is_part_of_the_text(status: dict) -> None:
    status["spoiler_text"] = "politics <rant>"
    (post,) = mastodon.parse(json.dumps(status)).posts
    assert post.text.startswith("<p>politics &lt;rant&gt;</p>")


def test_missing_language_and_media_only_posts(status: dict) -> None:
    status["language"] = None
    status["content"] = ""
    (post,) = mastodon.parse(json.dumps(status)).posts
    assert post.declared_lang is None and post.text == ""


def test_time_zone_offsets_are_normalised_to_utc(status: dict) -> None:
    status["created_at"] = "2026-11-20T23:30:00+02:00"
    (post,) = mastodon.parse(json.dumps(status)).posts
    assert post.created_at.isoformat() == "2026-11-20T21:30:00+00:00"


def test_a_broken_record_is_rejected_and_the_rest_of_the_page_kept(status: dict) -> None:
    broken = copy.deepcopy(status)
    del broken["created_at"]
    bad_date = copy.deepcopy(status)
    bad_date["created_at"] = "yesterday"
    page = mastodon.parse(json.dumps([broken, status, "not an object", bad_date]))
    assert len(page.posts) == 1
    assert [(r.index, r.reason) for r in page.rejects] == [
        (0, "missing created_at"),
        (2, "a status must be a JSON object"),
        (3, "unreadable created_at 'yesterday'"),
    ]


def test_local_accounts_get_their_instance(status: dict) -> None:
    status["account"]["acct"] = "Local_User"
    status["account"]["url"] = "https://mstdn.ca/@Local_User"
    (post,) = mastodon.parse(json.dumps(status)).posts
    assert post.author_native == "local_user@mstdn.ca"


def test_search_results_and_single_status_shapes(status: dict) -> None:
    assert len(mastodon.parse(json.dumps({"accounts": [], "statuses": [status], "hashtags": []})).posts) == 1
    assert len(mastodon.parse(json.dumps(status)).posts) == 1


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"", "empty response body"),
        (b"<!DOCTYPE html><html><body>502 Bad Gateway</body></html>", "expected JSON but got an HTML page"),
        (b'[{"id": "1", "created_at": "2026-', "invalid JSON at line 1"),
        (b'{"error": "Record not found"}', "Mastodon error response"),
        (b'{"foo": 1}', "got a JSON object with keys 'foo'; supported: a status"),
        (b"Too many requests", "expected JSON but got text"),
    ],
)
def test_unusable_payloads(body: bytes, message: str) -> None:
    with pytest.raises(PayloadError, match=message):
        mastodon.parse(body)
