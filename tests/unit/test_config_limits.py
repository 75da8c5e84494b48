"""Configuration files that must not take the loader down: alias bombs, deep nesting, huge files and
deeply nested queries each give one located problem (a ConfigError), quickly and in little memory."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest

from listening_post.aws.config_source import load_config_from
from listening_post.config import (
    MAX_CONFIG_BYTES,
    MAX_PROBLEMS,
    MAX_YAML_DEPTH,
    MAX_YAML_VALUES,
    ConfigError,
    load_config,
    parse_config,
)
from listening_post.query import MAX_NESTING, QuerySyntaxError, parse

HEAD = "version: 1\nsecrets:\n  author_key: {env: LISTENING_POST_AUTHOR_KEY}\n"


def query_config(query: str, sources: str = "[gdelt]") -> str:
    return (
        HEAD + "countries:\n  - code: CA\n    languages: [en]\n    queries:\n      - id: q\n"
        f"        query: '{query}'\n        sources: {sources}\n"
    )


def alias_bomb(levels: int) -> str:
    """Each anchor is a list of nine aliases of the one before: ``levels`` levels expand to 9**levels
    values in the query's ``sources``."""
    lines = [HEAD.rstrip("\n"), "x0: &a0 [rss, rss, rss, rss, rss, rss, rss, rss, rss]"]
    lines += [f"x{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]" for i in range(1, levels)]
    return "\n".join(lines) + "\n" + query_config("a", f"*a{levels - 1}").removeprefix(HEAD)


def merge_bomb(levels: int) -> str:
    """The same with merge keys: each mapping merges nine copies of the one before."""
    lines = [HEAD.rstrip("\n"), "m0: &m0 {a: 1, b: 2, c: 3, d: 4, e: 5, f: 6, g: 7, h: 8, i: 9}"]
    lines += [f"m{i}: &m{i} {{<<: [{', '.join([f'*m{i - 1}'] * 9)}]}}" for i in range(1, levels)]
    return "\n".join(lines) + "\ncountries: []\n"


def only_problem(text: str) -> str:
    with pytest.raises(ConfigError) as err:
        parse_config(text, name="c.yaml")
    found = [str(p) for p in err.value.problems]
    assert len(found) == 1, found[:3]
    return found[0]


def test_an_alias_bomb_is_refused_at_the_alias() -> None:
    # On main: 9**7 values were validated and the problem message was 34.7 MB (at 9**9 the process died).
    problem = only_problem(alias_bomb(7))
    assert problem.startswith("c.yaml:")
    assert f"more than {MAX_YAML_VALUES:,} values" in problem
    assert "alias" in problem
    # x0..x3 hold 8,302 values; x4's sixth *a3 (7,381 values each) takes the document past 50,000.
    assert problem.startswith("c.yaml:8:35: "), problem
    assert len(problem) < 500


def test_a_merge_key_bomb_is_refused() -> None:
    problem = only_problem(merge_bomb(9))
    assert f"more than {MAX_YAML_VALUES:,} values" in problem


def test_a_chain_of_merges_deeper_than_the_limit_is_refused() -> None:
    # Each merge of a merge is one more level for the loader, however flat the text looks.
    lines = [HEAD.rstrip("\n"), "m0: &m0 {a: 1}"]
    lines += [f"m{i}: &m{i} {{<<: *m{i - 1}}}" for i in range(1, 3 * MAX_YAML_DEPTH)]
    problem = only_problem("\n".join(lines) + "\ncountries: []\n")
    assert f"nests deeper than {MAX_YAML_DEPTH} levels" in problem


def test_aliases_of_a_real_configuration_still_work() -> None:
    text = (
        HEAD
        + "countries:\n  - code: CA\n    languages: [en]\n    queries:\n"
        + "      - {id: a, query: tariff, sources: &common [gdelt, google_news]}\n"
        + "      - {id: b, query: lumber, sources: *common}\n"
    )
    config = parse_config(text)
    assert [q.sources for q in config.countries[0].queries] == [["gdelt", "google_news"]] * 2


@pytest.mark.parametrize(
    ("text", "line", "column"),
    [
        # Block sequences on one line ("- - - x"): the first "- " is the second level.
        ("countries:\n" + "- " * 10_000 + "x\n", 5, (MAX_YAML_DEPTH - 1) * 2 + 1),
        ("countries: " + "{a: " * 10_000 + "x" + "}" * 10_000 + "\n", 4, 12 + (MAX_YAML_DEPTH - 1) * 4),
    ],
)
def test_deep_yaml_nesting_is_a_located_problem(text: str, line: int, column: int) -> None:
    # On main: RecursionError from the YAML composer. The document's mapping is the first level, so the
    # problem is at the collection that opens level MAX_YAML_DEPTH + 1.
    problem = only_problem(HEAD + text)
    assert problem == f"c.yaml:{line}:{column}: the document nests deeper than {MAX_YAML_DEPTH} levels"


def test_deep_flow_nesting_is_a_located_problem() -> None:
    # 10,000 "[": libyaml's scanner looks ahead through flow collections and stops at its own limit
    # (1,000 levels) before the parser reaches level 33; either way a located problem, no traceback.
    problem = only_problem(HEAD + "countries: " + "[" * 10_000 + "]" * 10_000 + "\n")
    assert problem.startswith("c.yaml:4:"), problem
    assert "nesting depth" in problem or "nests deeper" in problem, problem


def test_nesting_up_to_the_limit_is_read() -> None:
    depth = MAX_YAML_DEPTH - 1  # the document's own mapping is the first level
    text = HEAD + "countries: [{code: CA, languages: [en]}]\nx: " + "[" * depth + "]" * depth + "\n"
    assert only_problem(text) == "c.yaml:5:1: x: unknown field 'x'"


@pytest.mark.parametrize(
    ("query", "column"),
    [
        ("(" * 250 + "a" + ")" * 250, MAX_NESTING + 1),
        ("a " + "NOT " * 1000 + "b", 3 + MAX_NESTING * 4),
        ("a AND " + "(NOT " * 300 + "b" + ")" * 300, 7 + (MAX_NESTING // 2) * 5),
    ],
)
def test_deeply_nested_queries_are_a_located_problem(query: str, column: int) -> None:
    # On main: RecursionError from the query parser (250 parentheses, 1,000 NOTs).
    with pytest.raises(QuerySyntaxError) as err:
        parse(query)
    assert err.value.column == column
    assert f"nested deeper than {MAX_NESTING} levels" in err.value.message
    problem = only_problem(query_config(query))
    # The column inside the YAML line: the query starts after "        query: '".
    prefix = len("        query: '")
    assert problem.startswith(f"c.yaml:9:{prefix + column}: countries[0].queries[0].query:"), problem


def test_queries_nested_up_to_the_limit_parse() -> None:
    assert str(parse("(" * MAX_NESTING + "a OR b" + ")" * MAX_NESTING)) == "a OR b"
    assert parse("a " + "NOT " * MAX_NESTING + "b") is not None


def test_a_file_over_the_size_cap_is_refused_without_reading_it_all(tmp_path: Path) -> None:
    # On main a file of any size was read whole and parsed (a 60 MB one for about 19 s); this one is
    # valid YAML of 2 MB, mostly comments.
    path = tmp_path / "big.yaml"
    with path.open("w") as f:
        f.write(HEAD + "countries: [{code: CA, languages: [en]}]\n")
        f.write(("# " + "x" * 98 + "\n") * 20_000)
    with pytest.raises(ConfigError) as err:
        load_config(path)
    assert [str(p) for p in err.value.problems] == [
        f"{path}: the file is larger than {MAX_CONFIG_BYTES // 1024 // 1024} MiB (at most {MAX_CONFIG_BYTES:,} "
        "bytes); a configuration needs far less"
    ]


def test_text_over_the_size_cap_is_refused() -> None:
    problem = only_problem(HEAD + "#" * MAX_CONFIG_BYTES)
    assert "larger than" in problem


def test_problems_quote_long_inputs_briefly() -> None:
    # An unknown source named by a 100 kB string: the problem quotes its start, not all of it.
    problem = only_problem(query_config("a", "[" + "y" * 100_000 + "]"))
    assert "unknown source 'yyyy" in problem
    assert len(problem) < 500


class _Objects:
    """An S3 client's get_object, over bytes (the deployed path reads the configuration from S3)."""

    def __init__(self, body: bytes) -> None:
        self.body = body

    def get_object(self, **request: str) -> dict[str, Any]:
        return {"Body": io.BytesIO(self.body)}


def test_an_s3_object_over_the_cap_is_refused() -> None:
    with pytest.raises(ConfigError) as err:
        load_config_from("s3://bucket/config.yaml", s3=_Objects(b"#" * (2 * MAX_CONFIG_BYTES)))
    assert str(err.value).startswith("s3://bucket/config.yaml: the file is larger than 1 MiB")


def test_an_s3_object_that_is_not_utf8_is_a_problem() -> None:
    with pytest.raises(ConfigError, match="not UTF-8 text"):
        load_config_from("s3://bucket/config.yaml", s3=_Objects(b"version: 1\n\xff\xfe\n"))


def test_a_lone_surrogate_is_a_problem_not_a_traceback() -> None:
    # Text from an SSM parameter can hold one (a JSON "\ud800"); libyaml reads UTF-8, which cannot.
    assert only_problem("version: 1\nx: \ud800\n") == "c.yaml: character 15 is a lone surrogate ('\\ud800'), not text"


def test_past_a_hundred_problems_the_rest_are_counted() -> None:
    topics = "".join(f"  - {{id: 'Bad {i}', label: T, query: a}}\n" for i in range(250))
    with pytest.raises(ConfigError) as err:
        parse_config(HEAD + "countries: [{code: CA, languages: [en]}]\ntopics:\n" + topics, name="c.yaml")
    assert err.value.total == 250
    assert len(err.value.problems) == MAX_PROBLEMS + 1
    assert str(err.value.problems[0]).startswith("c.yaml:6:10: topics[0].id: String should match pattern")
    assert str(err.value.problems[-1]) == "c.yaml: and 150 more problems not listed"
