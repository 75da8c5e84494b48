"""The API fuzzed against its own OpenAPI document with schemathesis, through the local server (the same
resolver the Lambda runs): valid and invalid inputs alike, never a 5xx, never anything outside the briefs."""

from __future__ import annotations

import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error

from listening_post.lake import Lake
from listening_post.web.api import create_app, openapi_document
from listening_post.web.server import make_server
from listening_post.web.store import BriefStore

pytestmark = pytest.mark.integration
SECRET_FILE = "DO-NOT-SERVE-this-file"


def build_lake(root: Path) -> Lake:
    lake = Lake.from_uri(str(root / "lake"))
    for week in ("2026-W46", "2026-W47"):
        lake.write_json(f"briefs/country=CA/week={week}/summary.json", {"country": "CA", "week": week})
        lake.write_bytes(f"briefs/country=CA/week={week}/brief.html", b"<html><body>brief</body></html>")
    lake.write_bytes("secret.txt", SECRET_FILE.encode())  # beside briefs/: must never be served
    (root / "outside.txt").write_text(SECRET_FILE)  # outside the lake altogether
    return lake


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    app = create_app(BriefStore(build_lake(tmp_path_factory.mktemp("api"))), {"CA": "Canada", "DE": "Germany"})
    httpd = make_server(app, "127.0.0.1", 0)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


document = openapi_document(create_app(BriefStore(Lake.from_uri(str(Path("/tmp") / "lp-schema-only")))))
schema = schemathesis.openapi.from_dict(document)
schema.config.generation.update(modes=[GenerationMode.POSITIVE, GenerationMode.NEGATIVE])


@schema.parametrize()
@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
def test_no_input_makes_a_server_error(case: schemathesis.Case, server: str) -> None:
    response = case.call(base_url=server)
    case.validate_response(response, checks=[not_a_server_error])
    assert SECRET_FILE not in response.text
    assert response.status_code in (200, 400, 404, 405, 413, 422), response.status_code


@pytest.mark.parametrize(
    "path",
    [
        "/countries/../secret.txt",
        "/countries/CA/weeks/../../../secret.txt",
        "/countries/%2E%2E%2F%2E%2E/weeks",
        "/countries/CA/weeks/..%2F..%2Fsecret.txt/summary",
        "/countries/CA/weeks/2026-W47/..%2F..%2F..%2Fouside.txt",
        "/countries/CA%2F..%2F..%2Fsecret/weeks",
        "/countries/CA/weeks/2026-W99/brief",
        "/countries/C%00A/weeks",
        "/" + "a" * 5000,
        "/countries/" + "%FF" * 10 + "/weeks",
        "//etc/passwd",
        "/countries/CA/weeks/2026-W47/brief.md",
    ],
)
def test_traversal_and_malformed_paths_are_4xx(server: str, path: str) -> None:
    try:
        with urllib.request.urlopen(server + path, timeout=10) as response:
            status, body = response.status, response.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as exc:
        status, body = exc.code, exc.read().decode("utf-8", "replace")
    assert 400 <= status < 500, (path, status)
    assert SECRET_FILE not in body


def test_oversized_request_bodies_are_refused(server: str) -> None:
    request = urllib.request.Request(server + "/countries", data=b"x" * 200_000, method="POST")
    with pytest.raises(urllib.error.HTTPError) as err:
        urllib.request.urlopen(request, timeout=10)
    assert err.value.code == 413


@pytest.fixture(scope="module")
def demo_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The demo lake, with posts and links: the evidence route reads real Parquet files under fuzzing."""
    from listening_post.demo import run_demo

    demo = run_demo(str(tmp_path_factory.mktemp("fuzz-demo") / "lake"))
    httpd = make_server(create_app(BriefStore(demo.lake), {"CA": "Canada", "DE": "Germany"}), "127.0.0.1", 0)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


demo_schema = schemathesis.openapi.from_dict(document).include(
    path_regex=r"^/countries/\{country\}(/weeks/\{week\}/posts)?$"
)
demo_schema.config.generation.update(modes=[GenerationMode.POSITIVE, GenerationMode.NEGATIVE])


@demo_schema.parametrize()
@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
def test_the_overview_and_evidence_routes_never_fail_on_real_posts(case: schemathesis.Case, demo_server: str) -> None:
    if case.operation.path.endswith("/posts"):
        # The demo's own country and week (paths are fuzzed above): the generated filters reach DuckDB.
        case.path_parameters = {"country": "CA", "week": "2026-W47"}
    response = case.call(base_url=demo_server)
    case.validate_response(response, checks=[not_a_server_error])
    assert response.status_code in (200, 400, 404, 405, 413, 422), response.status_code
    assert "author_id" not in response.text
