"""The fast paths of matching give the straightforward results: accent folding by runs of marks, and terms
searched once per text behind a substring test, with the boolean trees evaluated on the terms found."""

from __future__ import annotations

import sys
import unicodedata
from pathlib import Path

import pytest
import regex
from hypothesis import given, settings
from hypothesis import strategies as st

from listening_post.demo import demo_config
from listening_post.query import _MARK_RUN, And, Node, Not, Or, Query, Term, TermSearch, fold, terms
from listening_post.scoring.topics import TopicMatcher

UMSAB_SETS = ["arabic", "english", "french", "german", "hindi", "italian", "portuguese", "spanish"]
EXAMPLE_TOPICS = [
    'tariff* OR "trade deal" OR "trade war" OR lumber OR CUSMA OR douane* OR Zoll OR Zölle OR Handel* OR tarifa*',
    "energy OR climate OR emission* OR Energiewende OR Strompreis* OR Klima* OR énergie OR climat OR clima",
    "immigra* OR migra* OR refugee* OR asylum OR Asyl* OR réfugié*",
    'embassy OR ambassador OR ambassade OR Botschaft OR embaixada OR "foreign minister" OR diplomat*',
    "(tariff* OR lumber) AND canada NOT hockey",
    "trade OR NOT (hockey AND playoffs)",
    '"U.S." OR #cdnpoli OR 关税 OR नमस्ते OR Україна OR مرحبا',
]


def strip_marks_loop(decomposed: str) -> str:
    """The straightforward version: a loop over every character."""
    out: list[str] = []
    base_is_alphabetic = False
    for ch in decomposed:
        if unicodedata.category(ch) == "Mn":
            if base_is_alphabetic:
                continue
        else:
            base_is_alphabetic = ord(ch) < 0x0530
        out.append(ch)
    return "".join(out)


def fold_loop(text: str) -> str:
    if text.isascii():
        return text.lower()
    folded = unicodedata.normalize("NFKD", unicodedata.normalize("NFKD", text).casefold())
    return unicodedata.normalize("NFC", strip_marks_loop(folded))


def matches_plainly(node: Node, folded: str) -> bool:
    """The straightforward evaluation: one regex search per term, where the tree asks for it."""
    if isinstance(node, Term):
        return regex.search(node.pattern(), folded) is not None
    if isinstance(node, Not):
        return not matches_plainly(node.child, folded)
    if isinstance(node, And):
        return all(matches_plainly(c, folded) for c in node.children)
    assert isinstance(node, Or)
    return any(matches_plainly(c, folded) for c in node.children)


def real_texts(benchmarks: Path) -> list[str]:
    base = benchmarks / "multilingual_sentiment" / "umsab_test"
    return [line for name in UMSAB_SETS for line in (base / name / "test_text.txt").read_text("utf-8").splitlines()]


# --- folding -------------------------------------------------------------------------------------------------


def test_mark_runs_cover_every_character_python_calls_a_nonspacing_mark() -> None:
    # The fast fold finds marks with the regex module's Unicode tables and decides them with Python's: this
    # holds only if every Python "Mn" is inside a run the regex finds.
    missed = [
        hex(c)
        for c in range(sys.maxunicode + 1)
        if unicodedata.category(chr(c)) == "Mn" and not _MARK_RUN.fullmatch(chr(c))
    ]
    assert missed == []


@given(st.text(max_size=300))
@settings(max_examples=2000, deadline=None)
def test_fold_is_the_loop_on_any_text(text: str) -> None:
    assert fold(text) == fold_loop(text)


# Marks over Latin, Greek, Cyrillic and Indic bases, in any order and number.
marked = st.text(
    alphabet=st.sampled_from(list("aeoAEOßαωжЖकनम ́̈̃̂҃ािंँ़्\u0301\u0308\u0327\u0483\u093c\u094d\u0900\u1ab0")),
    max_size=60,
)


@given(marked)
@settings(max_examples=2000, deadline=None)
def test_fold_is_the_loop_on_stacked_marks(text: str) -> None:
    assert fold(text) == fold_loop(text)


def test_fold_is_the_loop_on_real_posts(benchmarks: Path) -> None:
    texts = real_texts(benchmarks)
    assert len(texts) > 5000
    assert [t for t in texts if fold(t) != fold_loop(t)] == []


# --- matching ------------------------------------------------------------------------------------------------

words = st.text(alphabet=st.sampled_from(list("abcdeéøжß")), min_size=2, max_size=5).filter(
    lambda w: w.upper() not in ("AND", "OR", "NOT")
)
leaf = st.one_of(
    words,
    words.map(lambda w: w + "*"),
    st.lists(words, min_size=2, max_size=3).map(lambda ws: '"' + " ".join(ws) + '"'),
)
queries = st.recursive(
    leaf,
    lambda inner: st.one_of(
        st.tuples(inner, inner).map(lambda ab: f"({ab[0]} AND {ab[1]})"),
        st.tuples(inner, inner).map(lambda ab: f"({ab[0]} OR {ab[1]})"),
        st.tuples(inner, inner).map(lambda ab: f"({ab[0]} NOT {ab[1]})"),
        inner.map(lambda a: f"(x1 OR NOT {a})"),
    ),
    max_leaves=8,
)
texts = st.lists(st.one_of(words, st.sampled_from([" ", "-", ".", "é", "ж", "abc", "ab-cd", "x1"])), max_size=20).map(
    " ".join
)


@given(queries, texts)
@settings(max_examples=1500, deadline=None)
def test_query_matches_as_the_plain_evaluation(query: str, text: str) -> None:
    q = Query(query)
    assert q.matches(text) == matches_plainly(q.node, fold(text))


@pytest.mark.filterwarnings("ignore:Generating overly large repr")  # the recursive strategy's repr
@given(st.lists(queries, min_size=1, max_size=5), texts)
@settings(max_examples=500, deadline=None)
def test_topics_match_as_each_query_alone(topic_queries: list[str], text: str) -> None:
    matcher = TopicMatcher((f"t{i}", q) for i, q in enumerate(topic_queries))
    folded = fold(text)
    expected = [f"t{i}" for i, q in enumerate(topic_queries) if matches_plainly(Query(q).node, folded)]
    if not text:
        expected = []  # an empty text has no topics, even for "a OR NOT b"
    assert matcher.match(text) == expected


def test_topics_on_real_posts(benchmarks: Path) -> None:
    topics = [(t.id, t.query) for t in demo_config().topics] + [(f"x{i}", q) for i, q in enumerate(EXAMPLE_TOPICS)]
    matcher = TopicMatcher(topics)
    nodes = [(tid, Query(q).node) for tid, q in topics]
    hits = 0
    for text in real_texts(benchmarks):
        folded = fold(text)
        expected = [tid for tid, node in nodes if matches_plainly(node, folded)]
        assert matcher.match(text) == expected, text
        hits += bool(expected)
    assert hits > 100  # the comparison saw matches, not only misses


@pytest.mark.parametrize("query", EXAMPLE_TOPICS)
def test_every_match_contains_the_term_literal(query: str) -> None:
    # The substring test before each regex is sound: the literal is in the term's pattern as written.
    for term, _ in terms(Query(query).node):
        assert regex.escape(term.literal()) in term.pattern()


def test_term_search_finds_each_term_once_even_when_shared() -> None:
    a, b = Term(("trade",)), Term(("trade", "deal"), phrase=True)
    search = TermSearch([a, b, a])
    assert search.found("a trade deal") == {a, b}
    assert search.found("trade-deal") == {a, b}
    assert search.found("trades") == set()
