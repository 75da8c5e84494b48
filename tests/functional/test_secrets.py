"""Secrets resolved from the configuration's references: environment and Secrets Manager (moto)."""

from __future__ import annotations

import json

import boto3
import pytest
from moto import mock_aws

from listening_post.aws.secrets import SecretsManagerSource
from listening_post.config import SecretRef
from listening_post.credentials import MissingSecretError, SecretResolver


def test_environment_references() -> None:
    resolver = SecretResolver({"X_TOKEN": "tok-value"})
    value = resolver.resolve(SecretRef(env="X_TOKEN"))
    assert value.get_secret_value() == "tok-value"
    assert "tok-value" not in repr(value) and "tok-value" not in repr(resolver)
    with pytest.raises(MissingSecretError, match="environment variable NOPE is not set"):
        resolver.resolve(SecretRef(env="NOPE"))


def test_no_secrets_manager_is_made_while_env_suffices() -> None:
    def factory() -> SecretsManagerSource:
        raise AssertionError("Secrets Manager must not be touched")

    assert SecretResolver({"A": "1"}, factory).resolve(SecretRef(env="A")).get_secret_value() == "1"


@pytest.fixture
def secretsmanager(monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    for name, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_EC2_METADATA_DISABLED": "true",
    }.items():
        monkeypatch.setenv(name, value)
    with mock_aws():
        client = boto3.client("secretsmanager", region_name="us-east-1")
        client.create_secret(Name="listening-post/reddit", SecretString=json.dumps({"client_secret": "s3cr3t-value"}))
        client.create_secret(Name="listening-post/plain", SecretString="plain-value")
        client.create_secret(Name="listening-post/text", SecretString="not json")
        yield client


def test_secrets_manager_references(secretsmanager) -> None:  # type: ignore[no-untyped-def]
    calls = []

    def factory() -> SecretsManagerSource:
        calls.append(1)
        return SecretsManagerSource(secretsmanager)

    resolver = SecretResolver({}, factory)
    ref = SecretRef(secretsmanager="listening-post/reddit", key="client_secret")
    assert resolver.resolve(ref).get_secret_value() == "s3cr3t-value"
    assert resolver.resolve(SecretRef(secretsmanager="listening-post/plain")).get_secret_value() == "plain-value"
    assert len(calls) == 1  # one client for the run
    with pytest.raises(MissingSecretError, match=r"\(key nope\): no such key") as err:
        resolver.resolve(SecretRef(secretsmanager="listening-post/reddit", key="nope"))
    assert "s3cr3t-value" not in str(err.value)
    with pytest.raises(MissingSecretError, match="not a JSON object") as err:
        resolver.resolve(SecretRef(secretsmanager="listening-post/text", key="x"))
    assert "not json" not in str(err.value)
    with pytest.raises(MissingSecretError, match="listening-post/missing: ResourceNotFoundException"):
        resolver.resolve(SecretRef(secretsmanager="listening-post/missing"))


def test_no_credentials_is_a_missing_secret(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_PROFILE", "AWS_SESSION_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent")
    monkeypatch.setenv("AWS_CONFIG_FILE", "/nonexistent")
    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:9")  # never leaves the machine
    # Found when the client is made, before any request, and said in words.
    with pytest.raises(MissingSecretError, match="Secrets Manager needs AWS credentials: none were found"):
        SecretsManagerSource.from_environment("us-east-1")
