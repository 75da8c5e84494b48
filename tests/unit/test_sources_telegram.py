"""Telegram: channel web previews, Desktop exports and Telethon dumps recorded by other projects
(tests/data/README.md, section telegram/, gives each file's provenance)."""

from __future__ import annotations

import json
import time
from dataclasses import asdict
from pathlib import Path

import pytest
from pydantic import ValidationError

from listening_post.authors import AuthorFormError
from listening_post.parsed import ParsedPost
from listening_post.sources import telegram
from listening_post.sources.base import Page, PayloadError, parse_guarded

DATA = Path(__file__).resolve().parents[1] / "data"


def load(name: str) -> bytes:
    return (DATA / "telegram" / name).read_bytes()


def by_id(page: Page) -> dict[str, ParsedPost]:
    return {p.native_id: p for p in page.posts}


# --- the web preview ---------------------------------------------------------------------------------


def test_preview_fragments_of_a_real_channel() -> None:
    page = telegram.parse(load("tchantest_62-94.html"))
    posts = by_id(page)
    assert sorted(posts, key=lambda n: int(n.split("/")[1])) == [
        "tchantest/62",
        "tchantest/79",
        "tchantest/81",
        "tchantest/82",
        "tchantest/84",
        "tchantest/89",
        "tchantest/94",
    ]
    assert page.withdrawn == 3  # 83 and 88 (locations, no words), 92 (a pin: a service message)
    assert not page.rejects
    assert page.next_cursor == "62"  # the oldest message shown: ask before=62 for the older ones
    post = posts["tchantest/62"]
    assert post.post_id == "telegram:tchantest/62"
    assert post.created_at.isoformat() == "2023-02-24T08:01:26+00:00"
    assert post.author_native == "tchantest"
    assert post.is_html and post.text.startswith("Bigger<br>text")
    assert post.url is None and post.id_names_author  # the id and the link name the channel
    assert post.link == "https://t.me/tchantest/62"
    assert posts["tchantest/84"].text == "Multiple videos and pictures"  # an album's caption, unwrapped
    preview = posts["tchantest/94"]
    assert (
        preview.links
        == [
            "https://agenciabrasil.ebc.com.br/justica/noticia/2022-08/operacao-guardioes-do-bioma-apreende-239-toneladas-de-minerio"
        ]
        * 2
    )  # the text's anchor and the link preview's target (enrichment keeps one)
    assert posts["tchantest/81"].links == ["https://python.org/", "https://www.python.org/"]


def test_a_forwarded_message_is_a_repost_with_no_text_of_its_own() -> None:
    posts = by_id(telegram.parse(load("tchantest_62-94.html")))
    forward = posts["tchantest/89"]
    assert forward.is_repost and forward.text == ""
    assert forward.context_text == ";)" and forward.context_is_html
    assert forward.reposted_native is None  # forwarded from an account, not from a channel post
    assert forward.link is None  # a repost is never an example
    page = telegram.parse(load("lifemodel_test_channel.html"))
    forward = by_id(page)["test_channel/1010"]
    assert forward.is_repost and forward.reposted_native == "another_channel/500"
    assert forward.context_text.startswith("This is a forwarded message with multiple photos")


def test_a_whole_saved_page_its_more_link_and_reactions() -> None:
    page = telegram.parse(load("lifemodel_test_channel.html"))
    posts = by_id(page)
    assert set(posts) == {"test_channel/1001", "test_channel/1010"}
    assert page.withdrawn == 1  # 1003: "Please open Telegram to view this post"
    assert page.next_cursor == "1001"  # tme_messages_more data-before
    first = posts["test_channel/1001"]
    assert first.likes == 13  # reactions 👍 10 and ❤ 3
    assert first.links == ["https://t.me/test_channel", "https://t.me/TestBot"]  # dropped when enriched


def test_replies_edits_signatures_and_the_start_of_the_channel() -> None:
    page = telegram.parse(load("tchantest_1-24.html"))
    posts = by_id(page)
    assert page.next_cursor is None  # message 1 is shown: nothing older
    assert posts["tchantest/20"].reply_to_native == "tchantest/19"
    assert posts["tchantest/20"].text.startswith("Reply to a video")  # not the quoted "Video"
    assert posts["tchantest/5"].text == "Hello! Signed and edited message"  # edited: read as it now reads
    assert posts["tchantest/24"].links == ["https://brasil.io/"]
    assert posts["tchantest/14"].text == "Multiple pics"
    # Services (created, renamed, photo), a sticker, a location, a poll, an audio, two videos: no words.
    assert page.withdrawn == 9
    # A signature names the admin who posted: it appears nowhere in what the parser gives.
    for post in page.posts:
        assert "Justen" not in json.dumps(asdict(post), default=str)


def test_no_posts_found_is_an_empty_page() -> None:
    page = telegram.parse(load("tchan_no_posts_found.html"))
    assert page.posts == [] and page.withdrawn == 0 and page.next_cursor is None


def test_hashtags_and_mentions_come_from_the_texts_anchors() -> None:
    # No recorded message here holds a hashtag or a mention: the two anchors below are copied verbatim
    # from a saved t.me/s/xCareers page (a hashtag is a search link, a mention an @name anchor to t.me)
    # into the recorded fragment of tchantest/24.
    fragment = load("tchantest_1-24.html").decode()
    start = fragment.index('<div class="tgme_widget_message_wrap', fragment.index('data-post="tchantest/20"'))
    tail = fragment[start:]
    marked = tail.replace(
        "This is a message with a link<br/><br/>",
        'This is a message with a link <a href="?q=%23%D1%83%D0%B4%D0%B0%D0%BB%D0%B5%D0%BD%D0%BA%D0%B0">#удаленка</a>'
        ' <a href="https://t.me/xCareersBot" target="_blank">@xCareersBot</a><br/><br/>',
    )
    assert marked != tail
    post = by_id(telegram.parse(marked.encode()))["tchantest/24"]
    assert post.hashtags == ["удаленка"]
    assert post.mentions_native == ["xcareersbot"]
    assert post.links == ["https://brasil.io/"]


# --- exports -----------------------------------------------------------------------------------------


def test_desktop_export_of_a_personal_chat_is_kept_nowhere() -> None:
    page = telegram.parse(load("chat_analytics_DM_2A_7M.json"))
    assert page.posts == [] and page.rejects == [] and page.withdrawn == 8  # counted, nothing to quarantine


def test_desktop_export_records() -> None:
    # The records of a real (anonymised) export, read one by one as a public channel's would be.
    messages = json.loads(load("chat_analytics_DM_2A_7M.json"))["messages"]
    read = {m["id"]: telegram.desktop_message(m, 700000000) for m in messages}
    assert read[2675] is None  # a service message (joined_telegram)
    assert read[3672] is None and read[3673] is None  # photos with no caption
    link = read[3644]
    assert link is not None
    assert link.native_id == "c700000000/3644" and link.id_names_author
    assert link.text == "https://google.com 👀" and not link.is_html
    assert link.links == ["https://google.com"]
    assert link.created_at.isoformat() == "2019-07-12T16:55:32+00:00"  # "date" only: read as UTC
    assert link.author_native == "user700000000"
    later = read[3662]
    assert later is not None and later.created_at.isoformat() == "2022-05-09T22:23:53+00:00"  # date_unixtime


def test_telethon_dump_one_message_per_line() -> None:
    page = telegram.parse(load("telethon_tchantest.jsonl"))
    posts = by_id(page)
    assert list(posts) == ["c1591537674/62", "c1591537674/24", "c1591537674/20"]
    link = posts["c1591537674/24"]
    assert link.links == ["https://brasil.io/"]  # the entity's UTF-16 offset and length
    assert link.author_native == "channel1591537674"
    assert link.created_at.isoformat() == "2023-02-24T07:48:02+00:00"
    assert posts["c1591537674/20"].reply_to_native == "c1591537674/19"
    assert posts["c1591537674/62"].reposts is None  # Telethon gave forwards: null


def test_telethon_object_list_and_line_forms_read_alike() -> None:
    records = [json.loads(line) for line in load("telethon_tchantest.jsonl").splitlines()]
    as_lines = [p.post_id for p in telegram.parse(load("telethon_tchantest.jsonl")).posts]
    assert [p.post_id for p in telegram.parse(json.dumps(records).encode()).posts] == as_lines
    assert [p.post_id for p in telegram.parse(json.dumps(records[1]).encode()).posts] == [as_lines[1]]


def test_telethon_private_conversations_forwards_and_utf16_offsets() -> None:
    record = json.loads(load("telethon_tchantest.jsonl").splitlines()[1])
    private = {**record, "peer_id": {"_": "PeerUser", "user_id": 42}}
    assert telegram.telethon_message(private) is None
    assert telegram.telethon_message({**record, "_": "MessageService"}) is None
    forward = {
        **record,
        "fwd_from": {"_": "MessageFwdHeader", "from_id": {"_": "PeerChannel", "channel_id": 77}, "channel_post": 5},
    }
    post = telegram.telethon_message(forward)
    assert post is not None and post.is_repost and post.text == "" and post.reposted_native == "c77/5"
    # An emoji before the link is two UTF-16 units: the offset still finds the link.
    emoji = {
        **record,
        "message": "👀 https://brasil.io/",
        "entities": [{"_": "MessageEntityUrl", "offset": 3, "length": 18}],
    }
    post = telegram.telethon_message(emoji)
    assert post is not None and post.links == ["https://brasil.io/"]
    # Every entity class reads as the Desktop export's entity of the same meaning.
    text = "see docs #vote @some_channel Ana"
    entities = [
        {"_": "MessageEntityTextUrl", "offset": 4, "length": 4, "url": "https://example.org/docs"},
        {"_": "MessageEntityHashtag", "offset": 9, "length": 5},
        {"_": "MessageEntityMention", "offset": 15, "length": 13},
        {"_": "MessageEntityMentionName", "offset": 29, "length": 3, "user_id": 99},
        {"_": "MessageEntityBold", "offset": 0, "length": 3},
    ]
    post = telegram.telethon_message({**record, "message": text, "entities": entities})
    assert post is not None
    assert (post.links, post.hashtags, post.mentions_native) == (
        ["https://example.org/docs"],
        ["vote"],
        ["some_channel", "user99"],
    )


# --- what is not a Telegram response -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("mastodon/docs_streaming_websocket_update.json", "not a Telegram export this reader knows: got a JSON"),
        ("feeds/feedparser_chardet_koi8r.xml", "an HTML page with no Telegram channel messages"),
    ],
)
def test_other_platforms_responses_are_named_not_read(path: str, message: str) -> None:
    with pytest.raises(PayloadError, match=message):
        telegram.parse((DATA / path).read_bytes())


def test_text_that_is_neither_html_nor_json() -> None:
    with pytest.raises(PayloadError, match="not a Telegram page or export"):
        telegram.parse(b"Too Many Requests")
    with pytest.raises(PayloadError, match="empty"):
        telegram.parse(b" \n")


def test_broken_messages_go_to_quarantine_without_naming_anyone() -> None:
    fragment = load("tchantest_62-94.html").decode()
    broken = fragment.replace('datetime="2023-02-24T08:01:26+00:00"', 'datetime="yesterday"')
    broken = broken.replace('data-post="tchantest/79"', 'data-post="tchantest/seventy-nine"')
    page = telegram.parse(broken.encode())
    reasons = sorted(r.reason for r in page.rejects)
    assert reasons == ["data-post is not <channel>/<message id>", "unreadable datetime 'yesterday'"]
    for reject in page.rejects:
        assert "tchantest" not in json.dumps(reject.record)  # the channel is only the pseudonym's input
        assert reject.author_native == "tchantest"
    assert len(page.posts) == 5  # the rest of the page is kept
    record = json.loads(load("telethon_tchantest.jsonl").splitlines()[0])
    bad = telegram.parse(json.dumps([{**record, "date": "not a date", "post_author": "Someone"}]).encode())
    (reject,) = bad.rejects
    assert reject.record["post_author"] == "[redacted]" and reject.record["peer_id"] == "[redacted]"
    assert reject.author_native == "channel1591537674"


def test_hostile_pages_are_bounded() -> None:
    nested = "<div>" * (telegram.MAX_TAGS + 1) + "x"
    started = time.perf_counter()
    with pytest.raises(PayloadError, match="tags, more than a Telegram preview holds"):
        telegram.parse(nested.encode())
    assert time.perf_counter() - started < 1.0
    # Deep nesting just under the cap inside a real message still parses in bounded time.
    fragment = load("tchantest_62-94.html").decode()
    deep = fragment.replace("Bigger<br/>", "<b>" * 14_000 + "Bigger" + "</b>" * 14_000 + "<br/>", 1)
    started = time.perf_counter()
    page = parse_guarded(telegram.parse, deep.encode())
    assert time.perf_counter() - started < 5.0
    assert "tchantest/62" in by_id(page)
    # Markup inside a message's text stays text: the script is data for html_to_text, never run.
    scripted = fragment.replace("Bigger<br/>", "<script>alert(1)</script><img src=x onerror=alert(2)>Bigger<br/>", 1)
    from listening_post.enrich.text import html_to_text

    text = html_to_text(by_id(telegram.parse(scripted.encode()))["tchantest/62"].text)
    assert "alert" not in text and text.startswith("Bigger")


# --- configuration and erasure -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("given", "stored"),
    [
        ("tchantest", "tchantest"),
        ("@TchanTest", "tchantest"),
        ("https://t.me/s/tchantest", "tchantest"),
        ("t.me/tchantest/62", "tchantest"),
        ("https://telegram.me/Some_Channel", "some_channel"),
    ],
)
def test_channel_names(given: str, stored: str) -> None:
    assert telegram.channel_name(given) == stored
    assert telegram.native_author(given) == stored


@pytest.mark.parametrize("given", ["", "a b", "1channel", "abc", "x" * 33, "t.me/", "chan-nel", "канал"])
def test_channel_names_refused(given: str) -> None:
    with pytest.raises(ValueError, match="is not a Telegram channel username"):
        telegram.channel_name(given)
    with pytest.raises(AuthorFormError):
        telegram.native_author(given)


def test_export_author_forms() -> None:
    assert telegram.native_author("channel1591537674") == "channel1591537674"
    assert telegram.native_author("user700000000") == "user700000000"


def test_settings() -> None:
    settings = telegram.TelegramSettings()
    assert settings.base_url == "https://t.me" and settings.requests_per_minute == 20 and settings.max_pages == 10
    country = telegram.TelegramCountry(channels=["@TchanTest", "https://t.me/s/tchantest", "durov"])
    assert country.channels == ["tchantest", "durov"]
    with pytest.raises(ValidationError, match="not a Telegram channel username"):
        telegram.TelegramCountry(channels=["not a channel"])
    with pytest.raises(ValidationError, match="Extra inputs"):
        telegram.TelegramSettings(requests_per_minit=5)  # type: ignore[call-arg]
    with pytest.raises(ValidationError):
        telegram.TelegramSettings(requests_per_minute=600)


def test_platform_spec() -> None:
    spec = telegram.PLATFORM
    assert spec.name == "telegram" and spec.kind == "social" and spec.secrets == ()
    assert spec.reader_links and spec.query_syntax is None and spec.fetcher is not None
    assert spec.settings is telegram.TelegramSettings and spec.country_settings is telegram.TelegramCountry
    assert spec.record_author is not None
    assert spec.record_author({"from_id": "channel42", "text": "x"}) == "channel42"
    assert spec.record_author({"_": "Message", "peer_id": {"_": "PeerChannel", "channel_id": 42}}) == "channel42"


def test_importing_the_module_stays_light() -> None:
    import subprocess
    import sys

    # Beyond what the platform contract (spec) loads, the module adds itself and nothing of the fetch side.
    code = (
        "import sys, listening_post.sources.spec; before = set(sys.modules); "
        "import listening_post.sources.telegram; "
        "print(sorted(m for m in set(sys.modules) - before if m.split('.')[0] in ('listening_post', 'selectolax', "
        "'urllib3', 'tenacity', 'feedparser')))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "['listening_post.sources.telegram']"
