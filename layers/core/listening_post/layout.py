"""The lake's layout: the one place that knows where each dataset and document of the lake lives.

    posts/country=DE/dt=2026-11-23/part-<writer>-<run id>-<digest>.parquet    the posts (BI contract, DESIGN.md)
    links/country=DE/dt=2026-11-23/part-<writer>-<run id>-<digest>.parquet    readers' links naming authors
    briefs/country=DE/week=2026-W47/summary.json | brief.html | brief.md
    weekly/country=DE/week=2026-W47/topics.parquet
    weekly_sides/country=DE/week=2026-W47/sides.parquet
    weekly/storylines/country=DE/week=2026-W47/storylines.parquet
    weekly/amplification/country=DE/week=2026-W47/amplification.parquet
    alerts/country=DE/dt=<day opened>/<event id>.json | alerts.parquet
    quarantine/source=<source>/dt=<date>/<run id>.json
    quarantine/source=<source>/keys/<first 2 characters>/<record key>         what is quarantined already
    runs/dt=<date>/<run id>.json                                                collection run reports
    state/cursors/country=DE/source=<source>/<query id>.json                    where each job stopped
    state/first_seen/country=DE/source=<source>.json                            dates given to undated items
    state/erasure/<author pseudonym>.json                                       the erasure ledger
    state/locks/compact.lock                                                    compaction's lock (local lake)

``<writer>`` is the source of an append, or ``compacted``, ``erased``, ``migrated`` for a rewrite.

Every module asks :data:`PATHS` (a :class:`~listening_post.lake.Lake` exposes it as ``lake.paths``); no
other module spells a folder of the lake (tests/unit/test_layout.py fails if one does). The deployment
names the same folders in template.yaml (S3 lifecycle rules, IAM prefixes, Glue tables), which the same
test checks against these. Paths are relative to the lake's root and use ``/`` on every filesystem.
Importing this module costs nothing: the API function, which reads S3 without pyarrow, uses it too.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Protocol


class _JobKey(Protocol):  # listening_post.jobs.JobKey, without importing the configuration
    @property
    def country(self) -> str: ...
    @property
    def query_id(self) -> str: ...
    @property
    def source(self) -> str: ...


Day = date | str


class LakeLayout:
    # The top-level folders (and the weekly tables' folders, which Glue tables point at).
    POSTS = "posts"
    LINKS = "links"
    BRIEFS = "briefs"
    WEEKLY = "weekly"
    WEEKLY_SIDES = "weekly_sides"
    STORYLINES = "weekly/storylines"
    AMPLIFICATION = "weekly/amplification"
    ALERTS = "alerts"
    QUARANTINE = "quarantine"
    RUNS = "runs"
    STATE = "state"
    ERASURE = "state/erasure"
    TOP = (POSTS, LINKS, BRIEFS, WEEKLY, WEEKLY_SIDES, ALERTS, QUARANTINE, RUNS, STATE)

    # --- partition folder names (hive style: name=value) ----------------------------------------

    @staticmethod
    def values(names: Iterable[str], key: str) -> list[str]:
        """The values of the ``key=<value>`` folders among ``names`` (a listing), in their order."""
        prefix = f"{key}="
        return [n.removeprefix(prefix) for n in names if n.startswith(prefix)]

    @staticmethod
    def day_of(partition: str) -> str:
        """The ``dt`` of a day partition's path (or of a path inside one)."""
        return next(p for p in reversed(partition.split("/")) if p.startswith("dt=")).removeprefix("dt=")

    # --- posts and links: partitioned by country and the post's UTC day -------------------------

    def country(self, dataset: str, country: str) -> str:
        return f"{dataset}/country={country}"

    def partition(self, dataset: str, country: str, day: Day) -> str:
        return f"{self.country(dataset, country)}/dt={day}"

    def posts_partition(self, country: str, day: Day) -> str:
        return self.partition(self.POSTS, country, day)

    def links_partition(self, country: str, day: Day) -> str:
        return self.partition(self.LINKS, country, day)

    @staticmethod
    def part_prefix(writer: str) -> str:
        """How the names of the files ``writer`` (a source; compacted, erased, migrated) wrote begin."""
        return f"part-{writer}-"

    def part(self, partition: str, writer: str, run_id: str, digest: str) -> str:
        """A Parquet file of a partition; the digest makes a retried write replace its file."""
        return f"{partition}/{self.part_prefix(writer)}{run_id}-{digest}.parquet"

    # --- the weekly outputs: briefs and the BI tables ------------------------------------------

    @staticmethod
    def week_partition(country: str, week: object) -> str:
        """``country=<CC>/week=<W>`` under a weekly table's folder (Glue registers each)."""
        return f"country={country}/week={week}"

    def brief_country(self, country: str) -> str:
        return self.country(self.BRIEFS, country)

    def brief_folder(self, country: str, week: object) -> str:
        return f"{self.BRIEFS}/{self.week_partition(country, week)}"

    def brief(self, country: str, week: object, name: str) -> str:
        """One file of a brief: summary.json, brief.html or brief.md."""
        return f"{self.brief_folder(country, week)}/{name}"

    @staticmethod
    def sibling_brief(week: object, name: str) -> str:
        """A file of another week's brief of the same country, relative to a brief's folder (page links)."""
        return f"../week={week}/{name}"

    def topics(self, country: str, week: object) -> str:
        return f"{self.WEEKLY}/{self.week_partition(country, week)}/topics.parquet"

    def sides(self, country: str, week: object) -> str:
        return f"{self.WEEKLY_SIDES}/{self.week_partition(country, week)}/sides.parquet"

    def storylines(self, country: str, week: object) -> str:
        return f"{self.STORYLINES}/{self.week_partition(country, week)}/storylines.parquet"

    def amplification(self, country: str, week: object) -> str:
        # Not inside a weekly topics partition (weekly/country=CC/week=W/), whose table would read its files.
        return f"{self.AMPLIFICATION}/{self.week_partition(country, week)}/amplification.parquet"

    # --- alerts ---------------------------------------------------------------------------------

    def alerts_country(self, country: str) -> str:
        return self.country(self.ALERTS, country)

    def alerts_day(self, country: str, day: Day) -> str:
        return self.partition(self.ALERTS, country, day)

    def alert(self, country: str, day: Day, event_id: str) -> str:
        return f"{self.alerts_day(country, day)}/{event_id}.json"

    def alerts_table(self, country: str, day: Day) -> str:
        """The day's alerts as one Parquet file, for BI tools."""
        return f"{self.alerts_day(country, day)}/alerts.parquet"

    # --- quarantine and run reports -------------------------------------------------------------

    def quarantine_source(self, source: str) -> str:
        return f"{self.QUARANTINE}/source={source}"

    def quarantine_day(self, source: str, day: Day) -> str:
        return f"{self.quarantine_source(source)}/dt={day}"

    def quarantine(self, source: str, day: Day, run_id: str) -> str:
        return f"{self.quarantine_day(source, day)}/{run_id}.json"

    def quarantine_marker(self, source: str, key: str) -> str:
        """An empty file per quarantined record key: importing a file again quarantines nothing twice."""
        return f"{self.quarantine_source(source)}/keys/{key[:2]}/{key}"

    def runs_day(self, day: Day) -> str:
        return f"{self.RUNS}/dt={day}"

    def run_report(self, day: Day, run_id: str) -> str:
        return f"{self.runs_day(day)}/{run_id}.json"

    # --- state ------------------------------------------------------------------------------------

    def cursor(self, key: _JobKey) -> str:
        return f"{self.STATE}/cursors/country={key.country}/source={key.source}/{key.query_id}.json"

    def first_seen(self, country: str, source: str) -> str:
        return f"{self.STATE}/first_seen/country={country}/source={source}.json"

    def erased(self, author_id: str) -> str:
        return f"{self.ERASURE}/{author_id}.json"

    def compaction_lock(self) -> str:
        return f"{self.STATE}/locks/compact.lock"


PATHS = LakeLayout()
