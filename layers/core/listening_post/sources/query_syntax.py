"""Our query language (``listening_post.query``) in a platform's search syntax: the generic writers (the
boolean tree, one search per OR branch, an AND of OR groups) each platform module builds its own
``query_syntax`` with.

The platforms read different subsets of boolean search:

========== ============================================================ ===============================
platform   what it reads                                                 how we write a query for it
========== ============================================================ ===============================
X          ``a b`` AND, ``OR``, ``-a``, ``( )``, ``"phrase"``; 512 chars  the tree, NOT pushed to terms
Reddit     ``AND``, ``OR``, ``NOT``, ``( )``, ``"phrase"``                the tree, NOT pushed to terms
Google     ``a b`` AND, ``OR``, ``-a``, ``"phrase"``                      as for X
Bluesky    ``a b`` AND, ``-a``, ``"phrase"``; no OR                      one search per OR branch (DNF)
YouTube    ``a b`` AND, ``|`` OR, ``-a``; no parentheses                 OR branches joined by ``|``
GDELT      ``a b`` AND, ``(a OR b)`` one level, ``-a``, ``"phrase"``     AND of ORs (CNF)
========== ============================================================ ===============================

None of them has our trailing wildcard: ``tariff*`` is searched as ``tariff``, which the platforms match
as a word, so inflections (``tariffs``) are only found where the platform stems. Terms are written with
the spelling of the configuration (our matcher folds case and accents, the platforms may not).
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import regex

from listening_post.query import And, Node, Not, Query, Term, fold

MAX_BRANCHES = 16
_WORDS = regex.compile(r'[^\s()"“”„«»]+')


class QueryTranslationError(ValueError):
    """The query cannot be written for the platform (too long, too many branches)."""


@dataclass(frozen=True, slots=True)
class Literal:
    term: Term
    negated: bool = False


# A formula in negation normal form: literals under AND/OR only.
Formula = Literal | tuple[str, tuple["Formula", ...]]


def _nnf(node: Node, negated: bool = False) -> Formula:
    if isinstance(node, Term):
        return Literal(node, negated)
    if isinstance(node, Not):
        return _nnf(node.child, not negated)
    op = "and" if isinstance(node, And) else "or"
    if negated:  # De Morgan
        op = "or" if op == "and" else "and"
    flat: list[Formula] = []
    for child in (_nnf(c, negated) for c in node.children):
        # a AND (b AND c) is a AND b AND c: no parentheses the platform would have to read
        flat.extend(child[1] if not isinstance(child, Literal) and child[0] == op else (child,))
    return (op, tuple(flat))


def _dnf(formula: Formula) -> list[tuple[Literal, ...]]:
    """OR of ANDs."""
    if isinstance(formula, Literal):
        return [(formula,)]
    op, children = formula
    parts = [_dnf(c) for c in children]
    if op == "or":
        out = [conj for part in parts for conj in part]
    else:
        out = [tuple(itertools.chain.from_iterable(combo)) for combo in itertools.product(*parts)]
        if len(out) > MAX_BRANCHES * 4:
            raise QueryTranslationError(f"the query expands into more than {MAX_BRANCHES} searches")
    return out


def _cnf(formula: Formula) -> list[tuple[Literal, ...]]:
    """AND of ORs."""
    if isinstance(formula, Literal):
        return [(formula,)]
    op, children = formula
    parts = [_cnf(c) for c in children]
    if op == "and":
        return [clause for part in parts for clause in part]
    out = [tuple(itertools.chain.from_iterable(combo)) for combo in itertools.product(*parts)]
    if len(out) > MAX_BRANCHES * 4:
        raise QueryTranslationError(f"the query expands into more than {MAX_BRANCHES} clauses")
    return out


class _Writer:
    """Writes terms with the configuration's spelling (our parser keeps only the folded form)."""

    def __init__(self, query: Query) -> None:
        self.spelling: dict[str, str] = {}
        for word in _WORDS.findall(query.source):
            self.spelling.setdefault(fold(word), word)

    def term(self, term: Term) -> str:
        words = [self.spelling.get(w, w).rstrip("*") for w in term.words]
        text = " ".join(words)
        return f'"{text}"' if term.phrase else text

    def literal(self, lit: Literal, negation: str = "-") -> str:
        return f"{negation}{self.term(lit.term)}" if lit.negated else self.term(lit.term)

    def tree(self, formula: Formula, *, and_: str, or_: str, negation: str, top: bool = True) -> str:
        if isinstance(formula, Literal):
            return self.literal(formula, negation)
        op, children = formula
        joined = (and_ if op == "and" else or_).join(
            self.tree(c, and_=and_, or_=or_, negation=negation, top=False) for c in children
        )
        return joined if top else f"({joined})"


def _unique(items: list[str]) -> list[str]:
    return list(dict.fromkeys(items))


def boolean(query: Query, *, and_: str, or_: str, negation: str) -> str:
    """The query as one boolean expression with the platform's operators (NOT pushed down to terms)."""
    return _Writer(query).tree(_nnf(query.node), and_=and_, or_=or_, negation=negation)


def branches(query: Query) -> list[str]:
    """One search per OR branch (DNF), for platforms without OR: each an AND of terms and exclusions."""
    writer = _Writer(query)
    found = []
    for conj in _dnf(_nnf(query.node)):
        if all(lit.negated for lit in conj):
            continue  # a branch of exclusions alone finds nothing useful (and the platforms refuse it)
        ordered = sorted(conj, key=lambda lit: lit.negated)  # positive terms first
        found.append(" ".join(_unique([writer.literal(lit) for lit in ordered])))
    found = _unique(found)
    if len(found) > MAX_BRANCHES:
        raise QueryTranslationError(f"the query expands into {len(found)} searches; at most {MAX_BRANCHES}")
    return found


def and_of_ors(query: Query) -> list[str]:
    """AND of one-level OR groups (CNF), ``(a OR b)`` each; an exclusion inside an OR group cannot be
    written and is dropped."""
    writer = _Writer(query)
    parts: list[str] = []
    for clause in _cnf(_nnf(query.node)):
        if len(clause) == 1:
            parts.append(writer.literal(clause[0]))
            continue
        positives = _unique([writer.term(lit.term) for lit in clause if not lit.negated])
        if len(positives) == 1:
            parts.append(positives[0])
        elif positives:
            parts.append("(" + " OR ".join(positives) + ")")
    return _unique(parts)
