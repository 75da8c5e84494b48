"""What every deployed function builds once at cold start from its settings: boto3 clients, the
configuration (validated), the S3 lake, the state table, secrets through Powertools Parameters."""

from __future__ import annotations

from functools import cache, cached_property
from typing import TYPE_CHECKING, Any

from listening_post.enrich.pseudonym import Pseudonymiser
from listening_post.settings import Settings, environment

if TYPE_CHECKING:  # imported when first used: the API function reads its configuration only on demand
    from listening_post.config import Config
    from listening_post.credentials import SecretResolver


@cache
def _botocore_session() -> Any:
    import botocore.session

    return botocore.session.get_session()


class Deployment:
    """Lazily made collaborators of a deployed function; each is made on first use and then kept."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    def client(self, service: str) -> Any:
        # botocore's own session: boto3 adds only resources and S3 transfers on top, and importing it
        # (with s3transfer) costs the API function about 0.1 s of every cold start. botocore reads
        # AWS_ENDPOINT_URL itself (tests point it at moto on 127.0.0.1).
        return _botocore_session().create_client(service, region_name=self.settings.aws_region)

    @cached_property
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
    def lake(self) -> Any:
        from listening_post.lake import Lake

        return Lake.from_uri(
            self.settings.lake, endpoint_url=self.settings.aws_endpoint_url, region=self.settings.aws_region
        )

    @cached_property
    def table(self) -> Any:
        import boto3

        self.settings.require("state_table")
        return boto3.resource("dynamodb", region_name=self.settings.aws_region).Table(self.settings.state_table)

    @cached_property
    def secrets(self) -> SecretResolver:
        from listening_post.aws.secrets import PowertoolsSecretsSource
        from listening_post.credentials import SecretResolver

        return SecretResolver(environment(), lambda: PowertoolsSecretsSource(self.client("secretsmanager")))

    @cached_property
    def pseudonymiser(self) -> Pseudonymiser:
        """The author key from the stack's own secret when set, else where the configuration says."""
        if self.settings.author_key_secret:
            return Pseudonymiser(self.secrets.named(self.settings.author_key_secret).get_secret_value())
        return Pseudonymiser(self.secrets.resolve(self.config.secrets.author_key).get_secret_value())
