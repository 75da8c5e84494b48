"""Representative examples do not depend on the order the candidates come in (DuckDB returns rows in any
order, and a post's tokens are a set). On main, reversing the candidates changed the typicality of the picks
(the group's common words were cut at 30 in first-seen order among ties)."""

from __future__ import annotations

import itertools

from listening_post.analysis.representative import TOP_TERMS, Candidate, pick


def group() -> list[Candidate]:
    # More words shared by exactly two posts than TOP_TERMS: which of them are "common" is decided by the tie.
    words = [f"w{i:02d}" for i in range(TOP_TERMS + 12)]
    posts = []
    for i, (a, b) in enumerate(itertools.pairwise(words)):
        tone = 0.2 + 0.013 * (i % 7)
        posts.append(Candidate(f"p{i:02d}", tone, ("trade",), frozenset({a, b, f"own{i}"}), i % 5, None))
    return posts


def test_picks_do_not_depend_on_candidate_order() -> None:
    posts = group()
    first = pick(posts, "positive", "trade", n=4)
    assert len(first) == 4
    for order in (posts[::-1], posts[1::2] + posts[::2], sorted(posts, key=lambda c: c.engagement)):
        assert pick(order, "positive", "trade", n=4) == first
