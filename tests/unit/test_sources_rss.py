"""RSS and Atom feeds: real recorded feeds and the edge cases of the wild."""

from __future__ import annotations

import gzip
from datetime import UTC, datetime
from pathlib import Path
from unittest import mock

import feedparser
import pytest

from listening_post.demo import sample_files
from listening_post.sources import google_news, rss
from listening_post.sources.base import PayloadError


def parse(payloads: Path, name: str) -> rss.Page:
    return rss.parse((payloads / "rss" / name).read_bytes())


def test_guardian_rss(payloads: Path) -> None:
    page = parse(payloads, "rssparser_guardian.TRIMMED5.rss")
    assert len(page.posts) == 5 and not page.rejects
    post = page.posts[0]
    assert post.created_at == datetime(2018, 1, 31, 7, 26, 5, tzinfo=UTC)
    assert post.declared_lang == "en-gb"
    assert post.author_native == "David Smith in Washington"
    assert post.url and post.url.startswith("https://www.theguardian.com/")
    assert "Trump State of the Union" in post.text and "new American moment" in post.text


def test_heise_atom_uses_the_feed_author_and_offsets(payloads: Path) -> None:
    page = parse(payloads, "rssparser_heise.atom")
    assert len(page.posts) == 15 and not page.rejects
    post = page.posts[0]
    assert post.created_at == datetime(2016, 2, 1, 16, 22, tzinfo=UTC)  # +01:00 in the feed
    assert post.author_native == "heise online"


def test_latin1_feed_without_declaration_and_localised_dates(payloads: Path) -> None:
    page = parse(payloads, "rssparser_uolNoticias.latin1.rss")
    assert len(page.posts) == 15 and not page.rejects
    post = page.posts[0]
    assert "simulações" in post.text and "Líder" in post.text  # decoded as Latin-1, not mojibake
    assert post.created_at == datetime(2018, 9, 24, 22, 42, 40, tzinfo=UTC)  # "Seg, 24 Set 2018 19:42:40 -0300"
    assert post.author_native == "outlet:noticias.uol.com.br"  # no author: the outlet stands in
    ids = {p.post_id for p in page.posts}
    assert len(ids) == 15  # no guid: the link identifies the item


def test_russian_atom_with_xml_lang(payloads: Path) -> None:
    page = parse(payloads, "feedparser_touchnokia_ru.TRIMMED3.atom")
    assert len(page.posts) == 3 and not page.rejects
    assert page.posts[0].declared_lang == "ru"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("Seg, 24 Set 2018 19:42:40 -0300", datetime(2018, 9, 24, 22, 42, 40, tzinfo=UTC)),
        ("lun., 16 nov. 2026 08:00:00 -0500", datetime(2026, 11, 16, 13, 0, tzinfo=UTC)),
        ("Mo, 02 Mär 2026 10:00:00 +0100", datetime(2026, 3, 2, 9, 0, tzinfo=UTC)),
        ("mié, 05 ago 2026 12:00:00 GMT", datetime(2026, 8, 5, 12, 0, tzinfo=UTC)),
        ("gio, 10 dic 2026 09:30 +0100", datetime(2026, 12, 10, 8, 30, tzinfo=UTC)),
        ("5 juil. 2026 07:00:00 +0200", datetime(2026, 7, 5, 5, 0, tzinfo=UTC)),
        ("someday soon", None),
        ("31 Foo 2026 10:00:00 GMT", None),
    ],
)
def test_localised_dates(value: str, expected: datetime | None) -> None:
    assert rss.parse_feed_date(value) == expected


FEED = """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>T</title><link>https://news.example</link>
<item><title>Good</title><link>https://news.example/1</link><pubDate>Mon, 16 Nov 2026 10:00:00 GMT</pubDate></item>
<item><title>No date</title><link>https://news.example/2</link></item>
<item><title>Bad date</title><link>https://news.example/3</link><pubDate>the day after tomorrow</pubDate></item>
</channel></rss>"""


def test_undated_items_are_kept_unreadable_dates_rejected() -> None:
    # RSS 2.0 makes every item element optional: an item without a date is kept (dated when first seen,
    # as this feed has no lastBuildDate either); a date that is there but unreadable is reported.
    page = rss.parse(FEED.encode())
    assert [(p.text, p.created_at_source) for p in page.posts] == [("Good", "item"), ("No date", "first_seen")]
    assert [r.reason for r in page.rejects] == ["unreadable published date 'the day after tomorrow'"]
    assert page.rejects[0].record["link"] == "https://news.example/3"


def test_google_news_titles_lose_the_publisher_suffix() -> None:
    feed = """<rss version="2.0"><channel><title>"tariffs" - Google News</title>
    <item><title>Canada hits back at lumber duties - Example Times</title>
    <link>https://news.google.com/rss/articles/CBMiabc?oc=5</link>
    <guid isPermaLink="false">CBMiabc</guid><pubDate>Tue, 17 Nov 2026 14:05:00 GMT</pubDate>
    <description>&lt;a href="https://news.google.com/rss/articles/CBMiabc"&gt;Canada hits back&lt;/a&gt;</description>
    <source url="https://example-times.com">Example Times</source></item></channel></rss>"""
    (post,) = google_news.parse(feed.encode()).posts
    assert post.source == "google_news" and post.text == "Canada hits back at lumber duties"
    assert post.author_native == "Example Times"


@pytest.mark.parametrize("body", [b"", b'{"json": true}', b"<html><body>Service unavailable</body></html>"])
def test_not_a_feed(body: bytes) -> None:
    with pytest.raises(PayloadError, match="not an RSS or Atom feed"):
        rss.parse(body)


def test_a_body_naming_a_local_file_is_not_read_from_disk(payloads: Path) -> None:
    """feedparser given bytes or a string tries them as a file name first; the parser hands it a stream."""
    path = payloads / "rss" / "rssparser_heise.atom"
    assert len(rss.parse(path.read_bytes()).posts) == 15
    for body in (str(path).encode(), str(path)):
        with pytest.raises(PayloadError):
            rss.parse(body)


def test_streamed_feeds_parse_as_the_bytes_did(payloads: Path) -> None:
    """The stream gives feedparser the same bytes: same posts from every real feed and demo feed."""
    bodies = [p.read_bytes() for p in sorted((payloads / "rss").glob("*"))]
    for (_, source, _), files in sorted(sample_files().items()):
        if source in ("rss", "google_news"):
            bodies += [gzip.decompress(f.read_bytes()) for f in files]
    assert len(bodies) > 10
    for body in bodies:
        streamed = rss.parse(body)
        with mock.patch.object(feedparser, "parse", lambda stream, _p=feedparser.parse: _p(stream.read())):
            reference = rss.parse(body)
        assert streamed.posts == reference.posts and streamed.rejects == reference.rejects
