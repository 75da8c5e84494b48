"""The API function's view of the lake: boto3 against moto's S3 on 127.0.0.1, no pyarrow involved."""

from __future__ import annotations

import json

import boto3
import pytest

from listening_post.aws.s3 import S3Documents
from listening_post.web.api import create_app
from listening_post.web.server import to_event
from listening_post.web.store import BriefStore

pytestmark = pytest.mark.integration


def test_briefs_served_from_s3(bucket: str, aws_env: str) -> None:
    s3 = boto3.client("s3", endpoint_url=aws_env)
    docs = S3Documents(s3, bucket, "lake")
    for week in ("2026-W46", "2026-W47"):
        docs.write_bytes(f"briefs/country=DE/week={week}/summary.json", json.dumps({"week": week}).encode())
        docs.write_bytes(f"briefs/country=DE/week={week}/brief.html", b"<html><body>brief</body></html>")
    assert docs.list_dir("briefs") == ["country=DE"]
    assert docs.list_dir("briefs/country=DE") == ["week=2026-W46", "week=2026-W47"]
    assert docs.exists("briefs/country=DE/week=2026-W47/brief.html")
    assert not docs.exists("briefs/country=DE/week=2026-W47/brief.md")
    app = create_app(BriefStore(docs), {"DE": "Germany"})
    result = app.resolve(to_event("GET", "/countries/DE/weeks/2026-W47/summary", {}, b""), None)
    assert result["statusCode"] == 200 and json.loads(result["body"]) == {"week": "2026-W47"}
    result = app.resolve(to_event("GET", "/countries/DE/weeks/2026-W40/brief", {}, b""), None)
    assert result["statusCode"] == 404
