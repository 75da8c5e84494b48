"""Examples that represent: for each side of a figure (positive, negative), posts typical of the posts
behind it, rather than the most engaged ones (which are often off topic: a sports result with many likes).

A post is typical of its group when its tone is close to the group's mean tone and its words are the
group's common words; engagement only breaks near-ties. A post whose own tone contradicts the side it
illustrates is never picked, and posts of coordinated clusters are left out (a campaign is not typical
of what people say; it has its own section).
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass
from typing import Any

import duckdb
import regex

from listening_post.scoring.topics import TopicMatcher

PER_SIDE = 2
SIDES = ("positive", "negative")
# The tone a post must have to illustrate a side: the labels' own thresholds (VADER's +-0.05).
LABEL_THRESHOLD = 0.05


def agrees(side: str, tone: float) -> bool:
    """Whether a post's own tone agrees with the side it would illustrate."""
    return tone >= LABEL_THRESHOLD if side == "positive" else tone <= -LABEL_THRESHOLD


TOP_TERMS = 30
WEIGHTS = {"tone": 0.4, "terms": 0.4, "engagement": 0.2}
_SENTENCE = regex.compile(r"(?<=[.!?…])\s+|\n+")


@dataclass(frozen=True)
class Candidate:
    post_id: str
    sentiment: float
    topics: tuple[str, ...]
    tokens: frozenset[str]
    engagement: int
    dup_group: str | None


def example_tone(candidate: Candidate, topic: str | None) -> float:
    """The tone a candidate shows for ``topic`` (None: overall). The seam for a per-topic score: today the
    post's own score; a per-topic sentence score replaces it here."""
    return candidate.sentiment


def candidates(con: duckdb.DuckDBPyConnection) -> list[Candidate]:
    """This week's scored original posts whose text was read (table ``texts``), outside coordinated
    clusters (table ``cluster_posts``)."""
    rows = con.execute(
        """
        SELECT post_id, sentiment, topics, toks, engagement, dup_group FROM texts
        WHERE w = 0 AND sampled AND chars > 0 AND NOT is_repost AND sentiment IS NOT NULL
          AND post_id NOT IN (SELECT post_id FROM cluster_posts)
        ORDER BY post_id
        """
    ).fetchall()
    return [
        Candidate(pid, float(s), tuple(topics or ()), frozenset(toks or ()), int(e or 0), dup)
        for pid, s, topics, toks, e, dup in rows
    ]


def pick(group: list[Candidate], side: str, topic: str | None, n: int = PER_SIDE) -> list[tuple[Candidate, float]]:
    """The ``n`` most typical candidates of ``group`` for ``side``, with their typicality (0 to 1)."""
    members = [c for c in group if agrees(side, example_tone(c, topic))]
    if not members:
        return []
    tones = [example_tone(c, topic) for c in members]
    # fsum and the tie-break on the token: the same picks whatever order rows and set members come in.
    mean = math.fsum(tones) / len(tones)
    spread = max(0.1, math.sqrt(math.fsum((t - mean) ** 2 for t in tones) / len(tones)))
    df = Counter(tok for c in members for tok in c.tokens)
    top = sorted(df.items(), key=lambda kv: (-kv[1], kv[0]))[:TOP_TERMS]
    common = {tok: k / len(members) for tok, k in top if k > 1}
    best_common = max(common.values(), default=0.0)
    top_engagement = max(c.engagement for c in members)

    def score(c: Candidate) -> float:
        tone = max(0.0, 1 - abs(example_tone(c, topic) - mean) / (2 * spread))
        shared = math.fsum(common.get(tok, 0.0) for tok in c.tokens)
        terms = shared / max(1, len(c.tokens)) / best_common if common else 0
        engaged = math.log1p(c.engagement) / math.log1p(top_engagement) if top_engagement else 0.0
        return WEIGHTS["tone"] * tone + WEIGHTS["terms"] * min(1.0, terms) + WEIGHTS["engagement"] * engaged

    ranked = sorted(((c, score(c)) for c in members), key=lambda cs: (-cs[1], cs[0].post_id))
    out: list[tuple[Candidate, float]] = []
    stories: set[str] = set()
    for c, s in ranked:
        if c.dup_group and c.dup_group in stories:  # one copy of a text is enough
            continue
        stories.add(c.dup_group or c.post_id)
        out.append((c, s))
        if len(out) == n:
            break
    return out


def select(con: duckdb.DuckDBPyConnection, topic_ids: list[str]) -> dict[str, Any]:
    """``{"overall": {side: [(post_id, typicality, tone)]}, "by_topic": {topic: {side: [...]}}}``: overall
    examples are on some configured topic (a post on none is not what the brief reports on)."""
    pool = candidates(con)
    on_topic = [c for c in pool if c.topics]
    overall = {side: _rows(pick(on_topic, side, None), None) for side in SIDES}
    by_topic: dict[str, dict[str, list[tuple[str, float, float]]]] = {}
    for tid in topic_ids:
        group = [c for c in pool if tid in c.topics]
        sides = {side: _rows(pick(group, side, tid), tid) for side in SIDES}
        if any(sides.values()):
            by_topic[tid] = sides
    return {"overall": overall, "by_topic": by_topic}


def _rows(picked: list[tuple[Candidate, float]], topic: str | None) -> list[tuple[str, float, float]]:
    return [(c.post_id, round(s, 3), example_tone(c, topic)) for c, s in picked]


def matched_sentence(text: str, matcher: TopicMatcher, topic: str | None) -> str | None:
    """The first sentence of ``text`` that matches ``topic`` (None: any of the matcher's topics) by itself;
    None when the match needs words from several sentences."""
    for sentence in _SENTENCE.split(text or ""):
        found = matcher.match(sentence)
        if found and (topic is None or topic in found):
            return sentence.strip()
    return None
