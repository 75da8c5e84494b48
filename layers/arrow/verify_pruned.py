"""Exercise a pruned pyarrow the way the functions use it (``make verify-arrow`` runs this).

    PYTHONPATH=layers/core python verify_pruned.py --moto PATH_TO_moto_server

Run it with an interpreter whose pyarrow went through prune.py. It imports what the lake imports, checks
that the pruned modules are gone, round-trips a Parquet file, reads a dataset, and then runs the library's
Lake (append, read deduplicated, compact) on S3 served by moto on 127.0.0.1.
"""

from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import tempfile
import time
from datetime import UTC, date, datetime


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def _wait_for(port: int, seconds: float = 20.0) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise SystemExit(f"moto did not start on 127.0.0.1:{port}")


def check_local() -> None:
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.dataset as ds
    import pyarrow.fs as fs
    import pyarrow.parquet as pq

    for gone in ("pyarrow.flight", "pyarrow.substrait", "pyarrow.orc"):
        try:
            __import__(gone)
        except ImportError:
            continue
        raise SystemExit(f"{gone} is still importable: was this pyarrow pruned?")
    table = pa.table(
        {
            "n": [1, 2, 3],
            "s": ["a", None, "c"],
            "ts": pa.array([1, 2, 3], pa.timestamp("us", tz="UTC")),
            "topics": [["x"], [], None],
        }
    )
    with tempfile.TemporaryDirectory() as folder:
        pq.write_table(table, f"{folder}/t.parquet", compression="zstd")
        assert pq.read_table(f"{folder}/t.parquet").equals(table)
        assert ds.dataset(folder, format="parquet").to_table().num_rows == 3
    assert pc.sum(table["n"]).as_py() == 6
    assert fs.LocalFileSystem().get_file_info("/").type == fs.FileType.Directory
    print(f"pyarrow {pa.__version__} ({pa.__file__}): imports, Parquet round trip, dataset, compute: ok")


def check_s3(endpoint: str) -> None:
    import pyarrow.fs as fs

    from listening_post.lake import Lake
    from listening_post.model import Post

    for name, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_EC2_METADATA_DISABLED": "true",
    }.items():
        os.environ[name] = value
    host = endpoint.split("//", 1)[1]
    fs.S3FileSystem(endpoint_override=host, scheme="http", allow_bucket_creation=True).create_dir("prunecheck")
    lake = Lake.from_uri("s3://prunecheck", endpoint_url=endpoint)

    def post(i: int) -> Post:
        created = datetime(2026, 11, 23, 12, 0, i, tzinfo=UTC)
        return Post(
            post_id=f"rss:{i}",
            source="rss",
            query_id="q",
            country="CA",
            created_at=created,
            collected_at=datetime.now(UTC),
            url=None,
            lang="en",
            text="text",
            author_id="a",
            likes=1,
            reposts=0,
            replies=0,
            is_repost=False,
            sentiment=0.5,
            sentiment_pos=0.2,
            sentiment_neu=0.8,
            sentiment_neg=0.0,
            sentiment_label="positive",
            sentiment_model="vader-3.3.2",
            topics=["trade"],
        )

    lake.append_posts([post(1), post(2)], run_id="r1")
    lake.append_posts([post(2), post(3)], run_id="r2")
    period = (date(2026, 11, 1), date(2026, 11, 30))
    assert lake.read_posts("CA", *period).num_rows == 3
    result = lake.compact_partition("CA", "2026-11-23", run_id="c1")
    assert (result.files_before, result.files_after, result.rows_after) == (2, 1, 3), result
    assert lake.read_posts("CA", *period).num_rows == 3
    print("S3 (moto): Lake append, deduplicated read and compaction: ok")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--moto", required=True, help="path of moto's moto_server script")
    args = parser.parse_args()
    check_local()
    port = _free_port()
    server = subprocess.Popen(  # noqa: S603
        [args.moto, "-H", "127.0.0.1", "-p", str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        _wait_for(port)
        check_s3(f"http://127.0.0.1:{port}")
    finally:
        server.terminate()
        server.wait(timeout=10)
    return 0


if __name__ == "__main__":
    sys.exit(main())
