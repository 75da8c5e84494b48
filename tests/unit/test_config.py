"""Configuration: the example is valid; every kind of problem is reported with where it is."""

from __future__ import annotations

import contextlib
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from listening_post.config import ConfigError, load_config, parse_config

ROOT = Path(__file__).resolve().parents[2]
VALID = """\
version: 1
secrets:
  author_key: {env: LISTENING_POST_AUTHOR_KEY}
countries:
  - code: CA
    languages: [en, fr]
    timezone: America/Toronto
    sources:
      mastodon: {hashtags: [cdnpoli]}
    queries:
      - id: ca-trade
        query: 'tariff* AND canada'
        sources: [mastodon, gdelt]
topics:
  - {id: trade, label: Trade, query: 'tariff* OR lumber'}
"""


def problems(text: str) -> list[str]:
    with pytest.raises(ConfigError) as err:
        parse_config(text, name="c.yaml")
    return [str(p) for p in err.value.problems]


def test_example_configuration_is_valid() -> None:
    config = load_config(ROOT / "config" / "example.yaml")
    assert {c.code for c in config.countries} == {"CA", "DE", "BR"}
    assert config.country("CA").queries[0].compiled.matches("New tariffs hit Canada")


def test_demo_configuration_is_valid() -> None:
    load_config(ROOT / "layers/core/listening_post/demo/config.yaml")


def test_minimal_valid() -> None:
    config = parse_config(VALID)
    assert config.topics_for("CA")[0].id == "trade"
    assert config.analysis.min_n == 30


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        (
            "code: CA",
            "code: ca",
            "c.yaml:5:11: countries[0].code: 'ca' is not an ISO 3166-1 alpha-2 country code; did you mean 'CA'?",
        ),
        ("code: CA", "code: XX", "countries[0].code: 'XX' is not an ISO 3166-1 alpha-2"),
        (
            "[en, fr]",
            "[en, english]",
            "c.yaml:6:21: countries[0].languages[1]: 'english' is not an ISO 639-1 language code",
        ),
        (
            "America/Toronto",
            "Canada/Nowhere",
            "c.yaml:7:15: countries[0].timezone: 'Canada/Nowhere' is not an IANA time zone",
        ),
        (
            "[mastodon, gdelt]",
            "[mastodon, tiktok]",
            "c.yaml:13:29: countries[0].queries[0].sources[1]: unknown source 'tiktok'",
        ),
        (
            "'tariff* AND canada'",
            "'tariff* AND (canada'",
            "c.yaml:12:29: countries[0].queries[0].query: "
            "bad query syntax: unbalanced '(' is never closed at column 13",
        ),
        (
            "'tariff* OR lumber'",
            "'tariff* OR'",
            "topics[0].query: bad query syntax: the query ends where a term was expected at column 11",
        ),
        (
            "[mastodon, gdelt]",
            "[reddit]",
            "missing secret reference: query 'ca-trade' runs on reddit, which needs sources.reddit.client_id",
        ),
        (
            "{env: LISTENING_POST_AUTHOR_KEY}",
            "{env: X, secretsmanager: y}",
            "secrets.author_key: a secret reference names exactly one",
        ),
        (
            "{env: LISTENING_POST_AUTHOR_KEY}",
            "'hunter2'",
            "secrets.author_key: Input should be a valid dictionary",
        ),
        (
            "timezone: America/Toronto",
            "timezone: America/Toronto\n    colour: red",
            "c.yaml:8:5: countries[0].colour: unknown field 'colour'",
        ),
        (
            "mastodon: {hashtags: [cdnpoli]}",
            "mastodon: {hashtags: []}",
            "runs on mastodon but countries[0].sources.mastodon.hashtags is empty",
        ),
        ("version: 1", "version: 2", "version: Input should be 1"),
    ],
)
def test_each_problem_is_located(old: str, new: str, expected: str) -> None:
    assert old in VALID
    found = problems(VALID.replace(old, new, 1))
    assert any(expected in p for p in found), found


def test_duplicates_are_reported_with_the_first_place() -> None:
    text = (
        VALID
        + """\
  - {id: trade, label: Again, query: 'x1'}
"""
    )
    text = text.replace("countries:\n", "countries:\n  - {code: CA, languages: [en]}\n", 1)
    found = problems(text)
    assert any("countries[1].code: duplicate country 'CA' (first defined at countries[0])" in p for p in found)
    assert any("topics[1].id: duplicate topic 'trade' (first defined at topics[0])" in p for p in found)


def test_duplicate_query_ids_across_countries() -> None:
    text = VALID.replace(
        "topics:",
        "  - {code: DE, languages: [de], queries: [{id: ca-trade, query: x1, sources: [gdelt]}]}\ntopics:",
    )
    found = problems(text)
    assert any("duplicate query id 'ca-trade' (first used at countries[0].queries[0])" in p for p in found)


def test_every_problem_in_one_pass() -> None:
    text = (
        VALID.replace("code: CA", "code: ZZ")
        .replace("[en, fr]", "[en, zz]")
        .replace("'tariff* OR lumber'", "'(lumber'")
    )
    found = problems(text)
    assert len(found) == 3, found


def test_topic_restricted_to_unknown_country() -> None:
    found = problems(VALID.replace("query: 'tariff* OR lumber'}", "query: lumber, countries: [FR]}"))
    assert any("topics[0].countries[0]: 'FR' is not one of the configured countries" in p for p in found)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", "the configuration must be a mapping"),
        ("- a\n- b\n", "the configuration must be a mapping"),
        ("countries: [\n", "c.yaml:2:1: YAML syntax error"),
        ("a: b\n\tc: d\n", "YAML syntax error"),
        ("secrets: {author_key: {env: K}}\n", "countries: required field is missing"),
    ],
)
def test_broken_files(text: str, expected: str) -> None:
    assert any(expected in p for p in problems(text))


def test_missing_file() -> None:
    with pytest.raises(ConfigError, match="file not found"):
        load_config("/nonexistent/config.yaml")


# Any YAML document built from config-like keys and junk values gives ConfigError or a Config, never a traceback.
keys = st.sampled_from(
    [
        "version",
        "countries",
        "topics",
        "sources",
        "secrets",
        "code",
        "languages",
        "queries",
        "id",
        "query",
        "timezone",
        "analysis",
        "min_n",
        "env",
        "author_key",
        "feeds",
        "x",
    ]
)
leaves = st.one_of(st.none(), st.booleans(), st.integers(), st.text(max_size=12), st.floats(allow_nan=False))
documents = st.recursive(
    leaves,
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(keys, inner, max_size=5)),
    max_leaves=25,
)


@given(documents)
@settings(max_examples=400, deadline=None)
def test_fuzzed_documents_never_raise_anything_else(document: object) -> None:
    text = yaml.safe_dump(document)
    problems_found: list[str] = []
    try:
        parse_config(text)
    except ConfigError as exc:
        problems_found = [p.message for p in exc.problems]
        assert problems_found, "a ConfigError always lists its problems"
    assert all(problems_found)


@given(st.text(max_size=300))
@settings(max_examples=300, deadline=None)
def test_fuzzed_text_never_raises_anything_else(text: str) -> None:
    with contextlib.suppress(ConfigError):
        parse_config(text)


SOURCES_BLOCK = """\
sources:
  http: {max_attempts: 0, contact: ops@example.org}
  reddit: {api_base: "ftp://oauth.reddit.com", max_pages: 5}
  mastodon: {instances: ["mastodon.social", "not a host"]}
  gdelt: {requests_per_minute: 120}
"""


def test_source_settings_problems_are_located() -> None:
    assert problems(VALID + SOURCES_BLOCK) == [
        "c.yaml:17:24: sources.http.max_attempts: Input should be greater than or equal to 1",
        "c.yaml:19:25: sources.mastodon.instances: 'not a host' is not a host name or base URL of a Mastodon instance",
        "c.yaml:18:22: sources.reddit.api_base: String should match pattern '^https?://[^\\s/]+(/\\S*)?$'",
        "c.yaml:20:32: sources.gdelt.requests_per_minute: Input should be less than or equal to 60",
    ]


def test_source_settings_defaults_and_test_servers() -> None:
    config = parse_config(VALID + "sources:\n  mastodon: {instances: ['http://127.0.0.1:8080', mstdn.ca]}\n")
    assert config.sources.mastodon.instances == ["http://127.0.0.1:8080", "mstdn.ca"]
    assert config.sources.reddit.requests_per_minute == 100 and config.sources.gdelt.requests_per_minute == 12
    assert config.sources.x.base_url == "https://api.x.com" and config.sources.http.max_wait_seconds == 120


def test_sentiment_backends_are_chosen_per_country_and_language() -> None:
    text = VALID.replace(
        "    timezone: America/Toronto\n", "    timezone: America/Toronto\n    sentiment: {fr: comprehend, en: none}\n"
    )
    config = parse_config(text)
    assert config.country("CA").sentiment == {"fr": "comprehend", "en": "none"}


def test_bad_sentiment_choices_are_located() -> None:
    text = VALID.replace(
        "    timezone: America/Toronto\n",
        "    timezone: America/Toronto\n    sentiment:\n      it: vader\n      fr: bert\n      XX: leia\n",
    )
    found = problems(text)
    assert any(
        p.startswith("c.yaml:9:11: countries[0].sentiment.it: sentiment backend 'vader' does not read 'it';")
        and "comprehend, translate-vader" in p
        for p in found
    ), found
    assert any(p.startswith("c.yaml:10:11: countries[0].sentiment.fr: unknown sentiment backend 'bert'") for p in found)
    assert any(p.startswith("c.yaml:11:7: countries[0].sentiment.XX: 'XX' is not an ISO 639-1") for p in found), found
    assert len(found) == 3
