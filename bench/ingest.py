"""Ingest throughput on one core: replayed payloads through the whole collect path into a local lake.

    .venv/bin/python bench/ingest.py [--seconds S]

Parse + clean + detect language + pseudonymise + score sentiment + match topics + write Parquet: exactly
``pipeline.ingest_payloads`` as ``listening-post import``, the demo and the collect function call it. The
payloads are the demo's sample data (Mastodon pages and RSS feeds of two countries over six weeks, the
realistic volume) and the real platform responses in ../shared/data/payloads (every source; read by path).
Each pass imports everything into a fresh lake, so every post is new and written; the process is pinned
to one CPU, and the figure is posts written per second of wall time over the passes after a warm-up pass
(which loads the language model and the lexicons, as a warm Lambda already has). Only the passes are
timed: each writes into a new folder, and the bench deletes that lake after the pass, outside the timer
(deleting is not ingest, and on ext4 mounted with discard it is slow and varies with the disk's other work).
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
PAYLOADS = ROOT.parent / "shared" / "data" / "payloads"
# Real responses per source folder, by the parser that reads them (cassettes and elided examples are not
# API bodies and are left out).
REAL = {
    "mastodon": ("mastodon", ["mastodonpy_timelines_tag_hoot.response.json"]),
    "bluesky": ("bluesky", ["searchPosts_q-redistricting.response.json"]),
    "reddit": ("reddit", ["*.response.json"]),
    "rss": ("rss", ["*.rss", "*.atom"]),
    "twitter_x": ("x", ["*search*.json"]),
    "youtube": ("youtube", ["pyyoutube_comment_threads_by_video_paged_1.json"]),
}


def payload_groups() -> list[tuple[str, str, str, list[tuple[str, bytes]]]]:
    """(country, source, query id, [(origin, body)]) of every payload, bodies already in memory."""
    from listening_post.demo import sample_files

    groups = []
    for (country, source, query_id), files in sorted(sample_files().items()):
        bodies = [(str(p), gzip.decompress(p.read_bytes())) for p in files]
        groups.append((country, source, query_id, bodies))
    for folder, (source, patterns) in REAL.items():
        bodies = [(str(p), p.read_bytes()) for pat in patterns for p in sorted((PAYLOADS / folder).glob(pat))]
        if bodies:
            groups.append(("CA", source, "ca-social", bodies))
    return groups


def one_pass(groups: list[Any], enricher: Any, lake_dir: Path) -> tuple[int, int]:
    """Import every payload into a new lake at ``lake_dir`` (which must not exist yet)."""
    from listening_post.lake import Lake
    from listening_post.pipeline import ingest_payloads

    if lake_dir.exists():
        raise FileExistsError(lake_dir)
    lake = Lake.from_uri(str(lake_dir))
    written = payloads = 0
    for country, source, query_id, bodies in groups:
        result = ingest_payloads(
            bodies, source=source, country=country, query_id=query_id, lake=lake, enricher=enricher, run_id="bench"
        )
        written += result.imported
        payloads += result.payloads
    return written, payloads


def run(seconds: float = 20.0) -> dict[str, Any]:
    """Runs in this process; call :func:`measure` for the pinned child process."""
    from listening_post.demo import demo_config
    from listening_post.enrich.pseudonym import DEMO_AUTHOR_KEY, Pseudonymiser
    from listening_post.pipeline import Enricher

    groups = payload_groups()
    enricher = Enricher.from_config(demo_config(), Pseudonymiser(DEMO_AUTHOR_KEY))
    with tempfile.TemporaryDirectory(prefix="lp-ingest-") as tmp:
        one_pass(groups, enricher, Path(tmp) / "warm-up")  # models and lexicons loaded, caches filled
        shutil.rmtree(Path(tmp) / "warm-up")
        posts = passes = 0
        wall = cpu = 0.0
        while passes == 0 or wall < seconds:
            lake_dir = Path(tmp) / f"pass-{passes}"
            started, cpu_started = time.perf_counter(), time.process_time()
            written, n_payloads = one_pass(groups, enricher, lake_dir)
            wall += time.perf_counter() - started
            cpu += time.process_time() - cpu_started
            shutil.rmtree(lake_dir)  # outside the timer: not ingest
            posts += written
            passes += 1
    return {
        "ingest_posts_per_s": round(posts / wall),
        "ingest_cpu_s_per_post": cpu / posts,
        "ingest_posts_per_pass": posts // passes,
        "ingest_payloads_per_pass": n_payloads,
        "ingest_passes": passes,
    }


# Where a pass spends its time: (module, owner, attribute, stage). Each is wrapped with a timer for one
# measured pass; a stage's time excludes the stages called inside it, and "other" is the rest of the pass
# (Post construction, the loops of enrich_many and append_posts).
STAGES = [
    # The platform registry's parsers run through parse_guarded, which ingest_payloads imports when it runs.
    ("listening_post.sources.base", None, "parse_guarded", "parse"),
    ("listening_post.pipeline", None, "html_to_text", "clean"),
    ("listening_post.pipeline", None, "clean_text", "clean"),
    ("listening_post.enrich.language", "LanguageDetector", "detect", "language"),
    ("listening_post.enrich.pseudonym", "Pseudonymiser", "author_id", "pseudonymise"),
    ("listening_post.scoring.sentiment", "SentimentScorer", "score_many", "sentiment"),
    ("listening_post.pipeline", None, "fold", "fold"),
    ("listening_post.scoring.topics", "TopicMatcher", "terms_in", "topics"),
    ("listening_post.scoring.topics", "TopicMatcher", "matching", "topics"),
    ("listening_post.scoring.topics", "TopicMatcher", "passages", "topic sentences"),
    ("listening_post.pipeline", None, "folded_duplicate_key", "dup key"),
    ("listening_post.pipeline", None, "_shared", "links and mentions"),
    ("listening_post.model", None, "posts_to_table", "arrow table"),
    ("pyarrow.parquet", None, "write_table", "parquet encode"),
    ("listening_post.lake", "Lake", "write_bytes", "file write"),
    ("listening_post.lake", "Lake", "existing_post_ids", "dedup read"),
    # Beside each append's posts files, the links dataset's (its encoding and writing are counted above).
    ("listening_post.links", None, "write_links", "links dataset"),
]


def breakdown(passes: int = 5) -> dict[str, Any]:
    """µs per written post of each stage after the warm-up, in this process: for each stage the least over
    ``passes`` passes, since other work on a shared machine only ever adds time."""
    import importlib
    from contextlib import ExitStack
    from unittest import mock

    from listening_post.demo import demo_config
    from listening_post.enrich.pseudonym import DEMO_AUTHOR_KEY, Pseudonymiser
    from listening_post.pipeline import Enricher

    spent: dict[str, float] = {}
    inner: list[float] = [0.0]  # time of timed stages inside the running one (a stack)

    def timed(fn: Any, stage: str) -> Any:
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            inner.append(0.0)
            t0 = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                elapsed = time.perf_counter() - t0
                children = inner.pop()
                spent[stage] = spent.get(stage, 0.0) + elapsed - children
                inner[-1] += elapsed

        return wrapper

    groups = payload_groups()
    enricher = Enricher.from_config(demo_config(), Pseudonymiser(DEMO_AUTHOR_KEY))
    best: dict[str, float] = {}
    with tempfile.TemporaryDirectory(prefix="lp-ingest-") as tmp, ExitStack() as patches:
        one_pass(groups, enricher, Path(tmp) / "warm-up")
        shutil.rmtree(Path(tmp) / "warm-up")
        for module_name, owner_name, attribute, stage in STAGES:
            module = importlib.import_module(module_name)
            owner = getattr(module, owner_name) if owner_name else module
            if attribute == "*":  # every value of a dict
                patches.enter_context(mock.patch.dict(owner, {k: timed(v, stage) for k, v in owner.items()}))
            else:
                patches.enter_context(mock.patch.object(owner, attribute, timed(getattr(owner, attribute), stage)))
        for n in range(passes):
            spent.clear()
            lake_dir = Path(tmp) / f"pass-{n}"
            started = time.perf_counter()
            posts = one_pass(groups, enricher, lake_dir)[0]
            wall = time.perf_counter() - started
            shutil.rmtree(lake_dir)  # outside the timer, as in run()
            spent["other"] = wall - sum(spent.values())
            spent["total"] = wall
            for stage, seconds in spent.items():
                us = seconds / posts * 1e6
                best[stage] = min(best.get(stage, us), us)
    stages = {stage: round(us, 1) for stage, us in best.items() if stage != "total"}
    return {"ingest_us_per_post": {**stages, "total": round(best["total"], 1)}, "ingest_posts_per_pass": posts}


def measure(seconds: float = 20.0) -> dict[str, Any]:
    """:func:`run` in a fresh process pinned to one CPU (and told to use one thread)."""
    import subprocess

    env = {**os.environ, "OMP_NUM_THREADS": "1", "ARROW_IO_THREADS": "1"}
    code = (
        "import json, os, sys; os.sched_setaffinity(0, {min(os.sched_getaffinity(0))}); "
        "import pyarrow; pyarrow.set_cpu_count(1); pyarrow.set_io_thread_count(1); "
        f"sys.path.insert(0, {str(ROOT)!r}); from bench.ingest import run; print(json.dumps(run({seconds})))"
    )
    out = subprocess.run([sys.executable, "-c", code], env=env, check=True, capture_output=True, text=True)
    return dict(json.loads(out.stdout.strip().splitlines()[-1]))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--profile", action="store_true", help="one pass under cProfile, in this process")
    parser.add_argument("--breakdown", action="store_true", help="µs per post of each stage, on one core")
    parser.add_argument("--cpu", type=int, help="the core --breakdown runs on (default: the first)")
    args = parser.parse_args(argv)
    if args.breakdown:
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0)) if args.cpu is None else args.cpu})
        print(json.dumps(breakdown(), indent=2))
        return 0
    if args.profile:
        import cProfile
        import pstats

        cProfile.runctx("run(seconds=0)", globals(), {"run": run}, "/tmp/lp-ingest.prof")
        pstats.Stats("/tmp/lp-ingest.prof").sort_stats("tottime").print_stats(30)
        return 0
    print(json.dumps(measure(args.seconds), indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
