"""The same lake gives the same summary: a political officer regenerating a brief gets the same brief.

Each week of the demo lake is summarised in two processes with different string-hash seeds (set iteration
order differs between them), and in each process DuckDB runs its scans on two threads, so rows arrive in a
different order from run to run. The summaries must be equal byte for byte (same ``now``).

On main, two such runs differed in all 12 demo summaries: the representative examples (different
posts picked, different typicality), the key order of ``examples.by_topic``, and floats in their last bits
(DuckDB's parallel sums).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from listening_post.demo import DemoResult, run_demo

SCRIPT = """
import json, sys
from datetime import UTC, datetime
from listening_post.analysis.weekly import SummaryInput, build_summary
from listening_post.briefs.render import render
from listening_post.demo import demo_config
from listening_post.lake import Lake
from listening_post.weeks import IsoWeek

config, lake = demo_config(), Lake.from_uri(sys.argv[1])
now = datetime(2026, 12, 1, tzinfo=UTC)
out = {}
for key in sys.argv[2:]:
    country, week = key.split("/")
    spec = SummaryInput.from_config(config, country, IsoWeek.parse(week))
    out[key] = [render(build_summary(lake, spec, now=now))["summary.json"] for _ in range(2)]
print(json.dumps(out))
"""


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> DemoResult:
    return run_demo(str(tmp_path_factory.mktemp("demo") / "lake"))


def summaries(demo: DemoResult, seed: str) -> dict[str, list[str]]:
    keys = sorted({f"{country}/{week}" for country, week, _ in demo.briefs})
    env = {**os.environ, "PYTHONHASHSEED": seed}
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT, demo.lake.root, *keys],
        env=env,
        capture_output=True,
        text=True,
        check=True,
        timeout=300,
    )
    return dict(json.loads(done.stdout))


def test_the_same_lake_gives_the_same_summaries(demo: DemoResult) -> None:
    first, second = summaries(demo, "1"), summaries(demo, "2")
    assert len(first) == 12
    differ = sorted(key for key in first if len({first[key][0], first[key][1], second[key][0], second[key][1]}) > 1)
    assert differ == []
