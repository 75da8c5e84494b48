"""The briefs API: the routes of DESIGN.md on Powertools' HTTP resolver, with request validation and a
generated OpenAPI document. ``create_app`` is called by the Lambda handler and by ``listening-post serve``.

    GET /                                           index page (HTML)
    GET /countries                                  configured countries and their latest week (JSON)
    GET /countries/{CC}                             a country's overview: trend, findings, every week (HTML or JSON)
    GET /countries/{CC}/weeks                       weeks with a brief (JSON)
    GET /countries/{CC}/weeks/{YYYY-Www}/summary    summary.json
    GET /countries/{CC}/weeks/{YYYY-Www}/brief      brief.html
    GET /countries/{CC}/weeks/{YYYY-Www}/posts      a sample of the posts behind a figure (HTML or JSON)
    GET /openapi.json                               this API's OpenAPI document

An invalid country or week is a 400, a missing brief a 404.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from functools import cache
from typing import TYPE_CHECKING, Annotated, Any, Literal

from aws_lambda_powertools.event_handler import APIGatewayHttpResolver, Response, content_types
from aws_lambda_powertools.event_handler.exceptions import NotFoundError
from aws_lambda_powertools.event_handler.middlewares import NextMiddleware
from aws_lambda_powertools.event_handler.openapi.exceptions import RequestValidationError
from aws_lambda_powertools.event_handler.openapi.params import Path, Query
from pydantic import BaseModel, ValidationError

from listening_post import __version__
from listening_post.briefs.mailsafe import without_file_navigation
from listening_post.codes import COUNTRIES, LANGUAGES
from listening_post.sources import registry
from listening_post.summary_model import as_read
from listening_post.web import alerts_page, evidence
from listening_post.web.overview import SummaryView
from listening_post.web.store import BriefStore
from listening_post.weeks import IsoWeek, WeekError

if TYPE_CHECKING:  # Jinja renders the index page only: imported there, not in every cold start (~30 ms)
    import jinja2

COUNTRY_PATTERN = r"^[A-Z]{2}$"
WEEK_PATTERN = r"^[0-9]{4}-W[0-9]{2}$"
HTML = "text/html; charset=utf-8"
# The pages hold no script and load nothing from elsewhere; say so to the browser.
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; img-src data:; "
    "frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-cache",
}

Country = Annotated[str, Path(pattern=COUNTRY_PATTERN, description="ISO 3166-1 alpha-2 code, upper case")]
Week = Annotated[str, Path(pattern=WEEK_PATTERN, description="ISO week, e.g. 2026-W47")]
Format = Annotated[Literal["html", "json"], Query(description="html (a page) or json")]
# The fixed sets of the posts schema (model.SENTIMENT_LABELS, spelled out here so that the API function need
# not import pyarrow; tests/unit/test_web_evidence.py checks they agree).
Label = Literal["positive", "neutral", "negative", "unscored"]
TopicId = Annotated[
    str | None, Query(pattern=r"^[a-z0-9][a-z0-9_-]{0,62}$", description="a topic id of the week's summary")
]
LabelParam = Annotated[Label | None, Query(description="tone label")]
# Checked against the registry's sources when given (a capture export's platforms too, which only their
# modules name): reading them imports every platform module, which a cold start should not pay for.
SourceParam = Annotated[
    str | None,
    Query(pattern=r"^[a-z][a-z0-9_]{0,31}$", description="source platform, e.g. mastodon, or tiktok from a capture"),
]
LangParam = Annotated[str | None, Query(pattern=r"^[a-z]{2,3}$", description="ISO 639 language code, or und")]
PageParam = Annotated[int, Query(ge=1, le=evidence.MAX_PAGE, description="page number, from 1")]
LimitParam = Annotated[int, Query(ge=1, le=evidence.MAX_LIMIT, description="posts per page")]


class CountrySummary(BaseModel):
    code: str
    name: str
    latest_week: str | None
    weeks: int


class CountryWeeks(BaseModel):
    country: str
    weeks: list[str]


class ApiError(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def _json_error(status: int, message: str) -> Response[str]:
    return Response(status, content_types.APPLICATION_JSON, json.dumps({"error": message}), SECURITY_HEADERS)


def _page_env() -> jinja2.Environment:
    import jinja2

    from listening_post.briefs.findings import signed
    from listening_post.briefs.render import safe_url

    env = jinja2.Environment(
        loader=jinja2.PackageLoader("listening_post.web", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
    )
    env.filters.update(
        link=safe_url,  # http(s) links only, as in the briefs
        signed=signed,
        dict_with=lambda d, k, v: {**d, k: v},
        dict_without=lambda d, k: {x: y for x, y in d.items() if x != k},
        topic_label=lambda topic_id, labels: labels.get(topic_id, topic_id),
    )
    return env


Configured = Mapping[str, str] | Callable[[], Mapping[str, str]] | None


def create_app(store: BriefStore, configured: Configured = None) -> APIGatewayHttpResolver:
    """The API over ``store``; ``configured`` maps the configuration's country codes to display names
    (or is a function returning that map, called when first needed: the Lambda reads its configuration
    from S3 only when a request needs it)."""
    app = APIGatewayHttpResolver(enable_validation=True)

    def security_headers(app: APIGatewayHttpResolver, next_middleware: NextMiddleware) -> Response[Any]:
        # On every answer, JSON included: a browser must never sniff, frame or refer from any of them.
        response = next_middleware(app)
        for key, value in SECURITY_HEADERS.items():
            response.headers.setdefault(key, value)
        return response

    app.use(middlewares=[security_headers])

    def configured_countries() -> Mapping[str, str]:
        return (configured() if callable(configured) else configured) or {}

    pages = cache(_page_env)

    def known(country: str) -> str:
        if country not in COUNTRIES:
            raise ApiError(400, f"{country!r} is not an ISO 3166-1 alpha-2 country code")
        return country

    def iso_week(week: str) -> IsoWeek:
        try:
            return IsoWeek.parse(week)
        except WeekError as exc:
            raise ApiError(400, str(exc)) from None

    def country_list() -> list[CountrySummary]:
        configured = configured_countries()
        codes = sorted(set(configured) | set(store.countries()))
        out = []
        for code in codes:
            weeks = store.weeks(code)
            name = configured.get(code) or COUNTRIES.get(code, code)
            out.append(CountrySummary(code=code, name=name, latest_week=weeks[-1] if weeks else None, weeks=len(weeks)))
        return out

    def brief_file(country: str, week: str, name: str) -> bytes:
        body = store.read(known(country), iso_week(week), name)
        if body is None:
            raise NotFoundError(f"no brief for {country} in {week}")
        return body

    def _api_error(exc: ApiError) -> Response[str]:
        return _json_error(exc.status, exc.message)

    app.exception_handler(ApiError)(_api_error)  # called, not decorated: the decorator is untyped

    def _invalid(exc: RequestValidationError) -> Response[str]:
        problems = "; ".join(f"{'.'.join(map(str, e['loc'][1:]))}: {e['msg']}" for e in exc.errors())
        return _json_error(400, f"invalid request: {problems}")

    app.exception_handler(RequestValidationError)(_invalid)

    @app.not_found
    def _not_found(exc: Exception) -> Response[str]:
        message = str(exc) if isinstance(exc, NotFoundError) and str(exc) else "not found"
        return _json_error(404, message)

    def read_summary(country: str, week: str) -> SummaryView | None:
        body = store.read(country, iso_week(week), "summary.json")
        try:
            data = json.loads(body) if body is not None else None
        except ValueError:  # a damaged file: shown as a week without figures, never a 500
            return None
        return SummaryView(as_read(data)) if isinstance(data, dict) else None

    def render(template: str, **values: Any) -> Response[str]:
        html = pages().get_template(template).render(version=__version__, **values)
        return Response(200, HTML, html, SECURITY_HEADERS)

    @app.get("/", summary="Index page: countries and their latest briefs", include_in_schema=True)
    def index() -> Response[str]:
        rows = []
        for c in country_list():
            latest = read_summary(c.code, c.latest_week) if c.latest_week else None
            rows.append((c, store.weeks(c.code), latest))
        return render("index.html.j2", countries=rows)

    @app.get("/countries/<country>", summary="A country's overview: tone and volume trend, findings, every week")
    def country_overview(country: Country, format: Format = "html") -> Response[str]:
        code = known(country)
        found = store.weeks(code)
        if not found and code not in configured_countries():
            raise NotFoundError(f"no briefs for {code}")
        name = configured_countries().get(code) or COUNTRIES.get(code, code)
        latest = read_summary(code, found[-1]) if found else None
        if format == "json":
            document = {
                "country": code,
                "name": name,
                "weeks": found,
                "latest_week": found[-1] if found else None,
                "findings": latest.findings() if latest else [],
                "tone": latest.tone() if latest else None,
                "volume": latest.volume() if latest else None,
                "trend": latest.trend() if latest else [],
                **(latest.sections() if latest else {}),
            }
            return Response(200, content_types.APPLICATION_JSON, json.dumps(document), SECURITY_HEADERS)
        return render("country.html.j2", code=code, name=name, weeks=found, latest=latest)

    @app.get("/countries", summary="Configured countries with their latest week")
    def countries() -> list[CountrySummary]:
        return country_list()

    @app.get("/countries/<country>/weeks", summary="Weeks with a brief for a country")
    def weeks(country: Country) -> CountryWeeks:
        code = known(country)
        found = store.weeks(code)
        if not found and code not in configured_countries():
            raise NotFoundError(f"no briefs for {code}")
        return CountryWeeks(country=code, weeks=found)

    @app.get("/countries/<country>/weeks/<week>/summary", summary="summary.json of a country and week")
    def summary(country: Country, week: Week) -> Response[str]:
        body = brief_file(country, week, "summary.json")
        return Response(200, content_types.APPLICATION_JSON, body.decode("utf-8"), SECURITY_HEADERS)

    @app.get("/countries/<country>/weeks/<week>/brief", summary="brief.html of a country and week")
    def brief(country: Country, week: Week) -> Response[str]:
        html = brief_file(country, week, "brief.html").decode("utf-8")
        return Response(200, HTML, _with_navigation(html, country, week, store.weeks(country)), SECURITY_HEADERS)

    @app.get(
        "/countries/<country>/weeks/<week>/posts",
        summary="A sample of the posts behind a figure of a week's brief",
        description="Original posts (no reposts) of the week, each once, in a stable pseudo-random order; "
        "mentions masked, no author shown. A topic must be one of the week's summary.",
    )
    def posts(
        country: Country,
        week: Week,
        topic: TopicId = None,
        label: LabelParam = None,
        source: SourceParam = None,
        lang: LangParam = None,
        page: PageParam = 1,
        limit: LimitParam = 20,
        format: Format = "html",
    ) -> Response[str]:
        code, wk = known(country), iso_week(week)
        if lang is not None and lang != "und" and lang not in LANGUAGES:
            raise ApiError(400, f"lang: {lang!r} is not an ISO 639 language code")
        if source is not None and source not in registry.source_names():
            raise ApiError(400, f"source: {source!r} is not a source (sources: {', '.join(registry.source_names())})")
        view = read_summary(code, week)
        if view is None:
            raise NotFoundError(f"no brief for {code} in {week}")
        topics = dict(view.topics)
        if topic is not None and topic not in topics:
            known_ids = ", ".join(sorted(topics)) or "none"
            raise ApiError(400, f"topic: {topic!r} is not a topic of {code} in {week} (topics: {known_ids})")
        filters = evidence.Filters(topic=topic, label=label, source=source, lang=lang)
        try:
            found = evidence.sample(store.lake, code, wk, view.timezone, filters, page=page, limit=limit)
        except evidence.TooMuchData as exc:
            raise ApiError(413, str(exc)) from None
        if format == "json":
            document = {
                "country": code,
                "week": week,
                "filters": filters.as_params(),
                "total": found.total,
                "page": found.page,
                "limit": found.limit,
                "next_page": found.next_page,
                "posts": found.posts,
            }
            return Response(200, content_types.APPLICATION_JSON, json.dumps(document), SECURITY_HEADERS)
        return render(
            "posts.html.j2",
            code=code,
            name=configured_countries().get(code) or COUNTRIES.get(code, code),
            week=week,
            topics=topics,
            sources=view.sources,
            languages=view.languages,
            filters=filters,
            found=found,
            limit=limit,
            query=_query,
        )

    alerts_page.register(app, lambda: store.lake, SECURITY_HEADERS)

    @app.get("/openapi.json", summary="This API's OpenAPI document")
    def openapi() -> Response[str]:
        document = app.get_openapi_json_schema(
            title="Listening Post API",
            version=__version__,
            summary="Weekly public-opinion briefs per host country",
        )
        return Response(200, content_types.APPLICATION_JSON, document, SECURITY_HEADERS)

    return app


def _query(params: Mapping[str, object]) -> str:
    """A query string of the non-empty ``params`` (for the pages' own links)."""
    from urllib.parse import urlencode

    return urlencode({k: v for k, v in params.items() if v is not None and v != ""})


def _with_navigation(html: str, country: str, week: str, weeks: list[str]) -> str:
    """Served briefs get links to the index and to the neighbouring weeks (the stored file stays as is)."""
    links = ['<a href="/">All briefs</a>', f'<a href="/countries/{country}">{country} overview</a>']
    if week in weeks:
        i = weeks.index(week)
        if i > 0:
            links.append(f'<a href="/countries/{country}/weeks/{weeks[i - 1]}/brief" rel="prev">← {weeks[i - 1]}</a>')
        if i + 1 < len(weeks):
            links.append(f'<a href="/countries/{country}/weeks/{weeks[i + 1]}/brief" rel="next">{weeks[i + 1]} →</a>')
    links.append(f'<a href="/countries/{country}/weeks/{week}/summary">summary.json</a>')
    nav = '<nav class="noprint" style="margin-bottom:12px;font-size:13px">' + " · ".join(links) + "</nav>"
    # The file's own week links are relative to its folder in the lake: served, these links replace them.
    html = without_file_navigation(html)
    return html.replace("<body>", "<body>\n" + nav, 1)


def invalid_event(exc: ValidationError) -> dict[str, Any]:
    """The answer to an event that is not an API Gateway HTTP API request: a 400 naming what is wrong, in
    the shape API Gateway expects, rather than the resolver's KeyError (a 500)."""
    problems = "; ".join(f"{'.'.join(map(str, e['loc'])) or 'event'}: {e['msg']}" for e in exc.errors()[:10])
    return {
        "statusCode": 400,
        "headers": {"Content-Type": content_types.APPLICATION_JSON, **SECURITY_HEADERS},
        "body": json.dumps({"error": f"invalid event: {problems}"}),
        "isBase64Encoded": False,
    }


def openapi_document(app: APIGatewayHttpResolver) -> dict[str, Any]:
    return json.loads(app.get_openapi_json_schema(title="Listening Post API", version=__version__))  # type: ignore[no-any-return]
