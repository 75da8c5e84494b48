"""Tone about the topic, not the whole post: enrichment stores each topic's tone from the sentences about it
(posts schema v3 ``topic_sentiment``), the weekly summary's topic tone and topic examples use it, and files
written before v3 fall back to the whole post's score."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from listening_post.analysis.weekly import SummaryInput, TopicInfo, build_summary
from listening_post.config import Analysis
from listening_post.enrich.pseudonym import Pseudonymiser
from listening_post.lake import Lake
from listening_post.model import FILE_SCHEMA, ParsedPost, Post
from listening_post.pipeline import Enricher
from listening_post.scoring.backends import default_scorer
from listening_post.scoring.topics import TopicMatcher
from listening_post.weeks import IsoWeek

TOPICS = [("energy", '"heat pump*" OR rebate* OR electricity'), ("sport", "game OR match OR hockey")]
WEEK = IsoWeek.parse("2026-W47")
MONDAY = datetime(2026, 11, 16, 12, tzinfo=UTC)
NOW = datetime(2026, 11, 25, tzinfo=UTC)

# Planted mixed posts: a bitter word on last night's game, then praise for heat pump rebates. Whole-post
# VADER calls most of them negative; about energy they are all positive, about sport all negative.
SPORT = [
    "What a terrible, awful, humiliating game last night …",
    "The hockey match was a disgrace, the worst I have ever seen!",
    "Horrible game, pathetic defence, stupid penalties, a miserable night.",
]
ENERGY = [
    "Heat pump rebates are working great, so happy!",
    "The heat pump rebate is good news.",
    "Our electricity bill is finally lower, nice.",
]


def _mixed(n: int, start: datetime, step: timedelta = timedelta(minutes=1)) -> list[ParsedPost]:
    return [
        ParsedPost(
            source="mastodon",
            native_id=f"{start:%j}-{i}",
            created_at=start + i * step,
            text=f"{SPORT[i % 3]} {ENERGY[(i // 3) % 3]}",
            author_native=f"person{i}@example.social",
            declared_lang="en",
            likes=i,
        )
        for i in range(n)
    ]


@pytest.fixture(scope="module")
def enricher() -> Enricher:
    return Enricher(pseudonymiser=Pseudonymiser("test-key-for-topic-tone-tests"), topics={"*": TopicMatcher(TOPICS)})


def _enrich(enricher: Enricher, parsed: list[ParsedPost]) -> list[Post]:
    return enricher.enrich_many(parsed, country="CA", query_id="q", collected_at=NOW)


def test_each_topic_gets_the_tone_of_its_own_sentences(enricher: Enricher) -> None:
    posts = _enrich(enricher, _mixed(9, MONDAY))
    scorer = default_scorer()
    for post in posts:
        assert post.topics == ["energy", "sport"]
        # The whole post's score is what it always was: the backend's score of the whole text.
        assert post.sentiment == scorer.score(post.text, "en").compound
        assert post.topic_sentiment is not None
        assert post.topic_sentiment["energy"] > 0.05 > -0.05 > post.topic_sentiment["sport"]
    assert sum(p.sentiment_label == "negative" for p in posts) >= 6  # the whole post reads negative


def test_a_post_about_one_topic_keeps_its_own_score_and_unscored_posts_have_none(enricher: Enricher) -> None:
    parsed = _mixed(1, MONDAY)[0]
    single = ParsedPost(**{**_slots(parsed), "native_id": "one", "text": "Heat pump rebates are working. Nice."})
    german = ParsedPost(**{**_slots(parsed), "native_id": "de", "text": "Das Spiel war schlecht. Wärmepumpen!"})
    none = ParsedPost(**{**_slots(parsed), "native_id": "none", "text": "Nothing about anything here. At all."})
    repost = ParsedPost(
        **{**_slots(parsed), "native_id": "rt", "text": "", "is_repost": True, "context_text": parsed.text}
    )
    one, _, nothing, rt = _enrich(enricher, [single, german, none, repost])
    assert one.topic_sentiment == {"energy": one.sentiment}
    assert nothing.topics == [] and nothing.topic_sentiment is None
    assert rt.topics == ["energy", "sport"] and rt.sentiment is None and rt.topic_sentiment is None


def _slots(p: ParsedPost) -> dict[str, object]:
    return {name: getattr(p, name) for name in ParsedPost.__slots__}


def _summary(lake: Lake) -> dict:
    spec = SummaryInput(
        country="CA",
        week=WEEK,
        topics=[TopicInfo("energy", "Energy", TOPICS[0][1]), TopicInfo("sport", "Sport", TOPICS[1][1])],
        analysis=Analysis(min_n=30),
    )
    return build_summary(lake, spec, now=NOW)


@pytest.fixture
def lake(tmp_path: Path, enricher: Enricher) -> Lake:
    lake = Lake.from_uri(str(tmp_path / "lake"))
    lake.append_posts(_enrich(enricher, _mixed(60, MONDAY)), run_id="r1")
    return lake


def test_topic_tone_and_examples_come_from_the_sentences_about_the_topic(lake: Lake) -> None:
    summary = _summary(lake)
    topics = {t["id"]: t for t in summary["topics"]}
    assert summary["sentiment"]["mean"]["value"] < 0  # the posts as a whole
    assert topics["energy"]["sentiment"]["mean"]["value"] > 0.3
    assert topics["energy"]["sentiment"]["shares"]["positive"]["value"] == 1.0
    assert topics["sport"]["sentiment"]["mean"]["value"] < -0.3
    energy = summary["examples"]["by_topic"]["energy"]
    assert set(energy) == {"positive"}  # every post is positive about energy
    for item in energy["positive"]:
        assert item["matched"] in ENERGY
        assert item["sentiment"] == default_scorer().score(item["matched"], "en").compound
        assert item["matched"] in item["excerpt"]
    sport = summary["examples"]["by_topic"]["sport"]
    assert set(sport) == {"negative"}
    assert all(item["matched"] in SPORT for item in sport["negative"])
    # The overall examples are the whole posts, under their whole-post label, without a matched sentence.
    assert all("matched" not in item for group in summary["examples"]["overall"].values() for item in group)


def test_the_typical_examples_show_the_tone_and_passage_about_their_topic(tmp_path: Path, enricher: Enricher) -> None:
    """The brief's typical examples: a mixed post is a positive example of energy and a negative one of sport,
    with its tone about each and the passage that tone was scored on. On main the whole post's tone put posts
    on the negative side of energy (6 of the 9 texts are negative as a whole) and quoted their first sentence,
    about sport. Two hours apart, the copies are not a coordinated cluster (whose posts are never examples)."""
    lake = Lake.from_uri(str(tmp_path / "lake"))
    lake.append_posts(_enrich(enricher, _mixed(60, MONDAY, timedelta(hours=2))), run_id="r1")
    typical = _summary(lake)["representative"]["by_topic"]
    assert typical["energy"]["positive"] and not typical["energy"]["negative"]
    for item in typical["energy"]["positive"]:
        assert item["matched_sentence"] in ENERGY
        assert item["sentiment"] == default_scorer().score(item["matched_sentence"], "en").compound
    assert typical["sport"]["negative"] and not typical["sport"]["positive"]
    assert all(item["matched_sentence"] in SPORT for item in typical["sport"]["negative"])


def test_files_written_before_v3_fall_back_to_the_whole_post(lake: Lake) -> None:
    new = _summary(lake)
    for path in lake.post_files("CA", MONDAY.date(), MONDAY.date() + timedelta(days=1)):
        # Rewrite the file as a v2 writer wrote it: no topic_sentiment column, schema version 2.
        table = pq.read_table(path)
        old = table.drop_columns(["topic_sentiment"]).replace_schema_metadata(
            {**FILE_SCHEMA.metadata, b"listening_post.schema_version": b"2"}
        )
        pq.write_table(old, path)
    summary = _summary(lake)
    topics = {t["id"]: t for t in summary["topics"]}
    whole = summary["sentiment"]["mean"]["value"]
    # Every post is in both topics: each topic's tone is the whole posts' tone again.
    assert topics["energy"]["sentiment"]["mean"]["value"] == pytest.approx(whole)
    assert topics["sport"]["sentiment"]["mean"]["value"] == pytest.approx(whole)
    assert summary["volume"] == new["volume"] and summary["sentiment"] == new["sentiment"]
    for group in summary["examples"]["by_topic"]["energy"].values():
        for item in group:
            assert item["sentiment"] in {i["sentiment"] for g in summary["examples"]["overall"].values() for i in g}


def test_the_brief_quotes_the_matched_sentence_escaped(tmp_path: Path, enricher: Enricher) -> None:
    from listening_post.briefs.render import render

    lake = Lake.from_uri(str(tmp_path / "lake"))
    parsed = _mixed(40, MONDAY)
    parsed[39] = ParsedPost(
        **{**_slots(parsed[39]), "likes": 10_000, "text": 'Worst game ever. Heat pump rebates are great & fair "<3"!'}
    )
    lake.append_posts(_enrich(enricher, parsed), run_id="r1")
    files = render(_summary(lake))
    html, md = files["brief.html"], files["brief.md"]
    quote = "Heat pump rebates are great &amp; fair &#34;&lt;3&#34;!"
    energy = html.split("<h3>Energy</h3>", 1)[1].split("</blockquote>", 1)[0]
    # The topic's example marks its sentence about the topic, escaped, inside the post.
    assert f'<mark class="sentence">{quote}</mark>' in energy
    assert "Heat pump rebates are great & fair" in md
