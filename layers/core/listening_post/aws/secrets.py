"""Secrets Manager adapter: the secret string of a named secret. The client (botocore's or boto3's) is
injected. Values are fetched once per process: :class:`~listening_post.credentials.SecretResolver` keeps
each secret's string, so a warm function asks Secrets Manager once per secret."""

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
        """A client from the usual AWS settings (``AWS_ENDPOINT_URL`` included, as boto3 reads it); without a
        region or credentials, :class:`MissingSecretError` saying which (the source is then skipped)."""
        from listening_post.aws.setup import AwsSetupError, boto3_client

        try:
            return cls(boto3_client("secretsmanager", purpose="Secrets Manager", region=region))
        except AwsSetupError as exc:
            raise MissingSecretError(str(exc)) from None

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
