"""Whole-post tone is unchanged by per-topic tone, on the UMSAB test sets, through the ingest path.

    .venv/bin/python bench/topic_tone.py

Every UMSAB test tweet (8 languages, 870 each, read from ../shared/data) goes through
``pipeline.Enricher.enrich_many``, as ``listening-post import`` runs it, with one topic per language: its
set's three most frequent words of 5 letters or more (chosen by counting, not from the labels), so that many
tweets get a topic and a passage. Per language it prints the whole-post macro-F1 (unscored counts as
neutral, as bench/languages.py does), a digest of every whole-post (score, label, model), how many tweets
matched the topic and how many of those have a topic tone other than their whole-post tone. Run it on two
versions of the code: equal digests mean identical whole-post scores.
"""

from __future__ import annotations

import hashlib
import json
import sys
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

import regex

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "layers" / "core"))
sys.path.insert(0, str(ROOT))

from bench.languages import LABELS, SETS, gold, macro_f1, texts  # noqa: E402
from listening_post.enrich.pseudonym import Pseudonymiser  # noqa: E402
from listening_post.model import ParsedPost  # noqa: E402
from listening_post.pipeline import Enricher  # noqa: E402
from listening_post.scoring.topics import TopicMatcher  # noqa: E402

NOW = datetime(2026, 11, 25, tzinfo=UTC)


def topic_query(lines: list[str]) -> str:
    words = Counter(w.casefold() for line in lines for w in regex.findall(r"\p{L}{5,}", line) if w != "user")
    return " OR ".join(w for w, _ in words.most_common(3))


def main() -> int:
    rows = {}
    for lang in SETS:
        lines = texts(lang)
        query = topic_query(lines)
        enricher = Enricher(
            pseudonymiser=Pseudonymiser("bench-topic-tone-key"),
            topics={"*": TopicMatcher([("t", query)])},
            languages={"ZZ": (lang,)},
        )
        parsed = [
            ParsedPost(source="x", native_id=str(i), created_at=NOW, text=line, author_native=None, declared_lang=lang)
            for i, line in enumerate(lines)
        ]
        posts = enricher.enrich_many(parsed, country="ZZ", query_id=None, collected_at=NOW)
        whole = [(p.sentiment, p.sentiment_label, p.sentiment_model) for p in posts]
        per_topic = [getattr(p, "topic_sentiment", None) for p in posts]
        rows[lang] = {
            "topic": query,
            "macro_f1": round(macro_f1(gold(lang), [LABELS[p.sentiment_label] for p in posts]), 1),
            "whole_post_digest": hashlib.sha256(json.dumps(whole).encode()).hexdigest()[:16],
            "with_topic": sum(bool(p.topics) for p in posts),
            "topic_tone_differs": sum(bool(t) and t["t"] != p.sentiment for t, p in zip(per_topic, posts, strict=True)),
        }
    print(json.dumps(rows, ensure_ascii=False, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
