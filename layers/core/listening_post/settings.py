"""The environment, read once into a typed model: lake location, configuration, author key, AWS endpoint."""

from __future__ import annotations

import os
from collections.abc import Mapping
from functools import lru_cache

from pydantic import AliasChoices, Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_CONFIG = "config/example.yaml"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="LISTENING_POST_", extra="ignore", frozen=True)

    lake: str = Field(default="./lake", description="local folder or s3://bucket/prefix")
    config: str | None = Field(default=None, description="path of the configuration file")
    author_key: SecretStr | None = Field(default=None, description="HMAC key that pseudonymises authors")
    aws_endpoint_url: str | None = Field(
        default=None, validation_alias=AliasChoices("AWS_ENDPOINT_URL_S3", "AWS_ENDPOINT_URL")
    )
    aws_region: str | None = Field(default=None, validation_alias=AliasChoices("AWS_REGION", "AWS_DEFAULT_REGION"))
    log_level: str = "INFO"

    # Set by the SAM template for the deployed functions (each reads the ones it needs).
    config_location: str | None = Field(default=None, description="s3://bucket/key or ssm:/parameter/name")
    state_table: str | None = Field(default=None, description="DynamoDB table of cursors, ledger, idempotency")
    author_key_secret: str | None = Field(default=None, description="Secrets Manager secret of the author key")
    jobs_queue_url: str | None = None
    brief_sender: str | None = None
    brief_recipients: dict[str, list[str]] = Field(default_factory=dict, description='JSON: {"CA": ["a@b"]}')
    glue_database: str | None = None
    weekly_table: str | None = None
    data_bucket: str | None = None

    def require(self, *names: str) -> None:
        """Fail a cold start with every missing setting named, not with the first AttributeError."""
        missing = [f"LISTENING_POST_{n.upper()}" for n in names if not getattr(self, n)]
        if missing:
            raise RuntimeError("missing environment: " + ", ".join(missing))


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()


def environment() -> Mapping[str, str]:
    """The process environment, for the secrets a configuration names by variable (``{env: NAME}``)."""
    return dict(os.environ)
