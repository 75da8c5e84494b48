"""Collection jobs as messages: what the plan function puts on the queue, one per (country, query, source).

A message names its plan run, so the same job planned twice an hour apart is two jobs, while the same
message delivered twice is one (its idempotency key).
"""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from listening_post.config import Config, SourceName


class JobSpec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    country: str = Field(pattern=r"^[A-Z]{2}$")
    query_id: str = Field(min_length=1, max_length=64)
    source: SourceName
    plan_run: str = Field(min_length=1, max_length=64)
    planned_at: datetime

    @property
    def key(self) -> str:
        return f"{self.plan_run}/{self.country}/{self.query_id}/{self.source}"


def plan(config: Config, *, run_id: str, at: datetime) -> list[JobSpec]:
    """Every (country, query, source) of the configuration, as messages of one plan run."""
    return [
        JobSpec(country=c.code, query_id=q.id, source=source, plan_run=run_id, planned_at=at)
        for c in config.countries
        for q in c.queries
        for source in dict.fromkeys(q.sources)
    ]
