"""Malformed events to the Lambda handlers: the API answers 4xx with the security headers, the brief function
logs a validation error and fails the invocation; neither raises a KeyError nor succeeds empty."""

from __future__ import annotations

import json
from typing import Any

import pytest

from listening_post.web.api import SECURITY_HEADERS
from tests.functional import test_handlers as base
from tests.functional.handlers import FakeContext, event, load_handler

aws = base.aws  # the moto stack and the demo configuration of the handler tests


def _without(data: dict[str, Any], *path: str) -> dict[str, Any]:
    copy = json.loads(json.dumps(data))
    target = copy
    for key in path[:-1]:
        target = target[key]
    del target[path[-1]]
    return copy


@pytest.mark.parametrize(
    ("name", "mutate"),
    [
        ("no requestContext", lambda e: _without(e, "requestContext")),
        ("null rawPath", lambda e: {**e, "rawPath": None}),
        ("no rawPath", lambda e: _without(e, "rawPath")),
        ("no http method", lambda e: _without(e, "requestContext", "http", "method")),
        ("headers not an object", lambda e: {**e, "headers": ["host"]}),
        ("requestContext null", lambda e: {**e, "requestContext": None}),
        ("empty event", lambda e: {}),
        ("a list", lambda e: [e]),
        ("null", lambda e: None),
        ("a REST API (v1) event", lambda e: {"resource": "/", "path": "/", "httpMethod": "GET"}),
    ],
)
def test_api_answers_a_malformed_event_with_a_400(aws: dict[str, Any], name: str, mutate: Any) -> None:
    handler = load_handler("api")
    response = handler.lambda_handler(mutate(event("api")), FakeContext())
    assert response["statusCode"] == 400, (name, response)
    assert json.loads(response["body"])["error"].startswith("invalid event: ")
    assert SECURITY_HEADERS.items() <= response["headers"].items()


def test_api_still_answers_a_well_formed_event(aws: dict[str, Any]) -> None:
    aws["s3"].put_object(Bucket=base.BUCKET, Key="briefs/country=CA/week=2026-W47/summary.json", Body=b"{}")
    response = load_handler("api").lambda_handler(event("api"), FakeContext())
    assert response["statusCode"] == 200 and SECURITY_HEADERS.items() <= response["headers"].items()


@pytest.mark.parametrize(
    ("request_", "problem"),
    [
        ({"week": "2026-W99"}, "2026 has no ISO week 99"),
        ({"week": "next week"}, "is not an ISO week"),
        ({"week": 202647}, "week"),
        ({"countries": ["ZZ"]}, "not configured: 'ZZ'"),
        ({"countries": ["CA", "FR"]}, "not configured: 'FR'"),
        ({"countries": "CA"}, "countries"),
        ({"countries": []}, "countries"),
        ([1, 2], "event"),
    ],
)
def test_brief_fails_loudly_on_a_bad_request(
    aws: dict[str, Any],
    caplog: pytest.LogCaptureFixture,
    capsys: pytest.CaptureFixture[str],
    request_: Any,
    problem: str,
) -> None:
    handler = load_handler("brief")
    with pytest.raises(handler.BriefRequestError, match="invalid brief request") as err:
        handler.lambda_handler(request_, FakeContext())
    assert problem in str(err.value)
    errors = [r for r in caplog.records if r.levelname == "ERROR" and r.getMessage() == "invalid brief request"]
    assert errors and problem in errors[0].problems
    metrics = [json.loads(line) for line in capsys.readouterr().out.splitlines() if '"_aws"' in line]
    assert metrics and metrics[-1]["InvalidRequests"] == [1.0]
    assert not (aws["lake_dir"] / "briefs").exists()  # nothing was built


def test_brief_accepts_the_scheduler_s_empty_event(aws: dict[str, Any]) -> None:
    handler = load_handler("brief")
    assert handler.parse_request({}).countries is None
    assert handler.parse_request(None).week is None
    assert (
        handler.parse_request({"week": "2026-W47", "countries": ["CA"], "source": "aws.scheduler"}).week == "2026-W47"
    )
