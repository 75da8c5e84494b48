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


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()


def environment() -> Mapping[str, str]:
    """The process environment, for the secrets a configuration names by variable (``{env: NAME}``)."""
    return dict(os.environ)
