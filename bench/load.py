"""A bounded load on the local API from this process: N concurrent clients for S seconds.

    python bench/load.py http://127.0.0.1:8080 --clients 50 --seconds 30

Prints (and returns, for the tests) requests, errors and latency percentiles. Every client walks the
same mix of routes a reading room would: the index, the country list, weeks, summaries, briefs.
"""

from __future__ import annotations

import argparse
import http.client
import json
import statistics
import threading
import time
from typing import Any
from urllib.parse import urlsplit

DEFAULT_PATHS = (
    "/",
    "/countries",
    "/countries/CA/weeks",
    "/countries/CA/weeks/2026-W47/summary",
    "/countries/CA/weeks/2026-W47/brief",
    "/countries/DE/weeks/2026-W47/brief",
    "/openapi.json",
)


def run_load(
    base_url: str, *, clients: int = 50, seconds: float = 30.0, paths: tuple[str, ...] = DEFAULT_PATHS
) -> dict[str, Any]:
    parts = urlsplit(base_url)
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    deadline = time.monotonic() + seconds
    start = threading.Barrier(clients)

    def client(number: int) -> None:
        mine: list[float] = []
        failures: list[str] = []
        start.wait()
        i = number
        while time.monotonic() < deadline:
            path = paths[i % len(paths)]
            i += 1
            began = time.perf_counter()
            try:
                conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
                conn.request("GET", path)
                response = conn.getresponse()
                response.read()
                conn.close()
                if response.status != 200:
                    failures.append(f"{path}: HTTP {response.status}")
            except OSError as exc:
                failures.append(f"{path}: {type(exc).__name__}: {exc}")
            mine.append(time.perf_counter() - began)
        with lock:
            latencies.extend(mine)
            errors.extend(failures)

    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    began = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.monotonic() - began
    ordered = sorted(latencies)

    def pct(p: float) -> float:
        return ordered[min(len(ordered) - 1, int(p * len(ordered)))] * 1000 if ordered else 0.0

    return {
        "clients": clients,
        "seconds": round(elapsed, 1),
        "requests": len(latencies),
        "errors": len(errors),
        "error_samples": errors[:5],
        "requests_per_s": round(len(latencies) / elapsed, 1),
        "p50_ms": round(pct(0.50), 1),
        "p90_ms": round(pct(0.90), 1),
        "p99_ms": round(pct(0.99), 1),
        "mean_ms": round(statistics.fmean(latencies) * 1000, 1) if latencies else 0.0,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("base_url")
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=30.0)
    args = parser.parse_args()
    print(json.dumps(run_load(args.base_url, clients=args.clients, seconds=args.seconds), indent=2))


if __name__ == "__main__":
    main()
