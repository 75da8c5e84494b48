"""Feeds keep their news (issue 14), on real feeds from feed parsers' test suites (tests/data/README.md):
undated items are kept and say where their date came from, items with only a description are kept in
their own script, and the bytes are decoded by the one rule (declared encoding, bad bytes replaced and
counted; undeclared legacy encodings detected)."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

import pytest

from listening_post.pipeline import _plain_text
from listening_post.sources import rss
from listening_post.sources.base import decode_body, load_json
from listening_post.sources.parsers import PARSERS

FEEDS = Path(__file__).resolve().parents[1] / "data" / "feeds"


def _texts(name: str) -> list[str]:
    page = PARSERS["rss"]((FEEDS / name).read_bytes())
    return [_plain_text(p.text, p.is_html) for p in page.posts]


@pytest.mark.parametrize(
    ("name", "words"),
    [
        ("feedparser_chardet_tis620.xml", "ซอฟต์แวร์แห่งชาติ"),  # Thai, description only
        ("feedparser_chardet_windows1255.xml", "אתר אינטרנט"),  # Hebrew, description only
        ("feedparser_chardet_koi8r.xml", "Как пережить новогоднюю ночь"),  # Russian
        ("feedparser_chardet_eucjp.xml", "ゲーム三昧な正月"),  # Japanese (EUC-JP)
        ("feedparser_chardet_shiftjis.xml", "DrecomRSSに記事投稿が反映されない"),  # Japanese (Shift_JIS)
    ],
)
def test_items_without_title_link_or_date_are_kept_in_their_script(name: str, words: str) -> None:
    # On main each of these was quarantined ("an item with neither id, link nor title", or "no publication
    # date"), and read as windows-1252 it would have been noise anyway.
    page = PARSERS["rss"]((FEEDS / name).read_bytes())
    assert page.rejects == []
    assert len(page.posts) == 1
    post = page.posts[0]
    assert words in _plain_text(post.text, post.is_html)
    assert post.created_at_source == "first_seen"
    assert page.replaced_characters == 0


def test_thai_double_escaped_quotes_are_read() -> None:
    (text,) = _texts("feedparser_chardet_tis620.xml")
    assert "\u201cMambo Template Contest\u201d" in text and "&" not in text


def test_items_without_a_date_take_the_feed_date(payloads: Path) -> None:
    # No real feed found has a feed date and undated items: the Guardian's (real; its channel dated by
    # pubDate and dc:date) loses its items' dates here.
    body = (payloads / "rss" / "rssparser_guardian.TRIMMED5.rss").read_bytes()
    head, items = body.split(b"<item>", 1)
    undated = head + b"<item>" + re.sub(rb"<(pubDate|dc:date)>[^<]*</\1>", b"", items)
    page = rss.parse(undated)
    assert page.rejects == [] and len(page.posts) == 5
    assert {(p.created_at, p.created_at_source) for p in page.posts} == {
        (datetime(2018, 1, 31, 20, 15, 15, tzinfo=UTC), "feed")
    }
    dated = rss.parse(body)
    assert {p.created_at_source for p in dated.posts} == {"item"}


def test_invalid_utf8_in_a_feed_declared_utf8_replaces_only_the_bad_byte() -> None:
    # Declared UTF-8: curly quotes, then a lone 0xA9 (feedparser drops the "<>" between). Main read the
    # whole item as windows-1252 ("â€™â€\x9d©").
    page = PARSERS["rss"]((FEEDS / "feedparser_encoding_bozo_linenoise.xml").read_bytes())
    assert [p.text for p in page.posts] == ["\u2019\u201d\ufffd"]
    assert page.replaced_characters == 1


def test_undeclared_latin1_feed_still_reads_as_latin1(payloads: Path) -> None:
    page = PARSERS["rss"]((payloads / "rss" / "rssparser_uolNoticias.latin1.rss").read_bytes())
    assert page.replaced_characters == 0
    assert any("ção" in p.text or "ã" in p.text for p in page.posts)
    assert not any("\ufffd" in p.text for p in page.posts)


def test_invalid_utf8_in_json_is_replaced_and_counted(payloads: Path) -> None:
    body = (payloads / "mastodon" / "mastodonpy_statuses_get.response.json").read_bytes()
    page = PARSERS["mastodon"](body)
    assert page.replaced_characters == 0
    text = page.posts[0].text
    word = text[text.index(">") + 1 :][:4].encode()
    broken = body.replace(word, word[:2] + b"\xff" + word[2:], 1)
    damaged = PARSERS["mastodon"](broken)
    assert damaged.replaced_characters == 1
    assert damaged.posts[0].text.count("\ufffd") == 1
    assert damaged.posts[0].text.replace("\ufffd", "") == text


@pytest.mark.parametrize(
    ("body", "declared", "text", "replaced"),
    [
        (b"caf\xc3\xa9 \xa9 ok \xef\xbf\xbd", "utf-8", "café \ufffd ok \ufffd", 1),  # a sent U+FFFD is no replacement
        (b"\xef\xbb\xbfcaf\xc3\xa9", "iso-8859-1", "café", 0),  # a BOM wins over the declaration
        (b"caf\xe9 \x93quoted\x94", "ISO-8859-1", "café \u201cquoted\u201d", 0),  # read as windows-1252
        (b"\xff\xfec\x00a\x00f\x00\xe9\x00", None, "café", 0),  # UTF-16 by its BOM
        (b"plain ascii", None, "plain ascii", 0),
        (b"caf\xe9 \x81", "windows-1252", "café \ufffd", 1),  # 0x81 is no windows-1252 character
        (b"\xfe\xff\x00h\xff\xfd\xd8\x00", None, "h\ufffd\ufffd", 1),  # UTF-16 BE: a sent U+FFFD, a lone surrogate
    ],
)
def test_decoding_rule(body: bytes, declared: str | None, text: str, replaced: int) -> None:
    decoded = decode_body(body, declared)
    assert (decoded.text, decoded.replaced) == (text, replaced)


def test_load_json_reads_a_bom() -> None:
    assert load_json(b"\xef\xbb\xbf[1]") == [1]


def test_labels_read_as_the_web_reads_them() -> None:
    # Declared GB2312, written in GBK (a name character GB2312 lacks): the superset reads it.
    assert decode_body("朱镕基".encode("gbk"), "gb2312") == decode_body("朱镕基".encode("gbk"), "gbk")
    assert decode_body("朱镕基".encode("gbk"), "GB2312").text == "朱镕基"


def test_a_utf16_declaration_on_ascii_compatible_bytes_is_ignored() -> None:
    body, replaced = rss.feed_as_utf8('<?xml version="1.0" encoding="utf-16"?><rss>café</rss>'.encode())
    assert (body.decode("utf-8"), replaced) == ('<?xml version="1.0" encoding="utf-8"?><rss>café</rss>', 0)
