"""The configuration: host countries, their queries and sources, topics, secrets references, thresholds.

One model, used by ``listening-post validate-config``, by the CLI and by every Lambda at cold start.
:func:`load_config` reports *every* problem at once, each with the file, line and column it is at.
Secrets are never values here, only references: ``{env: NAME}`` or ``{secretsmanager: NAME, key: FIELD}``.
"""

from __future__ import annotations

import reprlib
import zoneinfo
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import regex
import yaml
from pydantic import Field, ValidationError, create_model, field_validator

from listening_post.codes import COUNTRIES, LANGUAGES
from listening_post.query import Query, QuerySyntaxError, lint, parse
from listening_post.sentiment_catalogue import backend_problem
from listening_post.sources import registry
from listening_post.sources.spec import Language, NoCountrySettings, StrictModel
from listening_post.sources.spec import SecretRef as SecretRef  # credentials and tests import it from here

# Every platform, from the registry (sources/registry.py); each platform module describes its settings.
_PLATFORMS = registry.platforms()
SOURCE_NAMES: tuple[str, ...] = registry.names()
if TYPE_CHECKING:
    SourceName = str
else:
    SourceName = Literal[SOURCE_NAMES]  # a Literal, so that the error and the JSON schema list the names
# Which credentials each source needs before it can run (``sources.<name>.<field>`` in the file).
REQUIRED_SECRETS: dict[str, tuple[str, ...]] = {p.name: p.secrets for p in _PLATFORMS if p.secrets}
# News sources: headlines and articles, whose texts carry no hashtags for a "#term" to match.
NO_HASHTAG_SOURCES = frozenset(p.name for p in _PLATFORMS if not p.hashtags)
_ID_PATTERN = r"^[a-z0-9][a-z0-9_-]{0,62}$"

# What the loader reads at most, so that no file can exhaust a Lambda's memory or time: a configuration is
# written by people, and the bench's large one (500 queries, 200 topics) is 0.13 MB of 9,000 values nested
# 7 levels deep. Values count every alias as a copy of what it names (merge keys too): YAML alias bombs.
MAX_CONFIG_BYTES = 1024 * 1024
MAX_YAML_DEPTH = 32
MAX_YAML_VALUES = 50_000
# Problems listed at most (the rest are counted), and the characters of a bad value quoted in one.
MAX_PROBLEMS = 100
_repr = reprlib.Repr()
_repr.maxstring = _repr.maxother = 60
_quote = _repr.repr


_Strict = StrictModel


if TYPE_CHECKING:

    class CountrySources(_Strict):
        def __getattr__(self, name: str) -> Any: ...

else:
    # ``countries[].sources.<name>`` of each platform that has settings per country.
    CountrySources = create_model(
        "CountrySources",
        __base__=_Strict,
        **{
            p.name: (p.country_settings, Field(default_factory=p.country_settings))
            for p in _PLATFORMS
            if p.country_settings is not NoCountrySettings
        },
    )


class QueryConfig(_Strict):
    id: str = Field(pattern=_ID_PATTERN)
    query: str = Field(min_length=1)
    sources: list[SourceName] = Field(min_length=1)

    @cached_property
    def compiled(self) -> Query:
        return Query(self.query)


class Country(_Strict):
    code: str
    name: str | None = None
    languages: list[Language] = Field(min_length=1)
    timezone: str = "UTC"
    queries: list[QueryConfig] = Field(default_factory=list)
    sources: CountrySources = Field(default_factory=CountrySources)
    # Sentiment backend per language (names in sentiment_catalogue.py, or "none"); a language not named
    # gets its default local backend, if it has one.
    sentiment: dict[Language, str] = Field(default_factory=dict)

    @field_validator("code")
    @classmethod
    def _code(cls, v: str) -> str:
        if v in COUNTRIES:
            return v
        hint = f"; did you mean {v.upper()!r}?" if v.upper() in COUNTRIES else ""
        raise ValueError(f"{v!r} is not an ISO 3166-1 alpha-2 country code{hint}")

    @field_validator("timezone")
    @classmethod
    def _timezone(cls, v: str) -> str:
        try:
            zoneinfo.ZoneInfo(v)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"{v!r} is not an IANA time zone (for example Europe/Berlin)") from None
        return v

    @property
    def display_name(self) -> str:
        return self.name or COUNTRIES[self.code]


class Topic(_Strict):
    id: str = Field(pattern=_ID_PATTERN)
    label: str = Field(min_length=1)
    query: str = Field(min_length=1)
    # Restrict a topic to some countries; by default it applies to all.
    countries: list[str] | None = None
    # A topic about the mission itself (the embassy, the ambassador): the brief opens with it.
    about_us: bool = False

    @cached_property
    def compiled(self) -> Query:
        return Query(self.query)


class HttpSettings(_Strict):
    """The shared HTTP client: timeouts, retries, waits and the size cap of every response."""

    connect_timeout_seconds: float = Field(default=5.0, gt=0, le=60)
    read_timeout_seconds: float = Field(default=30.0, gt=0, le=300)
    max_attempts: int = Field(default=5, ge=1, le=10)
    backoff_max_seconds: float = Field(default=60.0, ge=0, le=600)
    # The longest a request may wait for a rate limit (Retry-After, a reset): beyond it the job stops.
    max_wait_seconds: float = Field(default=120.0, ge=0, le=900)
    max_response_mb: float = Field(default=10.0, gt=0, le=100)
    # Who to contact about our requests, sent in the User-Agent (an e-mail address or a URL).
    contact: str | None = Field(default=None, min_length=3, max_length=200)


if TYPE_CHECKING:

    class SourceSettings(_Strict):
        http: HttpSettings = Field(default_factory=HttpSettings)

        def __getattr__(self, name: str) -> Any: ...

else:
    # ``sources``: the shared HTTP client's settings and each platform's own (``sources.<name>``).
    SourceSettings = create_model(
        "SourceSettings",
        __base__=_Strict,
        http=(HttpSettings, Field(default_factory=HttpSettings)),
        **{p.name: (p.settings, Field(default_factory=p.settings)) for p in _PLATFORMS},
    )


class Secrets(_Strict):
    # Key of the HMAC that pseudonymises authors: without it nothing is written.
    author_key: SecretRef


class Coordination(_Strict):
    # Conservative defaults: share buttons make three people post one headline within an hour by chance.
    min_authors: int = Field(default=4, ge=2)
    window_minutes: int = Field(default=60, ge=1)
    min_chars: int = Field(default=40, ge=1)


_DOMAIN = regex.compile(r"^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{1,62}$")


class OutletLists(_Strict):
    """The configuration's own lists of outlets, by domain (no shippable open domain-quality list exists:
    docs/AMPLIFICATION.md). A domain also covers its subdomains."""

    state_affiliated: list[str] = Field(default_factory=list)
    low_quality: list[str] = Field(default_factory=list)
    partisan: list[str] = Field(default_factory=list)
    trusted: list[str] = Field(default_factory=list)

    @field_validator("state_affiliated", "low_quality", "partisan", "trusted")
    @classmethod
    def _domains(cls, values: list[str]) -> list[str]:
        out = []
        for value in values:
            domain = value.strip().lower().removeprefix("www.")
            if not _DOMAIN.match(domain):
                raise ValueError(f"{value!r} is not a domain (write it as example.org: no scheme, path or port)")
            out.append(domain)
        return out


class Amplification(_Strict):
    # Coordinated co-sharing (CooRnet/CooRTweet): accounts sharing the same link, or reposting the same
    # post, within the window, on at least min_repetition different links or posts. The window is
    # estimated from the week's data unless window_seconds is given.
    min_repetition: int = Field(default=3, ge=2)
    window_seconds: int | None = Field(default=None, ge=1, le=86_400)
    # The estimate's ceiling: slow organic spreading would otherwise widen the window to tens of minutes,
    # where unrelated accounts meet by chance and the pair search grows with the square of the shares.
    max_window_seconds: int = Field(default=300, ge=1, le=86_400)
    # More shares of one link or post than this within one window's time is a link going viral, left out
    # of the pair search (it links every sharer to every other); a larger ring sharing at once is not seen.
    max_window_shares: int = Field(default=30, ge=2, le=10_000)
    window_quantile: float = Field(default=0.1, gt=0, lt=1)  # of the times to reach share_fraction
    share_fraction: float = Field(default=0.5, gt=0, lt=1)
    young_account_days: int = Field(default=30, ge=1)
    outlets: OutletLists = Field(default_factory=OutletLists)


class Analysis(_Strict):
    min_n: int = Field(default=30, ge=1, description="below this many posts a figure is insufficient data")
    trend_weeks: int = Field(default=12, ge=2, le=104)
    baseline_weeks: int = Field(default=4, ge=1, le=52)
    coordination: Coordination = Field(default_factory=Coordination)
    amplification: Amplification = Field(default_factory=Amplification)


class AlertThresholds(_Strict):
    """When an alert is raised (alerts/rules/): the defaults keep organic weeks at under one alert per
    country per four weeks on simulated data (tests/functional/test_alerts_replay.py)."""

    baseline_days: int = Field(default=14, ge=3, le=56, description="days compared with the current window")
    volume_z: float = Field(default=4.5, gt=0, description="Anscombe z, over-dispersion corrected")
    volume_min_posts: int = Field(default=10, ge=1)
    volume_min_ratio: float = Field(default=3.0, ge=1)
    tone_window_hours: int = Field(default=24, ge=1, le=168)
    tone_alpha: float = Field(default=1e-4, gt=0, lt=1)
    tone_min_posts: int = Field(default=20, ge=2)
    tone_min_shift: float = Field(default=0.25, gt=0, le=2)
    coordination_window_hours: int = Field(default=3, ge=1, le=48)
    terms_window_hours: int = Field(default=24, ge=1, le=168)
    terms_z: float = Field(default=6.0, gt=0)
    terms_min_posts: int = Field(default=10, ge=1)
    cooldown_hours: int = Field(default=24, ge=1, le=336, description="updates within this are the same event")


class QuietHours(_Strict):
    start: str = Field(pattern=r"^([01]\d|2[0-3]):[0-5]\d$", description="local HH:MM")
    end: str = Field(pattern=r"^([01]\d|2[0-3]):[0-5]\d$", description="local HH:MM")


class AlertWebhook(_Strict):
    url: SecretRef  # a webhook URL is a credential (Teams/Slack URLs carry their token)
    format: Literal["json", "teams", "slack"] = "json"


class AlertRecipients(_Strict):
    country: str
    email: list[str] = Field(default_factory=list)
    webhooks: list[AlertWebhook] = Field(default_factory=list)
    sns_topic_arn: str | None = Field(default=None, pattern=r"^arn:aws[\w-]*:sns:[\w-]+:\d{12}:[\w-]+$")
    quiet_hours: QuietHours | None = None

    @field_validator("email")
    @classmethod
    def _addresses(cls, v: list[str]) -> list[str]:
        for address in v:
            if not regex.fullmatch(r"[^@\s<>]+@[^@\s<>]+\.[^@\s<>]+", address):
                raise ValueError(f"not an e-mail address: {address!r}")
        return v


class AlertSmtp(_Strict):
    host: str = "127.0.0.1"
    port: int = Field(default=25, ge=1, le=65535)
    starttls: bool = False
    username: str | None = None
    password: SecretRef | None = None


class Alerts(_Strict):
    thresholds: AlertThresholds = Field(default_factory=AlertThresholds)
    about_us_topics: list[str] = Field(default_factory=list, description="topic ids about the mission itself")
    sender: str = "listening-post@localhost"
    smtp: AlertSmtp | None = None  # local delivery; SES when deployed
    recipients: list[AlertRecipients] = Field(default_factory=list)
    evidence_url: str | None = Field(default=None, description="base URL of the web page, for evidence links")

    def for_country(self, code: str) -> AlertRecipients | None:
        return next((r for r in self.recipients if r.country == code), None)


class Config(_Strict):
    version: Literal[1] = 1
    countries: list[Country] = Field(min_length=1)
    topics: list[Topic] = Field(default_factory=list)
    sources: SourceSettings = Field(default_factory=SourceSettings)
    secrets: Secrets
    analysis: Analysis = Field(default_factory=Analysis)
    retention_days: int = Field(default=730, ge=1)
    # links/ (readers' links that name authors, used only for a brief's examples) go sooner than posts.
    links_retention_days: int = Field(default=90, ge=1)
    alerts: Alerts = Field(default_factory=Alerts)

    def country(self, code: str) -> Country:
        for c in self.countries:
            if c.code == code:
                return c
        raise KeyError(code)

    def topics_for(self, code: str) -> list[Topic]:
        return [t for t in self.topics if t.countries is None or code in t.countries]


# --- loading with located problems ------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Problem:
    file: str
    line: int | None
    column: int | None
    path: str
    message: str

    def __str__(self) -> str:
        where = self.file
        if self.line is not None:
            where += f":{self.line}:{self.column}"
        field = f" {self.path}:" if self.path else ""
        return f"{where}:{field} {self.message}"


class ConfigError(Exception):
    def __init__(self, problems: list[Problem], *, total: int | None = None) -> None:
        self.problems = problems
        # How many problems there are: past MAX_PROBLEMS only the first are listed, then a count.
        self.total = len(problems) if total is None else total
        super().__init__("\n".join(str(p) for p in problems))


Loc = tuple[str | int, ...]


def _format_path(loc: Iterable[str | int]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


class _Locator:
    """Maps a path into the YAML document to the line and column of its node."""

    def __init__(self, root: yaml.Node | None) -> None:
        self.root = root

    def node(self, loc: Loc) -> tuple[yaml.Node | None, bool]:
        """The deepest node on ``loc``, and whether it is the node itself (not a parent)."""
        node = self.root
        for part in loc:
            child = None
            if isinstance(node, yaml.MappingNode) and isinstance(part, str):
                child = next((v for k, v in node.value if getattr(k, "value", None) == part), None)
            elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value):
                child = node.value[part]
            if child is None:
                return node, False
            node = child
        return node, True

    def key_node(self, loc: Loc) -> yaml.Node | None:
        """The key node of the last element of ``loc`` (to point at an unknown field)."""
        parent, exact = self.node(loc[:-1])
        if exact and isinstance(parent, yaml.MappingNode):
            return next((k for k, _ in parent.value if getattr(k, "value", None) == loc[-1]), None)
        return None

    def position(self, loc: Loc, *, key: bool = False) -> tuple[int | None, int | None]:
        node = self.key_node(loc) if key else None
        if node is None:
            node, _ = self.node(loc)
        if node is None:
            return None, None
        return node.start_mark.line + 1, node.start_mark.column + 1


def load_config(path: str | Path) -> Config:
    """Load and validate a configuration file; raises :class:`ConfigError` listing every problem."""
    path = Path(path)
    try:
        with path.open("rb") as f:
            raw = f.read(MAX_CONFIG_BYTES + 1)  # never more than the cap, whatever the file (or device) is
        if len(raw) > MAX_CONFIG_BYTES:
            raise ConfigError([too_large(str(path))])
        text = raw.decode("utf-8")
    except FileNotFoundError:
        raise ConfigError([Problem(str(path), None, None, "", "file not found")]) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError([Problem(str(path), None, None, "", f"cannot read the file: {exc}")]) from None
    return parse_config(text, name=str(path))


def too_large(name: str) -> Problem:
    """The problem of a configuration over :data:`MAX_CONFIG_BYTES`."""
    return Problem(
        name,
        None,
        None,
        "",
        f"the file is larger than {MAX_CONFIG_BYTES // 1024 // 1024} MiB (at most {MAX_CONFIG_BYTES:,} bytes); "
        "a configuration needs far less",
    )


# libyaml when PyYAML has it (every wheel does): ten times faster than the pure-Python loader.
_Loader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass(slots=True)
class _Open:
    """A collection the parser is inside of."""

    depth: int
    values_before: int
    anchor: str | None
    reached: int  # the deepest level anything inside it reaches, through aliases too


def _check_shape(text: str, name: str) -> None:
    """Refuse, before anything is built from them, documents nested deeper than :data:`MAX_YAML_DEPTH` or
    of more than :data:`MAX_YAML_VALUES` values once aliases are expanded: building such a document (or
    validating it) exhausts recursion or memory. Reads the parser's events only: iterative, and a third of
    the time of composing."""
    loader = _Loader(text)
    stack: list[_Open] = []
    anchors: dict[str, tuple[int, int]] = {}  # anchor -> (values, levels) of what it names
    values = 0
    try:
        while not loader.check_event(yaml.StreamEndEvent):
            event = loader.get_event()  # type: ignore[no-untyped-call]
            if isinstance(event, yaml.CollectionStartEvent):
                depth = len(stack) + 1
                if depth > MAX_YAML_DEPTH:
                    raise _shape_error(name, event, f"the document nests deeper than {MAX_YAML_DEPTH} levels")
                stack.append(_Open(depth, values, event.anchor, depth))
                values += 1
            elif isinstance(event, yaml.CollectionEndEvent):
                done = stack.pop()
                if done.anchor is not None:
                    anchors[done.anchor] = (values - done.values_before, done.reached - done.depth + 1)
                if stack:
                    stack[-1].reached = max(stack[-1].reached, done.reached)
            elif isinstance(event, yaml.ScalarEvent):
                values += 1
                if event.anchor is not None:
                    anchors[event.anchor] = (1, 0)
            elif isinstance(event, yaml.AliasEvent):
                # An unknown anchor is left to the composer, which reports it.
                size, levels = anchors.get(event.anchor or "", (1, 0))
                values += size
                reach = len(stack) + levels
                if reach > MAX_YAML_DEPTH:
                    message = f"the document nests deeper than {MAX_YAML_DEPTH} levels through *{event.anchor}"
                    raise _shape_error(name, event, message)
                if stack:
                    stack[-1].reached = max(stack[-1].reached, reach)
            if values > MAX_YAML_VALUES:
                alias = f" (a YAML alias expands *{event.anchor})" if isinstance(event, yaml.AliasEvent) else ""
                raise _shape_error(name, event, f"the document holds more than {MAX_YAML_VALUES:,} values{alias}")
    finally:
        loader.dispose()


def _shape_error(name: str, event: yaml.Event, message: str) -> ConfigError:
    line, col = (event.start_mark.line + 1, event.start_mark.column + 1) if event.start_mark else (None, None)
    return ConfigError([Problem(name, line, col, "", message)])


def parse_config(text: str, *, name: str = "<config>") -> Config:
    if len(text) > MAX_CONFIG_BYTES:
        raise ConfigError([too_large(name)])
    try:
        size = len(text.encode("utf-8"))  # libyaml reads UTF-8
    except UnicodeEncodeError as exc:
        message = f"character {exc.start + 1} is a lone surrogate ({text[exc.start]!r}), not text"
        raise ConfigError([Problem(name, None, None, "", message)]) from None
    if size > MAX_CONFIG_BYTES:
        raise ConfigError([too_large(name)])
    # The node tree (for the positions of problems) and the data built from it, as yaml.compose and
    # yaml.safe_load give them, from one loader; the shape is checked first, from the parser's events.
    loader: yaml.SafeLoader | None = None
    try:
        _check_shape(text, name)
        loader = _Loader(text)  # raises on characters YAML does not allow
        root = loader.get_single_node()
        data = loader.construct_document(root) if root is not None else None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (None, None)
        raise ConfigError([Problem(name, line, col, "", f"YAML syntax error: {exc.problem}")]) from None
    except yaml.YAMLError as exc:
        raise ConfigError([Problem(name, None, None, "", f"YAML error: {exc}")]) from None
    finally:
        if loader is not None:
            loader.dispose()
    locator = _Locator(root)
    if not isinstance(data, dict):
        raise ConfigError([Problem(name, 1, 1, "", "the configuration must be a mapping (key: value)")])

    problems: list[Problem] = []
    config: Config | None = None
    try:
        config = Config.model_validate(data)
    except ValidationError as exc:
        for err in exc.errors(include_url=False):
            raw_loc = tuple(err["loc"])
            loc = _drop_union_tags(raw_loc)
            at_key = err["type"] == "extra_forbidden" or "[key]" in raw_loc
            line, col = locator.position(loc, key=at_key)
            problems.append(Problem(name, line, col, _format_path(loc), _message(err, loc)))
    # Cross-field checks run even when the model did not validate, so one pass shows every problem.
    problems.extend(_semantic_problems(data, locator, name))
    if problems or config is None:
        unique = _unique(problems)
        raise ConfigError(_first(unique, name), total=len(unique))
    return config


def _first(problems: list[Problem], name: str) -> list[Problem]:
    if len(problems) <= MAX_PROBLEMS:
        return problems
    more = len(problems) - MAX_PROBLEMS
    return [*problems[:MAX_PROBLEMS], Problem(name, None, None, "", f"and {more:,} more problems not listed")]


def _drop_union_tags(loc: Loc) -> Loc:
    # pydantic inserts the chosen Literal/union member name into the location, and "[key]" after a bad
    # mapping key; neither is a YAML key.
    return tuple(p for p in loc if not (isinstance(p, str) and p.startswith(("literal[", "list[", "[key]"))))


def _message(err: Any, loc: Loc) -> str:
    kind = err["type"]
    if kind == "extra_forbidden":
        return f"unknown field {loc[-1]!r}" if loc else "unknown field"
    if kind == "missing":
        return "required field is missing"
    if kind == "literal_error" and "sources" in loc:
        return f"unknown source {_quote(err['input'])}; known sources: {', '.join(SOURCE_NAMES)}"
    # Some messages quote the bad value, which can be as long as the file.
    msg = str(err["msg"]).removeprefix("Value error, ")
    return msg if len(msg) <= 300 else msg[:300] + "..."


def _unique(problems: list[Problem]) -> list[Problem]:
    seen: set[tuple[str, str]] = set()
    out = []
    for p in problems:
        if (p.path, p.message) not in seen:
            seen.add((p.path, p.message))
            out.append(p)
    return out


def _query_problem(
    name: str, locator: _Locator, loc: Loc, query: str, exc: QuerySyntaxError, *, kind: str = "bad query syntax"
) -> Problem:
    node, exact = locator.node(loc)
    line = col = None
    if node is not None:
        line, col = node.start_mark.line + 1, node.start_mark.column + 1
        style = getattr(node, "style", None)
        if exact and style in (None, "'", '"') and "\n" not in query:
            col += exc.column - 1 + (1 if style in ("'", '"') else 0)
    return Problem(name, line, col, _format_path(loc), f"{kind}: {exc.message} at column {exc.column}")


def _items(value: Any) -> Iterator[tuple[int, dict[str, Any]]]:
    if isinstance(value, list):
        for i, item in enumerate(value):
            if isinstance(item, dict):
                yield i, item


def _get(data: Any, *keys: str) -> Any:
    for key in keys:
        data = data.get(key) if isinstance(data, dict) else None
    return data


def _semantic_problems(data: dict[str, Any], locator: _Locator, name: str) -> Iterator[Problem]:
    """Checks across fields, on the raw mapping so that they run even where the model did not validate."""

    def at(loc: Loc, message: str) -> Problem:
        line, col = locator.position(loc)
        return Problem(name, line, col, _format_path(loc), message)

    codes: dict[str, int] = {}
    query_ids: dict[str, Loc] = {}
    for i, country in _items(data.get("countries")):
        code = country.get("code")
        if isinstance(code, str):
            if code in codes:
                yield at(
                    ("countries", i, "code"),
                    f"duplicate country {code!r} (first defined at countries[{codes[code]}])",
                )
            codes.setdefault(code, i)
        choices = country.get("sentiment")
        if isinstance(choices, dict):
            for lang, backend in choices.items():
                problem = backend_problem(lang, backend) if lang in LANGUAGES and isinstance(backend, str) else None
                if problem:
                    yield at(("countries", i, "sentiment", lang), problem)
        for j, q in _items(country.get("queries")):
            loc: Loc = ("countries", i, "queries", j)
            qid = q.get("id")
            if isinstance(qid, str):
                if qid in query_ids:
                    yield at(
                        (*loc, "id"),
                        f"duplicate query id {qid!r} (first used at {_format_path(query_ids[qid])})",
                    )
                query_ids.setdefault(qid, loc)
            sources: list[Any] = q["sources"] if isinstance(q.get("sources"), list) else []
            if isinstance(q.get("query"), str):
                plain = [s for s in sources if s in NO_HASHTAG_SOURCES]
                yield from _check_query(name, locator, (*loc, "query"), q["query"], no_hashtags=plain)
            for source in dict.fromkeys(s for s in sources if isinstance(s, str)):
                for field in REQUIRED_SECRETS.get(source, ()):
                    if _get(data, "sources", source, field) is None:
                        yield at(
                            (*loc, "sources"),
                            f"missing secret reference: query {qid!r} runs on {source}, "
                            f"which needs sources.{source}.{field} ({{env: NAME}} or {{secretsmanager: NAME}})",
                        )
                needs = registry.platform(source).country_needs if source in SOURCE_NAMES else None
                if needs and not _get(country, "sources", source, needs):
                    why = registry.platform(source).country_needs_why
                    yield at(
                        (*loc, "sources"),
                        f"query {qid!r} runs on {source} but countries[{i}].sources.{source}.{needs} is empty{why}",
                    )
    topic_ids: dict[str, int] = {}
    for i, topic in _items(data.get("topics")):
        tid = topic.get("id")
        if isinstance(tid, str):
            if tid in topic_ids:
                yield at(
                    ("topics", i, "id"),
                    f"duplicate topic {tid!r} (first defined at topics[{topic_ids[tid]}])",
                )
            topic_ids.setdefault(tid, i)
        if isinstance(topic.get("query"), str):
            yield from _check_query(name, locator, ("topics", i, "query"), topic["query"])
        restrict: list[Any] = topic["countries"] if isinstance(topic.get("countries"), list) else []
        for j, code in enumerate(restrict):
            if code not in codes:
                yield at(("topics", i, "countries", j), f"{code!r} is not one of the configured countries")
    raw_alerts = data.get("alerts")
    alerts: dict[str, Any] = raw_alerts if isinstance(raw_alerts, dict) else {}
    about = alerts["about_us_topics"] if isinstance(alerts.get("about_us_topics"), list) else []
    for j, tid in enumerate(about):
        if isinstance(tid, str) and tid not in topic_ids:
            yield at(("alerts", "about_us_topics", j), f"{tid!r} is not one of the configured topics")
    for i, recipients in _items(alerts.get("recipients")):
        code = recipients.get("country")
        if isinstance(code, str) and code not in codes:
            yield at(("alerts", "recipients", i, "country"), f"{code!r} is not one of the configured countries")


def _check_query(
    name: str, locator: _Locator, loc: Loc, query: str, *, no_hashtags: Sequence[str] = ()
) -> Iterator[Problem]:
    try:
        parse(query)  # the syntax only: compiling every term's pattern took 3/4 of the time of 2,000 topics
    except QuerySyntaxError as exc:
        yield _query_problem(name, locator, loc, query, exc)
        return
    for found in lint(query, no_hashtags=no_hashtags):  # parses, but does not mean what it says
        yield _query_problem(name, locator, loc, query, found, kind="query")
