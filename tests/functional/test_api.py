"""The briefs API through the resolver, with API Gateway HTTP API events (what Lambda and `serve` both run)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from listening_post.lake import Lake
from listening_post.web.api import create_app
from listening_post.web.server import to_event
from listening_post.web.store import BriefStore


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    lake = Lake.from_uri(str(tmp_path_factory.mktemp("api") / "lake"))
    for week in ("2026-W46", "2026-W47"):
        base = f"briefs/country=CA/week={week}"
        lake.write_json(f"{base}/summary.json", {"country": "CA", "week": week})
        lake.write_bytes(f"{base}/brief.html", f"<html><body><h1>{week}</h1></body></html>".encode())
        lake.write_bytes(f"{base}/brief.md", b"# brief")
    lake.write_bytes("secrets.txt", b"do not serve")
    return create_app(BriefStore(lake), {"CA": "Canada", "DE": "Germany"})


def get(app, path: str) -> tuple[int, str, dict[str, Any]]:  # type: ignore[no-untyped-def]
    result = app.resolve(to_event("GET", path, {}, b""), None)
    return result["statusCode"], result["body"], result["headers"]


def test_countries_lists_configured_ones_with_their_latest_week(app) -> None:  # type: ignore[no-untyped-def]
    status, body, headers = get(app, "/countries")
    assert status == 200 and headers["Content-Type"] == "application/json"
    assert json.loads(body) == [
        {"code": "CA", "name": "Canada", "latest_week": "2026-W47", "weeks": 2},
        {"code": "DE", "name": "Germany", "latest_week": None, "weeks": 0},
    ]


def test_weeks_summary_and_brief(app) -> None:  # type: ignore[no-untyped-def]
    assert json.loads(get(app, "/countries/CA/weeks")[1]) == {"country": "CA", "weeks": ["2026-W46", "2026-W47"]}
    assert json.loads(get(app, "/countries/DE/weeks")[1]) == {"country": "DE", "weeks": []}
    status, body, _ = get(app, "/countries/CA/weeks/2026-W47/summary")
    assert status == 200 and json.loads(body)["week"] == "2026-W47"
    status, body, headers = get(app, "/countries/CA/weeks/2026-W47/brief")
    assert status == 200 and headers["Content-Type"].startswith("text/html")
    assert "<h1>2026-W47</h1>" in body and 'href="/countries/CA/weeks/2026-W46/brief"' in body
    assert "default-src 'none'" in headers["Content-Security-Policy"]


def test_index_page_links_every_brief(app) -> None:  # type: ignore[no-untyped-def]
    status, body, _ = get(app, "/")
    assert status == 200
    assert 'href="/countries/CA/weeks/2026-W47/brief"' in body and 'href="/countries/CA/weeks/2026-W46/brief"' in body
    assert "Germany" in body and "no brief yet" in body


@pytest.mark.parametrize(
    ("path", "status", "message"),
    [
        ("/countries/ca/weeks", 400, "should match pattern"),
        ("/countries/QQ/weeks", 400, "not an ISO 3166-1 alpha-2"),
        ("/countries/CAN/weeks", 400, "should match pattern"),
        ("/countries/CA/weeks/2026-W99/summary", 400, "2026 has no ISO week 99"),
        ("/countries/CA/weeks/2026-47/summary", 400, "should match pattern"),
        ("/countries/CA/weeks/2026-W30/brief", 404, "no brief for CA in 2026-W30"),
        ("/countries/FR/weeks", 404, "no briefs for FR"),
        ("/countries/../secrets.txt", 404, "not found"),
        ("/countries/CA/weeks/..%2F..%2Fsecrets.txt/summary", 400, "should match pattern"),
        ("/countries/%2E%2E/weeks", 400, "should match pattern"),
        ("/nowhere", 404, "not found"),
    ],
)
def test_bad_requests(app, path: str, status: int, message: str) -> None:  # type: ignore[no-untyped-def]
    got, body, _ = get(app, path)
    assert got == status, body
    assert message in json.loads(body)["error"]


def test_openapi_document_describes_the_routes(app) -> None:  # type: ignore[no-untyped-def]
    status, body, _ = get(app, "/openapi.json")
    doc = json.loads(body)
    assert status == 200 and doc["info"]["title"] == "Listening Post API"
    assert set(doc["paths"]) >= {
        "/countries",
        "/countries/{country}/weeks",
        "/countries/{country}/weeks/{week}/summary",
        "/countries/{country}/weeks/{week}/brief",
    }
    params = doc["paths"]["/countries/{country}/weeks/{week}/summary"]["get"]["parameters"]
    assert {p["name"]: p["schema"]["pattern"] for p in params} == {
        "country": "^[A-Z]{2}$",
        "week": "^[0-9]{4}-W[0-9]{2}$",
    }


def test_store_refuses_anything_but_brief_files(tmp_path: Path) -> None:
    from listening_post.weeks import IsoWeek

    store = BriefStore(Lake.from_uri(str(tmp_path)))
    with pytest.raises(ValueError, match="not a brief file"):
        store.read("CA", IsoWeek.parse("2026-W47"), "../../secrets.txt")
    with pytest.raises(ValueError, match="not a country code"):
        store.read("../x", IsoWeek.parse("2026-W47"), "brief.html")
