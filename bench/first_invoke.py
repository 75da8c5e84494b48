"""Cold start and first invocation of each Lambda function: what an import leaves for the first event.

    .venv/bin/python bench/first_invoke.py [--runs N] [--functions collect,api] [--root CHECKOUT ...]

``bench/cold_import.py`` times the import alone (Lambda's init phase). Work taken out of the import and done
on first use still happens, on the first event instead, so this times, in each fresh process: the import,
the first invocation with the function's sample event from ``events/`` and a second (warm) invocation. The
first minus the warm invocation is what the cold start left to the first event.

Nothing leaves 127.0.0.1: AWS is moto's server, and the collect function's platforms are a local HTTP
server that serves the demo's Mastodon and RSS responses of 2026-W47 (the configuration is the demo's with
its feed and instance URLs pointed there). Each process writes to its own lake prefix and each collect
event gets its own plan run, so the idempotency records of one process never short-cut another's work.
``--root`` runs another checkout's functions and library (e.g. an exported main) with the same harness;
given several times, the checkouts run interleaved against the same servers, so one noisy moment hits each
alike (``git archive main | tar -x -C /tmp/main`` exports one without a worktree).
"""

from __future__ import annotations

import argparse
import gzip
import itertools
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, ClassVar

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from bench.cold_import import BUCKET, DEMO_CONFIG, _aws  # noqa: E402

FUNCTIONS = ("plan", "collect", "api", "compact")  # brief: needs a lake worth summarising, see --functions
DATA = ROOT / "layers" / "core" / "listening_post" / "demo" / "data"
WEEK = "2026-W47"

CHILD = """
import importlib.util, json, sys, time, uuid

class Context:
    function_name = "listening-post-bench"
    function_version = "$LATEST"
    invoked_function_arn = "arn:aws:lambda:us-east-1:123456789012:function:listening-post-bench"
    memory_limit_in_mb = 1024
    aws_request_id = "c6af9ac6-7b61-11e6-9a41-93e8deadbeef"
    log_group_name = "/aws/lambda/listening-post-bench"
    log_stream_name = "2026/11/23/[$LATEST]abcdef"

    def get_remaining_time_in_millis(self):
        return 300_000

def event():
    loaded = json.loads(open({event!r}).read())
    for record in loaded.get("Records", []):  # collect: a plan run of its own, so idempotency never skips it
        body = json.loads(record["body"])
        body["plan_run"] = "bench-" + uuid.uuid4().hex[:12]
        record["body"] = json.dumps(body)
    return loaded

started = time.perf_counter()
spec = importlib.util.spec_from_file_location("app", {path!r})
module = importlib.util.module_from_spec(spec)
sys.modules["app"] = module
spec.loader.exec_module(module)
imported = time.perf_counter()
heavy_after_import = sorted(m for m in ("pyarrow", "numpy", "boto3", "duckdb") if m in sys.modules)
first_event = event()
t = time.perf_counter()
first = module.lambda_handler(first_event, Context())
first_done = time.perf_counter()
second_event = event()
t2 = time.perf_counter()
second = module.lambda_handler(second_event, Context())
second_done = time.perf_counter()
print(json.dumps({{
    "import_ms": (imported - started) * 1000,
    "first_ms": (first_done - t) * 1000,
    "warm_ms": (second_done - t2) * 1000,
    "heavy_after_import": heavy_after_import,
    "heavy_after_first": sorted(m for m in ("pyarrow", "numpy", "boto3", "duckdb") if m in sys.modules),
    "library": sys.modules["listening_post"].__file__,
    "first": first,
}}, default=str))
"""


def _sample(path: Path) -> bytes:
    return gzip.decompress(path.read_bytes())


class Platforms(BaseHTTPRequestHandler):
    """Mastodon's hashtag timeline and the RSS feeds of the demo countries, from the demo's W47 responses."""

    routes: ClassVar[dict[str, tuple[str, bytes]]] = {}

    def do_GET(self) -> None:
        path = self.path.split("?", 1)[0]
        if path not in self.routes:
            self.send_error(404)
            return
        content_type, body = self.routes[path]
        self.send_response(200)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        pass


def _platforms() -> tuple[ThreadingHTTPServer, dict[str, Any]]:
    """The local platform server, and the demo configuration pointed at it."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), Platforms)
    base = f"http://127.0.0.1:{server.server_address[1]}"
    config = yaml.safe_load(DEMO_CONFIG.read_text())
    config.setdefault("sources", {}).setdefault("mastodon", {})["instances"] = [base]
    routes: ClassVar[dict[str, tuple[str, bytes]]] = {}
    for country in config["countries"]:
        code = country["code"]
        sources = country["sources"]
        for tag in sources["mastodon"]["hashtags"]:
            pages = sorted((DATA / code / "mastodon").glob(f"*__tag-{tag}__{WEEK}__p01.json.gz"))
            if pages:
                routes[f"/api/v1/timelines/tag/{tag}"] = ("application/json", _sample(pages[0]))
        feeds = sorted((DATA / code / "rss").glob(f"*__{WEEK}.xml.gz"))
        for i, feed in enumerate(sources["rss"]["feeds"]):
            path = f"/rss/{code}/{i}"
            feed["url"] = base + path
            if i < len(feeds):
                routes[path] = ("application/rss+xml", _sample(feeds[i]))
    Platforms.routes = routes
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, config


def run(runs: int, functions: list[str], roots: list[Path]) -> dict[str, Any]:
    import logging

    import boto3
    from moto.server import ThreadedMotoServer

    from listening_post.layout import PATHS

    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    moto = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    moto.start()
    platforms, config = _platforms()
    try:
        host, port = moto.get_host_and_port()
        endpoint = f"http://{host}:{port}"
        base_env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "LISTENING_POST_", "POWERTOOLS_"))}
        base_env.update(_aws(endpoint))
        s3 = boto3.client(
            "s3", endpoint_url=endpoint, region_name="us-east-1", aws_access_key_id="t", aws_secret_access_key="t"
        )
        s3.put_object(Bucket=BUCKET, Key="config/listening-post.yaml", Body=yaml.safe_dump(config).encode())
        summary = {"schema_version": 1, "country": "CA", "week": WEEK, "volume": {"posts": 0}}
        s3.put_object(Bucket=BUCKET, Key=PATHS.brief("CA", WEEK, "summary.json"), Body=json.dumps(summary))
        samples: dict[tuple[int, str], dict[str, list[float]]] = {
            (r, n): {"import_ms": [], "first_ms": [], "warm_ms": []} for r in range(len(roots)) for n in functions
        }
        details: dict[tuple[int, str], Any] = {}
        with tempfile.TemporaryDirectory(prefix="lp-first-") as tmp:
            for i in range(runs):
                # interleaved: a noisy moment hits every function and checkout alike
                for name, (r, root) in itertools.product(functions, enumerate(roots)):
                    env = dict(base_env)
                    env["PYTHONPATH"] = str(root / "layers" / "core")
                    prefix = f"lake-{r}-{name}-{i}"
                    env["LISTENING_POST_LAKE"] = f"s3://{BUCKET}/{prefix}"
                    code = CHILD.format(
                        path=str(root / "functions" / name / "app.py"), event=str(root / "events" / f"{name}.json")
                    )
                    out = subprocess.run(
                        [sys.executable, "-c", code], env=env, cwd=tmp, check=False, capture_output=True, text=True
                    )
                    if out.returncode != 0:
                        raise RuntimeError(f"{name} failed:\n{out.stderr[-3000:]}")
                    result = json.loads(out.stdout.strip().splitlines()[-1])
                    for key in samples[(r, name)]:
                        samples[(r, name)][key].append(result[key])
                    listed = s3.list_objects_v2(Bucket=BUCKET, Prefix=f"{prefix}/posts/").get("KeyCount", 0)
                    details[(r, name)] = {
                        "heavy_after_import": result["heavy_after_import"],
                        "heavy_after_first": result["heavy_after_first"],
                        "library": result["library"],
                        "first_result": result["first"]
                        if name != "api"
                        else {"statusCode": result["first"]["statusCode"]},
                        "posts_files_written": listed,
                    }
    finally:
        moto.stop()
        platforms.shutdown()
    out: dict[str, Any] = {"runs": runs, "checkouts": {}}
    for r, root in enumerate(roots):
        medians = {
            name: {key: round(statistics.median(values)) for key, values in samples[(r, name)].items()}
            for name in functions
        }
        for by_key in medians.values():
            by_key["import_plus_first_ms"] = by_key["import_ms"] + by_key["first_ms"]
        out["checkouts"][str(root)] = {"median_ms": medians, "details": {n: details[(r, n)] for n in functions}}
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--functions", default=",".join(FUNCTIONS))
    parser.add_argument(
        "--root", type=Path, action="append", help="a checkout whose functions and library run (repeatable)"
    )
    args = parser.parse_args(argv)
    roots = [r.resolve() for r in args.root or [ROOT]]
    print(json.dumps(run(args.runs, args.functions.split(","), roots), indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
