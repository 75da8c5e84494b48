"""HTML to text by one regex over simple tags gives html.parser's text, on any markup (the rest goes to
html.parser), and the edge cases keep their meaning: comments, script and style, attributes holding '>',
unclosed tags, entities, CDATA."""

from __future__ import annotations

import gzip
from pathlib import Path
from unittest import mock

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from listening_post.demo import sample_files
from listening_post.enrich import text
from listening_post.enrich.text import clean_text, html_to_text, parsed_html_to_text
from listening_post.sources.parsers import PARSERS

# --- generated markup ------------------------------------------------------------------------------------------

_names = st.sampled_from(["p", "P", "a", "span", "br", "div", "li", "b", "em", "h1", "img", "td", "x1", "custom"])
_text = st.lists(
    st.sampled_from([*"ab é😀 \n\t>\"'=/&;#x0123", "&amp;", "&lt;", "&#8212;", "&eacute", "&bogus;"]),
    max_size=12,
).map("".join)
_quoted = st.text(alphabet=st.sampled_from(list("ab <>/='& ")), max_size=6)
_attribute = st.one_of(
    st.sampled_from(["href", "class", "data-x", "disabled", "rel"]).flatmap(
        lambda name: st.one_of(
            st.just(name),
            _quoted.map(lambda v: f'{name}="{v.replace(chr(34), "")}"'),
            _quoted.map(lambda v: f"{name} = '{v.replace(chr(39), '')}'"),
            st.sampled_from(["x", "https://e.org/a?b=c", "1"]).map(lambda v: f"{name}={v}"),
        )
    )
)


@st.composite
def _simple_tag(draw: st.DrawFn) -> str:
    name = draw(_names)
    kind = draw(st.sampled_from(["start", "end", "self"]))
    if kind == "end":
        return f"</{name}{draw(st.sampled_from(['', ' ', chr(10)]))}>"
    attributes = "".join(" " + a for a in draw(st.lists(_attribute, max_size=3)))
    return f"<{name}{attributes}{draw(st.sampled_from(['', ' ']))}{'/' if kind == 'self' else ''}>"


# Anything html.parser meets in the wild, well-formed or not.
_messy_piece = st.sampled_from(
    [
        "<!-- comment <p> -->",
        "<!-- unclosed comment",
        "<![CDATA[ cdata <b>x</b> ]]>",
        "<!DOCTYPE html>",
        "<?xml version='1.0'?>",
        "<script>if (a < b) { x = '<p>'; }</script>",
        "<style>p > a { color: red }</style>",
        "<script>unclosed",
        "<title>Title</title>",
        "<textarea><p>raw</p></textarea>",
        "<template><p>hidden</p></template>",
        "<noscript>no</noscript>",
        "<b class='x",
        '<a href="x>y">',
        "a < b",
        "<3",
        "</ p>",
        "</>",
        "<p/>",
        "</p/>",
        "<a\u00a0href=x>",
        "<p\x00>",
        '<a b="1"c="2">',
        "<ns:tag>",
        "&",
        "&am",
        "<",
        "<<p>",
        "</",
    ]
)


def reference(markup: str) -> str:
    """html_to_text as it was: html.parser for anything with a '<'."""
    return parsed_html_to_text(markup) if "<" in markup else clean_text(markup)


simple_markup = st.lists(st.one_of(_simple_tag(), _text), max_size=12).map("".join)
messy_markup = st.lists(st.one_of(_simple_tag(), _text, _messy_piece), max_size=12).map("".join)


@given(simple_markup)
@settings(max_examples=1500, deadline=None)
def test_simple_markup_takes_the_regex_and_reads_as_html_parser(markup: str) -> None:
    assert text._simple_markup_parts(markup) is not None
    assert html_to_text(markup) == reference(markup)


@given(messy_markup)
@settings(max_examples=1500, deadline=None)
def test_any_markup_reads_as_html_parser(markup: str) -> None:
    assert html_to_text(markup) == reference(markup)


@given(st.text(max_size=80))
@settings(max_examples=1000, deadline=None)
def test_any_text_reads_as_html_parser_and_never_raises(markup: str) -> None:
    assert html_to_text(markup) == reference(markup)


def test_simple_tags_take_the_regex() -> None:
    with mock.patch.object(text, "parsed_html_to_text", side_effect=AssertionError("fell back")):
        assert html_to_text("<p>a <a href=\"x>y\" class='m'>#<span>tag</span></a></p><p>b<br/>c</p>") == "a #tag b c"


def test_demo_posts_take_the_regex_and_read_as_html_parser() -> None:
    markups = []
    for (_, source, _), files in sorted(sample_files().items()):
        for f in files:
            for post in PARSERS[source](gzip.decompress(f.read_bytes())).posts:
                if post.is_html:
                    markups.append(post.text)
    assert len(markups) > 1000
    assert [m for m in markups if html_to_text(m) != reference(m)] == []
    fell_back = [m for m in markups if text._simple_markup_parts(m) is None]
    assert len(fell_back) < len(markups) / 100


def test_real_payloads_read_as_html_parser(payloads: Path) -> None:
    markups = []
    for source, pattern in [("mastodon", "mastodon/*.response.json"), ("bluesky", "bluesky/*.response.json")]:
        for path in sorted(payloads.glob(pattern)):
            markups += [p.text for p in PARSERS[source](path.read_bytes()).posts if p.is_html]
    for path in sorted(payloads.glob("rss/*")):
        markups += [p.text for p in PARSERS["rss"](path.read_bytes()).posts if p.is_html]
    assert len(markups) > 30
    assert [m for m in markups if html_to_text(m) != reference(m)] == []


@pytest.mark.parametrize(
    ("markup", "expected"),
    [
        ("<p>a</p><!-- hidden <p>b</p> --><p>c</p>", "a c"),  # comments are dropped, tags in them too
        ("<p>a</p><script>var s = '<p>x</p>';</script><style>p > b {}</style>b", "a b"),  # never shown
        ("<a title=\"1 > 0\" href='/x?a>b'>link</a> text", "link text"),  # '>' inside attribute values
        ("<p>unclosed <b>bold <i>italic", "unclosed bold italic"),  # unclosed elements keep their text
        # Escaped markup is markup once more: no tag is left in the text (issue 14), entities decoded.
        ("<p>&lt;b&gt; is a tag &amp; &#x263A; &eacute;t&eacute; &nbsp;x</p>", "is a tag & ☺ été x"),
        ("<p>a</p><![CDATA[<b>raw</b>]]><p>b</p>", "a b"),  # CDATA in HTML is a bogus comment: dropped
        ("x &am<b>p; y", "x & y"),  # an entity cut by a tag is none, but reads as one once the tag is gone
        ("a < b and c > d", "a < b and c > d"),  # a lone '<' is text
        ("<p>ok</p><b class='never closed", "ok <b class='never closed"),  # html.parser keeps it as text
        ("a <![0 b", "a <![0 b"),  # a declaration without a name is text (html.parser < 3.13 asserted)
    ],
)
def test_edge_cases(markup: str, expected: str) -> None:
    assert html_to_text(markup) == expected == reference(markup)


@given(st.text(max_size=200))
@settings(max_examples=1000, deadline=None)
def test_clean_text_translates_only_when_needed(raw: str) -> None:
    # The straightforward version translates every non-ASCII text.
    import unicodedata

    plain = raw if raw.isascii() else unicodedata.normalize("NFC", raw.translate(text._DELETE))
    if raw.isascii() and not raw.isprintable():
        plain = raw.translate(text._CONTROL)
    assert clean_text(raw, unescape=False, residue=False) == clean_text_reference(plain)


def clean_text_reference(translated: str) -> str:
    folded = " ".join(translated.split())
    if len(folded) > text.MAX_TEXT_CHARS:
        folded = folded[: text.MAX_TEXT_CHARS - len(text.TRUNCATION_MARK)] + text.TRUNCATION_MARK
    return folded
