"""Plan: on a schedule, put one collection job per (country, query, source) on the queue."""

import gc

# No cyclic GC during the cold start: its collections walk everything the imports build (~0.1 s in collect)
# and free nothing. At the end the cold start's objects are frozen (later collections skip them) and the GC
# is back on.
gc.disable()

from datetime import UTC, datetime
from typing import Any

from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext

from listening_post.aws.sqs import JobQueue
from listening_post.deployment import function
from listening_post.service import plan_collection

logger, metrics, settings, deployment = function("config_location", "state_table", "jobs_queue_url")
config = deployment.config  # validated at cold start: a bad configuration fails here, every problem listed
assert settings.jobs_queue_url is not None
queue = JobQueue(deployment.client("sqs"), settings.jobs_queue_url)
ledger = deployment.ledger


@logger.inject_lambda_context
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    result = plan_collection(config, queue, ledger, now=datetime.now(UTC))
    metrics.add_metric(name="JobsQueued", unit=MetricUnit.Count, value=result.jobs)
    metrics.add_metric(name="StaleCountries", unit=MetricUnit.Count, value=len(result.stale_countries))
    if result.stale_countries:
        logger.warning("no posts for 24 hours", extra={"countries": result.stale_countries})
    return {"run_id": result.run_id, "jobs": result.jobs, "stale_countries": result.stale_countries}


gc.freeze()
gc.enable()
