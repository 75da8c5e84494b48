"""How the local backends read languages other than English: a few rules, each switched on or off per
language, and the label thresholds of each language.

The rules are fixed in advance on linguistic grounds; *which* of them a language uses, and its two label
thresholds, were chosen on UMSAB's train and validation tweets (never its test tweets) by
``bench/language_choices.py``, which prints ``READINGS`` below. No word weight is learned from any tweet:
the chosen values are these switches and two thresholds a language (docs/LANGUAGES.md).

- ``function_words``: the language's stop-words (stopwordsiso, MIT) are not read as English sentiment words.
  English VADER's lexicon lies under every other language's lexicon (tweets mix in English, and emoji are
  read through English descriptions), so German "die" (the article) scored -2.9 as English *die*,
  German "war" (*was*) -2.9 as *war*, Italian and Spanish "ha" (*has*) +1.4, Portuguese "no" (*in the*)
  -1.2. Only words the language's own lexicon does not hold are dropped, and never its negation words.
- ``negations``: the language's negation words negate the next sentiment words as English "not" does
  (``NEGATIONS``; VADER's own English ones stay).
- ``contrasts``: the language's words for "but" (``CONTRASTS``) work as VADER's "but": what comes before
  counts half, what follows half as much again.
- ``fallback``: a word neither lexicon holds is looked up again without its diacritics and with letters
  repeated three times or more written once: tweets write "nao" for "não", "buenooo" for "bueno", and
  Arabic with or without hamza and short vowels.
- ``inflections``: a word still not found is read as the dictionary form it inflects (``inflected_forms``):
  the lexicons list adjectives and nouns in one form ("lindo", "maravilhoso", "bello", جميل), tweets
  write them agreeing ("linda", "maravilhosas", "belle") or, in Arabic, with "and"/"the" and suffixes
  attached ("والجميلة").
- ``verbs``: then as the infinitive a regular verb form belongs to (``verb_forms``): the lexicons list
  verbs by their infinitive ("amar", "odiar"), tweets conjugate them ("amo", "amei", "odiamos").
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

# Negation words, from each language's grammar (not from any data set). Spanish and Italian "no" negates too,
# but VADER already reads "no" before a sentiment word as a negation.
NEGATIONS: dict[str, frozenset[str]] = {
    "ar": frozenset({"لا", "لم", "لن", "ما", "ليس", "ليست", "مش", "مو", "مب", "غير", "بدون", "دون", "ولا", "مافي"}),
    "de": frozenset(
        {"nicht", "kein", "keine", "keinen", "keinem", "keiner", "keines", "nie", "niemals", "nichts", "niemand"}
        | {"ohne", "weder"}
    ),
    "es": frozenset(
        {"no", "nunca", "jamás", "jamas", "ni", "tampoco", "nada", "nadie", "ningún", "ninguna", "ninguno", "sin"}
    ),
    "fr": frozenset({"ne", "pas", "jamais", "rien", "aucun", "aucune", "sans", "ni", "non"}),
    "hi": frozenset({"nahi", "nahin", "nhi", "nai", "na", "mat", "nahee", "bina", "नहीं", "ना", "मत", "बिना"}),
    "it": frozenset(
        {"non", "mai", "né", "nessun", "nessuno", "nessuna", "niente", "nulla", "senza", "neanche", "nemmeno"}
        | {"neppure"}
    ),
    "pt": frozenset(
        {"não", "nao", "nunca", "jamais", "nem", "nenhum", "nenhuma", "nada", "ninguém", "ninguem", "sem"}
        | {"tampouco"}
    ),
}

# Words for "but": VADER halves the sentiment before an English "but" and raises what follows by half.
CONTRASTS: dict[str, frozenset[str]] = {
    "ar": frozenset({"لكن", "ولكن", "بس", "لكنه", "لكنها"}),
    "de": frozenset({"aber", "doch", "jedoch", "sondern"}),
    "es": frozenset({"pero", "sino", "aunque"}),
    "fr": frozenset({"mais", "pourtant", "cependant"}),
    "hi": frozenset({"lekin", "magar", "par", "parantu", "लेकिन", "मगर", "पर", "परंतु"}),
    "it": frozenset({"ma", "però", "pero", "tuttavia"}),
    "pt": frozenset({"mas", "porém", "porem", "contudo", "entretanto"}),
}

POSITIVE, NEGATIVE = 0.05, -0.05  # VADER's published thresholds: English, and the default of every reading


@dataclass(frozen=True, slots=True)
class Reading:
    """The rules one backend applies to one language, and its label thresholds on the compound score."""

    function_words: bool = False
    negations: bool = False
    contrasts: bool = False
    fallback: bool = False
    inflections: bool = False
    verbs: bool = False
    negative: float = NEGATIVE
    positive: float = POSITIVE

    @property
    def tag(self) -> str:
        """What goes into the backend's ``sentiment_model``: the rules on (the thresholds decide labels only)."""
        on = [n for n in RULES if getattr(self, n)]
        return "+rules:" + ",".join(on) if on else ""

    def label(self, compound: float) -> str:
        if compound >= self.positive:
            return "positive"
        if compound <= self.negative:
            return "negative"
        return "neutral"


PLAIN = Reading()
# Reading's switches, in the order the model tag lists them.
RULES = ("function_words", "negations", "contrasts", "fallback", "inflections", "verbs")

# Inflections a lexicon's entry (a dictionary form: masculine singular, bare Arabic word) does not spell,
# from each language's grammar (not from any data set): Romance gender and number endings swapped for the
# dictionary's, German adjective endings dropped, and Arabic's "and"/"the"/"with"/"for" prefixes and its
# feminine, plural and possessive suffixes taken off. Stems keep at least three letters.
_ROMANCE = re.compile(r"(?P<stem>\w{3,}?)(?:[aeio]s?|s)")
_ITALIAN = re.compile(r"(?P<stem>\w{3,}?)[aeio]")
_GERMAN = re.compile(r"(?P<stem>\w{3,}?)(?:e|en|er|es|em)")
_ARABIC_PREFIX = re.compile(r"(?:[وف]?(?:ال|[بلك]ال|[بل])|[وف])(?P<rest>\w{3,})")
_ARABIC_SUFFIX = re.compile(r"(?P<stem>\w{3,}?)(?:ة|ات|ين|ون|ها|هم|ه|ي|ا)")


# Regular verb endings (present, simple past, imperfect, participle, gerund; from the grammars) and the
# infinitive endings a dictionary lists verbs by.
_VERB_ENDINGS = {
    "es": (
        ("o", "as", "a", "amos", "an", "é", "ó", "aron", "aba", "aban", "ado", "ada", "ados", "adas", "ando"),
        ("es", "e", "emos", "en", "í", "ió", "ieron", "ía", "ían", "ido", "ida", "idos", "idas", "iendo"),
        ("ar", "er", "ir"),
    ),
    "pt": (
        ("o", "as", "a", "amos", "am", "ei", "ou", "aram", "ava", "avam", "ado", "ada", "ados", "adas", "ando"),
        ("es", "e", "emos", "em", "i", "eu", "iu", "eram", "iram", "ia", "iam", "ido", "ida", "endo", "indo"),
        ("ar", "er", "ir"),
    ),
    "it": (
        ("o", "i", "a", "iamo", "ate", "ano", "ato", "ata", "ati", "ando", "avo", "ava", "avano", "ai", "ò"),
        ("e", "ete", "ono", "uto", "uta", "ito", "ita", "endo", "eva", "evano", "ì"),
        ("are", "ere", "ire"),
    ),
}
_VERB_SUFFIXES = {
    lang: sorted({*first, *second}, key=len, reverse=True) for lang, (first, second, _) in _VERB_ENDINGS.items()
}


def verb_forms(word: str, lang: str) -> list[str]:
    """The infinitives ``word`` may be a regular form of, longest ending first (none for other languages);
    a stem keeps at least two letters ("amo" -> "amar")."""
    forms: list[str] = []
    for ending in _VERB_SUFFIXES.get(lang, ()):
        if word.endswith(ending) and len(word) - len(ending) >= 2:
            stem = word[: -len(ending)]
            forms += [stem + end for end in _VERB_ENDINGS[lang][2]]
    return forms


def inflected_forms(word: str, lang: str) -> list[str]:
    """Dictionary forms ``word`` may be an inflection of, most likely first (none for other languages)."""
    if lang in ("es", "pt"):
        m = _ROMANCE.fullmatch(word)
        return [m["stem"] + v for v in ("o", "a", "e", "")] if m else []
    if lang == "it":
        m = _ITALIAN.fullmatch(word)
        return [m["stem"] + v for v in ("o", "e", "a")] if m else []
    if lang == "de":
        m = _GERMAN.fullmatch(word)
        return [m["stem"], m["stem"] + "e"] if m else []
    if lang == "ar":
        forms = []
        p = _ARABIC_PREFIX.fullmatch(word)
        for base in (word, p["rest"]) if p else (word,):
            if base != word:
                forms.append(base)
            sfx = _ARABIC_SUFFIX.fullmatch(base)
            if sfx:
                forms.append(sfx["stem"])
        return forms
    return []


# (backend, language) -> its reading, as chosen by bench/language_choices.py on UMSAB train+val. A pair not
# listed reads plainly with VADER's thresholds (every language no labelled set measures).
READINGS: dict[tuple[str, str], Reading] = {
    ("vader-mpqa-ar", "ar"): Reading(
        function_words=True, fallback=True, inflections=True, negative=-0.26, positive=0.23
    ),
    ("vader-afinn", "ar"): Reading(negations=True, fallback=True, inflections=True, negative=-0.44, positive=0.16),
    ("vader-fr", "fr"): Reading(negative=-0.15, positive=0.11),
    ("vader-afinn", "fr"): Reading(
        function_words=True, negations=True, contrasts=True, fallback=True, negative=-0.01, positive=0.16
    ),
    ("vader-sentiws", "de"): Reading(function_words=True, fallback=True, negative=-0.01, positive=0.11),
    ("vader-afinn", "de"): Reading(
        function_words=True, negations=True, fallback=True, inflections=True, negative=-0.02, positive=0.4
    ),
    ("vader-afinn", "it"): Reading(
        function_words=True, negations=True, fallback=True, inflections=True, negative=-0.14, positive=0.01
    ),
    ("leia", "pt"): Reading(function_words=True, negative=-0.02, positive=0.08),
    ("vader-afinn", "pt"): Reading(
        function_words=True, fallback=True, inflections=True, verbs=True, negative=-0.02, positive=0.06
    ),
    ("vader-afinn", "es"): Reading(
        contrasts=True, fallback=True, inflections=True, verbs=True, negative=-0.21, positive=0.52
    ),
    ("vader-afinn", "hi"): Reading(negations=True, contrasts=True, fallback=True, negative=-0.01, positive=0.01),
    ("vader-afinn-hinglish", "hi"): Reading(
        negations=True, contrasts=True, fallback=True, negative=-0.19, positive=0.01
    ),
}


def reading(backend: str, lang: str) -> Reading:
    return READINGS.get((backend, lang), PLAIN)


# A substring of the ``sentiment_model`` each local backend writes, most specific first ("+afinn-" is also in
# the Hinglish backend's), so a stored score can be labelled with its backend's thresholds.
MODEL_MARKERS: tuple[tuple[str, str], ...] = (
    ("vader-afinn-hinglish", "+afinn-hi-hinglish-"),
    ("vader-afinn", "+afinn-"),
    ("vader-sentiws", "+sentiws-"),
    ("vader-mpqa-ar", "+mpqa-ar-"),
    ("vader-fr", "vader-fr-"),
    ("leia", "leia-"),
)


def label_sql(compound: str, lang: str = "lang", model: str = "sentiment_model") -> str:
    """SQL labelling the expression ``compound`` as the backend that scored the row labels its scores: the
    thresholds of its reading of the row's language (matched by ``lang`` and a marker in ``model``),
    VADER's +-0.05 for every other row."""

    def case(read: Reading) -> str:
        return (
            f"CASE WHEN {compound} >= {read.positive!r} THEN 'positive' "
            f"WHEN {compound} <= {read.negative!r} THEN 'negative' ELSE 'neutral' END"
        )

    whens = [
        f"WHEN {lang} = '{code}' AND strpos({model}, '{marker}') > 0 THEN {case(READINGS[(name, code)])}"
        for name, marker in MODEL_MARKERS
        for (backend, code) in READINGS
        if backend == name
    ]
    return f"CASE {' '.join(whens)} ELSE {case(PLAIN)} END" if whens else case(PLAIN)


@lru_cache(maxsize=32)
def function_words(lang: str) -> frozenset[str]:
    """The language's stop-words (stopwordsiso), lower-cased, less its negation words; empty if it has none."""
    import stopwordsiso

    if not stopwordsiso.has_lang(lang):
        return frozenset()
    return frozenset(w.lower() for w in stopwordsiso.stopwords(lang)) - NEGATIONS.get(lang, frozenset())


_REPEATS = re.compile(r"(.)\1{2,}")


def plain_form(word: str) -> str:
    """``word`` without diacritics (combining marks after NFKD, which also splits Arabic hamza from its
    carrier) and with every letter repeated three times or more written once."""
    word = _REPEATS.sub(r"\1", word)
    if word.isascii():
        return word
    return "".join(c for c in unicodedata.normalize("NFKD", word) if not unicodedata.combining(c))
