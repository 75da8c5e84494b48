"""The service as deployed: what each scheduled or queued Lambda does, with its AWS adapters passed in.

    plan_collection   schedule -> one queue message per (country, query, source); freshness per country
    CollectRuntime    a queue message -> that job collected into the lake, its cursor and the ledger updated
    weekly_briefs     schedule -> every country's brief of its last complete week, registered and mailed

The handlers in ``functions/`` only parse events and call these; the CLI runs the same library on a laptop.
"""

from __future__ import annotations

import hashlib
import logging
import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any, Protocol
from zoneinfo import ZoneInfo

from listening_post import jobs
from listening_post.config import Config
from listening_post.layout import PATHS
from listening_post.runs import new_run_id
from listening_post.weeks import IsoWeek

if TYPE_CHECKING:
    # The pipeline and the lake (pyarrow) are imported where they run: the plan function needs neither.
    # The collection machinery likewise: the brief function has none of it.
    from listening_post.collect import JobReport
    from listening_post.credentials import SecretResolver
    from listening_post.cursors import CursorStore
    from listening_post.enrich.pseudonym import Pseudonymiser
    from listening_post.lake import Lake
    from listening_post.pipeline import BriefResult, Enricher
    from listening_post.scoring.backends import BackendFactory
    from listening_post.sources.fetch import Fetcher
    from listening_post.sources.http import HttpClient

log = logging.getLogger(__name__)
STALE_AFTER = timedelta(hours=24)


class JobQueueLike(Protocol):
    def send(self, jobs: Sequence[jobs.JobSpec]) -> int: ...


class LedgerLike(Protocol):
    def record(self, country: str, *, posts: int, newest: datetime | None, at: datetime) -> None: ...

    def countries(self) -> dict[str, dict[str, Any]]: ...


@dataclass
class PlanResult:
    run_id: str
    jobs: int
    stale_countries: list[str]


def plan_collection(
    config: Config, queue: JobQueueLike, ledger: LedgerLike, *, now: datetime, run_id: str | None = None
) -> PlanResult:
    """Queue every job of the configuration, and name the countries with no post for 24 hours.

    A country counts as stale once it has been collected for a day without a single post, or when its
    last post is older than a day: silence from a whole country is a collection fault until shown otherwise.
    """
    run_id = run_id or new_run_id(now)
    specs = [job.message(plan_run=run_id, at=now) for job in jobs.plan(config)]
    queue.send(specs)
    ledger_entries = ledger.countries()
    stale = []
    for country in config.countries:
        if not country.queries:
            continue
        entry = ledger_entries.get(country.code) or {}
        last_post, first_run = entry.get("last_post_at"), entry.get("first_run_at")
        if (last_post and now - last_post > STALE_AFTER) or (
            not last_post and first_run and now - first_run > STALE_AFTER
        ):
            stale.append(country.code)
    return PlanResult(run_id, len(specs), stale)


class JobFailed(RuntimeError):
    """A job that got no usable page because of errors: the queue retries it, then dead-letters it."""


class CollectRuntime:
    """What a warm collect function keeps between messages: enricher, HTTP client, fetchers, secrets.

    Made at cold start from what the start-up has checked (the configuration, the author key); the enricher,
    the HTTP client and each source's fetcher are made by the first job that needs them. They import the
    pipeline, the platform modules and pyarrow (through the model), ~0.2-0.3 s that a cold start would
    otherwise spend before it can take its first message; the first message pays what it uses of it.
    """

    def __init__(
        self,
        config: Config,
        *,
        lake: Lake,
        cursors: CursorStore,
        ledger: LedgerLike,
        secrets: SecretResolver,
        pseudonymiser: Pseudonymiser,
        http: HttpClient | None = None,
        backends: BackendFactory | None = None,
        now: Callable[[], datetime] | None = None,
    ) -> None:
        self.config, self.lake, self.cursors, self.ledger, self.secrets = config, lake, cursors, ledger, secrets
        self.pseudonymiser, self._backends = pseudonymiser, backends
        self._enricher: Enricher | None = None
        self._http = http
        self.now = now or (lambda: datetime.now(UTC))
        self._fetchers: dict[str, Fetcher] = {}
        self._skipped: dict[str, str] = {}
        self._lock = threading.RLock()  # jobs may run in threads: each collaborator is made once

    @property
    def enricher(self) -> Enricher:
        if self._enricher is None:
            with self._lock:
                if self._enricher is None:
                    from listening_post.pipeline import Enricher

                    self._enricher = Enricher.from_config(self.config, self.pseudonymiser, backends=self._backends)
        return self._enricher

    @property
    def http(self) -> HttpClient:
        if self._http is None:
            with self._lock:
                if self._http is None:
                    from listening_post.collect import http_client

                    self._http = http_client(self.config)
        return self._http

    def _fetcher(self, source: str) -> None:
        if source not in self._fetchers and source not in self._skipped:
            with self._lock:
                if source not in self._fetchers and source not in self._skipped:
                    from listening_post.collect import build_fetchers

                    fetchers, skipped = build_fetchers(self.config, self.http, self.secrets, [source])
                    self._fetchers.update(fetchers)
                    self._skipped.update(skipped)

    def resolve(self, spec: jobs.JobSpec) -> jobs.Job | None:
        """The configured job a message names; None when the configuration no longer has it."""
        return jobs.resolve(self.config, spec.job)

    def run(self, spec: jobs.JobSpec) -> dict[str, Any]:
        """Collect one job; raises :class:`JobFailed` when it read nothing because of errors."""
        job = self.resolve(spec)
        if job is None:
            log.warning("job %s is no longer configured; dropped", spec.key)
            return {"job": spec.key, "status": "not configured"}
        from listening_post.collect import Collector

        self._fetcher(spec.source)
        digest = hashlib.blake2b(spec.key.encode(), digest_size=3).hexdigest()
        collector = Collector(
            lake=self.lake,
            enricher=self.enricher,
            fetchers=self._fetchers,
            cursors=self.cursors,
            skipped=self._skipped,
            now=self.now,
            run_id=f"{spec.plan_run}-{digest}",
        )
        run = collector.run([job])
        source = run.sources[spec.source]
        if source.skipped:
            return {"job": spec.key, "status": "skipped", "reason": source.skipped, "report": run.path()}
        report: JobReport = source.jobs[0]
        newest = datetime.fromisoformat(report.newest_post_at) if report.newest_post_at else None
        self.ledger.record(spec.country, posts=report.posts, newest=newest, at=self.now())
        if report.errors and not report.parsed_pages:
            raise JobFailed(f"{spec.key}: {report.errors[-1]}")
        return {
            "job": spec.key,
            "status": "ok" if not report.errors else "partial",
            "posts": report.posts,
            "duplicates": report.duplicates,
            "quarantined": report.quarantined,
            "errors": len(report.errors),
            "report": run.path(),
        }


class Mailer(Protocol):
    def send(self, recipients: Sequence[str], subject: str, html: str, text: str) -> str: ...


def last_complete_week(now: datetime, timezone: str) -> IsoWeek:
    """The ISO week before the one the country's local clock is in: always complete."""
    return IsoWeek.of(now.astimezone(ZoneInfo(timezone)).date()).shift(-1)


@dataclass
class WeeklyResult:
    briefs: list[BriefResult] = field(default_factory=list)
    mailed: dict[str, list[str]] = field(default_factory=dict)
    failed: dict[str, str] = field(default_factory=dict)


def weekly_briefs(
    config: Config,
    lake: Lake,
    *,
    now: datetime,
    week: IsoWeek | None = None,
    countries: Sequence[str] | None = None,
    mailer: Mailer | None = None,
    recipients: Mapping[str, Sequence[str]] | None = None,
    register: Callable[[str, str], object] | None = None,
) -> WeeklyResult:
    """Every country's brief (of ``week``, or its last complete week); one country's failure spares the rest."""
    from listening_post.pipeline import summarise

    result = WeeklyResult()
    for country in config.countries:
        if countries and country.code not in countries:
            continue
        target = week or last_complete_week(now, country.timezone)
        try:
            brief = summarise(lake, config, country.code, target, now=now)
            result.briefs.append(brief)
            if register is not None:
                register(country.code, str(target))
            to = list((recipients or {}).get(country.code, []))
            if mailer is not None and to:
                html = lake.read_bytes(PATHS.brief(country.code, target, "brief.html")).decode()
                text = lake.read_bytes(PATHS.brief(country.code, target, "brief.md")).decode()
                mailer.send(to, f"{country.display_name}: weekly opinion brief {target}", html, text)
                result.mailed[country.code] = to
        except Exception as exc:  # one country's failure must not cost the others their brief
            log.exception("brief of %s %s failed", country.code, target)
            result.failed[country.code] = f"{type(exc).__name__}: {exc}"
    return result
