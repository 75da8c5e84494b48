"""The alerts between briefs on the web page: ``/alerts/<country>`` lists a country's alerts, newest first,
and ``/alerts/<country>/<event id>`` shows one (what happened, examples, deliveries): the evidence link of
an alert's message. Reads only ``alerts/`` of the lake, by paths built from validated values."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import jinja2
import regex
from aws_lambda_powertools.event_handler import APIGatewayHttpResolver, Response
from aws_lambda_powertools.event_handler.exceptions import BadRequestError, NotFoundError

from listening_post.codes import COUNTRIES
from listening_post.layout import PATHS
from listening_post.web.store import Documents

MAX_LISTED = 100
_EVENT_ID = regex.compile(r"[0-9a-f]{16}")
_HTML = "text/html; charset=utf-8"


def register(app: APIGatewayHttpResolver, lake: Callable[[], Documents], headers: dict[str, str]) -> None:
    """Add the routes; ``lake`` gives the documents when a request needs them."""
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("listening_post.web", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
    )
    page = env.get_template("alerts.html.j2")

    def country_of(country: str) -> str:
        if country not in COUNTRIES:
            raise BadRequestError(f"{country!r} is not an ISO 3166-1 alpha-2 country code")
        return country

    def read(country: str, day: str, name: str) -> dict[str, Any]:
        document: dict[str, Any] = json.loads(lake().read_bytes(f"{PATHS.alerts_day(country, day)}/{name}"))
        return document

    def days(country: str) -> list[str]:
        return sorted(PATHS.values(lake().list_dir(PATHS.alerts_country(country)), "dt"), reverse=True)

    @app.get("/alerts/<country>", summary="A country's alerts between briefs (HTML)")
    def alert_list(country: str) -> Response[str]:
        code = country_of(country)
        found: list[dict[str, Any]] = []
        for day in days(code):
            names = sorted(n for n in lake().list_dir(PATHS.alerts_day(code, day)) if n.endswith(".json"))
            found += sorted((read(code, day, n) for n in names), key=lambda a: a["opened_at"], reverse=True)
            if len(found) >= MAX_LISTED:
                break
        html = page.render(title=f"Alerts for {code}", country=code, alerts=found[:MAX_LISTED], alert=None)
        return Response(200, _HTML, html, headers)

    @app.get("/alerts/<country>/<event_id>", summary="One alert and the posts behind it (HTML)")
    def alert_page(country: str, event_id: str) -> Response[str]:
        code = country_of(country)
        if not _EVENT_ID.fullmatch(event_id):
            raise BadRequestError(f"{event_id!r} is not an alert's event id")
        for day in days(code):
            if f"{event_id}.json" in lake().list_dir(PATHS.alerts_day(code, day)):
                alert = read(code, day, f"{event_id}.json")
                html = page.render(title=alert["headline"], country=code, alert=alert, alerts=[])
                return Response(200, _HTML, html, headers)
        raise NotFoundError(f"no alert {event_id} for {code}")
