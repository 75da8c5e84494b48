"""Time of one alert evaluation (one country, one round), as the alert function runs it: posts read from
the lake each time, every rule, the lake's open events, nothing delivered.

    .venv/bin/python bench/alerts_eval.py [--posts-per-week N] [--rounds R]

The lake is bench/datagen.py's (seeded), with N posts every week; R hourly rounds of the last history week
are timed. Prints seconds per evaluation (median, max) and the posts each read."""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench import datagen
from listening_post.alerts import window
from listening_post.alerts.engine import evaluate
from listening_post.config import parse_config
from listening_post.lake import Lake


def run(posts_per_week: int, rounds: int) -> dict[str, float]:
    topics = "\n".join(f"  - {{id: {t}, label: {t}, query: '{' OR '.join(w.split())}'}}" for t, w in datagen.TOPICS)
    config = parse_config(
        "version: 1\nsecrets: {author_key: {env: K}}\n"
        "countries:\n  - {code: CA, languages: [en, fr], timezone: America/Toronto}\n"
        f"topics:\n{topics}\n"
    )
    with tempfile.TemporaryDirectory(prefix="lp-alerts-") as tmp:
        datagen.generate(posts_per_week, Path(tmp) / "lake", history=1.0)
        lake = Lake.from_uri(str(Path(tmp) / "lake"))
        at = datetime.combine(datagen.MONDAY, datetime.min.time(), tzinfo=UTC) - timedelta(hours=rounds)
        times, read = [], 0
        for _ in range(rounds):
            start = time.perf_counter()
            evaluate(lake, config, "CA", at, write=False)
            times.append(time.perf_counter() - start)
            read = window.read(lake, "CA", window.span(config, at), at).num_rows
            at += timedelta(hours=1)
    return {
        "alerts_eval_s_median": round(statistics.median(times), 3),
        "alerts_eval_s_max": round(max(times), 3),
        "alerts_eval_posts_read": read,
        "posts_per_week": posts_per_week,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts-per-week", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=12)
    args = parser.parse_args(argv)
    print(json.dumps(run(args.posts_per_week, args.rounds), indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
