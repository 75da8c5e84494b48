"""boto3 clients of the AWS AI services the cloud sentiment backends call (Comprehend, Translate).

Region and credentials come from the usual AWS settings (the Lambda role, ``AWS_REGION``,
``AWS_ENDPOINT_URL``). Retries use botocore's standard mode, which backs off on throttling.
"""

from __future__ import annotations

from typing import Any


def ai_client(service: str) -> Any:
    from botocore.config import Config

    from listening_post.aws.setup import boto3_client

    # Checked here, not at the first text: without a region or credentials, one line says which is missing.
    return boto3_client(
        service, purpose=f"Amazon {service.title()}", config=Config(retries={"mode": "standard", "max_attempts": 5})
    )
