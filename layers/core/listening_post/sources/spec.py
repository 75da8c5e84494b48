"""What a platform module exports: one :class:`Platform`, the only description of a platform anywhere.

A platform module (``sources/<name>.py``) ends with ``PLATFORM = Platform(...)``; the registry
(``sources/registry.py``) is the only list of those modules. The configuration's ``sources.<name>`` and
``countries[].sources.<name>`` sections, collection, erasure's handle forms, quarantine, coordination and
the query syntax all read the platform from the registry, so adding one touches its own module only.

Importing a platform module must stay light: the configuration imports every platform, and the plan and
API functions validate it with neither the fetchers' libraries nor pyarrow in their layers. At its top a
platform module imports pydantic, this module and the parsers' shared helpers (``sources/base.py``,
``references.py``, ``fetch.py``, ``errors.py``, ``query_syntax.py``, ``listening_post.parsed``); feedparser,
HTML parsers and the HTTP client (``sources/http.py``: urllib3, tenacity) only inside its functions, and
``sources/fetch.Job``, ``FetchContext`` and ``HttpClient`` for type checking only.
tests/unit/test_platform_registry.py checks it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

from listening_post.codes import LANGUAGES

if TYPE_CHECKING:  # the fetch side imports the configuration, which imports this module
    from listening_post.parsed import ParsedPost
    from listening_post.query import Query
    from listening_post.sources.base import Page
    from listening_post.sources.fetch import FetchContext, Fetcher
    from listening_post.sources.http import HttpClient


URL_PATTERN = r"^https?://[^\s/]+(/\S*)?$"  # a base URL a setting may point at (a test server's too)


def _check_language(v: str) -> str:
    if v not in LANGUAGES:
        hint = f"; did you mean {v.lower()!r}?" if v.lower() in LANGUAGES else ""
        raise ValueError(f"{v!r} is not an ISO 639-1 language code{hint}")
    return v


Language = Annotated[str, AfterValidator(_check_language)]


class StrictModel(BaseModel):
    """Configuration sections: unknown keys are errors (a typo must not be silently ignored)."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class SecretRef(StrictModel):
    """Where a secret lives; never the secret itself."""

    env: str | None = Field(default=None, pattern=r"^[A-Za-z_][A-Za-z0-9_]*$")
    secretsmanager: str | None = Field(default=None, min_length=1)
    key: str | None = Field(default=None, min_length=1, description="field of a JSON secret")

    @model_validator(mode="after")
    def _exactly_one(self) -> SecretRef:
        if (self.env is None) == (self.secretsmanager is None):
            raise ValueError("a secret reference names exactly one of 'env' or 'secretsmanager'")
        if self.key is not None and self.secretsmanager is None:
            raise ValueError("'key' only applies to a 'secretsmanager' reference")
        return self

    def describe(self) -> str:
        if self.env:
            return f"environment variable {self.env}"
        suffix = f" (key {self.key})" if self.key else ""
        return f"Secrets Manager secret {self.secretsmanager}{suffix}"


class PagedSettings(StrictModel):
    """``sources.<name>`` of a platform that is collected page by page (every collected platform)."""

    max_pages: int = Field(default=10, ge=1, le=1000, description="requests per (country, query) and run")
    lookback_hours: int = Field(default=24, ge=1, le=24 * 30, description="how far back a first run reads")


class NoCountrySettings(StrictModel):
    """``countries[].sources.<name>`` of a platform that needs nothing per country."""


class AuthorFormError(ValueError):
    """A handle cannot be turned into the stored author form; the message says what to give instead."""


Kind = Literal["social", "press"]
Resolver = Callable[[str, str], str]  # (platform, handle) -> native id, by asking the platform


@dataclass(frozen=True, slots=True)
class FetcherArgs:
    """What a platform's fetcher factory is given: its settings, the shared HTTP client and limits, and its
    secrets by field name (``secret("bearer_token")`` raises credentials.MissingSecretError when unset)."""

    settings: Any  # the platform's own ``settings`` model, as configured
    context: FetchContext
    http: HttpClient
    secret: Callable[[str], str]
    has_secret: Callable[[str], bool]


def as_given(handle: str, resolve: Resolver | None = None) -> str:
    """The stored author form of platforms that store what the person gives (a byline, an outlet)."""
    return handle.strip()


@dataclass(frozen=True, slots=True)
class LegacyRow:
    """What ``migrate-identity`` (identity_migration.py) changes in one row of a lake written before posts
    were free of author identity: the native id to hash into ``post_id``, a ``url`` that names the author
    (moved to links/), or a ``url`` rewritten to a form that names nobody."""

    native_id: str | None = None
    move_link: bool = False
    url: str | None = None


@dataclass(frozen=True, slots=True)
class Platform:
    name: str  # the ``source`` column, the configuration key, the CLI's --source
    kind: Kind  # social: people post (coordination, amplification); press: outlets publish (news sections)
    parse: Callable[[bytes], Page]  # one saved or fetched response -> posts; raises PayloadError only
    settings: type[StrictModel] = PagedSettings  # ``sources.<name>`` of the configuration
    country_settings: type[StrictModel] = NoCountrySettings  # ``countries[].sources.<name>``
    # None: import only (the platform has no API we may read; collection is manual, e.g. browser capture).
    fetcher: Callable[[FetcherArgs], Fetcher] | None = None
    secrets: tuple[str, ...] = ()  # fields of ``settings`` that must name a secret before ``collect`` runs
    # The stored author form of a handle a person gives to be erased (raises authors.AuthorFormError).
    native_author: Callable[[str, Resolver | None], str] = as_given
    author_form: str = "the author exactly as the platform gives it"  # what to give, for --help and errors
    # The native author of one raw record of a response, so that quarantine can pseudonymise it.
    record_author: Callable[[dict[str, Any]], str | None] | None = None
    # The query in the platform's search syntax (None: the platform cannot search; posts are filtered).
    query_syntax: Callable[[Query], Sequence[str]] | None = None
    hashtags: bool = True  # whether the platform's texts carry hashtags a "#term" query can match
    reader_links: bool = False  # a post's public link names its author: kept in links/, not in posts
    # Other ``source`` names this platform's posts carry (a browser-capture export of several platforms).
    emits: tuple[str, ...] = ()
    # Regular expressions (``regex`` syntax) matching what names an account in this platform's raw text: a
    # record that cannot be parsed is quarantined with every match replaced (quarantine.redact_text).
    account_patterns: tuple[str, ...] = ()
    # Run once over everything an import parsed (replies that name their thread only through it).
    after_import: Callable[[list[ParsedPost]], object] | None = None  # its result, if any, is not read
    # The field of ``countries[].sources.<name>`` a query on this platform cannot run without (a list that
    # must not be empty), and why, for the configuration's error.
    country_needs: str | None = None
    country_needs_why: str = ""
    # (post_id, url) of a row of an old lake -> what to change in it (None: nothing); see LegacyRow.
    legacy_identity: Callable[[str, str | None], LegacyRow | None] | None = None
    docs: str = ""  # one line for the README's table and ``--help``
    extra: dict[str, Any] = field(default_factory=dict)  # anything else a platform must say; documented there
