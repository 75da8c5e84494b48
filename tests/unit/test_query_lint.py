"""validate-config flags queries that parse but do not mean what they say: a lower-case or/and/not between
terms (searched as a word, so ``embajada or embajador`` meant ``embajada AND or AND embajador``), and a term
written as a hashtag in a query run on news sources, whose texts have no hashtags."""

from __future__ import annotations

import pytest

from listening_post.cli import main
from listening_post.config import ConfigError, parse_config
from listening_post.query import Query, lint

CONFIG = """\
version: 1
secrets:
  author_key: {{env: LISTENING_POST_AUTHOR_KEY}}
countries:
  - code: MX
    languages: [es]
    timezone: America/Mexico_City
    sources:
      mastodon: {{hashtags: [mexico]}}
    queries:
      - id: mx-embassy
        query: '{query}'
        sources: [{sources}]
topics:
  - {{id: diplomacy, label: Diplomacy, query: '{topic}'}}
"""


def problems(query: str, *, sources: str = "google_news, mastodon", topic: str = "embajada") -> list[str]:
    with pytest.raises(ConfigError) as err:
        parse_config(CONFIG.format(query=query, sources=sources, topic=topic), name="c.yaml")
    return [str(p) for p in err.value.problems]


def test_a_lower_case_or_silently_meant_and() -> None:
    # What the issue saw: the query validated, and only posts with all three words matched.
    query = Query("embajada or embajador")
    assert not query.matches("la embajada cerró") and query.matches("embajada or embajador")
    assert problems("embajada or embajador") == [
        "c.yaml:12:26: countries[0].queries[0].query: query: 'or' between terms is searched as a word "
        "(operators are upper case): did you mean OR? at column 10"
    ]


@pytest.mark.parametrize(
    ("query", "word", "column"),
    [
        ("embajada and (visa OR consulado)", "and", 10),
        ('"foreign minister" Or ambassador', "Or", 20),
        ("embajada not turismo", "not", 10),
        ("(embajada) or (consulado)", "or", 12),
        ("embajada OR embajador or cónsul", "or", 23),
    ],
)
def test_each_lower_case_operator_between_terms_is_flagged_with_its_column(query: str, word: str, column: int) -> None:
    (found,) = lint(query)
    assert found.column == column and f"did you mean {word.upper()}?" in found.message


@pytest.mark.parametrize(
    "query", ["embajada OR embajador", '"rock and roll"', "or", "Oregon OR orca", "embajada AND NOT turismo"]
)
def test_operators_in_upper_case_words_and_phrases_are_not_flagged(query: str) -> None:
    assert lint(query) == []


def test_a_hashtag_term_on_news_sources_is_flagged() -> None:
    assert problems("#COP30 OR desmatamento", sources="google_news, mastodon, gdelt") == [
        "c.yaml:12:17: countries[0].queries[0].query: query: '#COP30' is written as a hashtag, but gdelt, "
        "google_news texts have no hashtags, so it never matches there: write 'COP30' to match the word "
        "at column 1"
    ]


def test_a_hashtag_term_on_social_sources_only_is_fine() -> None:
    parse_config(CONFIG.format(query="#COP30 OR desmatamento", sources="mastodon", topic="embajada"))


def test_topics_are_linted_too() -> None:
    (problem,) = problems("embajada", topic="embajada or embajador")
    assert "topics[0].query: query: 'or' between terms" in problem and problem.endswith("at column 10")


def test_validate_config_exits_2_and_names_the_column(tmp_path, capsys: pytest.CaptureFixture[str]) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "c.yaml"
    path.write_text(CONFIG.format(query="embajada or embajador", sources="google_news", topic="embajada"))
    assert main(["validate-config", str(path)]) == 2
    err = capsys.readouterr().err
    assert "did you mean OR? at column 10" in err and f"{path}:12:26" in err
