"""The settings model reads the environment as pydantic-settings did (it no longer imports it)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from pydantic import ValidationError

from listening_post.settings import Settings

ENVIRONMENTS: list[dict[str, str]] = [
    {},
    {"LISTENING_POST_LAKE": "s3://bucket/lake", "LISTENING_POST_AUTHOR_KEY": "k" * 20, "UNRELATED": "x"},
    {"listening_post_lake": "lower-case names", "Listening_Post_State_Table": "mixed"},
    {"LISTENING_POST_CONFIG": "", "LISTENING_POST_LOG_LEVEL": "DEBUG"},
    {"AWS_ENDPOINT_URL": "http://a", "AWS_ENDPOINT_URL_S3": "http://s3", "AWS_DEFAULT_REGION": "eu-west-1"},
    {"AWS_ENDPOINT_URL": "http://a", "AWS_REGION": "us-east-1", "AWS_DEFAULT_REGION": "eu-west-1"},
    {"LISTENING_POST_AWS_REGION": "not read: the AWS names are", "LISTENING_POST_AWS_ENDPOINT_URL": "nor this"},
    {"LISTENING_POST_BRIEF_RECIPIENTS": json.dumps({"CA": ["pol@mission.example"], "DE": []})},
    {"LISTENING_POST_BRIEF_RECIPIENTS": "{}", "LISTENING_POST_BRIEF_SENDER": "briefs@mission.example"},
    {
        "LISTENING_POST_CONFIG_LOCATION": "s3://b/config.yaml",
        "LISTENING_POST_STATE_TABLE": "state",
        "LISTENING_POST_AUTHOR_KEY_SECRET": "arn:aws:secretsmanager:eu-west-1:1:secret:k",
        "LISTENING_POST_JOBS_QUEUE_URL": "https://sqs/q",
        "LISTENING_POST_GLUE_DATABASE": "lp",
        "LISTENING_POST_WEEKLY_TABLE": "weekly_topics",
        "LISTENING_POST_WEEKLY_SIDES_TABLE": "weekly_sides",
        "LISTENING_POST_AMPLIFICATION_TABLE": "weekly_amplification",
        "LISTENING_POST_DATA_BUCKET": "b",
    },
]


def clear(monkeypatch: pytest.MonkeyPatch) -> None:
    import os

    for name in list(os.environ):
        if name.upper().startswith(("LISTENING_POST_", "AWS_")):
            monkeypatch.delenv(name)


@pytest.mark.parametrize("environ", ENVIRONMENTS)
def test_the_environment_is_read_as_pydantic_settings_read_it(
    environ: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    pydantic_settings = pytest.importorskip("pydantic_settings")
    from pydantic import AliasChoices, Field, SecretStr

    class Reference(pydantic_settings.BaseSettings):  # type: ignore[misc,name-defined]  # the model as it was
        model_config = pydantic_settings.SettingsConfigDict(env_prefix="LISTENING_POST_", extra="ignore", frozen=True)

        lake: str = "./lake"
        config: str | None = None
        author_key: SecretStr | None = None
        aws_endpoint_url: str | None = Field(
            default=None, validation_alias=AliasChoices("AWS_ENDPOINT_URL_S3", "AWS_ENDPOINT_URL")
        )
        aws_region: str | None = Field(default=None, validation_alias=AliasChoices("AWS_REGION", "AWS_DEFAULT_REGION"))
        log_level: str = "INFO"
        max_payload_mb: float = 64.0
        config_location: str | None = None
        state_table: str | None = None
        author_key_secret: str | None = None
        jobs_queue_url: str | None = None
        brief_sender: str | None = None
        brief_recipients: dict[str, list[str]] = Field(default_factory=dict)
        glue_database: str | None = None
        weekly_table: str | None = None
        weekly_sides_table: str | None = None
        storylines_table: str | None = None
        amplification_table: str | None = None
        data_bucket: str | None = None

    clear(monkeypatch)
    for name, value in environ.items():
        monkeypatch.setenv(name, value)

    def plain(model: Any) -> dict[str, Any]:
        values = model.model_dump()
        values["author_key"] = model.author_key.get_secret_value() if model.author_key else None
        return dict(values)

    assert plain(Settings()) == plain(Reference())


def test_keywords_override_the_environment_and_settings_are_frozen(monkeypatch: pytest.MonkeyPatch) -> None:
    clear(monkeypatch)
    monkeypatch.setenv("LISTENING_POST_LAKE", "from-env")
    monkeypatch.setenv("LISTENING_POST_STATE_TABLE", "table")
    settings = Settings(lake="given")
    assert settings.lake == "given" and settings.state_table == "table"
    with pytest.raises(ValidationError):
        settings.lake = "changed"  # type: ignore[misc]
    assert repr(Settings(author_key="a-secret-key-of-20-ch")).count("a-secret") == 0


@pytest.mark.parametrize(("value", "message"), [("", "is not JSON"), ("nope", "is not JSON"), ("[1]", "dictionary")])
def test_bad_recipients_fail_with_the_variable_named(value: str, message: str, monkeypatch: pytest.MonkeyPatch) -> None:
    clear(monkeypatch)
    monkeypatch.setenv("LISTENING_POST_BRIEF_RECIPIENTS", value)
    with pytest.raises(ValidationError, match=message):
        Settings()


def test_require_names_every_missing_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    clear(monkeypatch)
    monkeypatch.setenv("LISTENING_POST_STATE_TABLE", "table")
    with pytest.raises(RuntimeError, match=r"LISTENING_POST_CONFIG_LOCATION, LISTENING_POST_JOBS_QUEUE_URL$"):
        Settings().require("config_location", "state_table", "jobs_queue_url")
