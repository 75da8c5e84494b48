"""The cloud sentiment backends (Amazon Comprehend, Translate then VADER, Bedrock), for injection into
:class:`~listening_post.scoring.backends.BackendFactory`: scoring names them and knows their languages
(``sentiment_catalogue``) but imports nothing from here, so the dependency runs one way (aws -> scoring).

``client(service)`` gives the AI service's client; the composition root (``deployment.py``) passes its
own, from the one botocore session of the process, with botocore's standard retries (backs off on
throttling). Each adapter is imported when its backend is first built.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from listening_post.scoring.backends import BackendFactory, CloudBuilder
    from listening_post.scoring.sentiment import SentimentBackend


def cloud_backends(client: Callable[[str], Any]) -> dict[str, CloudBuilder]:
    """Builders of the catalogue's cloud backends, by name, each given a language and the factory."""

    def comprehend(lang: str, factory: BackendFactory) -> SentimentBackend:
        from listening_post.aws.comprehend import ComprehendSentiment

        return ComprehendSentiment(client("comprehend"), lang)

    def bedrock(lang: str, factory: BackendFactory) -> SentimentBackend:
        from listening_post.aws.bedrock import BedrockTone

        return BedrockTone(client("bedrock-runtime"), lang)

    def translate_vader(lang: str, factory: BackendFactory) -> SentimentBackend:
        from listening_post.aws.translate import TranslateThenVader

        return TranslateThenVader(client("translate"), lang, factory.vader())

    return {"comprehend": comprehend, "bedrock": bedrock, "translate-vader": translate_vader}
