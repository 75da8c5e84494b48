"""The evidence route as the API function runs it: posts and links read from S3 (moto on 127.0.0.1) with
boto3, copied to a scratch folder and read with DuckDB, the same answers as from the local lake."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import boto3
import pytest

from listening_post.aws.s3 import S3Documents
from listening_post.demo import run_demo
from listening_post.lake import Lake
from listening_post.web import evidence
from listening_post.web.api import create_app
from listening_post.web.server import to_event
from listening_post.web.store import BriefStore

pytestmark = pytest.mark.integration
QUERIES = [
    "format=json&limit=100",
    "format=json&topic=diplomacy&label=negative",
    "format=json&source=mastodon&limit=5&page=3",
    "format=json&lang=fr",
]


def get(app: Any, path: str) -> tuple[int, Any]:
    result = app.resolve(to_event("GET", path, {}, b""), None)
    return result["statusCode"], json.loads(result["body"])


@pytest.fixture(scope="module")
def demo_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("evidence") / "lake"
    run_demo(str(root))
    return root


def test_evidence_from_s3_is_the_evidence_from_the_local_lake(
    bucket: str, aws_env: str, demo_root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    docs = S3Documents(boto3.client("s3", endpoint_url=aws_env), bucket, "lake")
    for dataset in ("posts/country=CA", "links/country=CA", "briefs/country=CA"):
        for path in (demo_root / dataset).rglob("*"):
            if path.is_file():
                docs.write_bytes(str(path.relative_to(demo_root)), path.read_bytes())
    remote = create_app(BriefStore(docs), {"CA": "Canada"})
    local = create_app(BriefStore(Lake.from_uri(str(demo_root))), {"CA": "Canada"})
    for query in QUERIES:
        path = f"/countries/CA/weeks/2026-W47/posts?{query}"
        status, answer = get(remote, path)
        assert status == 200, answer
        assert answer == get(local, path)[1], query
    assert get(remote, "/countries/CA/weeks/2026-W47/posts?format=json&source=mastodon")[1]["posts"][0]["url"]

    # More than one request may copy to /tmp: a 413 saying so, not a full disk.
    monkeypatch.setattr(evidence, "MAX_BYTES", 10_000)
    status, answer = get(remote, "/countries/CA/weeks/2026-W47/posts?format=json")
    assert status == 413 and "Athena" in answer["error"]
