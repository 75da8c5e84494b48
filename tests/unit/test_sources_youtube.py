"""YouTube commentThreads.list: the real recorded responses, replies, HTML text, errors."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from listening_post.sources import youtube
from listening_post.sources.base import PayloadError


def load(payloads: Path, name: str) -> bytes:
    return (payloads / "youtube" / name).read_bytes()


@pytest.fixture
def threads(payloads: Path) -> dict[str, Any]:
    return json.loads(load(payloads, "pyyoutube_comment_threads_by_video_paged_1.json"))


def test_paged_response(payloads: Path) -> None:
    page = youtube.parse(load(payloads, "pyyoutube_comment_threads_by_video_paged_1.json"))
    assert len(page.posts) == 5 and not page.rejects
    assert page.next_cursor and page.next_cursor.startswith("QURTSl9p")
    first = page.posts[0]
    assert first.post_id == "youtube:UgyZ1jqkHKYvi1-ruOZ4AaABAg"
    assert first.url == "https://www.youtube.com/watch?v=F1UP7wRCPH8&lc=UgyZ1jqkHKYvi1-ruOZ4AaABAg"
    assert first.author_native == "UCzj-CjKYmGlZ7vTL-vOe57A"  # the channel id, not the display name
    assert first.text == "Google.com" and not first.is_html  # textOriginal, not the <a> of textDisplay
    assert first.created_at.isoformat() == "2019-11-26T15:51:44+00:00"
    assert page.posts[4].replies == 2 and page.posts[2].likes == 4


def test_single_thread(payloads: Path) -> None:
    (post,) = youtube.parse(load(payloads, "pyyoutube_comment_thread_single.json")).posts
    assert post.text.startswith("Super video !!!\nWith full power")
    assert post.url == "https://www.youtube.com/watch?v=D-lhorsDlUQ&lc=UgxKREWxIgDrw8w2e_Z4AaABAg"


def test_without_text_original_the_html_display_text_is_used(threads: dict[str, Any]) -> None:
    snippet = threads["items"][0]["snippet"]["topLevelComment"]["snippet"]
    del snippet["textOriginal"]
    first = youtube.parse(json.dumps(threads)).posts[0]
    assert first.is_html and first.text == '<a href="http://google.com/">Google.com</a>'


def test_included_replies_are_posts(threads: dict[str, Any]) -> None:
    item = threads["items"][4]
    reply = copy.deepcopy(item["snippet"]["topLevelComment"])
    reply["id"] = item["id"] + ".8yZ"
    reply["snippet"]["parentId"] = item["id"]
    reply["snippet"]["textOriginal"] = "I agree"
    item["replies"] = {"comments": [reply]}
    page = youtube.parse(json.dumps(threads))
    assert len(page.posts) == 6
    assert page.posts[-1].native_id.endswith(".8yZ") and page.posts[-1].text == "I agree"


def test_a_broken_thread_is_rejected_and_the_rest_kept(threads: dict[str, Any]) -> None:
    del threads["items"][1]["snippet"]["topLevelComment"]["snippet"]["publishedAt"]
    del threads["items"][2]["snippet"]["topLevelComment"]
    page = youtube.parse(json.dumps(threads))
    assert len(page.posts) == 3 and [r.index for r in page.rejects] == [1, 2]


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (
            b'{"error": {"code": 403, "message": "The video has disabled comments.",'
            b' "errors": [{"reason": "commentsDisabled"}]}}',
            "YouTube error response: 403",
        ),
        (
            b'{"kind": "youtube#searchListResponse", "items": []}',
            "got kind 'youtube#searchListResponse'; supported: commentThreads.list",
        ),
        (b"<html><body>Error 500</body></html>", "HTML"),
    ],
)
def test_unusable_payloads(body: bytes, message: str) -> None:
    with pytest.raises(PayloadError, match=message):
        youtube.parse(body)


def test_a_comment_about_a_channel_gets_the_readers_link_kept_apart(payloads: Path) -> None:
    """A thread about a channel (the retired channel discussion) has a channelId and no videoId: its only
    link names that channel, so it is the reader's link (links/), never the post's url. Derived from the
    recorded single thread, with videoId taken out and the documented snippet.channelId put in."""
    thread = json.loads(load(payloads, "pyyoutube_comment_thread_single.json"))
    item = thread["items"][0]
    del item["snippet"]["videoId"], item["snippet"]["topLevelComment"]["snippet"]["videoId"]
    item["snippet"]["topLevelComment"]["snippet"]["channelId"] = "UC_x5XG1OV2P6uZZ5FSM9Ttw"
    (post,) = youtube.parse(json.dumps(thread)).posts
    assert post.url is None
    assert (
        post.link == "https://www.youtube.com/channel/UC_x5XG1OV2P6uZZ5FSM9Ttw/discussion?lc=UgxKREWxIgDrw8w2e_Z4AaABAg"
    )
