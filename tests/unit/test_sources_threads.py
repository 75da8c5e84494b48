"""Threads API responses: Meta's documented examples and restfb's recorded fixtures (tests/data/README.md),
the settings, the erasure handle forms, the query in keyword searches, and a light import."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from listening_post.query import Query
from listening_post.sources import threads
from listening_post.sources.base import PayloadError, parse_guarded
from listening_post.sources.registry import platform
from listening_post.sources.spec import AuthorFormError
from tests.unit import test_parsers_fuzzed as fuzz

DATA = Path(__file__).resolve().parents[1] / "data" / "threads"


def load(name: str) -> bytes:
    return (DATA / name).read_bytes()


def test_keyword_search_docs_example() -> None:
    page = threads.parse(load("docs_keyword_search.json"))
    assert not page.rejects and page.next_cursor is None  # the documented response has no paging
    [post] = page.posts
    assert post.post_id == "threads:1234567890" and post.text == "first thread"
    assert post.created_at.isoformat() == "2023-10-17T05:42:03+00:00"
    # The username is the native author (pseudonymised later); the permalink, which names the author, is
    # the reader's link, never the post's url.
    assert post.author_native == "<user>"
    assert post.url is None and post.link == "https://www.threads.net/@<USER>/post/abcdefg"
    assert not post.is_repost and post.quoted_native is None and post.reply_to_native is None
    assert post.links == [] and post.hashtags == []
    # The docs' example carries no counts: none are pretended.
    assert (post.likes, post.reposts, post.replies) == (None, None, None)


def test_profile_posts_docs_example_paging_and_topic_tag() -> None:
    page = threads.parse(load("docs_profile_posts.EDITED.json"))
    assert page.next_cursor == "AFTER_CURSOR" and not page.rejects
    [post] = page.posts
    assert post.native_id == "1234567" and post.text == "Today Is Monday" and post.author_native == "meta"
    assert post.hashtags == ["mondays"]  # the post's topic tag
    # is_quote_post is true but the example has no quoted_post: no quoted id is made up.
    assert post.quoted_native is None


def test_docs_example_as_published_is_not_json_and_says_where() -> None:
    """The docs print the example with a trailing comma; a body like it is refused with the place."""
    with pytest.raises(PayloadError, match=r"invalid JSON at line 15"):
        threads.parse(load("docs_profile_posts.verbatim.json"))


def test_replies_have_their_parent_and_no_author_when_not_requested() -> None:
    raw = json.loads(load("restfb_basic-list-reply.json"))
    page = threads.parse(load("restfb_basic-list-reply.json"))
    assert len(page.posts) == len(raw["data"]) == 3 and not page.rejects
    for post in page.posts:
        assert post.reply_to_native == "1234567890"
        assert post.author_native is None and post.link is None  # the request asked for no username/permalink
    assert page.next_cursor == "AFTER_CURSOR"


def test_single_media_object() -> None:
    [post] = threads.parse(load("restfb_basic-media.json")).posts
    assert post.post_id == "threads:1234567" and post.author_native == "threadsapitestuser"
    assert post.link == "https://www.threads.net/@threadsapitestuser/post/abcdefg"


def test_documented_repost_without_a_timestamp_is_quarantined() -> None:
    """The docs' repost example was requested without ``timestamp``: it cannot be placed in time, so it
    goes to quarantine with the reason; no time is made up."""
    page = threads.parse(load("docs_repost.json"))
    assert page.posts == []
    [reject] = page.rejects
    assert reject.reason == "missing timestamp" and reject.record["media_type"] == "REPOST_FACADE"


def test_error_response_names_the_error() -> None:
    with pytest.raises(PayloadError, match=r"error response: Unsupported get request.*THApiException, code 100"):
        threads.parse(load("restfb_exception.json"))


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"", "empty response body"),
        (b"<!DOCTYPE html><html><body>Sorry</body></html>", "expected JSON but got an HTML page"),
        (b"[1, 2]", "not a Threads API response: got a JSON list"),
        (b'{"paging": {}}', "not a Threads API response: got a JSON object with keys 'paging'"),
        (b"[" * 100_000 + b"]" * 100_000, "malformed response"),
    ],
)
def test_unusable_bodies_are_payload_errors(body: bytes, message: str) -> None:
    with pytest.raises(PayloadError, match=message):
        parse_guarded(threads.parse, body)


def test_malformed_records_are_rejected_one_by_one() -> None:
    good = json.loads(load("docs_keyword_search.json"))["data"][0]
    body = json.dumps({"data": [good, "text", {"id": "9", "timestamp": "yesterday", "username": "Some.One"}]})
    page = threads.parse(body.encode())
    assert [p.native_id for p in page.posts] == ["1234567890"]
    reasons = [r.reason for r in page.rejects]
    assert reasons == ["a media object must be a JSON object", "unreadable timestamp 'yesterday'"]
    assert page.rejects[1].author_native == "some.one"  # quarantine keeps only its pseudonym


@pytest.mark.parametrize(
    ("handle", "stored"),
    [
        ("@Meta", "meta"),
        ("threadsapitestuser", "threadsapitestuser"),
        ("https://www.threads.net/@meta/post/abcdefg", "meta"),
        ("https://www.threads.com/@some.one_2", "some.one_2"),
    ],
)
def test_erasure_handle_forms(handle: str, stored: str) -> None:
    assert threads.native_author(handle) == stored
    assert platform("threads").native_author(handle, None) == stored


@pytest.mark.parametrize("handle", ["", "two words", "https://example.org/@meta", "a" * 31])
def test_erasure_handle_forms_refused(handle: str) -> None:
    with pytest.raises(AuthorFormError, match="Threads"):
        threads.native_author(handle)


def test_settings_and_country_sections() -> None:
    settings = threads.ThreadsSettings.model_validate({"access_token": {"env": "THREADS_TOKEN"}})
    assert settings.search_type == "RECENT" and settings.page_size == 100 and settings.max_pages == 10
    with pytest.raises(ValidationError, match="page_size"):
        threads.ThreadsSettings.model_validate({"page_size": 101})  # the documented maximum is 100
    with pytest.raises(ValidationError, match="extra"):
        threads.ThreadsSettings.model_validate({"acces_token": {"env": "X"}})
    with pytest.raises(ValidationError, match="search_type"):
        threads.ThreadsSettings.model_validate({"search_type": "LATEST"})
    country = threads.ThreadsCountry.model_validate({"profiles": ["@Meta", "meta", "threads"]})
    assert country.profiles == ["meta", "threads"]
    with pytest.raises(ValidationError, match="not a Threads username"):
        threads.ThreadsCountry.model_validate({"profiles": ["https://threads.net/@meta"]})


def test_keyword_searches_one_per_or_branch_positive_terms_only() -> None:
    query = Query('tariff* AND (canada OR "softwood lumber") NOT hockey')
    assert threads.for_threads(query) == ["tariff canada", "tariff softwood lumber"]
    assert threads.for_threads(Query("Zoll OR Zölle")) == ["Zoll", "Zölle"]


def test_platform_description() -> None:
    spec = platform("threads")
    assert spec is threads.PLATFORM
    assert spec.kind == "social" and spec.reader_links and spec.secrets == ("access_token",)
    assert spec.settings is threads.ThreadsSettings and spec.country_settings is threads.ThreadsCountry
    assert spec.record_author is not None and spec.record_author({"username": "Meta"}) == "meta"


def test_importing_the_module_stays_light() -> None:
    """The configuration imports every platform: no HTTP, parser or Arrow library may come with this one."""
    code = "import sys, listening_post.sources.threads; print(sorted(set(sys.modules) & {HEAVY!r}))"
    heavy = {"urllib3", "tenacity", "pyarrow", "feedparser", "listening_post.sources.http"}
    out = subprocess.run(
        [sys.executable, "-c", code.replace("{HEAVY!r}", repr(heavy))], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "[]"


@given(data=st.data())
@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_mutated_documented_responses(data: st.DataObject) -> None:
    """The parser alone (no parse_guarded net) gives a page or a PayloadError for mutated real responses."""
    names = ["docs_keyword_search.json", "docs_profile_posts.EDITED.json", "restfb_basic-list-reply.json"]
    document = json.loads(load(data.draw(st.sampled_from(names))))
    for _ in range(data.draw(st.integers(1, 4))):
        path = data.draw(st.sampled_from(fuzz.paths(document)))
        document = fuzz.mutate(document, path, data.draw(st.sampled_from(["delete", "replace"])), data.draw(fuzz.junk))
    fuzz.check("threads", json.dumps(document).encode())  # a page whose rejects say why, or a PayloadError
