"""Topic matching: which configured topics a post's text matches, with the shared query language."""

from __future__ import annotations

from collections.abc import Iterable

from listening_post.query import Query, TermSearch, fold


class TopicMatcher:
    def __init__(self, topics: Iterable[tuple[str, str | Query]]) -> None:
        self._topics = [(tid, q if isinstance(q, Query) else Query(q)) for tid, q in topics]
        # Every distinct term of every topic, searched once per text; then each topic's tree is evaluated
        # on the set of terms found.
        self._search = TermSearch(term for _, q in self._topics for term in q.terms)

    @property
    def topic_ids(self) -> list[str]:
        return [tid for tid, _ in self._topics]

    def match(self, text: str) -> list[str]:
        if not text or not self._topics:
            return []
        return self.match_folded(fold(text))

    def match_folded(self, folded: str) -> list[str]:
        """Topics of a text already passed through :func:`fold`."""
        if not folded or not self._topics:
            return []
        found = self._search.found(folded)
        return [tid for tid, q in self._topics if q.matches_terms(found)]
