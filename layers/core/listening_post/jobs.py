"""Collection jobs: one (country, query, source) of the configuration, and the one planner of them.

    JobKey   which job: the identity every other form derives from (its cursor's key, its str()).
    Job      a JobKey's configuration (the Country, the QueryConfig): what a fetcher runs.
    JobSpec  the queue message of a job of one plan run: the plan function sends it, the collect function
             turns it back into a Job (:func:`resolve`). Its idempotency key is the plan run and the JobKey.

:func:`plan` lists the jobs for both the CLI's ``collect`` and the plan function. A message names its plan
run, so the same job planned twice an hour apart is two jobs, while the same message delivered twice is one.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from listening_post.config import Config, Country, QueryConfig, SourceName


@dataclass(frozen=True, slots=True)
class JobKey:
    country: str  # ISO 3166-1 alpha-2 code
    query_id: str
    source: str

    def __str__(self) -> str:
        return f"{self.country}/{self.query_id}/{self.source}"


@dataclass(frozen=True, slots=True)
class Job:
    """A job with its configuration. Fetchers read ``country``, ``query`` and ``source``."""

    country: Country
    query: QueryConfig
    source: str

    @property
    def key(self) -> JobKey:
        return JobKey(self.country.code, self.query.id, self.source)

    def __str__(self) -> str:  # how run progress names it
        return " ".join((self.country.code, self.query.id, self.source))

    def message(self, *, plan_run: str, at: datetime) -> JobSpec:
        return JobSpec.of(self.key, plan_run=plan_run, at=at)


class JobSpec(BaseModel):
    """A job as a queue message. Its fields are the message's JSON: messages queued before a deploy are
    read after it, and the idempotency records (a hash of these fields) stay the same records."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    country: str = Field(pattern=r"^[A-Z]{2}$")
    query_id: str = Field(min_length=1, max_length=64)
    source: SourceName
    plan_run: str = Field(min_length=1, max_length=64)
    planned_at: datetime

    @classmethod
    def of(cls, key: JobKey, *, plan_run: str, at: datetime) -> JobSpec:
        fields = {"country": key.country, "query_id": key.query_id, "source": key.source}
        return cls.model_validate({**fields, "plan_run": plan_run, "planned_at": at})

    @property
    def job(self) -> JobKey:
        return JobKey(self.country, self.query_id, self.source)

    @property
    def key(self) -> str:
        """The message's identity: its plan run and its job (``<plan run>/<CC>/<query id>/<source>``)."""
        return f"{self.plan_run}/{self.job}"


def plan(config: Config, *, countries: Sequence[str] | None = None, sources: Sequence[str] | None = None) -> list[Job]:
    """Every (country, query, source) of the configuration, in its order, optionally narrowed to some
    countries and sources; a source a query lists twice is one job."""
    return [
        Job(country, query, source)
        for country in config.countries
        if not countries or country.code in countries
        for query in country.queries
        for source in dict.fromkeys(query.sources)
        if not sources or source in sources
    ]


def resolve(config: Config, key: JobKey) -> Job | None:
    """The configured job ``key`` names; None when the configuration no longer has it."""
    try:
        country = config.country(key.country)
    except KeyError:
        return None
    query = next((q for q in country.queries if q.id == key.query_id), None)
    if query is None or key.source not in query.sources:
        return None
    return Job(country, query, key.source)
