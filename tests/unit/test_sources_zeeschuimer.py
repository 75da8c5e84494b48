"""Zeeschuimer NDJSON exports: real captured TikTok, Instagram and X items; quarantine; hostile lines."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from listening_post.sources import registry
from listening_post.sources.base import Page, PayloadError, parse_guarded
from listening_post.sources.spec import AuthorFormError
from listening_post.sources.zeeschuimer import MAX_LINE_BYTES, PLATFORM, native_author

DATA = Path(__file__).resolve().parents[1] / "data" / "zeeschuimer"
TIKTOK, TWITTER, INSTAGRAM = "tiktok.TRIMMED5.ndjson", "twitter.TRIMMED6.ndjson", "instagram.TRIMMED4.ndjson"


def raw(name: str) -> bytes:
    return (DATA / name).read_bytes()


def lines(name: str) -> list[bytes]:
    return raw(name).splitlines()


def handles(name: str) -> set[str]:
    """Every account name a file's items hold, as the platform spells it, for the privacy checks."""
    found: set[str] = set()

    def walk(value: object) -> None:
        if isinstance(value, dict):
            for key, inner in value.items():
                if key in ("uniqueId", "username", "screen_name", "userUniqueId") and isinstance(inner, str) and inner:
                    found.add(inner)
                walk(inner)
        elif isinstance(value, list):
            for inner in value:
                walk(inner)

    for line in lines(name):
        walk(json.loads(line)["data"])
    return found


def test_tiktok_items_become_tiktok_posts() -> None:
    page = PLATFORM.parse(raw(TIKTOK))
    assert (len(page.posts), page.rejects, page.withdrawn) == (5, [], 0)
    first = page.posts[0]
    assert first.source == "tiktok"
    assert first.post_id == "tiktok:7288995634328177926"
    assert first.created_at == datetime.fromtimestamp(1697101549, tz=UTC)
    assert first.text.startswith("#fosfor #bomba #fosforbombası")
    assert first.author_native == "haberturktv"
    assert (first.likes, first.reposts, first.replies) == (59, 0, 3)  # diggCount, shareCount, commentCount
    assert first.hashtags is not None and first.hashtags[:3] == ["fosfor", "bomba", "fosforbombası"]
    assert (first.author_followers, first.author_posts, first.author_is_verified) == (277400, 906, True)
    # The video's page names its author: a reader link, never the post's url.
    assert first.url is None
    assert first.link == "https://www.tiktok.com/@haberturktv/video/7288995634328177926"
    mention = next(p for p in page.posts if p.native_id == "7105531462413257990")
    assert mention.mentions_native == ["arjanitmuriqii"]
    no_extra = next(p for p in page.posts if p.native_id == "7230778601166163205")
    assert no_extra.hashtags == []


def test_twitter_items_become_x_posts_in_the_x_readers_form() -> None:
    page = PLATFORM.parse(raw(TWITTER))
    assert (len(page.posts), page.rejects) == (6, [])
    by_id = {p.native_id: p for p in page.posts}
    first = by_id["1711652255336743414"]
    assert first.source == "x"
    assert first.created_at == datetime(2023, 10, 10, 7, 57, 53, tzinfo=UTC)
    assert first.author_native == "1503318317150490632"  # the numeric user id, as the X API reader stores it
    assert first.url == "https://x.com/i/web/status/1711652255336743414"  # names nobody
    assert first.link is None
    assert first.declared_lang == "nl"
    assert first.hashtags == ["degraanrepubliek", "moderneklassieker"]
    assert first.mentions_native == ["1107262173615714305"]  # user ids, never the handle
    assert by_id["1711859654769168725"].quoted_native == "1711850745845129260"
    assert by_id["1711882654579138796"].reply_to_native == "1711387605890392566"
    assert by_id["1703809918480842984"].links == ["https://ow.ly/9n0250PM8nk"]
    long_post = by_id["1712427683156570500"]
    item = json.loads(lines(TWITTER)[5])["data"]
    assert long_post.text == item["note_tweet"]["note_tweet_results"]["result"]["text"]
    assert len(long_post.text) > len(item["legacy"]["full_text"])


def test_instagram_items_become_instagram_posts() -> None:
    page = PLATFORM.parse(raw(INSTAGRAM))
    assert (len(page.posts), page.rejects) == (4, [])
    first, _, third, _ = page.posts
    assert first.source == "instagram"
    assert first.post_id == "instagram:DUjFJZCjsA2"  # the shortcode; the item's "id" holds the owner's id
    assert first.url == "https://www.instagram.com/p/DUjFJZCjsA2/"
    assert first.created_at == datetime.fromtimestamp(1770663600, tz=UTC)
    assert first.author_native == "scaryclip"
    assert first.likes is None  # the author hid the count: like_count is not what people see
    assert first.replies == 12
    assert third.likes == 7651
    assert third.hashtags == ["TorontoCulture", "AirCanada", "Cuba", "Toronto", "TravelNews"]  # from the caption


def test_a_file_of_several_platforms_keeps_each_post_its_platform() -> None:
    mixed = b"\n".join([lines(TIKTOK)[0], lines(TWITTER)[0], lines(INSTAGRAM)[0]]) + b"\n"
    assert [p.source for p in PLATFORM.parse(mixed).posts] == ["tiktok", "x", "instagram"]
    assert set(PLATFORM.emits) == {"tiktok", "instagram", "x"}


def _as_platform(line: bytes, platform: str) -> bytes:
    """A real captured line relabelled: no capture of these platforms was found (tests/data/README.md)."""
    item = json.loads(line)
    item["source_platform"] = platform
    return json.dumps(item).encode()


def test_unknown_and_unread_platforms_and_malformed_lines_are_quarantined_and_the_rest_kept() -> None:
    good = lines(TIKTOK)
    body = b"\n".join(
        [
            good[0],
            _as_platform(good[1], "9gag.com"),
            _as_platform(good[2], "threads.net"),
            _as_platform(good[3], "linkedin.com"),
            b'{"source_platform": "tiktok.com", "data": {"id": "1", "desc": "cut off',
            b"[1, 2, 3]",
            b'{"source_platform": "tiktok.com", "data": {"desc": "no id", "createTime": 1697101549}}',
            b"",
            good[4],
        ]
    )
    page = PLATFORM.parse(body)
    assert [p.native_id for p in page.posts] == ["7288995634328177926", "7230778601166163205"]
    reasons = [r.reason for r in page.rejects]
    assert reasons[0].startswith("line 2: 9gag.com items are not read: unknown source_platform '9gag.com'")
    assert reasons[1].startswith("line 3: threads.net items are not read: no recorded Threads capture")
    assert reasons[2].startswith("line 4: linkedin.com items are not read")
    assert reasons[3].startswith("line 5: invalid JSON at column")
    assert reasons[4] == "line 6: not a JSON object"
    assert reasons[5] == "line 7 (tiktok.com): missing id"
    assert [r.index for r in page.rejects] == [1, 2, 3, 4, 5, 6]


def test_quarantined_records_hold_no_account_name() -> None:
    body = b"\n".join(_as_platform(line, "threads.net") for line in lines(TIKTOK))
    page = PLATFORM.parse(body)
    assert len(page.rejects) == 5
    written = json.dumps([r.record for r in page.rejects])
    assert "data_keys" in written
    for handle in handles(TIKTOK):
        assert handle not in written
    assert all(r.author_native is None for r in page.rejects)


def test_handles_land_only_in_the_author_mentions_and_reader_link() -> None:
    for name in (TIKTOK, TWITTER, INSTAGRAM):
        for post in PLATFORM.parse(raw(name)).posts:
            for handle in handles(name):
                for field in (post.url, post.native_id, post.quoted_native, post.reply_to_native):
                    assert handle.lower() not in (field or "").lower()


def test_an_x_retweet_is_quarantined_not_counted_as_an_opinion() -> None:
    # No recorded capture holds a retweet; this nests a real captured tweet as the retweeted one.
    item = json.loads(lines(TWITTER)[0])
    item["data"]["legacy"]["retweeted_status_result"] = {"result": json.loads(lines(TWITTER)[1])["data"]}
    page = PLATFORM.parse(json.dumps(item).encode())
    assert page.posts == []
    assert page.rejects[0].reason.startswith("line 1 (twitter.com): a retweet: not read")


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"", "empty file"),
        (b"\n \n", "empty file"),
        (b"<!doctype html><html><body>Log in</body></html>", "the first line is markup, not JSON"),
        (b'{"data": [], "status_code": 0}', "no line is an item with source_platform and data"),
        (b"[1, 2]", "not a Zeeschuimer NDJSON export"),
    ],
)
def test_a_file_that_is_no_export_is_refused_whole(body: bytes, message: str) -> None:
    with pytest.raises(PayloadError, match=message):
        parse_guarded(PLATFORM.parse, body)


def test_hostile_lines_are_bounded_and_the_rest_kept() -> None:
    deep = b"[" * 200_000
    huge = b'{"source_platform": "tiktok.com", "data": {"desc": "' + b"x" * (MAX_LINE_BYTES + 10) + b'"}}'
    nested = {"source_platform": "tiktok.com", "data": json.loads(lines(TIKTOK)[0])["data"]}
    inner: dict[str, object] = {}
    nested["data"]["video"] = inner
    for _ in range(900):  # as deep as Python's parser reads: never walked, never written
        inner["x"] = {}
        inner = inner["x"]  # type: ignore[assignment]
    started = time.monotonic()
    page = PLATFORM.parse(b"\n".join([deep, huge, json.dumps(nested).encode(), lines(TIKTOK)[1]]))
    assert time.monotonic() - started < 5
    assert len(page.posts) == 2
    assert page.rejects[0].reason == "line 1: JSON nested too deeply to read"
    assert page.rejects[1].reason.startswith(f"line 2: {len(huge):,} bytes, more than")
    assert len(json.dumps([r.record for r in page.rejects])) < 1_000


def test_undecodable_bytes_are_replaced_and_counted() -> None:
    body = lines(TIKTOK)[0].replace(b"#fosfor #bomba", b"#fosfor \xff#bomba", 1)
    page = PLATFORM.parse(body)
    assert page.replaced_characters == 1
    assert page.posts[0].text.startswith("#fosfor \ufffd#bomba")


def test_a_line_separator_inside_a_caption_does_not_split_the_line() -> None:
    # JSON.stringify writes U+2028 and U+2029 unescaped; only "\n" ends an NDJSON line.
    line = lines(TIKTOK)[0].replace(b"#fosfor #bomba", "#fosfor\u2028#bomba\u2029".encode(), 1)
    page = PLATFORM.parse(b"\xef\xbb\xbf" + line + b"\r\n" + lines(TIKTOK)[1])
    assert (len(page.posts), page.rejects) == (2, [])
    assert page.posts[0].text.startswith("#fosfor\u2028#bomba\u2029")


def test_native_author_is_the_handle_as_stored() -> None:
    assert native_author(" @HaberturkTV ") == "haberturktv"
    with pytest.raises(AuthorFormError):
        native_author("@")
    with pytest.raises(AuthorFormError):
        native_author("https://www.tiktok.com/@someone")


def test_registered_as_an_import_only_platform() -> None:
    assert registry.platform("zeeschuimer") is PLATFORM
    assert PLATFORM.fetcher is None
    assert PLATFORM.kind == "social"
    assert PLATFORM.reader_links


def test_importing_the_module_loads_nothing_but_the_spec() -> None:
    """The brief and API functions validate configurations through the registry without the parsers' code:
    beyond sources/spec.py, importing the module loads only itself and the standard library."""
    code = (
        "import sys; import listening_post.sources.spec; before = set(sys.modules); "
        "import listening_post.sources.zeeschuimer; "
        "print(sorted(m for m in set(sys.modules) - before "
        "if m.split('.')[0].lstrip('_') not in sys.stdlib_module_names))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "['listening_post.sources.zeeschuimer']"


# Mutated real lines: whatever a capture holds, the outcome is posts and rejects, or the whole file refused
# with the reason; never an exception (the parser is run bare, without parse_guarded's net).
_junk = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=True),
    st.text(max_size=30),
    st.lists(st.integers(), max_size=3),
    st.dictionaries(st.text(max_size=5), st.integers(), max_size=3),
)


def _paths(value: object, prefix: tuple[object, ...] = ()) -> list[tuple[object, ...]]:
    out = [prefix]
    if isinstance(value, dict):
        for key, inner in value.items():
            out += _paths(inner, (*prefix, key))
    elif isinstance(value, list):
        for i, inner in enumerate(value[:3]):
            out += _paths(inner, (*prefix, i))
    return out


@given(data=st.data())
@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_mutated_real_lines_never_raise_but_payload_error(data: st.DataObject) -> None:
    name = data.draw(st.sampled_from([TIKTOK, TWITTER, INSTAGRAM]))
    item = json.loads(data.draw(st.sampled_from(lines(name))))
    for _ in range(data.draw(st.integers(1, 4))):
        path = data.draw(st.sampled_from(_paths(item)))
        if not path:
            item = data.draw(_junk)
            continue
        parent: Any = item
        for key in path[:-1]:
            parent = parent[key]
        if data.draw(st.booleans()) and isinstance(parent, dict):
            del parent[path[-1]]
        elif isinstance(parent, list) and isinstance(path[-1], int) and data.draw(st.booleans()):
            parent.pop(path[-1])
        else:
            parent[path[-1]] = data.draw(_junk)
    page = _page_or_reason(json.dumps(item).encode())
    if isinstance(page, str):
        assert page  # the file refused, saying why
        return
    assert len(page.posts) + len(page.rejects) + page.withdrawn >= 1
    assert all(r.reason for r in page.rejects)


def _page_or_reason(body: bytes) -> Page | str:
    try:
        return PLATFORM.parse(body)
    except PayloadError as exc:
        return str(exc)
