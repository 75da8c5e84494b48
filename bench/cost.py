"""Dollars per million posts, from the bench's measured figures and a dated price table (docs/COST.md).

    .venv/bin/python bench/cost.py [bench/results.json]

Every term is (count per million posts) x (unit price). Counts come from measured figures where the bench
has them (CPU seconds per post, summary seconds, cold-start milliseconds, bytes per post and Athena bytes
scanned) and from the stated assumptions below otherwise; docs/COST.md explains each line.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]

# US East (N. Virginia) list prices; "checked" is the day they were read at the cited page, or None where
# this session could not open an AWS page for it (the figure is the long-standing published price).
PRICES: dict[str, dict[str, Any]] = {
    "lambda_arm_gb_s": {
        "usd": 0.0000133334,
        "per": "GB-second, arm64, first 7.5 billion GB-s a month",
        "source": "https://aws.amazon.com/lambda/pricing/",
        "checked": "2026-11-23",
    },
    "lambda_request": {
        "usd": 0.20 / 1e6,
        "per": "request",
        "source": "https://aws.amazon.com/lambda/pricing/",
        "checked": "2026-11-23",
    },
    "s3_put": {
        "usd": 0.005 / 1000,
        "per": "PUT, COPY, POST or LIST request, S3 Standard",
        "source": "https://aws.amazon.com/s3/pricing/",
        "checked": None,
    },
    "s3_get": {
        "usd": 0.0004 / 1000,
        "per": "GET request, S3 Standard",
        "source": "https://aws.amazon.com/s3/pricing/",
        "checked": None,
    },
    "s3_gb_month": {
        "usd": 0.023,
        "per": "GB-month, S3 Standard, first 50 TB",
        "source": "https://aws.amazon.com/s3/pricing/",
        "checked": None,
    },
    "athena_tb": {
        "usd": 5.0,
        "per": "TB scanned (10 MB minimum per query)",
        "source": "https://aws.amazon.com/athena/pricing/",
        "checked": None,
    },
    "dynamodb_wru": {
        "usd": 0.625 / 1e6,
        "per": "on-demand write request unit (after the November 2024 price cut)",
        "source": "https://aws.amazon.com/dynamodb/pricing/on-demand/",
        "checked": "2026-11-23",
    },
    "dynamodb_rru": {
        "usd": 0.125 / 1e6,
        "per": "on-demand read request unit",
        "source": "https://aws.amazon.com/dynamodb/pricing/on-demand/",
        "checked": "2026-11-23",
    },
    "sqs_request": {
        "usd": 0.40 / 1e6,
        "per": "standard queue request (64 KB chunk)",
        "source": "https://aws.amazon.com/sqs/pricing/",
        "checked": None,
    },
    "secrets_call": {
        "usd": 0.05 / 10_000,
        "per": "Secrets Manager API call",
        "source": "https://aws.amazon.com/secrets-manager/pricing/",
        "checked": None,
    },
    "logs_gb": {
        "usd": 0.50,
        "per": "GB of CloudWatch Logs ingested",
        "source": "https://aws.amazon.com/cloudwatch/pricing/",
        "checked": None,
    },
}

# Function memory sizes (MB): template.yaml when it is there, else the plan's sizes.
MEMORY_MB = {"plan": 256, "collect": 1024, "brief": 3008, "api": 512, "compact": 3008}

# Assumptions: how a million posts arrive and are read. Each is a round, stated figure, not a measurement.
ASSUMPTIONS: dict[str, Any] = {
    "posts_per_job": 100,  # posts a (country, query, source) job writes per hourly run, on average
    "job_wait_s": 1.5,  # wall seconds per job spent waiting on the platform's API, S3 and DynamoDB
    "cold_share": 0.1,  # share of collect invocations that start cold
    "partitions_per_job": 1.5,  # (country, day) partitions a job's posts fall in (runs around midnight: 2)
    "files_read_per_append": 12,  # earlier files in the partition read for post_id dedup (half a day of runs)
    "posts_per_country_week": 1_000_000,  # the summary benchmark's week
    "athena_queries_per_week": 20,  # BI queries over a country-week
    "api_requests_per_week": 200,  # brief pages and summary.json fetched per country-week
    "log_kb_per_invocation": 2.0,
    "retention_months": 13,
}
CPU_MS_PER_VCPU_MB = 1769  # Lambda gives one full vCPU at 1,769 MB, proportionally less below


def template_memory(template: Path = ROOT / "template.yaml") -> dict[str, int]:
    """MemorySize per function from the SAM template, when it exists (keys: plan, collect, ...)."""
    if not template.exists():
        return dict(MEMORY_MB)
    import re

    sizes = dict(MEMORY_MB)
    text = template.read_text(encoding="utf-8")
    for name in MEMORY_MB:
        match = re.search(rf"CodeUri:\s*functions/{name}/?\s*\n(?:.*\n){{0,30}}?\s*MemorySize:\s*(\d+)", text)
        if match:
            sizes[name] = int(match.group(1))
    return sizes


def _lambda_s(cpu_s: float, memory_mb: int) -> float:
    """Wall seconds on Lambda for ``cpu_s`` of one core here, at ``memory_mb`` (CPU share scales with it)."""
    return cpu_s / min(1.0, memory_mb / CPU_MS_PER_VCPU_MB)


def cost_per_million(measured: dict[str, Any], memory: dict[str, int] | None = None) -> dict[str, Any]:
    """The cost terms of one million posts, in dollars, and their sum."""
    memory = memory or template_memory()
    a, p = ASSUMPTIONS, {k: v["usd"] for k, v in PRICES.items()}
    million = 1_000_000
    jobs = million / a["posts_per_job"]
    gb = {k: v / 1024 for k, v in memory.items()}
    cpu_per_post = float(measured["ingest_cpu_s_per_post"])
    cold_s = float(measured.get("cold_import_ms", {}).get("collect", 0)) / 1000
    collect_s = jobs * (a["job_wait_s"] + a["cold_share"] * cold_s) + _lambda_s(
        million * cpu_per_post, memory["collect"]
    )
    weeks = million / a["posts_per_country_week"]
    brief_s = weeks * _lambda_s(float(measured["summary_1m_s"]), memory["brief"])
    compact_partitions = million / a["posts_per_job"] / 24 * a["partitions_per_job"]  # a day of runs per partition
    terms: dict[str, float] = {
        "collect_compute": collect_s * gb["collect"] * p["lambda_arm_gb_s"],
        "collect_requests": jobs * p["lambda_request"],
        "brief_compute": brief_s * gb["brief"] * p["lambda_arm_gb_s"],
        "compact_compute": _lambda_s(million * cpu_per_post * 0.1, memory["compact"])
        * gb["compact"]
        * p["lambda_arm_gb_s"],  # rewriting a post costs about a tenth of ingesting it (no parsing or scoring)
        "plan_and_api": (jobs / 50 * 0.3 * gb["plan"] + weeks * a["api_requests_per_week"] * 0.1 * gb["api"])
        * p["lambda_arm_gb_s"]
        + weeks * a["api_requests_per_week"] * p["lambda_request"],
        "s3_puts": (jobs * (a["partitions_per_job"] + 1) + compact_partitions + weeks * 4) * p["s3_put"],
        "s3_gets": (jobs * a["partitions_per_job"] * (a["files_read_per_append"] + 1) + compact_partitions * 12)
        * p["s3_get"],
        "s3_storage": million
        * float(measured.get("lake_bytes_per_post", 100))
        / 1e9
        * p["s3_gb_month"]
        * a["retention_months"],
        "athena": weeks
        * a["athena_queries_per_week"]
        * max(float(measured.get("athena_bytes_per_weekly_query", 0)), 10e6)
        / 1e12
        * p["athena_tb"],
        "dynamodb": jobs * (4 * p["dynamodb_wru"] + 2 * p["dynamodb_rru"]),
        "sqs": jobs * 3 * p["sqs_request"],
        "secrets": jobs * a["cold_share"] * p["secrets_call"],
        "logs": (jobs + weeks * a["api_requests_per_week"]) * a["log_kb_per_invocation"] / 1e6 * p["logs_gb"],
    }
    return {
        "cost_per_million_posts_usd": round(sum(terms.values()), 4),
        "cost_terms_usd": {k: round(v, 5) for k, v in sorted(terms.items(), key=lambda kv: -kv[1])},
        "cost_memory_mb": memory,
    }


def main(argv: list[str] | None = None) -> int:
    path = Path((argv or sys.argv[1:] or [str(ROOT / "bench" / "results.json")])[0])
    result = cost_per_million(json.loads(path.read_text()))
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
