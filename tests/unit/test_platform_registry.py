"""Platforms as plug-ins (issue 16): a platform is its module and one registry line; the configuration,
collection, erasure's handle forms, quarantine and the analyses' kinds follow from its ``PLATFORM``, and
importing the configuration with every platform loads none of the fetchers' libraries."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from listening_post.config import NO_HASHTAG_SOURCES, REQUIRED_SECRETS, SOURCE_NAMES, CountrySources, SourceSettings
from listening_post.sources import registry
from listening_post.sources.spec import NoCountrySettings, Platform

ROOT = Path(__file__).resolve().parents[2]


def _run(code: str, *, path: Path | None = None) -> str:
    env_path = [str(ROOT / "layers" / "core"), *([str(path)] if path else [])]
    result = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        capture_output=True,
        text=True,
        timeout=120,
        env={"PYTHONPATH": ":".join(env_path), "PATH": "/usr/bin:/bin"},
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_every_registered_module_exports_its_platform() -> None:
    specs = registry.platforms()
    assert [s.name for s in specs] == list(registry.names()) == list(SOURCE_NAMES)
    for spec in specs:
        assert isinstance(spec, Platform)
        if spec.fetcher is None:  # import only (a browser capture): nothing to search for, no key to hold
            assert spec.query_syntax is None and not spec.secrets, spec.name
        for secret in spec.secrets:
            assert secret in spec.settings.model_fields, f"{spec.name}: secret {secret} is not a setting"
        if spec.country_needs:
            assert spec.country_needs in spec.country_settings.model_fields


def test_the_configuration_is_built_from_the_platforms() -> None:
    specs = registry.platforms()
    assert list(SourceSettings.model_fields) == ["http", *registry.names()]
    assert set(CountrySources.model_fields) == {s.name for s in specs if s.country_settings is not NoCountrySettings}
    assert {s.name: s.secrets for s in specs if s.secrets} == REQUIRED_SECRETS
    assert frozenset(s.name for s in specs if not s.hashtags) == NO_HASHTAG_SOURCES
    # Social and press split every platform, in the registry's order.
    assert set(registry.sources_of_kind("social")) | set(registry.sources_of_kind("press")) == set(
        registry.source_names()
    )
    assert set(SOURCE_NAMES) <= set(registry.source_names())


def test_configuration_and_every_platform_load_no_parser_http_or_arrow_library() -> None:
    """The plan and API functions validate the configuration without feedparser, urllib3, tenacity or
    pyarrow in their layers: importing the configuration and every platform module must not load them."""
    out = _run(
        """
        import sys
        import listening_post.config
        from listening_post.sources import registry
        registry.platforms()
        print(sorted(m for m in ("feedparser", "urllib3", "tenacity", "pyarrow") if m in sys.modules))
        """
    )
    assert out.strip() == "[]"


# A platform written for this test only: its module and its registry line, nothing else. It reads no
# payload (it borrows a real parser), since the point is what the rest of the code derives from it.
EXTRA_PLATFORM = """
from pydantic import Field

from listening_post.sources.spec import PagedSettings, Platform, SecretRef, StrictModel


class Settings(PagedSettings):
    api_key: SecretRef | None = None


class CountrySettings(StrictModel):
    channels: list[str] = Field(default_factory=list)


class Fetcher:
    source = "example"

    def __init__(self, key, channels_max_pages):
        self.key, self.max_pages = key, channels_max_pages

    def pages(self, job, cursor):
        return iter(())


def _parse(body):
    from listening_post.sources import registry

    return registry.platform("mastodon").parse(body)


def native_author(handle, resolve=None):
    return handle.strip().lstrip("@").lower()


PLATFORM = Platform(
    name="example",
    kind="social",
    parse=_parse,
    settings=Settings,
    country_settings=CountrySettings,
    fetcher=lambda args: Fetcher(args.secret("api_key"), args.context.max_pages),
    secrets=("api_key",),
    native_author=native_author,
    author_form="the channel name",
    record_author=lambda record: record.get("owner"),
    country_needs="channels",
    country_needs_why=" (it reads channels)",
)
"""


def test_a_platform_added_by_its_module_and_a_registry_line_is_configured_collected_and_erased(
    tmp_path: Path,
) -> None:
    (tmp_path / "extra_platform.py").write_text(EXTRA_PLATFORM, encoding="utf-8")
    out = _run(
        """
        import json
        from listening_post.sources import registry
        registry.PLATFORM_MODULES["example"] = "extra_platform"  # the one line a new platform adds

        from listening_post import config
        from listening_post.authors import native_author
        from listening_post.collect import build_fetchers
        from listening_post.credentials import SecretResolver
        from listening_post.quarantine import native_author_of
        from listening_post.sources.http import HttpClient, HttpPolicy

        base = '''
        version: 1
        secrets: {author_key: {env: K}}
        sources: {example: {max_pages: 3%s}}
        countries:
          - code: CA
            languages: [en]
            sources: {example: {channels: %s}}
            queries: [{id: q, query: trade, sources: [example]}]
        '''
        try:
            config.parse_config(base % ("", "[]"), name="c.yaml")
        except config.ConfigError as exc:
            problems = [str(p) for p in exc.problems]
        valid = config.parse_config(base % (", api_key: {env: EXAMPLE_KEY}", "[news]"), name="c.yaml")
        http = HttpClient(HttpPolicy())
        fetchers, skipped = build_fetchers(valid, http, SecretResolver({"EXAMPLE_KEY": "k"}), ["example"])
        _, missing = build_fetchers(valid, http, SecretResolver({}), ["example"])
        print(json.dumps({
            "problems": problems,
            "channels": valid.country("CA").sources.example.channels,
            "fetcher": [type(f).__name__ for f in fetchers.values()],
            "max_pages": fetchers["example"].max_pages,
            "missing": missing,
            "social": "example" in registry.sources_of_kind("social"),
            "author": native_author("example", " @SomeChannel "),
            "quarantined_author": native_author_of("example", {"owner": "somechannel"}),
        }))
        """,
        path=tmp_path,
    )
    found = json.loads(out)
    assert found["problems"] == [
        "c.yaml:9:46: countries[0].queries[0].sources: missing secret reference: query 'q' runs on example, "
        "which needs sources.example.api_key ({env: NAME} or {secretsmanager: NAME})",
        "c.yaml:9:46: countries[0].queries[0].sources: query 'q' runs on example but "
        "countries[0].sources.example.channels is empty (it reads channels)",
    ]
    assert found["channels"] == ["news"]
    assert found["fetcher"] == ["Fetcher"] and found["max_pages"] == 3
    assert found["missing"] == {"example": "missing credentials (api_key): environment variable EXAMPLE_KEY is not set"}
    assert found["social"] is True
    assert found["author"] == "somechannel" and found["quarantined_author"] == "somechannel"


def test_an_unknown_source_is_named_with_the_known_ones() -> None:
    with pytest.raises(registry.UnknownPlatformError) as err:
        registry.platform("telegraph")
    assert str(err.value) == f"unknown source 'telegraph'; known sources: {', '.join(SOURCE_NAMES)}"
