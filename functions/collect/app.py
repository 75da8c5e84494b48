"""Collect: each SQS message is one (country, query, source) job; a job that fails is a batch item failure.

The same message delivered twice runs once (Powertools idempotency on the job's key); even without that,
the lake's dedup on post_id would absorb the rows. No handler ships the X-Ray SDK (about 260 ms more at
every cold start, and a layer's worth of size): active tracing on the functions records each invocation.
"""

import gc

# No cyclic GC during the cold start: its collections walk everything the imports build (~0.1 s in collect)
# and free nothing. At the end the cold start's objects are frozen (later collections skip them) and the GC
# is back on.
gc.disable()

from typing import Any

from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.batch.types import PartialItemFailureResponse
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
from aws_lambda_powertools.utilities.typing import LambdaContext

from listening_post.aws.idempotency import Idempotent
from listening_post.deployment import function
from listening_post.jobs import JobSpec
from listening_post.service import CollectRuntime

logger, metrics, settings, deployment = function("config_location", "state_table")
runtime = CollectRuntime(
    deployment.config,
    lake=deployment.lake,
    cursors=deployment.cursors,
    ledger=deployment.ledger,
    secrets=deployment.secrets,
    pseudonymiser=deployment.pseudonymiser,
    backends=deployment.sentiment_backends,
)
processor = BatchProcessor(event_type=EventType.SQS)


def run_job(job: JobSpec) -> dict[str, Any]:
    return runtime.run(job)


# Powertools idempotency on the state table, with the cursors' DynamoDB client; imported with the first job.
collect_job = Idempotent(
    run_job,
    argument="job",
    client=deployment.client("dynamodb"),
    table=deployment.state_table,
    expires_after_seconds=24 * 3600,
)


def record_handler(record: SQSRecord) -> dict[str, Any]:
    job = JobSpec.model_validate_json(record.body)
    logger.append_keys(job=job.key)
    result = collect_job(job)
    metrics.add_metric(name="PostsWritten", unit=MetricUnit.Count, value=result.get("posts", 0))
    return result


@logger.inject_lambda_context
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> PartialItemFailureResponse:
    collect_job.register_lambda_context(context)
    return process_partial_response(event=event, record_handler=record_handler, processor=processor, context=context)


gc.freeze()
gc.enable()
