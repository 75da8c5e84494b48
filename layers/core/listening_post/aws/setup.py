"""Whether AWS is set up for a call a command needs, checked before the first call, so that a laptop with
no region or no credentials gets one sentence saying which is missing instead of botocore's traceback at
the first request (``NoRegionError`` is raised when a client is made, ``NoCredentialsError`` at its first
call)."""

from __future__ import annotations

import os
from typing import Any


class AwsSetupError(Exception):
    """AWS is not set up for what was asked; the message says what is missing and how to provide it."""


def boto3_client(service: str, *, purpose: str, region: str | None = None, config: Any = None) -> Any:
    """A boto3 client of ``service``, or :class:`AwsSetupError` naming what ``purpose`` lacks."""
    import boto3
    from botocore.exceptions import BotoCoreError

    try:
        # AWS_REGION too, as the README and Lambda name it; botocore itself reads only AWS_DEFAULT_REGION.
        session = boto3.Session(region_name=region or os.environ.get("AWS_REGION") or None)
        if not session.region_name:
            raise AwsSetupError(f"{purpose} needs an AWS region: set AWS_REGION (or a region in the AWS profile)")
        if session.get_credentials() is None:
            raise AwsSetupError(
                f"{purpose} needs AWS credentials: none were found (environment, AWS profile, SSO or instance role)"
            )
        return session.client(service, config=config)  # type: ignore[call-overload]
    except BotoCoreError as exc:  # a profile that does not exist, a broken config file: botocore says which
        raise AwsSetupError(f"{purpose}: {exc}") from None
