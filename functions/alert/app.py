"""Alert: after each collection round (an hourly schedule, a few minutes after collect's), evaluate every
configured country as of the round's time, deliver new alerts (SES, SNS, webhooks), retry failed ones.

The same scheduled event delivered twice runs once (Powertools idempotency on the round's country and
hour); even without that, a repeat would only update the events it raised (alerts/engine.py)."""

import gc

# No cyclic GC during the cold start (functions/compact/app.py says why).
gc.disable()

from datetime import UTC, datetime
from typing import Any

from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext

from listening_post.alerts.delivery import channels_for
from listening_post.aws.idempotency import Idempotent
from listening_post.deployment import function

logger, metrics, settings, deployment = function("config_location", "state_table")


def evaluate_round(round_: dict[str, str]) -> dict[str, Any]:
    """One country at one round (``{"country", "at"}``): the alerts raised or updated, without their posts."""
    # Imported with the first round: DuckDB and Arrow are not needed to take the event (cold start).
    from listening_post.alerts.engine import run

    config, country = deployment.config, round_["country"]
    channels = channels_for(
        config, country, deployment.secrets, ses=deployment.client("ses"), sns=deployment.client("sns")
    )
    alerts = run(deployment.lake, config, country, datetime.fromisoformat(round_["at"]), channels)
    return {
        "country": country,
        "at": round_["at"],
        "new": [a["event_id"] for a in alerts if a["state"] == "new"],
        "updated": [a["event_id"] for a in alerts if a["state"] != "new"],
        "undelivered": sum(d["status"] != "sent" for a in alerts for d in a["deliveries"]),
    }


evaluate_once = Idempotent(
    evaluate_round,
    argument="round_",
    client=deployment.client("dynamodb"),
    table=deployment.state_table,
    expires_after_seconds=24 * 3600,
)


def round_time(event: dict[str, Any]) -> datetime:
    """The scheduled event's time (EventBridge ``time``), else now; to the minute, as a round is."""
    raw = event.get("time")
    at = datetime.fromisoformat(raw) if isinstance(raw, str) else datetime.now(UTC)
    return at.astimezone(UTC).replace(second=0, microsecond=0)


@logger.inject_lambda_context
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    evaluate_once.register_lambda_context(context)
    at = round_time(event).isoformat()
    results = [evaluate_once({"country": c.code, "at": at}) for c in deployment.config.countries]
    metrics.add_metric(name="AlertsRaised", unit=MetricUnit.Count, value=sum(len(r["new"]) for r in results))
    undelivered = sum(r["undelivered"] for r in results)
    metrics.add_metric(name="AlertDeliveriesPending", unit=MetricUnit.Count, value=undelivered)
    logger.info("alerts", extra={"at": at, "results": results})
    return {"at": at, "results": results}


gc.freeze()
gc.enable()
