"""Live collection: run every configured (country, query, source) job, page by page, into the lake.

For each job: read its cursor, fetch pages from there, enrich the posts, append them to the lake (which
drops post ids it already has), write what could not be parsed to quarantine, and only then store the
new cursor. A crash between the append and the cursor re-reads the same pages next time, and the lake's
dedup absorbs them. One failing source, job or page never stops the others: the run report says what
failed and why, per source, at ``runs/dt=<date>/<run id>.json``.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from listening_post.config import SOURCE_NAMES, Config
from listening_post.credentials import MissingSecretError, SecretResolver
from listening_post.cursors import CursorStore
from listening_post.erasure import append_without_erased
from listening_post.first_seen import FirstSeen
from listening_post.jobs import Job, plan
from listening_post.lake import Lake
from listening_post.layout import PATHS
from listening_post.model import Post
from listening_post.pipeline import Enricher, new_run_id
from listening_post.quarantine import QuarantineBatch
from listening_post.secrecy import scrub_document
from listening_post.sources import registry
from listening_post.sources.base import screen_times
from listening_post.sources.fetch import FetchContext, Fetcher
from listening_post.sources.http import HttpClient, HttpPolicy
from listening_post.sources.spec import FetcherArgs

Progress = Callable[[str], None]
COUNT_NAMES = ("imported", "duplicates", "quarantined", "erased")  # the counts every command reports


@dataclass
class JobReport:
    country: str
    query_id: str
    source: str
    pages: int = 0  # responses received, usable or not
    parsed_pages: int = 0  # responses that parsed into a page of posts
    posts: int = 0  # new rows in the lake
    duplicates: int = 0  # already in the lake (re-read pages, overlaps, the same post from two queries)
    quarantined: int = 0
    erased: int = 0  # posts of authors in the erasure ledger, dropped
    filtered: int = 0  # returned by the platform, not matched by the query (sources that cannot search)
    withdrawn: int = 0  # deleted or removed records: no post
    replaced_characters: int = 0  # invalid byte sequences decoded as U+FFFD (sources/base.py decode_body)
    errors: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    cursor_advanced: bool = False
    newest_post_at: str | None = None  # the latest created_at the platform returned: the country is not silent
    duration_seconds: float = 0.0


@dataclass
class SourceReport:
    source: str
    skipped: str | None = None  # why the source did not run (missing credentials)
    jobs: list[JobReport] = field(default_factory=list)

    def totals(self) -> dict[str, Any]:
        counted = (
            "pages",
            "posts",
            "duplicates",
            "quarantined",
            "erased",
            "filtered",
            "withdrawn",
            "replaced_characters",
        )
        out: dict[str, Any] = {name: sum(getattr(j, name) for j in self.jobs) for name in counted}
        out["errors"] = [f"{j.country} {j.query_id}: {e}" for j in self.jobs for e in j.errors]
        out["duration_seconds"] = round(sum(j.duration_seconds for j in self.jobs), 3)
        return out


@dataclass
class RunReport:
    run_id: str
    started_at: datetime
    finished_at: datetime | None = None
    sources: dict[str, SourceReport] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)  # what the run as a whole suggests ("no network?")

    def path(self) -> str:
        return PATHS.run_report(self.started_at.date().isoformat(), self.run_id)

    def source(self, name: str) -> SourceReport:
        return self.sources.setdefault(name, SourceReport(name))

    @property
    def failed(self) -> bool:
        """Nothing useful happened: every job that ran failed without a single usable page."""
        jobs = [j for s in self.sources.values() for j in s.jobs]
        return bool(jobs) and all(j.errors and not j.parsed_pages for j in jobs)

    def document(self) -> dict[str, Any]:
        finished = self.finished_at or self.started_at
        document: dict[str, Any] = scrub_document(
            {
                "run_id": self.run_id,
                "started_at": self.started_at.isoformat(),
                "finished_at": finished.isoformat(),
                "duration_seconds": round((finished - self.started_at).total_seconds(), 3),
                "notes": self.notes,
                "sources": {
                    name: {"skipped": s.skipped, **s.totals(), "jobs": [asdict(j) for j in s.jobs]}
                    for name, s in sorted(self.sources.items())
                },
            }
        )
        return document

    def summary(self) -> dict[str, Any]:
        """The run's counts under the names every command uses (imported, duplicates, quarantined, erased),
        in total and per source."""
        out: dict[str, Any] = {}
        totals = dict.fromkeys(COUNT_NAMES, 0)
        for name, s in sorted(self.sources.items()):
            if s.skipped:
                out[name] = {"skipped": s.skipped}
            else:
                t = s.totals()
                counts = {"imported": t["posts"]} | {k: t[k] for k in COUNT_NAMES[1:]}
                totals = {k: totals[k] + counts[k] for k in COUNT_NAMES}
                out[name] = counts | {"errors": len(t["errors"])}
                if t["replaced_characters"]:
                    out[name]["replaced_characters"] = t["replaced_characters"]
        notes = {"notes": self.notes} if self.notes else {}
        return {"run_id": self.run_id, "report": self.path(), **totals, **notes, "sources": out}


def http_client(config: Config, **kwargs: Any) -> HttpClient:
    h = config.sources.http
    policy = HttpPolicy(
        connect_timeout=h.connect_timeout_seconds,
        read_timeout=h.read_timeout_seconds,
        max_attempts=h.max_attempts,
        backoff_max=h.backoff_max_seconds,
        max_wait=h.max_wait_seconds,
        max_response_bytes=int(h.max_response_mb * 1024 * 1024),
        contact=h.contact,
    )
    return HttpClient(policy, **kwargs)


def build_fetchers(
    config: Config, http: HttpClient, secrets: SecretResolver, needed: Iterable[str]
) -> tuple[dict[str, Fetcher], dict[str, str]]:
    """A fetcher per needed source, or why it cannot run (a missing credential: reported, not raised).

    Each platform's fetcher comes from its module's ``PLATFORM.fetcher`` (sources/registry.py); a platform
    module loads its parsing library (feedparser for RSS, ~60 ms) only when it parses, so the platforms a
    collect job does not read do not lengthen its cold start."""
    fetchers: dict[str, Fetcher] = {}
    skipped: dict[str, str] = {}

    for source in dict.fromkeys(needed):
        try:
            spec = registry.platform(source)
        except registry.UnknownPlatformError:
            skipped[source] = f"unknown source; known sources: {', '.join(SOURCE_NAMES)}"
            continue
        if spec.fetcher is None:
            skipped[source] = "no fetcher: collection is manual (import saved files)"
            continue
        settings = getattr(config.sources, source)

        def secret(name: str, source: str = source, settings: Any = settings) -> str:
            ref = getattr(settings, name)
            if ref is None:
                raise MissingSecretError(f"sources.{source}.{name} names no secret")
            return secrets.resolve(ref).get_secret_value()

        def has_secret(name: str, settings: Any = settings) -> bool:
            return getattr(settings, name, None) is not None

        context = FetchContext(http, max_pages=settings.max_pages, lookback=timedelta(hours=settings.lookback_hours))
        args = FetcherArgs(settings, context, http, secret, has_secret)
        try:
            fetchers[source] = spec.fetcher(args)
        except MissingSecretError as exc:
            needs = ", ".join(spec.secrets or ("access_token",))
            skipped[source] = f"missing credentials ({needs}): {exc}"
    return fetchers, skipped


class Collector:
    """Runs jobs with the fetchers it is given; everything it touches comes in as an argument."""

    def __init__(
        self,
        *,
        lake: Lake,
        enricher: Enricher,
        fetchers: Mapping[str, Fetcher],
        cursors: CursorStore,
        skipped: Mapping[str, str] | None = None,
        progress: Progress | None = None,
        now: Callable[[], datetime] | None = None,
        run_id: str | None = None,
        notes: Callable[[], list[str]] | None = None,
    ) -> None:
        self.lake, self.enricher, self.fetchers, self.cursors = lake, enricher, fetchers, cursors
        self.notes = notes or list
        self.skipped = dict(skipped or {})
        self.progress = progress or (lambda _line: None)
        self.now = now or (lambda: datetime.now(UTC))
        self.started = self.now()
        self.run_id = run_id or new_run_id(self.started)
        self.quarantine: dict[str, QuarantineBatch] = {}
        self.first_seen = FirstSeen(lake)

    def run(self, jobs: Iterable[Job]) -> RunReport:
        report = RunReport(self.run_id, self.started)
        try:
            for job in jobs:
                source = report.source(job.source)
                if job.source in self.skipped or job.source not in self.fetchers:
                    if source.skipped is None:
                        source.skipped = self.skipped.get(job.source, "no fetcher")
                        self.progress(f"{job.source}: skipped, {source.skipped}")
                    continue
                source.jobs.append(self.run_job(job, self.fetchers[job.source]))
        finally:
            report.finished_at = self.now()
            report.notes = self.notes()
            for note in report.notes:
                self.progress(note)
            self.lake.write_json(report.path(), report.document())
        return report

    def run_job(self, job: Job, fetcher: Fetcher) -> JobReport:
        report = JobReport(job.country.code, job.query.id, job.source)
        started = time.monotonic()
        key = job.key
        quarantine = self.quarantine.setdefault(
            job.source, QuarantineBatch(job.source, self.run_id, self.enricher.pseudonymiser)
        )
        before = len(quarantine.entries)
        posts: list[Post] = []
        cursor: dict[str, Any] | None = None
        new_cursor: dict[str, Any] | None = None
        try:
            cursor = self.cursors.get(key)
            collected_at = self.now()
            for fetched in fetcher.pages(job, cursor):
                if fetched.note:
                    report.notes.append(fetched.note)
                if fetched.error:
                    report.pages += fetched.body is not None
                    report.errors.append(f"{fetched.origin}: {fetched.error}")
                    if fetched.body is not None:
                        raw = fetched.body[:100_000].decode("utf-8", errors="replace")
                        quarantine.add(fetched.error, fetched.origin, None, raw)
                if fetched.page is not None:
                    report.pages += 1
                    report.parsed_pages += 1
                    report.filtered += fetched.filtered
                    report.withdrawn += fetched.page.withdrawn
                    report.replaced_characters += fetched.page.replaced_characters or 0
                    self.first_seen.settle(fetched.page.posts, country=job.country.code, now=collected_at)
                    for reject in screen_times(fetched.page, collected_at).rejects:
                        quarantine.add(
                            reject.reason,
                            fetched.origin,
                            reject.index,
                            reject.record,
                            reject.author_native,
                            reject.author_source,
                        )
                    # A page at a time, so that a cloud sentiment backend scores it in batches.
                    posts.extend(
                        self.enricher.enrich_many(
                            fetched.page.posts,
                            country=job.country.code,
                            query_id=job.query.id,
                            collected_at=collected_at,
                        )
                    )
                if fetched.cursor is not None:
                    new_cursor = fetched.cursor
        except Exception as exc:  # one job's failure (or a bug in one fetcher) must not stop the run
            report.errors.append(f"{type(exc).__name__}: {exc}")
        if posts:
            report.newest_post_at = max(p.created_at for p in posts).isoformat()
        try:
            self.first_seen.flush(self.now())
            appended, report.erased = append_without_erased(self.lake, posts, run_id=self.run_id)
            report.posts, report.duplicates = appended.written, appended.duplicates
            report.quarantined = len(quarantine.entries) - before
            if quarantine.entries:
                self.lake.write_json(quarantine.path(self.started.date().isoformat()), quarantine.document(self.now()))
            # Only now are the posts the cursor covers in the lake.
            if new_cursor is not None and new_cursor != cursor:
                self.cursors.put(key, new_cursor)
                report.cursor_advanced = True
        except Exception as exc:
            report.errors.append(f"could not store the results: {type(exc).__name__}: {exc}")
        report.duration_seconds = round(time.monotonic() - started, 3)
        self.progress(
            f"{job}: {report.pages} pages, {report.posts} new, {report.duplicates} duplicates, "
            f"{report.quarantined} quarantined, {len(report.errors)} errors ({report.duration_seconds:.1f} s)"
        )
        for error in report.errors:
            self.progress(f"  {job}: {error}")
        return report


def collect(
    config: Config,
    *,
    lake: Lake,
    enricher: Enricher,
    http: HttpClient,
    secrets: SecretResolver,
    cursors: CursorStore,
    countries: Sequence[str] | None = None,
    sources: Sequence[str] | None = None,
    progress: Progress | None = None,
) -> RunReport:
    """Collect every configured job (or those of some countries and sources) into the lake."""
    jobs = plan(config, countries=countries, sources=sources)
    fetchers, skipped = build_fetchers(config, http, secrets, (j.source for j in jobs))
    collector = Collector(
        lake=lake,
        enricher=enricher,
        fetchers=fetchers,
        cursors=cursors,
        skipped=skipped,
        progress=progress,
        notes=lambda: network_notes(http),
    )
    return collector.run(jobs)


def network_notes(http: HttpClient) -> list[str]:
    """Says "no network?" when every host asked refused or did not resolve (each was asked once: sources/http.py)."""
    if not http.down_hosts or http.reached_hosts:
        return []
    hosts = sorted(http.down_hosts)
    shown = ", ".join(hosts[:5]) + (f" and {len(hosts) - 5} more" if len(hosts) > 5 else "")
    return [f"no network? none of the {len(hosts)} hosts asked could be reached ({shown})"]
