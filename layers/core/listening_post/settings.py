"""The environment, read once into a typed model: lake location, configuration, author key, AWS endpoint.

Each field is read from ``LISTENING_POST_<FIELD>`` (any case), except the AWS ones, which have the names
AWS gives them (the first one set wins); ``brief_recipients`` is JSON. This is what pydantic-settings did
for this model, in a few lines: importing pydantic-settings (its .env, secrets-directory and cloud
providers with it) cost every Lambda function about 40 ms of its cold start.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from functools import lru_cache
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, SecretStr, field_validator

DEFAULT_CONFIG = "config/example.yaml"
ENV_PREFIX = "LISTENING_POST_"
# Fields read from variables of other names than ENV_PREFIX + name, in order of precedence.
ENV_NAMES: dict[str, tuple[str, ...]] = {
    "aws_endpoint_url": ("AWS_ENDPOINT_URL_S3", "AWS_ENDPOINT_URL"),
    "aws_region": ("AWS_REGION", "AWS_DEFAULT_REGION"),
}


class Settings(BaseModel):
    """``Settings()`` reads the process environment; keyword arguments override it."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    lake: str = Field(default="./lake", description="local folder or s3://bucket/prefix")
    config: str | None = Field(default=None, description="path of the configuration file")
    author_key: SecretStr | None = Field(default=None, description="HMAC key that pseudonymises authors")
    aws_endpoint_url: str | None = None
    aws_region: str | None = None
    log_level: str = "INFO"
    # The most one imported file may hold once unpacked (.gz), in MiB: a gzip bomb is refused, not unpacked.
    max_payload_mb: float = Field(default=64.0, gt=0, le=2048)

    # Set by the SAM template for the deployed functions (each reads the ones it needs).
    config_location: str | None = Field(default=None, description="s3://bucket/key or ssm:/parameter/name")
    state_table: str | None = Field(default=None, description="DynamoDB table of cursors, ledger, idempotency")
    author_key_secret: str | None = Field(default=None, description="Secrets Manager secret of the author key")
    jobs_queue_url: str | None = None
    brief_sender: str | None = None
    brief_recipients: dict[str, list[str]] = Field(default_factory=dict, description='JSON: {"CA": ["a@b"]}')
    glue_database: str | None = None
    weekly_table: str | None = None
    weekly_sides_table: str | None = None
    storylines_table: str | None = None
    amplification_table: str | None = None
    data_bucket: str | None = None

    def __init__(self, **values: Any) -> None:
        super().__init__(**{**from_environment(os.environ), **values})

    @field_validator("brief_recipients", mode="before")
    @classmethod
    def _json(cls, value: Any) -> Any:
        if isinstance(value, str):
            try:
                return json.loads(value)
            except ValueError:
                raise ValueError(f"{ENV_PREFIX}BRIEF_RECIPIENTS is not JSON") from None
        return value

    def require(self, *names: str) -> None:
        """Fail a cold start with every missing setting named, not with the first AttributeError."""
        missing = [f"LISTENING_POST_{n.upper()}" for n in names if not getattr(self, n)]
        if missing:
            raise RuntimeError("missing environment: " + ", ".join(missing))


def from_environment(environ: Mapping[str, str]) -> dict[str, str]:
    """The fields of :class:`Settings` that ``environ`` sets, as strings (names matched in any case)."""
    upper = {name.upper(): value for name, value in environ.items()}
    found: dict[str, str] = {}
    for field in Settings.model_fields:
        for name in ENV_NAMES.get(field, (ENV_PREFIX + field.upper(),)):
            if name in upper:
                found[field] = upper[name]
                break
    return found


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()


def environment() -> Mapping[str, str]:
    """The process environment, for the secrets a configuration names by variable (``{env: NAME}``)."""
    return dict(os.environ)
