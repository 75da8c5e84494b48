"""Compact: daily, rewrite each posts partition with more than one file as one deduplicated file.

Retention is S3's lifecycle rule on posts/ here, so compaction does not delete by age."""

import gc

# No cyclic GC during the cold start: its collections walk everything the imports build (~0.1 s in collect)
# and free nothing. At the end the cold start's objects are frozen (later collections skip them) and the GC
# is back on.
gc.disable()

from datetime import UTC, datetime
from typing import Any

from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext

from listening_post.aws.lease import DynamoDBLease
from listening_post.deployment import function
from listening_post.lease import LeaseHeldError
from listening_post.maintenance import LEASE_SECONDS, maintain
from listening_post.runs import new_run_id

logger, metrics, _settings, deployment = function()


@logger.inject_lambda_context
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    run_id = new_run_id()
    lease = DynamoDBLease(
        deployment.client("dynamodb"), deployment.state_table, name="compaction", holder=run_id, seconds=LEASE_SECONDS
    )
    try:
        with lease:  # one compaction at a time: two at once deleted each other's inputs
            # Retention is the bucket's lifecycle rule (retention_days=None): nothing here to confirm.
            report = maintain(
                deployment.lake,
                run_id=run_id,
                today=datetime.now(UTC).date(),
                retention_days=None,
                confirm=lambda _doomed: True,
            )
    except LeaseHeldError as exc:
        logger.warning("compaction skipped", extra={"reason": str(exc)})
        metrics.add_metric(name="CompactionsSkipped", unit=MetricUnit.Count, value=1)
        return {"run_id": run_id, "skipped": str(exc)}
    document = report.document()
    metrics.add_metric(name="FilesCompacted", unit=MetricUnit.Count, value=document["files_before"])
    logger.info("compaction", extra=document)
    return document


gc.freeze()
gc.enable()
