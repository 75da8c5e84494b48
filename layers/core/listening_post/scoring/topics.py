"""Topic matching: which configured topics a post's text matches, with the shared query language; and, for
each topic a post matches, the sentences that are about it (the passage whose tone is the topic's tone)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from itertools import pairwise

import regex

from listening_post.query import Query, Term, TermSearch, fold

# Sentence (and clause) ends, for every host script, without a model:
# - Latin, Greek, Cyrillic: ! ? … ‽ (and runs of them, closing quotes/brackets after) then a space; a full
#   stop then a space then anything but a lower-case letter, so "e.g. in" and "approx. ten" stay whole; a
#   semicolon then a space ends a clause. Not a colon: "Heat pump rebates: a disaster" is one thought, and
#   its tone is after the colon;
# - Arabic question mark ؟, Arabic semicolon ؛, Urdu full stop ۔; Devanagari danda । and double danda ॥;
#   Armenian ։, Ethiopic ።, Myanmar ။: a space after them is optional;
# - CJK 。！？；and the full-width ．: no space is written after them;
# - line breaks: posts put separate thoughts on separate lines.
_CLOSERS = r"[\"'”’»」』)\]]*"
_BOUNDARY = regex.compile(
    rf"(?:[.!?…‽]*[!?…‽][.!?…‽]*{_CLOSERS}\s+"
    rf"|\.+{_CLOSERS}\s+(?!\p{{Ll}})"
    rf"|;\s+"
    rf"|[؟؛۔।॥։።။]+{_CLOSERS}\s*"
    rf"|[。！？；．]+{_CLOSERS}\s*"
    rf"|\s*\n\s*)"
)


def split_sentences(text: str) -> list[str]:
    """The sentences (or clauses) of ``text``, stripped, each with its closing punctuation; empty ones
    dropped. Text with no boundary is one sentence."""
    out = []
    start = 0
    for m in _BOUNDARY.finditer(text):
        piece = text[start : m.end()].strip()
        if piece:
            out.append(piece)
        start = m.end()
    tail = text[start:].strip()
    if tail:
        out.append(tail)
    return out


class TopicMatcher:
    def __init__(self, topics: Iterable[tuple[str, str | Query]]) -> None:
        self._topics = [(tid, q if isinstance(q, Query) else Query(q)) for tid, q in topics]
        self._by_id = dict(self._topics)
        # Every distinct term of every topic, searched once per text; then each topic's tree is evaluated
        # on the set of terms found.
        self._search = TermSearch(term for _, q in self._topics for term in q.terms)
        self._patterns: dict[Term, tuple[str, regex.Pattern[str]]] = {}  # compiled on first use
        self._positive: dict[str, frozenset[Term]] = {tid: frozenset(q.positive_terms()) for tid, q in self._topics}

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
        return self.matching(self._search.found(folded))

    def terms_in(self, folded: str) -> set[Term]:
        """The terms of any topic that occur in a folded text."""
        return self._search.found(folded) if folded and self._topics else set()

    def matching(self, found: set[Term]) -> list[str]:
        """Topics of a text in which the terms ``found`` occur (:meth:`terms_in`)."""
        return [tid for tid, q in self._topics if q.matches_terms(found)]

    def passages(
        self, text: str, topic_ids: Sequence[str], found_in_text: set[Term] | None = None
    ) -> dict[str, str | None]:
        """For each of ``topic_ids`` (topics ``text`` matches as a whole), the sentences about it, joined
        in order, or None when that is the whole text.

        A sentence is about a topic when the topic's query matches the sentence alone and the sentence holds
        one of its terms that are not negated (so ``a OR NOT b`` does not claim every sentence). A short
        reaction right after it ("Awful.", "Not great.": at most three words, no term of any topic) goes
        with it, since that is where the tone about it often is. A run of hashtags, mentions or links is
        not a sentence: when only it names the topic, the topic's sentences are those about no other topic
        (all of them when none is). When no single sentence matches, because the topic's terms
        are spread over several sentences ("Heat pumps ... They need rebates" for ``"heat pump" AND
        rebate*``), two neighbouring sentences matched together are tried; when no pair matches either
        (the terms are further apart, or only in the tags), the topic is about the whole text. ``found_in_text``
        is :meth:`terms_in` of the text when the caller has it.
        """
        known = [tid for tid in topic_ids if tid in self._by_id]
        if not known:
            return {}
        sentences = split_sentences(text)
        if len(sentences) < 2:
            return dict.fromkeys(known)
        # Only the terms found in the whole text can be in one of its sentences: a few, not every topic's.
        if found_in_text is None:
            found_in_text = self.terms_in(fold(text))
        in_text = [(term, *self._pattern(term)) for term in found_in_text]
        found = [_found_in(fold(s), in_text) for s in sentences]
        content = [i for i, s in enumerate(sentences) if not _TAGS_ONLY.fullmatch(s)]
        tags = [i for i in range(len(sentences)) if i not in content]
        reaction = {i for i in content if not found[i] and len(_WORDS.findall(sentences[i])) <= _REACTION_WORDS}
        out: dict[str, str | None] = {}
        for tid in known:
            query, positive = self._by_id[tid], self._positive[tid]
            hits = {i for i in content if not positive.isdisjoint(found[i]) and query.matches_terms(found[i])}
            if not hits:
                for a, b in pairwise(content):
                    pair = found[a] | found[b]
                    if not positive.isdisjoint(pair) and query.matches_terms(pair):
                        hits.update((a, b))
            if not hits and any(not positive.isdisjoint(found[i]) for i in tags):
                # Only the hashtags name the topic: its sentences are those about no other topic.
                hits = {i for i in content if not self._about_any(found[i])}
            for i in sorted(hits):
                j = i + 1
                while j in reaction:
                    hits.add(j)
                    j += 1
            out[tid] = " ".join(sentences[i] for i in sorted(hits)) if hits and not hits.issuperset(content) else None
        return out

    def _pattern(self, term: Term) -> tuple[str, regex.Pattern[str]]:
        if term not in self._patterns:
            self._patterns[term] = (term.literal(), regex.compile(term.pattern()))
        return self._patterns[term]

    def _about_any(self, found: set[Term]) -> bool:
        return any(not self._positive[tid].isdisjoint(found) and q.matches_terms(found) for tid, q in self._topics)


def _found_in(folded: str, terms: list[tuple[Term, str, regex.Pattern[str]]]) -> set[Term]:
    return {term for term, literal, pattern in terms if literal in folded and pattern.search(folded)}


# A "sentence" of hashtags, mentions, links, emoji and punctuation only.
_TAGS_ONLY = regex.compile(r"(?:[#@][\p{L}\p{M}\p{N}_.@-]+|https?://\S+|[^\p{L}\p{M}\p{N}])*")
_WORDS = regex.compile(r"[\p{L}\p{M}\p{N}]+")
_REACTION_WORDS = 3
