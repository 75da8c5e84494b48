"""Secrets Manager adapter: the secret string of a named secret. The boto3 client is injected."""

from __future__ import annotations

from typing import Any

from listening_post.credentials import MissingSecretError


class SecretsManagerSource:
    def __init__(self, client: Any) -> None:
        self._client = client

    def __repr__(self) -> str:
        return "SecretsManagerSource()"

    @classmethod
    def from_environment(cls, region: str | None = None) -> SecretsManagerSource:
        """A client from the usual AWS settings (``AWS_ENDPOINT_URL`` included, as boto3 reads it)."""
        import boto3

        return cls(boto3.client("secretsmanager", region_name=region))

    def get_secret_string(self, name: str) -> str:
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            response = self._client.get_secret_value(SecretId=name)
        except ClientError as exc:
            code = exc.response.get("Error", {}).get("Code", "error")
            raise MissingSecretError(f"Secrets Manager secret {name}: {code}") from None
        except BotoCoreError as exc:  # no credentials, no endpoint: say which, never more
            raise MissingSecretError(f"Secrets Manager secret {name}: {type(exc).__name__}") from None
        value = response.get("SecretString")
        if not isinstance(value, str):
            raise MissingSecretError(f"Secrets Manager secret {name} has no SecretString")
        return value


class PowertoolsSecretsSource:
    """Secrets Manager through Powertools Parameters: values cached for ``max_age`` seconds across
    invocations of a warm function, so a batch of jobs costs one GetSecretValue per secret."""

    def __init__(self, client: Any, max_age: int = 300) -> None:
        from aws_lambda_powertools.utilities.parameters import SecretsProvider

        self._provider = SecretsProvider(boto3_client=client)
        self._max_age = max_age

    def __repr__(self) -> str:
        return "PowertoolsSecretsSource()"

    def get_secret_string(self, name: str) -> str:
        from aws_lambda_powertools.utilities.parameters.exceptions import GetParameterError

        try:
            value = self._provider.get(name, max_age=self._max_age)
        except GetParameterError as exc:
            cause = exc.__cause__
            code = getattr(cause, "response", {}).get("Error", {}).get("Code") if cause else None
            raise MissingSecretError(f"Secrets Manager secret {name}: {code or type(cause).__name__}") from None
        if not isinstance(value, str):
            raise MissingSecretError(f"Secrets Manager secret {name} has no SecretString")
        return value
