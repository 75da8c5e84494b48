"""Topic matching: which configured topics a post's text matches, with the shared query language."""

from __future__ import annotations

from collections.abc import Iterable

from listening_post.query import Query, fold


class TopicMatcher:
    def __init__(self, topics: Iterable[tuple[str, str | Query]]) -> None:
        self._topics = [(tid, q if isinstance(q, Query) else Query(q)) for tid, q in topics]

    @property
    def topic_ids(self) -> list[str]:
        return [tid for tid, _ in self._topics]

    def match(self, text: str) -> list[str]:
        if not text or not self._topics:
            return []
        folded = fold(text)
        return [tid for tid, q in self._topics if q.matches_folded(folded)]
