"""API: the briefs over HTTP (API Gateway HTTP API), the same routes and code as `listening-post serve`.

It reads briefs from S3 with boto3 (no pyarrow), so it stays small and starts fast; the configuration is
read on the first request that needs country names, not at cold start.
"""

import gc

# No cyclic GC during the cold start: its collections walk everything the imports build (~0.1 s in collect)
# and free nothing. At the end the cold start's objects are frozen (later collections skip them) and the GC
# is back on.
gc.disable()

from functools import cache
from typing import Any

from aws_lambda_powertools.utilities.parser.models import APIGatewayProxyEventV2Model
from aws_lambda_powertools.utilities.typing import LambdaContext
from pydantic import ValidationError

from listening_post.aws.s3 import S3Documents
from listening_post.deployment import function
from listening_post.web.api import create_app, invalid_event
from listening_post.web.store import BriefStore

logger, _metrics, settings, deployment = function("data_bucket", "config_location")


@cache
def configured_countries() -> dict[str, str]:
    return {c.code: c.display_name for c in deployment.config.countries}


app = create_app(BriefStore(S3Documents(deployment.s3, str(settings.data_bucket))), configured_countries)


@logger.inject_lambda_context(correlation_id_path="requestContext.requestId")
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    # The event is checked against API Gateway's HTTP API (v2) model first: the resolver reads fields
    # such as requestContext.http.method unchecked, and a malformed event would be its KeyError, a 500.
    try:
        APIGatewayProxyEventV2Model.model_validate(event)
    except ValidationError as exc:
        response = invalid_event(exc)
        logger.warning("not an API Gateway HTTP API event", extra={"problems": response["body"]})
        return response
    return app.resolve(event, context)


gc.freeze()
gc.enable()
