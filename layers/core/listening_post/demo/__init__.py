"""The demo: the whole flow, offline, on the sample data bundled in ``demo/data``.

Sample files are named ``<query id>__<what>__<ISO week>[__pNN].<ext>.gz`` and sorted by host country and
source: ``data/<CC>/<source>/``. The demo imports them all (as ``listening-post import`` would), then builds
the brief of every week that has posts, and reports where the latest briefs are.
"""

from __future__ import annotations

import importlib.resources
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from listening_post.analysis.weekly import weeks_with_posts
from listening_post.config import Config, load_config
from listening_post.enrich.pseudonym import DEMO_AUTHOR_KEY, Pseudonymiser
from listening_post.lake import Lake
from listening_post.pipeline import Enricher, IngestResult, ingest_payloads, new_run_id, read_files, summarise

DATA = importlib.resources.files("listening_post.demo") / "data"


@dataclass
class DemoResult:
    lake: Lake
    imported: dict[tuple[str, str], IngestResult] = field(default_factory=dict)
    briefs: list[tuple[str, str, list[str]]] = field(default_factory=list)  # (country, week, paths)
    seconds: float = 0.0

    @property
    def briefs_dir(self) -> str:
        return self.lake.path(self.lake.paths.BRIEFS)

    @property
    def latest_briefs(self) -> list[str]:
        latest: dict[str, tuple[str, list[str]]] = {}
        for country, week, paths in self.briefs:
            if country not in latest or week > latest[country][0]:
                latest[country] = (week, paths)
        return [p for _, (_, paths) in sorted(latest.items()) for p in paths if p.endswith((".html", ".md"))]


def demo_config() -> Config:
    with importlib.resources.as_file(importlib.resources.files("listening_post.demo") / "config.yaml") as path:
        return load_config(path)


def sample_files() -> dict[tuple[str, str, str], list[Path]]:
    """(country, source, query id) -> the sample responses, in name order."""
    groups: dict[tuple[str, str, str], list[Path]] = {}
    with importlib.resources.as_file(DATA) as root:
        for path in sorted(Path(root).glob("*/*/*.gz")):
            country, source = path.parent.parent.name, path.parent.name
            query_id = path.name.split("__", 1)[0]
            groups.setdefault((country, source, query_id), []).append(path)
    return groups


def run_demo(lake_uri: str = "demo-lake", *, echo: Callable[[str], None] = lambda _: None) -> DemoResult:
    started = time.perf_counter()
    config = demo_config()
    lake = Lake.from_uri(lake_uri)
    result = DemoResult(lake)
    enricher = Enricher.from_config(config, Pseudonymiser(DEMO_AUTHOR_KEY))
    now = datetime.now(UTC)
    run_id = new_run_id(now)
    echo(f"Demo lake: {lake.uri}")
    for (code, source, query_id), files in sorted(sample_files().items()):
        ingest = ingest_payloads(
            read_files(files),
            source=source,
            country=code,
            query_id=query_id,
            lake=lake,
            enricher=enricher,
            run_id=run_id,
            now=now,
        )
        result.imported[(code, source)] = ingest
        echo(
            f"  {code} {source:<9} {len(files):>3} files: {ingest.imported:>5} imported, "
            f"{ingest.duplicates:>4} duplicates, {ingest.quarantined} quarantined, {ingest.erased} erased"
        )
    # A fresh lake has duplicates too: the sample's timeline pages overlap and a post can match two hashtags,
    # as in real responses. Said once, so that a first "already there" does not puzzle anyone.
    echo(
        "  (duplicates: posts already in the lake or repeated across the responses, as overlapping timeline "
        "pages and hashtags repeat them; each post is stored once)"
    )
    for country in config.countries:
        weeks = weeks_with_posts(lake, country.code, country.timezone)
        for week in weeks:
            brief = summarise(lake, config, country.code, week)
            result.briefs.append((country.code, str(week), brief.lake_paths))
        if weeks:
            echo(f"  briefed  {country.code} {len(weeks)} weeks, {weeks[0]} to {weeks[-1]}")
    result.seconds = time.perf_counter() - started
    echo(f"Done in {result.seconds:.1f} s.")
    return result
