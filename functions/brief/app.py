"""Brief: every week, each country's summary and brief of its last complete week into the lake; the BI
partition registered in Glue; the brief e-mailed where recipients are set. An event may name a week and
countries to rebuild (a backfill): ``{"week": "2026-W47", "countries": ["CA"]}``."""

import gc

# No cyclic GC during the cold start: its collections walk everything the imports build (~0.1 s in collect)
# and free nothing. At the end the cold start's objects are frozen (later collections skip them) and the GC
# is back on.
gc.disable()

from datetime import UTC, datetime
from typing import Any

from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext
from pydantic import BaseModel, ConfigDict, Field, ValidationError, ValidationInfo, field_validator

from listening_post.aws.glue import register_weekly_partition
from listening_post.aws.ses import BriefMailer
from listening_post.deployment import function
from listening_post.service import weekly_briefs
from listening_post.weeks import IsoWeek

logger, metrics, settings, deployment = function("config_location")
config = deployment.config  # validated at cold start: a bad configuration fails here, every problem listed


class BriefRequestError(ValueError):
    """An event the function cannot act on: the invocation fails (and is logged), it never succeeds empty."""


class BriefRequest(BaseModel):
    model_config = ConfigDict(extra="ignore")  # the scheduler's own fields may come along

    week: str | None = None
    countries: list[str] | None = Field(default=None, min_length=1)

    @field_validator("week")
    @classmethod
    def _iso_week(cls, value: str | None) -> str | None:
        if value is not None:
            IsoWeek.parse(value)  # WeekError is a ValueError: pydantic reports it against "week"
        return value

    @field_validator("countries")
    @classmethod
    def _configured(cls, value: list[str] | None, info: ValidationInfo) -> list[str] | None:
        configured = (info.context or {}).get("configured", set())
        unknown = [code for code in value or [] if code not in configured]
        if unknown:
            raise ValueError(f"not configured: {', '.join(map(repr, unknown))} (configured: {sorted(configured)})")
        return value


def parse_request(event: Any) -> BriefRequest:
    try:
        return BriefRequest.model_validate(
            event if event is not None else {}, context={"configured": {c.code for c in config.countries}}
        )
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(map(str, e['loc'])) or 'event'}: {e['msg']}" for e in exc.errors())
        logger.error("invalid brief request", extra={"problems": problems})
        metrics.add_metric(name="InvalidRequests", unit=MetricUnit.Count, value=1)
        raise BriefRequestError(f"invalid brief request: {problems}") from None


def register(country: str, week: str) -> None:
    """Register the week's partition of each weekly table that is configured (the datasets' folders)."""
    if not settings.glue_database:
        return
    for table, folder in (
        (settings.weekly_table, deployment.lake.paths.WEEKLY),
        (settings.weekly_sides_table, deployment.lake.paths.WEEKLY_SIDES),
        (settings.storylines_table, deployment.lake.paths.STORYLINES),
    ):
        if table:
            register_weekly_partition(
                deployment.client("glue"),
                database=settings.glue_database,
                table=table,
                location=f"{deployment.lake.uri}/{folder}",
                country=country,
                week=week,
            )


@logger.inject_lambda_context
@metrics.log_metrics
def lambda_handler(event: Any, context: LambdaContext) -> dict[str, Any]:
    request = parse_request(event)
    mailer = BriefMailer(deployment.client("sesv2"), settings.brief_sender) if settings.brief_sender else None
    result = weekly_briefs(
        config,
        deployment.lake,
        now=datetime.now(UTC),
        week=IsoWeek.parse(request.week) if request.week else None,
        countries=request.countries,
        mailer=mailer,
        recipients=settings.brief_recipients,
        register=register,
    )
    metrics.add_metric(name="BriefsWritten", unit=MetricUnit.Count, value=len(result.briefs))
    metrics.add_metric(name="BriefsFailed", unit=MetricUnit.Count, value=len(result.failed))
    if result.failed:
        logger.error("some briefs failed", extra={"failed": result.failed})
    return {
        "briefs": [f"{b.country}/{b.week}" for b in result.briefs],
        "mailed": sorted(result.mailed),
        "failed": result.failed,
    }


gc.freeze()
gc.enable()
