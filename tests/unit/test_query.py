"""The query language: syntax, errors with columns, and matching semantics (property-based)."""

from __future__ import annotations

import contextlib

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from listening_post.query import And, Not, Or, Query, QuerySyntaxError, Term, fold, parse


def m(query: str, text: str) -> bool:
    return Query(query).matches(text)


@pytest.mark.parametrize(
    ("query", "text", "expected"),
    [
        ("tariff", "New TARIFF announced", True),
        ("tariff", "tariffs announced", False),  # word boundary
        ("tariff*", "tariffs announced", True),
        ("tariff*", "a tariff.", True),
        ("tariff*", "anti-tariff", True),  # '-' is a boundary
        ("tariff*", "pretariff", False),
        ('"softwood lumber"', "Softwood   lumber duties", True),
        ('"softwood lumber"', "softwood-lumber", True),
        ('"softwood lumber"', "lumber softwood", False),
        ("canada AND lumber", "lumber from Canada", True),
        ("canada lumber", "lumber from Canada", True),  # juxtaposition is AND
        ("canada AND lumber", "lumber only", False),
        ("canada OR mexico", "Mexico", True),
        ("trade NOT hockey", "trade talks", True),
        ("trade NOT hockey", "trade of a hockey player", False),
        ("(a1 OR b2) AND c3", "b2 c3", True),
        ("(a1 OR b2) AND c3", "a1 b2", False),
        ("Zölle", "ZOLLE erhöht", True),  # accents and case folded
        ("zolle", "Die Zölle steigen", True),
        ("straße", "STRASSE", True),  # casefold: ß -> ss
        ("énergie", "Energie", True),
        ("#cdnpoli", "so #CdnPoli today", True),
        ("#cdnpoli", "cdnpoli today", False),
        ("U.S.", "the U.S. tariffs", True),
        ("Україна", "Новини: УКРАЇНА сьогодні", True),  # Cyrillic case folding
        ("Україна", "Українами", False),
        ("关税", "美国宣布新的关税政策", True),  # no spaces in Chinese: match inside the run
        ("関税", "アメリカの関税が上がった", True),
        ("ภาษี", "รัฐบาลขึ้นภาษีนำเข้า", True),  # Thai
        ("नमस्ते", "सबको नमस्ते दोस्तों", True),  # Devanagari marks are part of the word
        ("नम", "सबको नमस्ते दोस्तों", False),  # ... so a prefix is not a word
        ("مرحبا", "قال مرحبا للجميع", True),
    ],
)
def test_matching(query: str, text: str, expected: bool) -> None:
    assert m(query, text) is expected


@pytest.mark.parametrize(
    ("query", "message", "column"),
    [
        ("", "empty query", 1),
        ("tariff AND", "ends where a term was expected", 11),
        ("AND tariff", "needs a term before and after", 1),
        ("a OR OR b", "needs a term before and after", 6),
        ("(a OR b", "never closed", 1),
        ("a OR b)", "no matching '('", 7),
        ("()", "empty parentheses", 1),
        ('"open phrase', "unterminated quoted phrase", 1),
        ('""', "empty quoted phrase", 2),
        ("ta*riff", "may only end a word", 3),
        ("t*", "at least 2 letters", 2),
        ("NOT spam", "not negated", 1),
        ("x AND ---", "has no letter or digit", 7),
    ],
)
def test_syntax_errors_name_the_column(query: str, message: str, column: int) -> None:
    with pytest.raises(QuerySyntaxError) as err:
        parse(query)
    assert message in err.value.message
    assert err.value.column == column


def test_precedence_not_binds_tighter_than_and_than_or() -> None:
    node = parse("a1 OR b2 AND NOT c3")
    assert node == Or((Term(("a1",)), And((Term(("b2",)), Not(Term(("c3",)))))))


def test_lowercase_operators_are_words() -> None:
    assert parse("rock and roll") == And((Term(("rock",)), Term(("and",)), Term(("roll",))))


def test_typographic_quotes_make_phrases() -> None:
    assert m("„trade deal“", "a TRADE DEAL today")
    assert m("«accord commercial»", "un accord commercial")


# --- properties ---------------------------------------------------------------------------------

# Words from several scripts, none containing characters of the query syntax.
words = st.text(
    alphabet=st.sampled_from(list("abcdefghijklmnopqrstuvwxyzäöüéèçñßøåабвгдежзийклмнопрстуфхцчшщыэюяαβγδεζηθ")),
    min_size=2,
    max_size=8,
).filter(lambda w: w.upper() not in ("AND", "OR", "NOT"))


@given(st.text(max_size=200))
@settings(max_examples=300)
def test_fold_is_idempotent(text: str) -> None:
    assert fold(fold(text)) == fold(text)


@given(st.text(max_size=120))
@settings(max_examples=500)
def test_parser_fails_only_with_query_syntax_error(query: str) -> None:
    with contextlib.suppress(QuerySyntaxError):
        Query(query).matches("some text")


@given(words, st.lists(words, max_size=6), st.lists(words, max_size=6))
def test_a_term_matches_where_it_stands_as_a_word(term: str, before: list[str], after: list[str]) -> None:
    text = " ".join([*before, term, *after])
    assert m(term, text)
    assert m(term, text.upper())
    assert m(term.upper(), text)


@given(words, st.lists(words, min_size=1, max_size=8))
def test_a_term_does_not_match_text_without_it(term: str, others: list[str]) -> None:
    assume(all(fold(term) not in fold(o) for o in others))
    assert not m(term, " ".join(others))


@given(words, words, st.lists(words, max_size=8))
def test_boolean_operators_follow_boolean_logic(a: str, b: str, text_words: list[str]) -> None:
    text = " ".join(text_words)
    ma, mb = m(a, text), m(b, text)
    assert m(f"{a} AND {b}", text) == (ma and mb)
    assert m(f"{a} OR {b}", text) == (ma or mb)
    assert m(f"{a} NOT {b}", text) == (ma and not mb)
    assert m(f"({a} OR {b}) AND {a}", text) == ma


@given(words, words)
def test_wildcard_matches_every_continuation(stem: str, tail: str) -> None:
    assert m(stem + "*", f"x {stem}{tail} y")
    assert m(stem + "*", f"x {stem} y")


@given(st.lists(words, min_size=1, max_size=4))
def test_printed_query_parses_back_to_the_same_tree(parts: list[str]) -> None:
    query = " OR ".join(f'"{p} {p}"' if i % 2 else p for i, p in enumerate(parts))
    node = parse(query)
    assert parse(str(node)) == node
