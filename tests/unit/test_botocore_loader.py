"""aws/loader.py loads the same botocore models as botocore's own loader, in the same order."""

from __future__ import annotations

import json

import botocore.loaders
import botocore.session
import pytest
from botocore.exceptions import UnknownServiceError

from listening_post.aws import loader

# Every service a function or the CLI makes a client of.
SERVICES = ("s3", "dynamodb", "sqs", "secretsmanager", "ssm", "glue", "sesv2", "comprehend", "translate")
TYPES = ("service-2", "endpoint-rule-set-1", "paginators-1", "waiters-2")


@pytest.fixture(scope="module")
def loaders() -> tuple[botocore.loaders.Loader, loader.Loader]:
    session = botocore.session.Session()
    assert loader.install(session)
    fast = session.get_component("data_loader")
    assert isinstance(fast, loader.Loader)
    return botocore.loaders.create_loader(), fast


@pytest.mark.parametrize("service", SERVICES)
def test_the_models_are_botocores_in_the_same_order(
    service: str, loaders: tuple[botocore.loaders.Loader, loader.Loader]
) -> None:
    stock, fast = loaders
    for type_name in TYPES:
        if service not in stock.list_available_services(type_name):
            assert service not in fast.list_available_services(type_name)
            continue
        assert service in fast.list_available_services(type_name)
        expected = stock.load_service_model(service, type_name)
        got = fast.load_service_model(service, type_name)
        assert json.dumps(got) == json.dumps(expected)  # key order included
    for name in ("endpoints", "partitions", "_retry", "sdk-default-configuration"):
        assert json.dumps(fast.load_data(name)) == json.dumps(stock.load_data(name))


def test_unknown_services_fail_as_with_botocore(loaders: tuple[botocore.loaders.Loader, loader.Loader]) -> None:
    stock, fast = loaders
    for name in ("no-such-service", "../s3", "", ".", "s3/2006-03-01"):
        with pytest.raises(UnknownServiceError) as expected:
            stock.load_service_model(name, "service-2")
        with pytest.raises(UnknownServiceError) as got:
            fast.load_service_model(name, "service-2")
        assert str(got.value) == str(expected.value)
    listed = fast.list_available_services("service-2")
    assert list(listed) == stock.list_available_services("service-2") and len(listed) > 300


def test_clients_of_a_session_with_the_loader_work(monkeypatch: pytest.MonkeyPatch) -> None:
    session = botocore.session.Session()
    assert loader.install(session)
    client = session.create_client(
        "dynamodb", region_name="eu-west-1", aws_access_key_id="k", aws_secret_access_key="s"
    )
    assert client.meta.service_model.operation_model("GetItem").name == "GetItem"
    assert client.can_paginate("query") and client.exceptions.ConditionalCheckFailedException
    # A read-only sequence rather than a list, with the same services.
    assert list(session.get_available_services()) == botocore.session.Session().get_available_services()


def test_a_botocore_without_what_the_loader_needs_keeps_its_own(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delattr(botocore.loaders, "_JSON_OPEN_METHODS")
    session = botocore.session.Session()
    assert not loader.install(session)
    assert type(session.get_component("data_loader")) is botocore.loaders.Loader
