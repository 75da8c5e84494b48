"""What a deployed function builds from its settings: botocore clients, the configuration (validated), the
lake, the state table's adapters, secrets. Each is made on first use and then kept; the handlers ask at cold
start for what every invocation needs (the configuration, so that a bad one fails there) and leave the rest.

All clients come from one botocore session: a session loads the endpoint and partition data, and lists the
service models, once for all its clients; every boto3 ``client()``/``resource()`` call made a session of its
own, so each client paid that again (about 0.1 s), and importing boto3 (with s3transfer) cost more.
"""

from __future__ import annotations

import threading
from functools import cache, cached_property
from typing import TYPE_CHECKING, Any

from listening_post.settings import Settings, environment

if TYPE_CHECKING:  # imported when first used: the API function reads its configuration only on demand
    from listening_post.aws.state import DynamoDBCursorStore, Ledger
    from listening_post.config import Config
    from listening_post.credentials import SecretResolver
    from listening_post.enrich.pseudonym import Pseudonymiser
    from listening_post.lake import Lake


@cache
def _botocore_session() -> Any:
    import botocore.session

    from listening_post.aws import loader

    session = botocore.session.get_session()
    loader.install(session)  # the same models, loaded faster (aws/loader.py)
    return session


class Deployment:
    """Lazily made collaborators of a deployed function; each is made on first use and then kept."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._clients: dict[str, Any] = {}
        self._lock = threading.Lock()  # botocore sessions are not thread-safe; their clients are

    def client(self, service: str) -> Any:
        """The function's botocore client of ``service`` (one per service, shared by every caller).

        botocore's own session: boto3 adds only resources and S3 transfers on top, and importing it (with
        s3transfer) costs the API function about 0.1 s of every cold start. botocore reads AWS_ENDPOINT_URL
        itself (tests point it at moto on 127.0.0.1)."""
        client = self._clients.get(service)
        if client is None:
            with self._lock:
                client = self._clients.get(service)
                if client is None:
                    client = _botocore_session().create_client(service, region_name=self.settings.aws_region)
                    self._clients[service] = client
        return client

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

    @cached_property
    def secrets(self) -> SecretResolver:
        from listening_post.aws.secrets import SecretsManagerSource
        from listening_post.credentials import SecretResolver

        return SecretResolver(environment(), lambda: SecretsManagerSource(self.client("secretsmanager")))

    @cached_property
    def pseudonymiser(self) -> Pseudonymiser:
        """The author key from the stack's own secret when set, else where the configuration says."""
        from listening_post.enrich.pseudonym import Pseudonymiser

        if self.settings.author_key_secret:
            return Pseudonymiser(self.secrets.named(self.settings.author_key_secret).get_secret_value())
        return Pseudonymiser(self.secrets.resolve(self.config.secrets.author_key).get_secret_value())
