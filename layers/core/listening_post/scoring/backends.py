"""Builds sentiment backends by the names in ``sentiment_catalogue`` and the scorer of a country.

A country's configuration may choose a backend per language (``sentiment: {de: comprehend}``); every
language it does not mention gets its default local backend, if it has one. Backends are built once and
shared between the countries that choose them. Cloud backends get their boto3 clients from ``clients``
(injected; by default ``aws.ai_clients``), so nothing here imports boto3.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import TYPE_CHECKING, Any

from listening_post.scoring.sentiment import SentimentBackend, SentimentScorer, VaderBackend
from listening_post.sentiment_catalogue import BACKENDS, NONE, backend_problem, resolve_choices

if TYPE_CHECKING:
    from listening_post.config import Config

ClientFactory = Callable[[str], Any]  # AWS service name -> client


def _default_clients(service: str) -> Any:
    from listening_post.aws.ai_clients import ai_client

    return ai_client(service)


class BackendFactory:
    """Makes each (backend, language) once; cloud clients are made only when a cloud backend is chosen."""

    def __init__(self, clients: ClientFactory | None = None) -> None:
        self._clients = clients or _default_clients
        self._made: dict[tuple[str, str], SentimentBackend] = {}
        self._client_cache: dict[str, Any] = {}

    def _client(self, service: str) -> Any:
        if service not in self._client_cache:
            self._client_cache[service] = self._clients(service)
        return self._client_cache[service]

    def backend(self, name: str, lang: str) -> SentimentBackend:
        problem = backend_problem(lang, name)
        if problem or name == NONE:
            raise ValueError(problem or f"{NONE!r} is not a backend")
        # Local backends read a fixed language set: one instance serves every language it reads.
        key = (name, lang if BACKENDS[name].kind == "cloud" else "*")
        if key not in self._made:
            self._made[key] = self._make(name, lang)
        return self._made[key]

    def _make(self, name: str, lang: str) -> SentimentBackend:
        if name == "vader":
            return self._vader()
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
        if name == "comprehend":
            from listening_post.aws.comprehend import ComprehendSentiment

            return ComprehendSentiment(self._client("comprehend"), lang)
        if name == "translate-vader":
            from listening_post.aws.translate import TranslateThenVader

            return TranslateThenVader(self._client("translate"), lang, self._vader())
        raise ValueError(f"no builder for sentiment backend {name!r}")  # a catalogue entry without code

    def _vader(self) -> VaderBackend:
        vader = self._made.get(("vader", "*"))
        if not isinstance(vader, VaderBackend):
            vader = VaderBackend()
            self._made[("vader", "*")] = vader
        return vader


def build_scorer(choices: Mapping[str, str], factory: BackendFactory | None = None) -> SentimentScorer:
    """The scorer for one country's choices (an empty mapping: the local defaults)."""
    factory = factory or BackendFactory()
    return SentimentScorer({lang: factory.backend(name, lang) for lang, name in resolve_choices(choices).items()})


def backend_lines(config: Config, avg_chars: int = 150) -> Iterator[str]:
    """What ``validate-config`` shows: each country's backend per language, and what cloud ones cost."""
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
            parts.append(f"{lang} {name} ({info.kind})")
            if info.kind == "cloud":
                clouds.add(name)
        yield f"  {country.code}: sentiment " + ", ".join(parts)
    for name in sorted(clouds):
        info = BACKENDS[name]
        assert info.price is not None  # every cloud backend has one
        cost = info.usd_per_million_posts(avg_chars) or 0.0
        yield (
            f"  {name}: about ${cost:,.0f} per million posts of {avg_chars} characters "
            f"(${info.price.usd:g} per {info.price.per}; {info.price.source}, read {info.price.read_on})"
        )
