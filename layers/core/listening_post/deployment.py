"""The composition root: what the command line and the deployed functions build from their settings —
botocore clients, the configuration, the lake, the state table's adapters, secrets, the author key and the
sentiment backends. Each is made on first use and then kept; the handlers ask at cold start for what every
invocation needs (the configuration, so that a bad one fails there) and leave the rest.

All clients come from one botocore session: a session loads the endpoint and partition data, and lists the
service models, once for all its clients; every boto3 ``client()``/``resource()`` call made a session of its
own, so each client paid that again (about 0.1 s), and importing boto3 (with s3transfer) cost more.

The author key is found in one order, here only (README, "The author key"):
1. ``LISTENING_POST_AUTHOR_KEY``, the key itself;
2. ``LISTENING_POST_AUTHOR_KEY_SECRET``, a Secrets Manager secret the deployment names (the stack's own);
3. the configuration's ``secrets.author_key`` reference.
"""

from __future__ import annotations

import threading
from functools import cached_property
from typing import TYPE_CHECKING, Any, NamedTuple

from listening_post.settings import Settings, environment, get_settings

if TYPE_CHECKING:  # imported when first used: the API function reads its configuration only on demand
    from aws_lambda_powertools import Logger, Metrics
    from pydantic import SecretStr

    from listening_post.aws.state import DynamoDBCursorStore, Ledger
    from listening_post.config import Config
    from listening_post.credentials import SecretResolver, SecretSource
    from listening_post.enrich.pseudonym import Pseudonymiser
    from listening_post.lake import Lake
    from listening_post.scoring.backends import BackendFactory


def _botocore_session() -> Any:
    import botocore.session

    from listening_post.aws import loader

    session = botocore.session.get_session()
    loader.install(session)  # the same models, loaded faster (aws/loader.py)
    return session


class Deployment:
    """Lazily made collaborators of the command line or a deployed function; each made on first use, then kept.

    ``config`` is the configuration when the caller has loaded it (the command line reads a file); otherwise
    it is read from ``settings.config_location`` (S3 or SSM) on first use."""

    def __init__(self, settings: Settings, *, config: Config | None = None) -> None:
        self.settings = settings
        self._clients: dict[str, Any] = {}
        self._session: Any = None
        self._lock = threading.Lock()  # botocore sessions are not thread-safe; their clients are
        if config is not None:
            self.__dict__["config"] = config  # cached_property's slot: no location is read

    def client(self, service: str, *, purpose: str | None = None, config: Any = None) -> Any:
        """The botocore client of ``service`` (one per service, shared by every caller).

        botocore's own session: boto3 adds only resources and S3 transfers on top, and importing it (with
        s3transfer) costs the API function about 0.1 s of every cold start. botocore reads AWS_ENDPOINT_URL
        itself (tests point it at moto on 127.0.0.1). With ``purpose``, a missing region or credentials is
        :class:`~listening_post.aws.setup.AwsSetupError` saying what ``purpose`` lacks, before the first call."""
        client = self._clients.get(service)
        if client is None:
            with self._lock:
                client = self._clients.get(service)
                if client is None:
                    client = self._make_client(service, purpose, config)
                    self._clients[service] = client
        return client

    def _make_client(self, service: str, purpose: str | None, config: Any) -> Any:
        # One session per deployment (a CLI run, a function's container), not per process: a session keeps
        # the credentials it found, and a second deployment in the same process may have none.
        session = self._session = self._session or _botocore_session()
        if purpose is None:
            return session.create_client(service, region_name=self.settings.aws_region, config=config)
        from botocore.exceptions import BotoCoreError

        from listening_post.aws.setup import AwsSetupError

        try:
            region = self.settings.aws_region or session.get_config_variable("region")
            if not region:
                raise AwsSetupError(f"{purpose} needs an AWS region: set AWS_REGION (or a region in the AWS profile)")
            if session.get_credentials() is None:
                raise AwsSetupError(
                    f"{purpose} needs AWS credentials: none were found (environment, AWS profile, SSO or instance role)"
                )
            return session.create_client(service, region_name=region, config=config)
        except BotoCoreError as exc:  # a profile that does not exist, a broken config file: botocore says which
            raise AwsSetupError(f"{purpose}: {exc}") from None

    def ai_client(self, service: str) -> Any:
        """The client of an AWS AI service a cloud sentiment backend calls (Comprehend, Translate, Bedrock);
        checked when made, not at the first text: without a region or credentials, one line says which."""
        from botocore.config import Config as ClientConfig

        # botocore's standard retry mode backs off on throttling; the AI services throttle first.
        retries = ClientConfig(retries={"mode": "standard", "max_attempts": 5})
        return self.client(service, purpose=f"Amazon {service.title()}", config=retries)

    @property
    def s3(self) -> Any:
        return self.client("s3")

    @cached_property
    def config(self) -> Config:
        from listening_post.aws.config_source import load_config_from

        self.settings.require("config_location")
        assert self.settings.config_location is not None
        ssm = self.client("ssm") if self.settings.config_location.startswith("ssm:") else None
        return load_config_from(self.settings.config_location, s3=self.s3, ssm=ssm)

    @cached_property
    def lake(self) -> Lake:
        from listening_post.lake import Lake

        return Lake.from_uri(
            self.settings.lake, endpoint_url=self.settings.aws_endpoint_url, region=self.settings.aws_region
        )

    @property
    def state_table(self) -> str:
        self.settings.require("state_table")
        assert self.settings.state_table is not None
        return self.settings.state_table

    @cached_property
    def cursors(self) -> DynamoDBCursorStore:
        from listening_post.aws.state import DynamoDBCursorStore

        return DynamoDBCursorStore(self.client("dynamodb"), self.state_table)

    @cached_property
    def ledger(self) -> Ledger:
        from listening_post.aws.state import Ledger

        return Ledger(self.client("dynamodb"), self.state_table)

    def _secretsmanager(self) -> SecretSource:
        from listening_post.credentials import MissingSecretError

        try:
            from listening_post.aws.secrets import SecretsManagerSource
            from listening_post.aws.setup import AwsSetupError
        except ImportError:  # a laptop install without the aws extra
            raise MissingSecretError("Secrets Manager needs boto3 (pip install 'listening-post[aws]')") from None
        try:
            return SecretsManagerSource(self.client("secretsmanager", purpose="Secrets Manager"))
        except AwsSetupError as exc:
            raise MissingSecretError(str(exc)) from None

    @cached_property
    def secrets(self) -> SecretResolver:
        from listening_post.credentials import SecretResolver

        return SecretResolver(environment(), self._secretsmanager)

    def author_key(self, config: Config | None = None) -> SecretStr:
        """The author key, in the one order of the module's docstring; ``config`` is the configuration to
        read step 3 from (default: this deployment's, when it has one). :class:`MissingAuthorKeyError`
        names where it was looked for when no step gives one."""
        from listening_post.credentials import MissingSecretError
        from listening_post.enrich.pseudonym import MissingAuthorKeyError

        if self.settings.author_key:
            return self.settings.author_key
        if self.settings.author_key_secret:
            try:
                return self.secrets.named(self.settings.author_key_secret)
            except MissingSecretError as exc:
                raise MissingAuthorKeyError(f"no author key from LISTENING_POST_AUTHOR_KEY_SECRET: {exc}") from None
        if config is None and ("config" in self.__dict__ or self.settings.config_location):
            config = self.config
        if config is None:
            raise MissingAuthorKeyError(
                "no author pseudonymisation key: set LISTENING_POST_AUTHOR_KEY (or the secret that "
                "secrets.author_key names); nothing was written"
            )
        try:
            return self.secrets.resolve(config.secrets.author_key)
        except MissingSecretError as exc:
            raise MissingAuthorKeyError(
                f"no author pseudonymisation key: LISTENING_POST_AUTHOR_KEY is not set and the configuration's "
                f"secrets.author_key cannot be read ({exc}); nothing was written"
            ) from None

    @cached_property
    def pseudonymiser(self) -> Pseudonymiser:
        from listening_post.enrich.pseudonym import Pseudonymiser

        return Pseudonymiser(self.author_key().get_secret_value())

    @cached_property
    def sentiment_backends(self) -> BackendFactory:
        """The sentiment backends, the cloud ones with AI clients of this deployment's session."""
        from listening_post.aws.ai_clients import cloud_backends
        from listening_post.scoring.backends import BackendFactory

        return BackendFactory(cloud=cloud_backends(self.ai_client))


class Function(NamedTuple):
    """What every deployed function's module makes at cold start (:func:`function`), in unpacking order."""

    logger: Logger
    metrics: Metrics
    settings: Settings
    deployment: Deployment


def function(*required: str) -> Function:
    """The handlers' one preamble: Powertools' logger (scrubbing secret values, as the library's logs are)
    and metrics, the settings with every one of ``required`` checked (a cold start fails naming each missing
    one), and the deployment."""
    from aws_lambda_powertools import Logger, Metrics

    from listening_post import secrecy

    logger = Logger()
    logger.addFilter(secrecy.ScrubbingFilter())  # no secret value in what we log
    secrecy.install()  # nor in what the library logs
    settings = get_settings()
    settings.require(*required)
    return Function(logger=logger, metrics=Metrics(), settings=settings, deployment=Deployment(settings))
