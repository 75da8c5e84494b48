"""Where a deployed function reads its configuration: an S3 object or an SSM parameter, validated with the
same model as ``listening-post validate-config`` (a bad configuration fails the cold start with every
problem listed, before anything is collected)."""

from __future__ import annotations

from typing import Any

from listening_post.config import MAX_CONFIG_BYTES, Config, ConfigError, Problem, parse_config, too_large


def read_config_text(location: str, *, s3: Any = None, ssm: Any = None) -> str:
    if location.startswith("s3://"):
        bucket, _, key = location.removeprefix("s3://").partition("/")
        if not bucket or not key:
            raise ConfigError([Problem(location, None, None, "", "an S3 location is s3://bucket/key")])
        body: bytes = s3.get_object(Bucket=bucket, Key=key)["Body"].read(MAX_CONFIG_BYTES + 1)  # never more
        if len(body) > MAX_CONFIG_BYTES:
            raise ConfigError([too_large(location)])
        try:
            return body.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise ConfigError([Problem(location, None, None, "", f"the object is not UTF-8 text: {exc}")]) from None
    if location.startswith("ssm:"):
        name = location.removeprefix("ssm:")
        value: str = ssm.get_parameter(Name=name, WithDecryption=True)["Parameter"]["Value"]
        return value
    raise ConfigError([Problem(location, None, None, "", "the configuration location is s3://... or ssm:/...")])


def load_config_from(location: str, *, s3: Any = None, ssm: Any = None) -> Config:
    return parse_config(read_config_text(location, s3=s3, ssm=ssm), name=location)
