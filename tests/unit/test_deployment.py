"""The composition root (deployment.py): cloud sentiment backends get the deployment's own clients, and a
process given none refuses a cloud choice by name. No request is sent: clients are only made."""

from __future__ import annotations

from pathlib import Path

import botocore.session
import pytest

from listening_post import deployment as root
from listening_post.aws import loader
from listening_post.aws.setup import AwsSetupError
from listening_post.scoring.backends import BackendFactory, build_scorer
from listening_post.settings import Settings


@pytest.fixture
def fresh_session(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """A botocore session of this test's environment only (no profile, no region unless the test sets one)."""
    for name in ("AWS_REGION", "AWS_DEFAULT_REGION", "AWS_PROFILE", "AWS_ENDPOINT_URL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "no-config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "no-credentials"))
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    session = botocore.session.get_session()
    loader.install(session)  # as the deployment's own session
    monkeypatch.setattr(root, "_botocore_session", lambda: session)


def test_cloud_backends_use_the_deployments_clients(fresh_session: None) -> None:
    deployment = root.Deployment(Settings(aws_region="eu-central-1"))
    factory = deployment.sentiment_backends
    comprehend = factory.backend("comprehend", "es")
    translate = factory.backend("translate-vader", "sw")
    # One client per service for the whole deployment, with botocore's standard retries.
    assert comprehend._client is deployment.client("comprehend")  # type: ignore[attr-defined]
    assert translate._client is deployment.client("translate")  # type: ignore[attr-defined]
    assert comprehend._client.meta.region_name == "eu-central-1"  # type: ignore[attr-defined]
    retries = comprehend._client.meta.config.retries  # type: ignore[attr-defined]
    assert retries["mode"] == "standard" and retries["total_max_attempts"] == 6  # 5 retries after the first call
    assert translate._vader is factory.vader()  # type: ignore[attr-defined]
    assert factory is deployment.sentiment_backends


def test_a_cloud_backend_without_a_region_says_so_when_built(fresh_session: None) -> None:
    scorer = build_scorer({"es": "comprehend"}, root.Deployment(Settings()).sentiment_backends)
    with pytest.raises(AwsSetupError, match="Amazon Comprehend needs an AWS region: set AWS_REGION"):
        scorer.score("El acuerdo es una excelente noticia", "es")


def test_a_factory_given_no_cloud_builders_refuses_a_cloud_choice_by_name() -> None:
    scorer = build_scorer({"es": "comprehend"}, BackendFactory())
    with pytest.raises(ValueError, match="'comprehend' is a cloud backend, and this process was given no cloud"):
        scorer.score("El acuerdo es una excelente noticia", "es")
    assert BackendFactory().backend("vader", "en").score("great").label == "positive"
