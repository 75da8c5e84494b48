"""The demo's topic examples are about their topic: what a topic example shows (its matched sentences, or
the whole post when that is all about the topic) holds no sentence about another topic only. On main, W47's
topic examples quoted a sentence about another topic only in CA 22 of 36 and DE 11 of 30 (whole posts).
That the tone shown is the tone of the matched sentences: tests/functional/test_topic_tone.py."""

from __future__ import annotations

import json

import pytest

from listening_post.demo import DemoResult, demo_config, run_demo
from listening_post.scoring.topics import TopicMatcher, split_sentences


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> DemoResult:
    return run_demo(str(tmp_path_factory.mktemp("demo") / "lake"))


@pytest.mark.parametrize("country", ["CA", "DE"])
def test_demo_topic_examples_are_about_their_topic(demo: DemoResult, country: str) -> None:
    config = demo_config()
    matcher = TopicMatcher((t.id, t.compiled) for t in config.topics_for(country))
    summary = json.loads(demo.lake.read_bytes(f"briefs/country={country}/week=2026-W47/summary.json"))
    by_topic = summary["examples"]["by_topic"]
    examples = [(tid, item) for tid, labels in by_topic.items() for group in labels.values() for item in group]
    assert len(examples) >= 9
    off_topic = []
    for tid, item in examples:
        shown = item["matched"] or item["excerpt"]
        for sentence in split_sentences(shown):
            about = matcher.match(sentence)
            if about and tid not in about:
                off_topic.append((tid, sentence))
    assert off_topic == []
    # Some examples of mixed posts show their sentence about the topic, not the whole post.
    assert any(item["matched"] and item["matched"] != item["excerpt"] for _, item in examples)
