"""No author identity in the lake outside the text, proven on every real recorded payload in ../shared/data.

For each payload the identities are read from the payload's own author fields (Mastodon ``account``,
Bluesky ``author`` and the DID inside each at-uri, Reddit ``author``/``author_fullname``, X ``author_id``
and ``includes.users``, YouTube ``authorChannelId``/``authorChannelUrl``/``authorDisplayName`` and the
channel a thread is about, feed bylines). None of them may appear in any column of ``posts`` but
``text``, nor in summary.json, brief.html or brief.md except inside the example links the brief read from
``links/`` and inside quoted post text.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import feedparser
import pyarrow.parquet as pq
import pytest
import yaml

from listening_post.enrich.pseudonym import Pseudonymiser
from listening_post.lake import Lake
from listening_post.pipeline import Enricher, ingest_payloads, summarise
from listening_post.weeks import IsoWeek
from tests.conftest import TEST_KEY

SOURCES = {"bluesky": "bluesky", "mastodon": "mastodon", "reddit": "reddit", "twitter_x": "x", "youtube": "youtube"}
SOURCES["rss"] = "rss"
NOT_RESPONSES = {"atproto_lexicon_app.bsky.feed.searchPosts.json"}  # the lexicon (a schema), not a response
# Author fields of the JSON payloads: any value under these keys names who wrote something.
AUTHOR_KEYS = {
    "account": ("id", "username", "acct", "url", "uri", "display_name"),
    "author": ("did", "handle", "displayName"),
    "authorChannelId": ("value",),
}
FLAT_AUTHOR_KEYS = {"author_id", "author_fullname", "authorChannelUrl", "authorDisplayName", "channelId"}
DID = re.compile(r"did:[a-z]+:[A-Za-z0-9._:%-]+")


def bodies(path: Path) -> Iterator[bytes]:
    """The response bodies in a payload file (a cassette holds several)."""
    raw = path.read_bytes()
    if path.suffix in (".yaml", ".yml"):
        cassette = yaml.safe_load(raw)
        for interaction in cassette.get("interactions") or cassette.get("http_interactions") or []:
            body = interaction["response"]["body"]
            text = body.get("string") if isinstance(body, dict) else body
            if isinstance(text, str) and text.lstrip()[:1] in "[{":
                yield text.encode()
    else:
        yield raw


def identities_in(value: Any, out: set[str]) -> set[str]:
    if isinstance(value, dict):
        for key, item in value.items():
            if key in AUTHOR_KEYS and isinstance(item, dict):
                out.update(str(item[k]) for k in AUTHOR_KEYS[key] if isinstance(item.get(k), str | int))
            if key == "author" and isinstance(item, str):
                out.add(item)  # Reddit
            if key in FLAT_AUTHOR_KEYS and isinstance(item, str | int):
                out.add(str(item))
            if key == "users" and isinstance(item, list):  # X includes.users
                for user in item:
                    out.update(str(user[k]) for k in ("id", "username", "name") if isinstance(user.get(k), str))
            identities_in(item, out)
    elif isinstance(value, list):
        for item in value:
            identities_in(item, out)
    elif isinstance(value, str):
        out.update(DID.findall(value))
    return out


def identities(path: Path, body: bytes) -> set[str]:
    if path.parent.name == "rss":
        feed = feedparser.parse(body)
        found = set()
        for entry in feed.entries:
            found.update(a.get("name", "") for a in entry.get("authors", []) if isinstance(a, dict))
            found.add(entry.get("author", ""))
        return _usable(found)
    try:
        data = json.loads(body)
    except json.JSONDecodeError:
        return set()  # the elided documentation example: not a response any parser reads
    found = identities_in(data, set())
    # Profile links name the account in their path: https://host/@user, https://host/users/user.
    for value in list(found):
        if value.startswith("http"):
            found.update(re.findall(r"/@?([^/@]+)$", value.rstrip("/")))
    return _usable(found)


def _usable(found: set[str]) -> set[str]:
    # Shorter strings turn up inside ordinary words and hex digests by chance.
    return {f.strip().lower() for f in found if len(f.strip()) >= 5 and f.strip().lower() not in ("[deleted]",)}


def payload_files(payloads: Path) -> list[tuple[str, Path]]:
    return [
        (SOURCES[folder.name], path)
        for folder in sorted(payloads.iterdir())
        if folder.name in SOURCES
        for path in sorted(folder.iterdir())
        if path.is_file() and path.name not in NOT_RESPONSES
    ]


def test_the_payload_scan_reads_author_fields(payloads: Path) -> None:
    """The check below has something to find in every source."""
    per_source: dict[str, set[str]] = {}
    for source, path in payload_files(payloads):
        for body in bodies(path):
            per_source.setdefault(source, set()).update(identities(path, body))
    assert {s: len(v) > 0 for s, v in per_source.items()} == dict.fromkeys(SOURCES.values(), True)
    assert any(v.startswith("did:plc:") for v in per_source["bluesky"])
    assert any(v.startswith("uc") and len(v) == 24 for v in per_source["youtube"])  # channel ids, lower-cased


@pytest.fixture(scope="module")
def imported(payloads: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Lake, set[str], int]:
    lake = Lake.from_uri(str(tmp_path_factory.mktemp("identity") / "lake"))
    enricher = Enricher(Pseudonymiser(TEST_KEY))
    names: set[str] = set()
    files = 0
    for source, path in payload_files(payloads):
        for body in bodies(path):
            names |= identities(path, body)
            files += 1
            ingest_payloads(
                [(str(path), body)],
                source=source,
                country="DE",
                query_id="q",
                lake=lake,
                enricher=enricher,
                now=datetime(2026, 12, 1, tzinfo=UTC),
            )
    return lake, names, files


def pattern_of(names: set[str]) -> re.Pattern[str]:
    return re.compile("|".join(re.escape(n) for n in sorted(names, key=len, reverse=True)), re.IGNORECASE)


def test_no_column_of_posts_but_text_names_an_author(imported: tuple[Lake, set[str], int]) -> None:
    lake, names, files = imported
    assert files >= 25 and len(names) > 100
    pattern = pattern_of(names)
    rows = 0
    for path in sorted(Path(lake.root, "posts").rglob("*.parquet")):
        table = pq.read_table(path)
        rows += table.num_rows
        texts = [t.lower() for t in table.column("text").to_pylist()]
        for column in table.column_names:
            if column == "text":
                continue
            for value, text in zip(table.column(column).to_pylist(), texts, strict=True):
                if column in ("links", "domains") and value:
                    # A link the post's own words write out (an outlet linking its site) is the post's text.
                    value = [v for v in value if v.lower() not in text]
                hit = pattern.search(json.dumps(value, default=str))
                assert hit is None, f"{path.parent.name}: posts.{column} holds {hit.group()!r} ({value!r})"
    assert rows > 100


def test_every_youtube_row_has_a_link_without_a_channel_id(imported: tuple[Lake, set[str], int]) -> None:
    lake = imported[0]
    posts = pq.read_table(Path(lake.root, "posts")).to_pylist()
    youtube = [p for p in posts if p["source"] == "youtube"]
    assert youtube and all(
        re.fullmatch(r"https://www\.youtube\.com/watch\?v=[\w-]{11}&lc=[\w.-]+", p["url"]) for p in youtube
    )


def test_links_dataset_holds_the_readers_links_that_name_authors(imported: tuple[Lake, set[str], int]) -> None:
    lake = imported[0]
    posts = {p["post_id"]: p for p in pq.read_table(Path(lake.root, "posts")).to_pylist()}
    links = pq.read_table(Path(lake.root, "links")).to_pylist()
    by_source: dict[str, int] = {}
    for link in links:
        post = posts[link["post_id"]]  # every link belongs to a post
        assert post["url"] is None  # only a link that names the author is kept apart
        by_source[post["source"]] = by_source.get(post["source"], 0) + 1
    assert set(by_source) == {"mastodon", "bluesky"}
    # Every post of those sources that had a link has it in links/, none in posts.url.
    assert all(p["url"] is None for p in posts.values() if p["source"] in ("mastodon", "bluesky"))
    assert by_source["bluesky"] == sum(1 for p in posts.values() if p["source"] == "bluesky")
    assert all(
        p["post_id"].startswith("bluesky:") and "did:" not in p["post_id"]
        for p in posts.values()
        if p["source"] == "bluesky"
    )


def test_summaries_and_briefs_name_no_author_but_in_example_links(imported: tuple[Lake, set[str], int]) -> None:
    lake, names, _ = imported
    pattern = pattern_of(names)
    posts = pq.read_table(Path(lake.root, "posts"), columns=["created_at", "text"]).to_pylist()
    links = {r["url"] for r in pq.read_table(Path(lake.root, "links")).to_pylist()}
    weeks = sorted({IsoWeek.of(p["created_at"].date()) for p in posts}, key=str)
    texts = sorted({p["text"] for p in posts if p["text"]}, key=len, reverse=True)
    linked_examples = 0
    for week in weeks:
        result = summarise(lake, None, "DE", week, now=datetime(2026, 12, 1, tzinfo=UTC))
        for path in result.lake_paths:
            document = Path(path).read_text(encoding="utf-8")
            for url in links:
                linked_examples += document.count(url) if path.endswith("summary.json") else 0
                document = document.replace(url, " ").replace(url.replace("&", "&amp;"), " ")
            for text in texts:
                document = document.replace(text, " ")
            if path.endswith("summary.json"):
                excerpts = re.findall(r'"excerpt": ("(?:[^"\\]|\\.)*")', document)
                for quoted in excerpts:
                    document = document.replace(quoted, '""')
            else:
                document = re.sub(r"<blockquote>.*?<span class=\"meta\">", " ", document, flags=re.S)
                document = re.sub(r"^> .*$", " ", document, flags=re.M)
            hit = pattern.search(document)
            assert hit is None, f"{path} holds {hit.group()!r}"
    assert linked_examples > 0  # the briefs do show links from links/


def test_quarantined_bluesky_records_name_no_account(payloads: Path, tmp_path: Path) -> None:
    """Posts of a real searchPosts response with their date damaged are quarantined whole: the record
    keeps its content but no DID (as such, inside its at:// URI or a profile link) and no handle."""
    path = payloads / "bluesky" / "searchPosts_q-redistricting.response.json"
    document = json.loads(path.read_bytes())
    for post in document["posts"]:
        post["record"]["createdAt"] = "not a date"
    body = json.dumps(document).encode()
    found = _usable(identities(path, path.read_bytes()))
    assert found  # the scan finds DIDs and handles in the original
    lake = Lake.from_uri(str(tmp_path / "lake"))
    enricher = Enricher.from_config(None, Pseudonymiser(TEST_KEY))
    result = ingest_payloads(
        [("search.json", body)], source="bluesky", country="US", query_id=None, lake=lake, enricher=enricher
    )
    assert result.quarantined == len(document["posts"])
    written = "".join(p.read_text(encoding="utf-8") for p in (tmp_path / "lake" / "quarantine").rglob("*.json"))
    assert "redistricting" in written.lower()  # the content is kept for whoever fixes the parser
    # DIDs and handles; display names are left out of the check, as people also name each other in text.
    accounts = {f for f in found if f.startswith("did:") or "." in f}
    assert accounts and "did:plc:" not in written and not pattern_of(accounts).search(written)
