"""Amazon Bedrock (Converse) as a tone and stance backend, against botocore's Stubber: real request shapes."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
import yaml
from botocore.stub import ANY, Stubber

from bench.package_size import _TemplateLoader
from listening_post.aws.ai_clients import cloud_backends
from listening_post.aws.bedrock import BATCH_SIZE, DEFAULT_MODEL_ID, BedrockTone
from listening_post.scoring.backends import BackendFactory, build_scorer
from listening_post.scoring.sentiment import UNSCORED
from listening_post.sentiment_catalogue import BACKENDS, is_unvalidated


@pytest.fixture
def bedrock() -> Iterator[tuple[Any, Stubber]]:
    c = boto3.client(
        "bedrock-runtime", region_name="us-east-1", aws_access_key_id="testing", aws_secret_access_key="testing"
    )
    with Stubber(c) as stub:
        yield c, stub
        stub.assert_no_pending_responses()


def answer(payload: object) -> dict[str, Any]:
    text = payload if isinstance(payload, str) else json.dumps(payload)
    return {
        "output": {"message": {"role": "assistant", "content": [{"text": text}]}},
        "stopReason": "end_turn",
        "usage": {"inputTokens": 100, "outputTokens": 20, "totalTokens": 120},
        "metrics": {"latencyMs": 50},
    }


def expected(n_posts: int) -> dict[str, Any]:
    return {
        "modelId": DEFAULT_MODEL_ID,
        "system": ANY,
        "messages": ANY,
        "inferenceConfig": {"maxTokens": 30 * n_posts + 50, "temperature": 0.0},
    }


def test_posts_go_twenty_to_a_prompt_and_come_back_in_order(bedrock: tuple[Any, Stubber]) -> None:
    client, stub = bedrock
    texts = [f"post {i}" for i in range(BATCH_SIZE + 2)]
    first = [{"i": i, "tone": 0.5 if i % 2 else -0.5} for i in reversed(range(BATCH_SIZE))]
    stub.add_response("converse", answer(first), expected(BATCH_SIZE))
    stub.add_response("converse", answer("Here you are:\n" + json.dumps([{"i": 0, "tone": 0.0}])), expected(2))
    scores = BedrockTone(client, "es").score_batch(texts)
    assert [s.label for s in scores[:4]] == ["negative", "positive", "negative", "positive"]
    assert scores[0].compound == -0.5 and scores[0].model == f"bedrock-{DEFAULT_MODEL_ID}"
    assert scores[BATCH_SIZE].label == "neutral" and scores[BATCH_SIZE + 1] == UNSCORED  # left out: unscored


def test_bad_answers_and_failed_calls_leave_posts_unscored(
    bedrock: tuple[Any, Stubber], caplog: pytest.LogCaptureFixture
) -> None:
    client, stub = bedrock
    stub.add_response("converse", answer("I cannot help with that."), expected(2))
    stub.add_response(
        "converse", answer([{"i": 0, "tone": 7}, {"i": True, "tone": 0.3}, {"i": 1, "tone": "x"}]), expected(2)
    )
    stub.add_client_error("converse", "ThrottlingException", "Rate exceeded", expected_params=expected(2))
    backend = BedrockTone(client, "it")
    for _ in range(3):
        assert backend.score_batch(["uno", "due"]) == [UNSCORED, UNSCORED]
    assert "not the JSON asked for" in caplog.text and "Rate exceeded" in caplog.text


def test_stance_towards_a_topic(bedrock: tuple[Any, Stubber]) -> None:
    client, stub = bedrock
    stub.add_response(
        "converse",
        answer([{"i": 0, "stance": "against"}, {"i": 1, "stance": "favour"}, {"i": 2, "stance": "?"}]),
        expected(3),
    )
    got = BedrockTone(client, "es").stance(["No a los aranceles", "Bien por el acuerdo", "Hoy llueve"], "trade")
    assert got == ["against", "favour", None]


def test_chosen_in_a_configuration_through_the_injected_client(bedrock: tuple[Any, Stubber]) -> None:
    client, stub = bedrock
    stub.add_response("converse", answer([{"i": 0, "tone": 0.8}]), expected(1))
    scorer = build_scorer(
        {"sw": "bedrock"}, BackendFactory(cloud=cloud_backends(lambda service: {"bedrock-runtime": client}[service]))
    )
    result = scorer.score_many([("Hii ni nzuri sana", "sw")])[0]
    assert result.label == "positive" and is_unvalidated(result.model, "sw")
    cost = BACKENDS["bedrock"].usd_per_million_posts(150)
    assert cost is not None and 1 < cost < 10  # Nova Micro: a few dollars per million posts (docs/COST.md)


def test_the_collect_function_may_invoke_the_backend_s_model_only() -> None:
    template = (Path(__file__).resolve().parents[2] / "template.yaml").read_text(encoding="utf-8")
    resources = yaml.load(template, Loader=_TemplateLoader)["Resources"]
    statements = [
        s
        for p in resources["CollectFunction"]["Properties"]["Policies"]
        if isinstance(p, dict) and "Statement" in p
        for s in p["Statement"]
        if "bedrock" in str(s.get("Action"))
    ]
    assert len(statements) == 1 and statements[0]["Action"] == "bedrock:InvokeModel"
    assert statements[0]["Resource"]["Fn::Sub"].endswith(f"foundation-model/{DEFAULT_MODEL_ID}")
