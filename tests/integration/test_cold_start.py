"""Each handler's cold start in a fresh interpreter, as Lambda's init runs it, against moto on 127.0.0.1:
what it imports, and that it leaves the garbage collector on.

The in-process handler tests cannot tell what a cold start imports (the test process has imported
everything already); these run each import in a child process with the environment the template gives.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import boto3
import pytest

from tests.stack import CONFIG_KEY, make_stack

pytestmark = pytest.mark.integration
ROOT = Path(__file__).resolve().parents[2]
DEMO_CONFIG = ROOT / "layers" / "core" / "listening_post" / "demo" / "config.yaml"
WATCHED = ("pyarrow", "numpy", "boto3", "pydantic_settings", "duckdb", "listening_post.pipeline", "feedparser")

CHILD = """
import gc, importlib.util, json, sys
spec = importlib.util.spec_from_file_location("app", sys.argv[1])
module = importlib.util.module_from_spec(spec)
sys.modules["app"] = module
spec.loader.exec_module(module)
out = {"gc": gc.isenabled(), "after_import": sorted(m for m in WATCHED if m in sys.modules)}
if sys.argv[2]:
    class Context:
        function_name, memory_limit_in_mb, aws_request_id = "lp-test", 512, "c6af9ac6-7b61-11e6-9a41-93e8deadbeef"
        invoked_function_arn = "arn:aws:lambda:us-east-1:123456789012:function:lp-test"
        def get_remaining_time_in_millis(self):
            return 10_000
    result = module.lambda_handler(json.loads(open(sys.argv[2]).read()), Context())
    out["result"] = result if "statusCode" not in result else {"statusCode": result["statusCode"]}
    out["after_invocation"] = sorted(m for m in WATCHED if m in sys.modules)
print(json.dumps(out, default=str))
""".replace("WATCHED", repr(WATCHED))


@pytest.fixture(scope="module")
def environment(moto_endpoint: str) -> dict[str, str]:
    kw: dict[str, Any] = {
        "endpoint_url": moto_endpoint,
        "region_name": "us-east-1",
        "aws_access_key_id": "testing",
        "aws_secret_access_key": "testing",
    }
    bucket, table = "lp-cold-start", "lp-cold-start-state"
    boto3.client("s3", **kw).create_bucket(Bucket=bucket)
    stack = make_stack(
        lambda service: boto3.client(service, **kw),
        bucket=bucket,
        table=table,
        name="lp-cold-start",
        config=DEMO_CONFIG.read_bytes(),
        author_key="cold-start-author-key-0123456789",
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "LISTENING_POST_", "POWERTOOLS_"))}
    return env | {
        "AWS_ENDPOINT_URL": moto_endpoint,
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_REGION": "us-east-1",
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_EC2_METADATA_DISABLED": "true",
        "POWERTOOLS_SERVICE_NAME": "listening-post",
        "POWERTOOLS_METRICS_NAMESPACE": "ListeningPost",
        "LISTENING_POST_LAKE": f"s3://{bucket}",
        "LISTENING_POST_CONFIG_LOCATION": f"s3://{bucket}/{CONFIG_KEY}",
        "LISTENING_POST_STATE_TABLE": table,
        "LISTENING_POST_AUTHOR_KEY_SECRET": stack.secret_arn,
        "LISTENING_POST_JOBS_QUEUE_URL": stack.queue_url,
        "LISTENING_POST_DATA_BUCKET": bucket,
        "PYTHONPATH": str(ROOT / "layers" / "core"),
    }


def cold_start(name: str, env: dict[str, str], *, invoke: bool = False, event_file: str = "") -> dict[str, Any]:
    event = event_file or (str(ROOT / "events" / f"{name}.json") if invoke else "")
    out = subprocess.run(
        [sys.executable, "-c", CHILD, str(ROOT / "functions" / name / "app.py"), event],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert out.returncode == 0, out.stderr[-3000:]
    result: dict[str, Any] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


@pytest.mark.parametrize("name", ["plan", "api"])
def test_plan_and_api_never_import_pyarrow_or_boto3(name: str, environment: dict[str, str]) -> None:
    result = cold_start(name, environment, invoke=True)
    assert result["gc"] is True
    assert result["after_import"] == [] and result["after_invocation"] == []
    if name == "plan":
        assert result["result"]["jobs"] == 4
    else:
        assert result["result"] == {"statusCode": 404}  # no brief in this lake: a 404, not an error


def test_the_evidence_route_loads_duckdb_only_when_asked(
    environment: dict[str, str], moto_endpoint: str, tmp_path: Path
) -> None:
    """DuckDB comes with the first evidence request, not at the cold start; pyarrow never."""
    from datetime import UTC, datetime

    import pyarrow as pa
    import pyarrow.parquet as pq

    from listening_post.model import FILE_SCHEMA

    s3 = boto3.client(
        "s3", endpoint_url=moto_endpoint, region_name="us-east-1", aws_access_key_id="t", aws_secret_access_key="t"
    )
    week, at = "2026-W46", datetime(2026, 11, 11, 12, tzinfo=UTC)
    summary = {"week": week, "period": {"timezone": "UTC"}, "topics": []}
    s3.put_object(Bucket="lp-cold-start", Key=f"briefs/country=CA/week={week}/summary.json", Body=json.dumps(summary))
    row = {"post_id": "rss:1", "source": "rss", "created_at": at, "collected_at": at, "lang": "en", "text": "x"}
    table = pa.Table.from_pylist([{**row, "is_repost": False, "sentiment_label": "neutral"}], schema=FILE_SCHEMA)
    pq.write_table(table, tmp_path / "p.parquet")
    s3.put_object(
        Bucket="lp-cold-start",
        Key="posts/country=CA/dt=2026-11-11/part-rss-test.parquet",
        Body=(tmp_path / "p.parquet").read_bytes(),
    )
    event = json.loads((ROOT / "events" / "api.json").read_text())
    path = f"/countries/CA/weeks/{week}/posts"
    event.update(rawPath=path, rawQueryString="format=json", queryStringParameters={"format": "json"})
    event["requestContext"]["http"]["path"] = path
    (tmp_path / "event.json").write_text(json.dumps(event))
    result = cold_start("api", environment, event_file=str(tmp_path / "event.json"))
    assert result["after_import"] == []
    assert result["result"] == {"statusCode": 200}
    assert "duckdb" in result["after_invocation"] and "pyarrow" not in result["after_invocation"]


def test_collect_starts_without_the_pipeline_and_its_libraries(environment: dict[str, str]) -> None:
    """The collect cold start reads and checks the configuration and the author key; the pipeline, pyarrow,
    the platform modules and Powertools idempotency (boto3) come with the first job."""
    result = cold_start("collect", environment)
    assert result["gc"] is True
    assert result["after_import"] == []


@pytest.mark.parametrize("name", ["brief", "compact"])
def test_brief_and_compact_start_without_pyarrow(name: str, environment: dict[str, str]) -> None:
    result = cold_start(name, environment)
    assert result["gc"] is True
    assert result["after_import"] == []


def test_a_cold_start_with_a_bad_configuration_still_fails(environment: dict[str, str], moto_endpoint: str) -> None:
    s3 = boto3.client(
        "s3", endpoint_url=moto_endpoint, region_name="us-east-1", aws_access_key_id="t", aws_secret_access_key="t"
    )
    s3.put_object(Bucket="lp-cold-start", Key="config/broken.yaml", Body=b"version: 1\ncountries: [{code: ZZ}]\n")
    env = environment | {"LISTENING_POST_CONFIG_LOCATION": "s3://lp-cold-start/config/broken.yaml"}
    out = subprocess.run(
        [sys.executable, "-c", CHILD, str(ROOT / "functions" / "collect" / "app.py"), ""],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert out.returncode != 0 and "ConfigError" in out.stderr and "ZZ" in out.stderr
