"""Enrichment runs a stage at a time over a whole batch: each post comes out as it does enriched alone, on
the demo's and the real recorded payloads (reposts, HTML, several languages, countries from the platform)."""

from __future__ import annotations

import gzip
from datetime import UTC, datetime
from pathlib import Path

import pytest

from listening_post.demo import demo_config, sample_files
from listening_post.enrich.pseudonym import DEMO_AUTHOR_KEY, Pseudonymiser
from listening_post.model import ParsedPost
from listening_post.pipeline import Enricher
from listening_post.sources.parsers import PARSERS

NOW = datetime(2026, 12, 1, tzinfo=UTC)
REAL = [
    ("mastodon", "mastodon/mastodonpy_timelines_tag_hoot.response.json"),
    ("bluesky", "bluesky/searchPosts_q-redistricting.response.json"),
    ("x", "twitter_x/academictwitteR_search_all_IchBinHanna_place-Berlin.FULL.response.json"),
    ("x", "twitter_x/academictwitteR_search_all_happy_has-mentions.TRIMMED_one-per-lang.response.json"),
    ("rss", "rss/rssparser_uolNoticias.latin1.rss"),
    ("youtube", "youtube/pyyoutube_comment_threads_by_video_paged_1.json"),
]


@pytest.fixture(scope="module")
def enricher() -> Enricher:
    return Enricher.from_config(demo_config(), Pseudonymiser(DEMO_AUTHOR_KEY))


def demo_batches() -> list[tuple[str, str, list[ParsedPost]]]:
    out = []
    for (country, source, _), files in sorted(sample_files().items()):
        posts = [p for f in files[:3] for p in PARSERS[source](gzip.decompress(f.read_bytes())).posts]
        out.append((country, source, posts))
    return out


def test_a_batch_is_each_post_enriched_alone(enricher: Enricher, payloads: Path) -> None:
    batches = demo_batches()
    batches += [("CA", s, PARSERS[s]((payloads / name).read_bytes()).posts) for s, name in REAL]
    seen_reposts = seen_languages = 0
    for country, _, posts in batches:
        together = enricher.enrich_many(posts, country=country, query_id="q", collected_at=NOW)
        alone = [enricher.enrich(p, country=country, query_id="q", collected_at=NOW) for p in posts]
        assert together == alone
        seen_reposts += sum(p.is_repost for p in together)
        seen_languages += len({p.lang for p in together})
    assert seen_reposts > 0 and seen_languages > 10
