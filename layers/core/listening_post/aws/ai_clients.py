"""boto3 clients of the AWS AI services the cloud sentiment backends call (Comprehend, Translate).

Region and credentials come from the usual AWS settings (the Lambda role, ``AWS_REGION``,
``AWS_ENDPOINT_URL``). Retries use botocore's standard mode, which backs off on throttling.
"""

from __future__ import annotations

from typing import Any


def ai_client(service: str) -> Any:
    import boto3
    from botocore.config import Config

    return boto3.client(service, config=Config(retries={"mode": "standard", "max_attempts": 5}))  # type: ignore[call-overload]
