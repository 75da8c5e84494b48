"""One order of the author key for the command line and the deployed functions (README, "The author key").

1. ``LISTENING_POST_AUTHOR_KEY``: the key itself;
2. ``LISTENING_POST_AUTHOR_KEY_SECRET``: a Secrets Manager secret the deployment names;
3. the configuration's ``secrets.author_key`` reference.
The same environment and configuration give the same pseudonyms wherever the posts are written."""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterator
from pathlib import Path

import boto3
import pyarrow.parquet as pq
import pytest
import yaml
from moto import mock_aws

from listening_post.cli import main
from listening_post.deployment import Deployment
from listening_post.settings import Settings, get_settings

ROOT = Path(__file__).resolve().parents[2]
REGION, BUCKET = "us-east-1", "lp-config"
ENV_KEY = "key-from-LISTENING_POST_AUTHOR_KEY-01234"
STACK_KEY = "key-from-the-stacks-secret-0123456789ab"
CONFIG_KEY = "key-the-configuration-names-0123456789"


@pytest.fixture
def aws(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    for name, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": REGION,
        "AWS_REGION": REGION,
    }.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    with mock_aws():
        boto3.client("secretsmanager", region_name=REGION).create_secret(Name="lp/author-key", SecretString=STACK_KEY)
        yield


def author_id(key: str, source: str, native: str) -> str:
    return hmac.new(key.encode(), f"{source}:{native.strip().lower()}".encode(), hashlib.sha256).hexdigest()[:32]


def config_file(tmp_path: Path) -> Path:
    """The example configuration, its author key named by another variable (MY_AUTHOR_KEY)."""
    document = yaml.safe_load((ROOT / "config/example.yaml").read_text())
    document["secrets"]["author_key"] = {"env": "MY_AUTHOR_KEY"}
    path = tmp_path / "config.yaml"
    path.write_text(yaml.safe_dump(document))
    return path


CASES = {
    # name: (environment, the key that must win)
    "the configuration's reference only": ({"MY_AUTHOR_KEY": CONFIG_KEY}, CONFIG_KEY),
    "the key beats the configuration": (
        {"MY_AUTHOR_KEY": CONFIG_KEY, "LISTENING_POST_AUTHOR_KEY": ENV_KEY},
        ENV_KEY,
    ),
    "the stack's secret beats the configuration": (
        {"MY_AUTHOR_KEY": CONFIG_KEY, "LISTENING_POST_AUTHOR_KEY_SECRET": "lp/author-key"},
        STACK_KEY,
    ),
    "the key beats the stack's secret": (
        {"LISTENING_POST_AUTHOR_KEY": ENV_KEY, "LISTENING_POST_AUTHOR_KEY_SECRET": "lp/author-key"},
        ENV_KEY,
    ),
}


@pytest.mark.parametrize("case", CASES)
def test_the_command_line_and_the_functions_pick_the_same_key(
    case: str, aws: None, tmp_path: Path, payloads: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    environment, winner = CASES[case]
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    get_settings.cache_clear()
    config = config_file(tmp_path)
    expected = author_id(winner, "mastodon", "gargron@mastodon.social")

    # The deployed functions: the configuration from S3, as the stack stores it.
    s3 = boto3.client("s3", region_name=REGION)
    s3.create_bucket(Bucket=BUCKET)
    s3.put_object(Bucket=BUCKET, Key="config.yaml", Body=config.read_bytes())
    deployment = Deployment(Settings(config_location=f"s3://{BUCKET}/config.yaml", lake=str(tmp_path / "fn")))
    assert deployment.pseudonymiser.author_id("mastodon", "Gargron@mastodon.social") == expected

    # The command line, on a recorded Mastodon status by that account.
    lake = tmp_path / "cli"
    status = payloads / "mastodon" / "docs_entity_Status_example.json"
    code = main(
        ["import", "--source", "mastodon", "--country", "CA", "--config", str(config), "--lake", str(lake), str(status)]
    )
    assert code == 0
    files = sorted((lake / "posts").rglob("*.parquet"))
    authors = {a for f in files for a in pq.read_table(f, columns=["author_id"]).column("author_id").to_pylist()}
    assert authors == {expected}
