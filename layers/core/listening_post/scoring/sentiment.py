"""Sentiment backends and the scorer that picks one per language.

VADER is the English backend. Every backend is applied to the cleaned text exactly as written: they read
capitals, punctuation, emoji, degree words and negation, so nothing is lower-cased or stripped before. A
language no backend reads is ``unscored`` with null scores, never a made-up neutral. The other backends
live in ``scoring/lexicons.py`` (local) and ``aws/`` (cloud); ``scoring/backends.py`` builds them by name.
"""

from __future__ import annotations

import importlib.metadata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

POSITIVE_THRESHOLD = 0.05  # VADER's published thresholds on the compound score
NEGATIVE_THRESHOLD = -0.05


@dataclass(frozen=True, slots=True)
class Scores:
    compound: float | None
    pos: float | None
    neu: float | None
    neg: float | None
    label: str
    model: str | None


UNSCORED = Scores(None, None, None, None, "unscored", None)


def label_for(compound: float) -> str:
    if compound >= POSITIVE_THRESHOLD:
        return "positive"
    if compound <= NEGATIVE_THRESHOLD:
        return "negative"
    return "neutral"


class SentimentBackend(Protocol):
    """Scores texts of the languages it declares. ``model`` names backend and version."""

    model: str
    languages: frozenset[str]

    def score(self, text: str) -> Scores: ...


@runtime_checkable
class BatchSentimentBackend(SentimentBackend, Protocol):
    """A backend that is cheaper per batch than per text (a cloud API)."""

    def score_batch(self, texts: Sequence[str]) -> list[Scores]: ...


class VaderBackend:
    """vaderSentiment, English only (its lexicon, idioms and negations are English)."""

    languages = frozenset({"en"})

    def __init__(self) -> None:
        from listening_post.scoring.vader_fast import make_analyzer

        self._analyzer = make_analyzer()  # exact fast VADER; the reference if the version is not verified
        self.model = f"vader-{importlib.metadata.version('vaderSentiment')}"

    def score(self, text: str) -> Scores:
        s = self._analyzer.polarity_scores(text)
        compound = s["compound"]
        return Scores(compound, s["pos"], s["neu"], s["neg"], label_for(compound), self.model)


class SentimentScorer:
    """Routes each text to the backend for its language; ``unscored`` where there is none."""

    def __init__(self, backends: Iterable[SentimentBackend] | Mapping[str, SentimentBackend]) -> None:
        self._by_lang: dict[str, SentimentBackend]
        if isinstance(backends, Mapping):
            self._by_lang = dict(backends)
        else:
            self._by_lang = {lang: b for b in backends for lang in sorted(b.languages)}

    @property
    def languages(self) -> frozenset[str]:
        return frozenset(self._by_lang)

    def backend_for(self, lang: str) -> SentimentBackend | None:
        return self._by_lang.get(lang)

    @property
    def models(self) -> dict[str, str]:
        """Language -> model string, for reports."""
        return {lang: b.model for lang, b in sorted(self._by_lang.items())}

    def score(self, text: str, lang: str) -> Scores:
        backend = self._by_lang.get(lang)
        if backend is None or not text:
            return UNSCORED
        return backend.score(text)

    def score_many(self, items: Sequence[tuple[str, str]]) -> list[Scores]:
        """Scores of ``(text, lang)`` pairs, in order; texts of one backend go to it together."""
        out: list[Scores] = [UNSCORED] * len(items)
        groups: dict[int, tuple[SentimentBackend, list[int]]] = {}
        for i, (text, lang) in enumerate(items):
            backend = self._by_lang.get(lang)
            if backend is not None and text:
                groups.setdefault(id(backend), (backend, []))[1].append(i)
        for backend, positions in groups.values():
            texts = [items[i][0] for i in positions]
            if isinstance(backend, BatchSentimentBackend):
                scores = backend.score_batch(texts)
            else:
                scores = [backend.score(t) for t in texts]
            for i, result in zip(positions, scores, strict=True):
                out[i] = result
        return out
