"""Cold start of each Lambda function: a fresh Python process imports ``functions/<name>/app.py``.

    .venv/bin/python bench/cold_import.py [--runs N]

The import is what Lambda's init phase runs: the handler module and everything it builds at module level
(settings, boto3 clients, the configuration read from S3, the collect function's enricher and secrets).
AWS is moto's server on 127.0.0.1, so nothing leaves the machine; the environment is what the SAM
template gives each function. The figure is the least over ``runs`` fresh processes (interleaved) of the
time from just before the import to just after it, since the shared host's other work only ever adds time
(the median is reported beside it) (the interpreter's own start-up is not counted: Lambda's Python
runtime is already up when it imports the handler). Each child also reports whether pyarrow, pandas or
numpy were imported, since the API function must not load pyarrow at all.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # tests.stack, when run as a script
FUNCTIONS = ("plan", "collect", "brief", "api", "compact", "alert")
TARGETS_MS = {"collect": 400, "api": 300}
BUCKET, TABLE, REGION = "lp-bench-data", "lp-bench-state", "us-east-1"
DEMO_CONFIG = ROOT / "layers" / "core" / "listening_post" / "demo" / "config.yaml"

CHILD = """
import importlib.util, json, sys, time
started = time.perf_counter()
spec = importlib.util.spec_from_file_location("app", {path!r})
module = importlib.util.module_from_spec(spec)
sys.modules["app"] = module
spec.loader.exec_module(module)
elapsed = time.perf_counter() - started
print(json.dumps({{"ms": elapsed * 1000, "heavy": sorted(m for m in ("pyarrow", "pandas", "numpy", "duckdb")
                                                 if m in sys.modules), "modules": len(sys.modules)}}))
"""


def _aws(endpoint: str) -> dict[str, str]:
    """Resources the functions read at cold start, on moto; returns the functions' environment."""
    import boto3

    from tests.stack import CONFIG_KEY, make_stack

    kw: dict[str, Any] = {
        "region_name": REGION,
        "endpoint_url": endpoint,
        "aws_access_key_id": "testing",
        "aws_secret_access_key": "testing",
    }
    boto3.client("s3", **kw).create_bucket(Bucket=BUCKET)
    stack = make_stack(
        lambda service: boto3.client(service, **kw),
        bucket=BUCKET,
        table=TABLE,
        name="lp-bench",
        config=DEMO_CONFIG.read_bytes(),
        author_key="bench-author-key-0123456789abcdef",
    )
    return {
        "AWS_ENDPOINT_URL": endpoint,
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_REGION": REGION,
        "AWS_DEFAULT_REGION": REGION,
        "POWERTOOLS_SERVICE_NAME": "listening-post",
        "POWERTOOLS_METRICS_NAMESPACE": "ListeningPost",
        "LISTENING_POST_LAKE": f"s3://{BUCKET}/lake",
        "LISTENING_POST_CONFIG_LOCATION": f"s3://{BUCKET}/{CONFIG_KEY}",
        "LISTENING_POST_STATE_TABLE": TABLE,
        "LISTENING_POST_AUTHOR_KEY_SECRET": stack.secret_arn,
        "LISTENING_POST_JOBS_QUEUE_URL": stack.queue_url,
        "LISTENING_POST_DATA_BUCKET": BUCKET,
    }


def run(runs: int = 5) -> dict[str, Any]:
    import logging

    from moto.server import ThreadedMotoServer

    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # moto's server logs every request
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    try:
        host, port = server.get_host_and_port()
        env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "LISTENING_POST_", "POWERTOOLS_"))}
        env.update(_aws(f"http://{host}:{port}"))
        env["PYTHONPATH"] = str(ROOT / "layers" / "core")
        samples: dict[str, list[float]] = {name: [] for name in FUNCTIONS}
        heavy: dict[str, list[str]] = {}
        with tempfile.TemporaryDirectory(prefix="lp-cold-") as tmp:
            for _ in range(runs):
                for name in FUNCTIONS:  # interleaved, so that a noisy moment hits every function alike
                    code = CHILD.format(path=str(ROOT / "functions" / name / "app.py"))
                    out = subprocess.run(
                        [sys.executable, "-c", code], env=env, cwd=tmp, check=True, capture_output=True, text=True
                    )
                    result = json.loads(out.stdout.strip().splitlines()[-1])
                    samples[name].append(result["ms"])
                    heavy[name] = result["heavy"]
    finally:
        server.stop()
    return {
        "cold_import_ms": {name: round(min(v)) for name, v in samples.items()},
        "cold_import_ms_median": {name: round(statistics.median(v)) for name, v in samples.items()},
        "cold_import_heavy_modules": heavy,
        "cold_import_runs": runs,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args(argv)
    print(json.dumps(run(args.runs), indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
