"""Builds sentiment backends by the names in ``sentiment_catalogue`` and the scorer of a country.

A country's configuration may choose a backend per language (``sentiment: {de: comprehend}``); every
language it does not mention gets its default local backend, if it has one. Backends are built once and
shared between the countries that choose them, and only when a text of their language is first scored:
loading a lexicon takes up to 0.15 s (Arabic MPQA), and a collect job sees one country and few languages,
so building every configured country's backends at start-up was most of the collect function's cold start.
The choices themselves are checked at once. Cloud backends are injected (``cloud``: their builders by
name, ``aws/ai_clients.py`` with the deployment's clients), so nothing here imports ``aws`` or boto3.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING

from listening_post.scoring.sentiment import Scores, SentimentBackend, SentimentScorer, VaderBackend
from listening_post.sentiment_catalogue import BACKENDS, NONE, backend_problem, resolve_choices

if TYPE_CHECKING:
    from listening_post.config import Config

# A cloud backend's builder: (language, the factory) -> backend; aws/ai_clients.py has them.
CloudBuilder = Callable[[str, "BackendFactory"], SentimentBackend]
# Local backends with one lexicon per language, so one instance per language.
PER_LANGUAGE = frozenset({"vader-afinn"})


class BackendFactory:
    """Makes each (backend, language) once. ``cloud`` builds the cloud backends by name (each given the
    language and this factory); without it, choosing one is a ValueError naming it."""

    def __init__(self, cloud: Mapping[str, CloudBuilder] | None = None) -> None:
        self._cloud = dict(cloud or {})
        self._made: dict[tuple[str, str], SentimentBackend] = {}
        # One lock for the factory: two threads asking for a backend at once get the same instance (and a
        # lexicon is read once). Reentrant, since a backend may be built on top of another one.
        self._lock = threading.RLock()

    def backend(self, name: str, lang: str) -> SentimentBackend:
        problem = backend_problem(lang, name)
        if problem or name == NONE:
            raise ValueError(problem or f"{NONE!r} is not a backend")
        # Most local backends read a fixed language set: one instance serves every language it reads.
        key = (name, lang if BACKENDS[name].kind == "cloud" or name in PER_LANGUAGE else "*")
        made = self._made.get(key)
        if made is None:
            with self._lock:
                made = self._made.get(key)
                if made is None:
                    made = self._made[key] = self._make(name, lang)
        return made

    def _make(self, name: str, lang: str) -> SentimentBackend:
        if BACKENDS[name].kind == "cloud":
            builder = self._cloud.get(name)
            if builder is None:
                raise ValueError(
                    f"sentiment backend {name!r} is a cloud backend, and this process was given no cloud clients"
                )
            return builder(lang, self)
        if name == "vader":
            return self.vader()
        if name == "vader-fr":
            from listening_post.scoring.lexicons import VaderFrBackend

            return VaderFrBackend()
        if name == "leia":
            from listening_post.scoring.lexicons import LeiaBackend

            return LeiaBackend()
        if name == "vader-sentiws":
            from listening_post.scoring.lexicons import sentiws_backend

            return sentiws_backend()
        if name == "vader-mpqa-ar":
            from listening_post.scoring.lexicons import mpqa_arabic_backend

            return mpqa_arabic_backend()
        if name == "vader-afinn":
            from listening_post.scoring.lexicons import afinn_backend

            return afinn_backend(lang)
        if name == "vader-afinn-hinglish":
            from listening_post.scoring.lexicons import hinglish_backend

            return hinglish_backend()
        raise ValueError(f"no builder for sentiment backend {name!r}")  # a catalogue entry without code

    def vader(self) -> VaderBackend:
        """The one VADER of this factory (a cloud backend may build on it)."""
        with self._lock:
            vader = self._made.get(("vader", "*"))
            if not isinstance(vader, VaderBackend):
                vader = VaderBackend()
                self._made[("vader", "*")] = vader
            return vader


class LazySentimentScorer(SentimentScorer):
    """A :class:`SentimentScorer` whose backend for a language is made by ``factory`` when a text of that
    language is first scored (or the backend is asked for), once, also when threads race for it.

    The choices are checked when the scorer is made, as before: a backend that cannot read its language
    fails here, not at the first post. ``languages`` needs no backend; ``models`` builds them all.
    """

    def __init__(self, names: Mapping[str, str], factory: BackendFactory) -> None:
        for lang, name in names.items():
            problem = backend_problem(lang, name)
            if problem or name == NONE:
                raise ValueError(problem or f"{NONE!r} is not a backend")
        super().__init__({})
        self._names = dict(names)
        self._factory = factory
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        built = ", ".join(sorted(self._by_lang))
        return f"LazySentimentScorer({self._names!r}, built: {built or 'none'})"

    @property
    def languages(self) -> frozenset[str]:
        return frozenset(self._names)

    def _build(self, lang: str) -> SentimentBackend:
        with self._lock:
            backend = self._by_lang.get(lang)
            if backend is None:
                backend = self._factory.backend(self._names[lang], lang)
                # A new mapping, not an insertion: a thread scoring meanwhile keeps a consistent one.
                self._by_lang = {**self._by_lang, lang: backend}
            return backend

    def backend_for(self, lang: str) -> SentimentBackend | None:
        backend = self._by_lang.get(lang)
        if backend is None and lang in self._names:
            backend = self._build(lang)
        return backend

    @property
    def models(self) -> dict[str, str]:
        for lang in self._names:
            self.backend_for(lang)
        return super().models

    def score(self, text: str, lang: str) -> Scores:
        if text:
            self.backend_for(lang)
        return super().score(text, lang)

    def score_many(self, items: Sequence[tuple[str, str]]) -> list[Scores]:
        for lang in {lang for text, lang in items if text} - self._by_lang.keys():
            self.backend_for(lang)
        return super().score_many(items)


def build_scorer(choices: Mapping[str, str], factory: BackendFactory | None = None) -> SentimentScorer:
    """The scorer for one country's choices (an empty mapping: the local defaults); checked now, each
    backend built on first use (:class:`LazySentimentScorer`)."""
    return LazySentimentScorer(resolve_choices(choices), factory or BackendFactory())


def backend_lines(config: Config, avg_chars: int = 150) -> Iterator[str]:
    """What ``validate-config`` shows: per country, the share of its languages that will be scored and each
    one's backend (marked when no labelled set measured it), a warning when its main language (the first
    listed) would be unscored, and what the cloud backends chosen cost."""
    clouds: set[str] = set()
    for country in config.countries:
        resolved = resolve_choices(country.sentiment)
        named = dict.fromkeys([*country.languages, *country.sentiment])
        parts = []
        for lang in named:
            name = resolved.get(lang)
            if name is None:
                parts.append(f"{lang} unscored")
                continue
            info = BACKENDS[name]
            mark = ", unvalidated" if lang in info.unvalidated else ""
            parts.append(f"{lang} {name} ({info.kind}{mark})")
            if info.kind == "cloud":
                clouds.add(name)
        scored = sum(lang in resolved for lang in country.languages)
        share = f"{scored} of {len(country.languages)} languages scored"
        yield f"  {country.code}: sentiment {share}: " + ", ".join(parts)
        main = country.languages[0]
        if main not in resolved:
            readers = sorted(n for n, i in BACKENDS.items() if main in i.languages)
            options = f"backends that read it: {', '.join(readers)}" if readers else "no backend reads it"
            yield (
                f"  warning: {country.code}'s main language {main!r} will be unscored, so its briefs will have "
                f"no tone for most posts; choose one in countries[].sentiment ({options})"
            )
    for name in sorted(clouds):
        info = BACKENDS[name]
        assert info.price is not None  # every cloud backend has one
        cost = info.usd_per_million_posts(avg_chars) or 0.0
        yield (
            f"  {name}: about ${cost:,.0f} per million posts of {avg_chars} characters "
            f"(${info.price.usd:g} per {info.price.per}; {info.price.source}, read {info.price.read_on})"
        )


def default_scorer() -> SentimentScorer:
    """The local backend of every language that has one."""
    return build_scorer({})
