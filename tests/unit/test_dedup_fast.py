"""Duplicate keys of ASCII text through the standard library give the regex path's keys, on any text
(generated, the demo's posts, the real payloads)."""

from __future__ import annotations

import gzip
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from listening_post.demo import sample_files
from listening_post.enrich import dedup
from listening_post.enrich.dedup import folded_duplicate_key, regex_folded_duplicate_key
from listening_post.enrich.text import html_to_text
from listening_post.query import fold
from listening_post.sources.parsers import PARSERS

# Pieces that exercise every branch of the noise pattern, and every ASCII character (controls included:
# \x1c-\x1f are whitespace to re but not to regex).
_pieces = st.sampled_from(
    [
        "http://",
        "https://",
        "https://t.co/x?a=1",
        "www.",
        "www.example.org/x",
        "@",
        "@user",
        "@a.b-c@d",
        "rt",
        "RT",
        "rt:",
        " ",
        "\t",
        "\x1c",
        "\x1f",
        "\x0b",
        "\n",
        "_",
        "-",
        ".",
        "é",
        "😀",
    ]
)
_ascii = st.text(alphabet=st.characters(max_codepoint=127), max_size=12)
_texts = st.lists(st.one_of(_pieces, _ascii), max_size=14).map("".join)


@given(_texts)
@settings(max_examples=3000, deadline=None)
def test_generated_texts_get_the_regex_key(raw: str) -> None:
    assert folded_duplicate_key(raw) == regex_folded_duplicate_key(raw)
    assert folded_duplicate_key(fold(raw)) == regex_folded_duplicate_key(fold(raw))


@given(st.text(alphabet=st.characters(max_codepoint=127), max_size=60))
@settings(max_examples=2000, deadline=None)
def test_any_ascii_text_gets_the_regex_key(raw: str) -> None:
    assert folded_duplicate_key(raw) == regex_folded_duplicate_key(raw)


def test_the_ascii_deletion_is_the_non_word_class() -> None:
    ascii_chars = "".join(map(chr, range(128)))
    kept = dedup._NON_WORD.sub("", ascii_chars)
    assert ascii_chars.encode().translate(None, dedup._NOT_ALNUM_ASCII).decode() == kept


def _keys_agree(texts: list[str]) -> list[str]:
    folded = [fold(t) for t in texts]
    return [f for f in folded if folded_duplicate_key(f) != regex_folded_duplicate_key(f)]


def test_demo_posts_get_the_regex_key() -> None:
    texts = []
    for (_, source, _), files in sorted(sample_files().items()):
        for f in files:
            for post in PARSERS[source](gzip.decompress(f.read_bytes())).posts:
                texts.append(html_to_text(post.text) if post.is_html else post.text)
    assert len(texts) > 1000
    assert sum(fold(t).isascii() for t in texts) > len(texts) / 2  # the fast path is the common one
    assert _keys_agree(texts) == []


def test_real_payloads_get_the_regex_key(payloads: Path) -> None:
    texts = []
    for source, pattern in [
        ("mastodon", "mastodon/*.response.json"),
        ("bluesky", "bluesky/*.response.json"),
        ("reddit", "reddit/*.response.json"),
        ("x", "twitter_x/*search*.json"),
        ("rss", "rss/*"),
    ]:
        for path in sorted(payloads.glob(pattern)):
            page = PARSERS[source](path.read_bytes())
            texts += [html_to_text(p.text) if p.is_html else p.text for p in page.posts]
    assert len(texts) > 100
    assert _keys_agree(texts) == []
