"""Every parser fuzzed with mutated real payloads: the only outcomes are a page (with rejects) or a
PayloadError saying why; never an unhandled exception.

The parsers are fuzzed bare, without the net (``parse_guarded``) the product wraps them in, so that a
response shape a parser does not handle on its own is found here rather than hidden by the net."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from listening_post.sources.base import Page, PayloadError
from listening_post.sources.parsers import _MODULE_PARSERS as PARSERS
from tests.conftest import PAYLOADS

# Real payloads per source (JSON ones are mutated structurally, feeds as bytes).
FILES = {
    "mastodon": ["mastodon/docs_entity_Status_example.json", "mastodon/mastodonpy_timelines_tag_hoot.response.json"],
    "bluesky": ["bluesky/searchPosts_q-redistricting.response.json"],
    "reddit": ["reddit/praw_r-all_search_q-praw-oauth-search.TRIMMED3.response.json"],
    "x": [
        "twitter_x/academictwitteR_search_all_IchBinHanna_place-Berlin.FULL.response.json",
        "twitter_x/postman_recent_search_conversation_id_expanded_users.json",
    ],
    "youtube": ["youtube/pyyoutube_comment_threads_by_video_paged_1.json"],
    "rss": ["rss/rssparser_guardian.TRIMMED5.rss", "rss/rssparser_uolNoticias.latin1.rss"],
}
GDELT = {
    "articles": [
        {
            "url": "https://example.de/a",
            "url_mobile": "",
            "title": "Zölle: neue Runde",
            "seendate": "20261117T101500Z",
            "socialimage": "",
            "domain": "example.de",
            "language": "German",
            "sourcecountry": "Germany",
        }
    ]
}


def load(relative: str) -> bytes:
    path = PAYLOADS / relative
    if not path.exists():
        pytest.skip(f"{path} not found")
    return path.read_bytes()


junk = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=True),
    st.text(max_size=30),
    st.lists(st.integers(), max_size=3),
    st.dictionaries(st.text(max_size=5), st.integers(), max_size=3),
)


def paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [prefix]
    if isinstance(value, dict):
        for k, v in value.items():
            out += paths(v, (*prefix, k))
    elif isinstance(value, list):
        for i, v in enumerate(value[:5]):
            out += paths(v, (*prefix, i))
    return out


def mutate(document: Any, path: tuple[Any, ...], action: str, replacement: Any) -> Any:
    if not path:
        return replacement
    parent = document
    for key in path[:-1]:
        parent = parent[key]
    last = path[-1]
    if action == "delete" and isinstance(parent, dict):
        del parent[last]
    elif action == "delete" and isinstance(parent, list):
        parent.pop(last)
    else:
        parent[last] = replacement
    return document


def check(source: str, body: bytes) -> None:
    try:
        page = PARSERS[source](body)
    except PayloadError as exc:
        reason = str(exc)
        assert reason, "a PayloadError always says why"
        return
    assert isinstance(page, Page)
    for reject in page.rejects:
        assert reject.reason


@pytest.mark.parametrize("source", ["mastodon", "bluesky", "reddit", "x", "youtube", "gdelt"])
@given(data=st.data())
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_mutated_json_payloads(source: str, data: st.DataObject) -> None:
    originals = [json.dumps(GDELT).encode()] if source == "gdelt" else [load(f) for f in FILES[source]]
    document = json.loads(data.draw(st.sampled_from(originals)))
    for _ in range(data.draw(st.integers(1, 4))):
        path = data.draw(st.sampled_from(paths(document)))
        document = mutate(document, path, data.draw(st.sampled_from(["delete", "replace"])), data.draw(junk))
    check(source, json.dumps(document).encode())


@pytest.mark.parametrize("source", ["mastodon", "bluesky", "reddit", "x", "youtube", "gdelt", "rss", "google_news"])
@given(data=st.data())
@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_damaged_bytes(source: str, data: st.DataObject) -> None:
    files = FILES.get(source, FILES["rss"])
    body = json.dumps(GDELT).encode() if source == "gdelt" else load(data.draw(st.sampled_from(files)))
    cut = data.draw(st.integers(0, len(body)))
    noise = data.draw(st.binary(max_size=40))  # invalid UTF-8 and control bytes included
    at = data.draw(st.integers(0, cut))
    check(source, body[:at] + noise + body[at:cut])


@given(st.binary(max_size=300))
@settings(max_examples=300, deadline=None)
def test_arbitrary_bytes(body: bytes) -> None:
    for source in PARSERS:
        check(source, body)
