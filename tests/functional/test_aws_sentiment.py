"""Amazon Comprehend and Translate backends against botocore's Stubber: no network, real request shapes."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import boto3
import pytest
from botocore.stub import ANY, Stubber

from listening_post.aws.ai_clients import cloud_backends
from listening_post.aws.comprehend import BATCH_SIZE, MODEL, ComprehendSentiment
from listening_post.aws.translate import TranslateThenVader
from listening_post.config import parse_config
from listening_post.enrich.pseudonym import Pseudonymiser
from listening_post.model import ParsedPost
from listening_post.pipeline import Enricher
from listening_post.scoring.backends import BackendFactory
from listening_post.scoring.sentiment import UNSCORED
from tests.conftest import TEST_KEY


def client(service: str) -> Any:
    return boto3.client(service, region_name="eu-west-1", aws_access_key_id="testing", aws_secret_access_key="testing")


@pytest.fixture
def comprehend() -> Iterator[tuple[Any, Stubber]]:
    c = client("comprehend")
    with Stubber(c) as stub:
        yield c, stub
        stub.assert_no_pending_responses()


@pytest.fixture
def translate() -> Iterator[tuple[Any, Stubber]]:
    c = client("translate")
    with Stubber(c) as stub:
        yield c, stub
        stub.assert_no_pending_responses()


def result(index: int, sentiment: str, pos: float, neg: float, neu: float = 0.0, mixed: float = 0.0) -> dict[str, Any]:
    score = {"Positive": pos, "Negative": neg, "Neutral": neu, "Mixed": mixed}
    return {"Index": index, "Sentiment": sentiment, "SentimentScore": score}


def test_comprehend_batches_by_25_and_keeps_order(comprehend: tuple[Any, Stubber]) -> None:
    c, stub = comprehend
    texts = [f"Text {i}" for i in range(60)]
    for start in (0, 25, 50):
        batch = texts[start : start + BATCH_SIZE]
        stub.add_response(
            "batch_detect_sentiment",
            {"ResultList": [result(i, "POSITIVE", 0.9, 0.05, 0.05) for i in range(len(batch))], "ErrorList": []},
            {"TextList": batch, "LanguageCode": "de"},
        )
    scores = ComprehendSentiment(c, "de").score_batch(texts)
    assert len(scores) == 60
    assert all(s.label == "positive" and s.model == MODEL for s in scores)
    assert scores[0].compound == pytest.approx(0.85)


def test_comprehend_maps_labels_and_mixed(comprehend: tuple[Any, Stubber]) -> None:
    c, stub = comprehend
    stub.add_response(
        "batch_detect_sentiment",
        {
            "ResultList": [
                result(0, "NEGATIVE", 0.1, 0.8, 0.1),
                result(1, "MIXED", 0.3, 0.3, 0.1, 0.3),
                result(2, "NEUTRAL", 0.05, 0.05, 0.9),
            ],
            "ErrorList": [],
        },
        {"TextList": ["a", "b", "c"], "LanguageCode": "fr"},
    )
    neg, mixed, neutral = ComprehendSentiment(c, "fr").score_batch(["a", "b", "c"])
    assert neg.label == "negative" and neg.compound == pytest.approx(-0.7) and neg.neg == pytest.approx(0.8)
    assert mixed.label == "neutral" and mixed.neu == pytest.approx(0.4)
    assert neutral.label == "neutral" and neutral.compound == pytest.approx(0.0)


def test_comprehend_item_errors_are_unscored_and_logged(
    comprehend: tuple[Any, Stubber], caplog: pytest.LogCaptureFixture
) -> None:
    c, stub = comprehend
    stub.add_response(
        "batch_detect_sentiment",
        {
            "ResultList": [result(0, "POSITIVE", 0.9, 0.0, 0.1), result(2, "NEGATIVE", 0.0, 0.9, 0.1)],
            "ErrorList": [{"Index": 1, "ErrorCode": "INTERNAL_SERVER_ERROR", "ErrorMessage": "try again"}],
        },
        {"TextList": ["ok", "broken", "bad"], "LanguageCode": "es"},
    )
    with caplog.at_level(logging.WARNING):
        scores = ComprehendSentiment(c, "es").score_batch(["ok", "broken", "bad"])
    assert [s.label for s in scores] == ["positive", "unscored", "negative"]
    assert scores[1] == UNSCORED
    assert "rejected 1 of 3" in caplog.text


def test_a_failed_comprehend_call_leaves_its_batch_unscored(
    comprehend: tuple[Any, Stubber], caplog: pytest.LogCaptureFixture
) -> None:
    c, stub = comprehend
    stub.add_client_error("batch_detect_sentiment", "AccessDeniedException", "no comprehend:BatchDetectSentiment")
    with caplog.at_level(logging.ERROR):
        assert ComprehendSentiment(c, "it").score_batch(["uno", "due"]) == [UNSCORED, UNSCORED]
    assert "could not score 2 it posts" in caplog.text


def test_comprehend_cuts_long_posts_to_5000_bytes(comprehend: tuple[Any, Stubber]) -> None:
    c, stub = comprehend
    long = "é" * 3000  # 6,000 bytes
    stub.add_response(
        "batch_detect_sentiment",
        {"ResultList": [result(0, "NEUTRAL", 0.0, 0.0, 1.0)], "ErrorList": []},
        {"TextList": ["é" * 2500], "LanguageCode": "fr"},
    )
    assert ComprehendSentiment(c, "fr").score(long).label == "neutral"


def test_comprehend_refuses_languages_it_does_not_score() -> None:
    with pytest.raises(ValueError, match="does not score 'sv'"):
        ComprehendSentiment(client("comprehend"), "sv")


def test_translate_then_vader(translate: tuple[Any, Stubber]) -> None:
    c, stub = translate
    stub.add_response(
        "translate_text",
        {"TranslatedText": "This is a wonderful agreement!", "SourceLanguageCode": "sv", "TargetLanguageCode": "en"},
        {"Text": "Det här är ett underbart avtal!", "SourceLanguageCode": "sv", "TargetLanguageCode": "en"},
    )
    backend = TranslateThenVader(c, "sv")
    s = backend.score("Det här är ett underbart avtal!")
    assert s.label == "positive" and (s.compound or 0) > 0.5
    assert s.model == "aws-translate-en+vader-3.3.2" == backend.model


def test_untranslatable_posts_are_unscored(translate: tuple[Any, Stubber], caplog: pytest.LogCaptureFixture) -> None:
    c, stub = translate
    stub.add_client_error("translate_text", "DetectedLanguageLowConfidenceException", "low confidence")
    stub.add_response(
        "translate_text",
        {"TranslatedText": "terrible", "SourceLanguageCode": "pl", "TargetLanguageCode": "en"},
        {"Text": ANY, "SourceLanguageCode": "pl", "TargetLanguageCode": "en"},
    )
    with caplog.at_level(logging.WARNING):
        scores = TranslateThenVader(c, "pl").score_batch(["???", "okropne"])
    assert scores[0] == UNSCORED and scores[1].label == "negative"
    assert "could not translate" in caplog.text


def test_translate_refuses_languages_it_does_not_translate() -> None:
    with pytest.raises(ValueError, match="does not translate 'xh'"):
        TranslateThenVader(client("translate"), "xh")


CONFIG = """
version: 1
secrets: {author_key: {env: LISTENING_POST_AUTHOR_KEY}}
countries:
  - code: ES
    languages: [es]
    sentiment: {es: comprehend}
  - code: DE
    languages: [de, en]
"""


def test_enricher_sends_a_country_s_posts_to_its_chosen_cloud_backend_in_one_batch(
    comprehend: tuple[Any, Stubber],
) -> None:
    c, stub = comprehend
    texts = ["El acuerdo comercial es una excelente noticia para el país", "Los aranceles son una catástrofe total"]
    stub.add_response(
        "batch_detect_sentiment",
        {"ResultList": [result(0, "POSITIVE", 0.9, 0.0, 0.1), result(1, "NEGATIVE", 0.0, 0.9, 0.1)], "ErrorList": []},
        {"TextList": texts, "LanguageCode": "es"},
    )
    asked: list[str] = []

    def clients(service: str) -> Any:
        asked.append(service)
        return c

    config = parse_config(CONFIG)
    enricher = Enricher.from_config(
        config, Pseudonymiser(TEST_KEY), backends=BackendFactory(cloud=cloud_backends(clients))
    )
    now = datetime(2026, 11, 23, tzinfo=UTC)
    parsed = [
        ParsedPost(source="x", native_id=str(i), created_at=now, text=t, author_native=f"a{i}")
        for i, t in enumerate(texts)
    ]
    posts = enricher.enrich_many(parsed, country="ES", query_id=None, collected_at=now)
    assert asked == ["comprehend"]
    assert [(p.lang, p.sentiment_label, p.sentiment_model) for p in posts] == [
        ("es", "positive", MODEL),
        ("es", "negative", MODEL),
    ]
    # Germany chose nothing: its German posts get the local default, no cloud client is made for them.
    german = ParsedPost(source="x", native_id="9", created_at=now, text="Das ist eine Katastrophe", author_native="b")
    post = enricher.enrich(german, country="DE", query_id=None, collected_at=now)
    assert post.sentiment_model == "vader-3.3.2+sentiws-gersent-0.0.6+rules:function_words,fallback"
    assert post.sentiment_label == "negative"
    assert asked == ["comprehend"]
