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
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import duckdb

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


@dataclass(frozen=True)
class Candidate:
    post_id: str
    sentiment: float
    topics: tuple[str, ...]
    tokens: frozenset[str]
    engagement: int
    dup_group: str | None
    # The tone of the sentences about each topic (the posts' ``topic_sentiment``, schema v3); empty in files
    # written before it, where the post's own tone stands for every topic.
    topic_tones: Mapping[str, float] = field(default_factory=dict)


def example_tone(candidate: Candidate, topic: str | None) -> float:
    """The tone a candidate shows for ``topic``: the tone of its sentences about the topic, so that a post
    praising a match and attacking a rebate is a negative example of the rebate; overall (None), its own."""
    if topic is None:
        return candidate.sentiment
    return candidate.topic_tones.get(topic, candidate.sentiment)


def _tones(value: object) -> dict[str, float]:
    """A DuckDB MAP as a dict (DuckDB returns a dict, or {"key": [...], "value": [...]} in older releases)."""
    if not value:
        return {}
    if isinstance(value, dict) and set(value) == {"key", "value"} and isinstance(value["key"], list):
        value = dict(zip(value["key"], value["value"], strict=True))
    return {str(k): float(v) for k, v in dict(value).items() if v is not None}  # type: ignore[call-overload]


def candidates(con: duckdb.DuckDBPyConnection) -> list[Candidate]:
    """This week's scored original posts whose text was read (table ``texts``), outside coordinated
    clusters (table ``cluster_posts``)."""
    rows = con.execute(
        """
        SELECT post_id, sentiment, topics, toks, engagement, dup_group, topic_sentiment FROM texts
        WHERE w = 0 AND sampled AND chars > 0 AND NOT is_repost AND sentiment IS NOT NULL
          AND post_id NOT IN (SELECT post_id FROM cluster_posts)
        ORDER BY post_id
        """
    ).fetchall()
    return [
        Candidate(pid, float(s), tuple(topics or ()), frozenset(toks or ()), int(e or 0), dup, _tones(ts))
        for pid, s, topics, toks, e, dup, ts in rows
    ]


def pick(group: list[Candidate], side: str, topic: str | None, n: int = PER_SIDE) -> list[tuple[Candidate, float]]:
    """The ``n`` most typical candidates of ``group`` for ``side``, with their typicality (0 to 1)."""
    # Its tone about the topic must agree with the side, and the post as a whole must not say the opposite:
    # a lexicon misreads single sentences ("nobody in charge seems to care" reads as care, positive) more
    # often than whole posts, and an example that contradicts itself would mislead more than it shows.
    other = "negative" if side == "positive" else "positive"
    members = [c for c in group if agrees(side, example_tone(c, topic)) and not agrees(other, c.sentiment)]
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
    """The words of ``text`` about ``topic``: the passage its per-topic tone was scored on
    (:meth:`TopicMatcher.passages`, the same sentences and rules); overall (None), the passage about the first
    topic the text is about. None when that is the whole text, which the excerpt then shows."""
    for tid in [topic] if topic else matcher.match(text or ""):
        passage = matcher.passages(text or "", [tid]).get(tid)
        if passage:
            return passage
    return None
