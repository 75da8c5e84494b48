"""No entity or tag is left in a post's text, from any source (issue 14): on every real payload in
../shared/data and every real feed in tests/data/feeds. On main, 29 rows of the feeds parsers' suites
(Craigslist titles ``&#x0024;4300 … 1930ft<sup>2</sup>``, Reddit's ``<!-- SC_OFF --><div class="md">``)
kept markup."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest

from listening_post.enrich import text as text_module
from listening_post.pipeline import _plain_text
from listening_post.sources.base import PayloadError
from listening_post.sources.parsers import PARSERS

FEEDS = Path(__file__).resolve().parents[1] / "data" / "feeds"
SOURCE_OF_FOLDER = {"rss": "rss", "mastodon": "mastodon", "bluesky": "bluesky", "reddit": "reddit"}
SOURCE_OF_FOLDER |= {"twitter_x": "x", "youtube": "youtube"}
# Any "<name ...>" or "</name>" of an HTML element; "<module>" in a quoted Python traceback is prose.
TAG = re.compile(r"</?([A-Za-z][A-Za-z0-9-]*)(?:\s[^<>]*)?/?>|<!--")
ELEMENTS = frozenset(text_module._ELEMENTS.split())
ENTITY = re.compile(r"&(?:#[0-9]+|#[xX][0-9a-fA-F]+|[A-Za-z][A-Za-z0-9]*);")


def _markup_left(text: str) -> list[str]:
    entities = [m for m in ENTITY.findall(text) if html.unescape(m) != m]
    tags = [m[0] for m in TAG.finditer(text) if m[0] == "<!--" or m[1].lower() in ELEMENTS]
    return tags + entities


def _texts(source: str, body: bytes) -> list[str]:
    try:
        page = PARSERS[source](body)
    except PayloadError:
        return []  # cassettes, schemas, elided docs: not responses
    out = []
    for post in page.posts:
        out.append(_plain_text(post.text, post.is_html))
        if post.context_text:
            out.append(_plain_text(post.context_text, post.context_is_html))
    return out


def test_no_markup_left_in_any_real_payload(payloads: Path) -> None:
    texts: dict[str, list[str]] = {}
    for folder, source in SOURCE_OF_FOLDER.items():
        for path in sorted((payloads / folder).glob("*")):
            texts[f"{folder}/{path.name}"] = _texts(source, path.read_bytes())
    for path in sorted(FEEDS.glob("*")):
        texts[f"tests/data/feeds/{path.name}"] = _texts("rss", path.read_bytes())
    assert sum(map(len, texts.values())) > 200
    assert {s for s, _ in ((k.split("/")[0], v) for k, v in texts.items() if v)} >= {*SOURCE_OF_FOLDER, "tests"}
    dirty = {name: [t[:80] for t in found if _markup_left(t)] for name, found in texts.items()}
    assert {name: found for name, found in dirty.items() if found} == {}


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("rssparser_craigslist.TRIMMED3.rss", "(oakland north / temescal) $4300 3bd 1930ft2"),
        ("rssparser_reddit-atom.SC_OFF3.rss", "TIFU by sending my friend a fucked up meme. I was laying in bed"),
    ],
)
def test_text_escaped_twice_reads_as_text(name: str, expected: str) -> None:
    texts = _texts("rss", (FEEDS / name).read_bytes())
    assert any(expected in t for t in texts), texts[:3]
