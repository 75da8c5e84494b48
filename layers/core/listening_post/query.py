"""The query language of queries and topics.

    tariff* AND (canada OR "softwood lumber") NOT hockey

Operators are upper-case ``AND``, ``OR``, ``NOT`` (juxtaposition means AND), with parentheses,
"quoted phrases" and a trailing wildcard. Matching is case- and accent-insensitive (Unicode casefold,
diacritics removed from Latin, Greek and Cyrillic letters) and respects word boundaries, except next to
letters of scripts written without spaces between words (Han, kana, Thai, Hangul, ...), where a term
matches inside a run of letters because there is no boundary to find.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache

import regex

__all__ = [
    "And",
    "Node",
    "Not",
    "Or",
    "Query",
    "QuerySyntaxError",
    "Term",
    "TermSearch",
    "fold",
    "lint",
    "parse",
]

OPERATORS = ("AND", "OR", "NOT")
MIN_WILDCARD_PREFIX = 2
# Parentheses and NOTs inside one another: the parser, the tree's evaluation and its printing recurse once
# per level, so a hostile query must not reach Python's recursion limit. Real queries nest two or three.
MAX_NESTING = 32

# A "word character" for boundaries: letters, combining marks (Devanagari vowel signs are marks), digits.
_WORD = r"[\p{L}\p{M}\p{N}_]"
# Scripts written without spaces between words: a term touching these letters needs no boundary.
_UNSPACED = regex.compile(r"[\p{Han}\p{Hiragana}\p{Katakana}\p{Thai}\p{Lao}\p{Khmer}\p{Myanmar}\p{Hangul}]")
_TOKEN_SPLIT = regex.compile(r"[^\p{L}\p{M}\p{N}_*]+")


class QuerySyntaxError(ValueError):
    """A query that cannot be parsed; ``column`` is 1-based within the query text."""

    def __init__(self, message: str, column: int) -> None:
        super().__init__(f"{message} (column {column})")
        self.message = message
        self.column = column


# A run of combining marks, or of characters this regex module does not know: a superset of what the
# running Python calls "Mn" (tests/unit/test_query_fast.py checks it over every code point), so each run
# is decided below with Python's own unicodedata, the one NFKD used.
_MARK_RUN = regex.compile(r"[\p{M}\p{Cn}]+")


def _strip_mark_run(match: regex.Match[str]) -> str:
    # Remove diacritics only where they decorate Latin, Greek or Cyrillic letters: in Indic and
    # other scripts the marks are vowels and part of the word. The character before a run is not a mark,
    # so it is the run's base letter.
    start = match.start()
    base_is_alphabetic = start > 0 and ord(match.string[start - 1]) < 0x0530
    out: list[str] = []
    for ch in match.group():
        if unicodedata.category(ch) == "Mn":
            if base_is_alphabetic:
                continue
        else:
            base_is_alphabetic = ord(ch) < 0x0530
        out.append(ch)
    return "".join(out)


def _strip_marks(decomposed: str) -> str:
    # Only the (few) runs of marks go through Python: a loop over every character was most of fold's time.
    return _MARK_RUN.sub(_strip_mark_run, decomposed)


def fold(text: str) -> str:
    """Case- and accent-insensitive form of ``text`` used on both sides of a match."""
    if text.isascii():
        return text.lower()
    # Compatibility forms first (𝔍 -> J, ﬁ -> fi), then casefold, which can itself produce composed letters.
    folded = unicodedata.normalize("NFKD", unicodedata.normalize("NFKD", text).casefold())
    return unicodedata.normalize("NFC", _strip_marks(folded))


# --- the syntax tree ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Term:
    """A word, a hashtag, or a phrase (several words in order); words may end in ``*``."""

    words: tuple[str, ...]
    phrase: bool = False

    def __str__(self) -> str:
        text = " ".join(self.words)
        return f'"{text}"' if self.phrase else text

    def pattern(self) -> str:
        return _term_pattern(self.words)

    def literal(self) -> str:
        """Text every match contains (its longest word, without the wildcard): a cheap test before the
        regex, since most terms are absent from most texts."""
        return max((w.removesuffix("*") for w in self.words), key=len)


@dataclass(frozen=True, slots=True)
class Not:
    child: Node

    def __str__(self) -> str:
        return f"NOT {_wrap(self.child)}"


@dataclass(frozen=True, slots=True)
class And:
    children: tuple[Node, ...]

    def __str__(self) -> str:
        return " AND ".join(_wrap(c) for c in self.children)


@dataclass(frozen=True, slots=True)
class Or:
    children: tuple[Node, ...]

    def __str__(self) -> str:
        return " OR ".join(_wrap(c) for c in self.children)


Node = Term | Not | And | Or


def _wrap(node: Node) -> str:
    return f"({node})" if isinstance(node, And | Or) else str(node)


def terms(node: Node) -> Iterator[tuple[Term, bool]]:
    """Every term with whether it sits under an odd number of NOTs."""

    def walk(n: Node, negated: bool) -> Iterator[tuple[Term, bool]]:
        if isinstance(n, Term):
            yield n, negated
        elif isinstance(n, Not):
            yield from walk(n.child, not negated)
        else:
            for c in n.children:
                yield from walk(c, negated)

    return walk(node, False)


# --- tokenizer and parser ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Tok:
    kind: str  # "(", ")", "AND", "OR", "NOT", "WORD", "PHRASE", "END"
    text: str
    col: int  # 1-based


def _tokenize(query: str) -> list[_Tok]:
    toks: list[_Tok] = []
    i, n = 0, len(query)
    while i < n:
        ch = query[i]
        if ch.isspace():
            i += 1
        elif ch in "()":
            toks.append(_Tok(ch, ch, i + 1))
            i += 1
        elif ch in '"“”„«»':
            closing = {"“": "”", "„": "“", "«": "»"}.get(ch, ch)
            end = query.find(closing, i + 1)
            if closing != '"' and end < 0:
                end = query.find('"', i + 1)
            if end < 0:
                raise QuerySyntaxError("unterminated quoted phrase", i + 1)
            toks.append(_Tok("PHRASE", query[i + 1 : end], i + 1))
            i = end + 1
        else:
            j = i
            while j < n and not query[j].isspace() and query[j] not in '()"“”„«»':
                j += 1
            word = query[i:j]
            kind = word if word in OPERATORS else "WORD"
            toks.append(_Tok(kind, word, i + 1))
            i = j
    toks.append(_Tok("END", "", n + 1))
    return toks


class _Parser:
    def __init__(self, query: str) -> None:
        self.toks = _tokenize(query)
        self.pos = 0
        self.depth = 0

    def enter(self, tok: _Tok) -> None:
        self.depth += 1
        if self.depth > MAX_NESTING:
            raise QuerySyntaxError(
                f"the query is nested deeper than {MAX_NESTING} levels (parentheses and NOT)", tok.col
            )

    def peek(self) -> _Tok:
        return self.toks[self.pos]

    def take(self) -> _Tok:
        tok = self.toks[self.pos]
        self.pos += 1
        return tok

    def parse(self) -> Node:
        if self.peek().kind == "END":
            raise QuerySyntaxError("empty query", 1)
        node = self.or_expr()
        tok = self.peek()
        if tok.kind == ")":
            raise QuerySyntaxError("unbalanced ')' with no matching '('", tok.col)
        if tok.kind != "END":  # pragma: no cover - every other token continues an AND
            raise QuerySyntaxError(f"unexpected {tok.text!r}", tok.col)
        return node

    def or_expr(self) -> Node:
        children = [self.and_expr()]
        while self.peek().kind == "OR":
            self.take()
            children.append(self.and_expr())
        return children[0] if len(children) == 1 else Or(tuple(children))

    def and_expr(self) -> Node:
        children = [self.not_expr()]
        while True:
            kind = self.peek().kind
            if kind == "AND":
                self.take()
                children.append(self.not_expr())
            elif kind in ("NOT", "WORD", "PHRASE", "("):
                children.append(self.not_expr())  # juxtaposition is AND
            else:
                break
        return children[0] if len(children) == 1 else And(tuple(children))

    def not_expr(self) -> Node:
        if self.peek().kind == "NOT":
            self.enter(self.take())
            node = Not(self.not_expr())
            self.depth -= 1
            return node
        return self.primary()

    def primary(self) -> Node:
        tok = self.take()
        if tok.kind == "(":
            if self.peek().kind == ")":
                raise QuerySyntaxError("empty parentheses", tok.col)
            self.enter(tok)
            node = self.or_expr()
            close = self.take()
            if close.kind != ")":
                raise QuerySyntaxError("unbalanced '(' is never closed", tok.col)
            self.depth -= 1
            return node
        if tok.kind == "WORD":
            return _make_term(tok.text, tok.col, phrase=False)
        if tok.kind == "PHRASE":
            return _make_term(tok.text, tok.col + 1, phrase=True)
        if tok.kind == "END":
            raise QuerySyntaxError("the query ends where a term was expected", tok.col)
        if tok.kind == ")":
            raise QuerySyntaxError("unexpected ')' where a term was expected", tok.col)
        raise QuerySyntaxError(f"operator {tok.text} needs a term before and after it", tok.col)


def _make_term(text: str, col: int, *, phrase: bool) -> Term:
    words = tuple(text.split())
    if not words:
        raise QuerySyntaxError("empty quoted phrase", col)
    offset = 0
    for word in words:
        offset = text.index(word, offset)
        star = word.find("*")
        if star >= 0 and star != len(word) - 1:
            raise QuerySyntaxError("a wildcard '*' may only end a word", col + offset + star)
        stem = word.rstrip("*")
        if star >= 0 and len(_TOKEN_SPLIT.sub("", stem)) < MIN_WILDCARD_PREFIX:
            raise QuerySyntaxError(
                f"a wildcard needs at least {MIN_WILDCARD_PREFIX} letters before '*'", col + offset + star
            )
        if not _TOKEN_SPLIT.sub("", stem):
            raise QuerySyntaxError(f"the term {word!r} has no letter or digit", col + offset)
        offset += len(word)
    return Term(tuple(fold(w) for w in words), phrase=phrase or len(words) > 1)


def _term_pattern(words: tuple[str, ...]) -> str:
    parts: list[str] = []
    for word in words:
        stem = word[:-1] if word.endswith("*") else word
        piece = regex.escape(stem)
        if word.endswith("*"):
            piece += _WORD + "*"
        parts.append(piece)
    body = r"[^\p{L}\p{M}\p{N}_]+".join(parts)
    first, last = words[0], words[-1].rstrip("*")
    left = "" if (not first[:1] or not _is_word_char(first[0]) or _UNSPACED.match(first[0])) else (rf"(?<!{_WORD})")
    right = ""
    if not words[-1].endswith("*") and last and _is_word_char(last[-1]) and not _UNSPACED.match(last[-1]):
        right = rf"(?!{_WORD})"
    return left + body + right


def _is_word_char(ch: str) -> bool:
    return ch == "_" or unicodedata.category(ch)[0] in "LMN"


_LOWER_OPERATORS = frozenset(op.lower() for op in OPERATORS)
_TERMS_BEFORE = frozenset({"WORD", "PHRASE", ")"})
_TERMS_AFTER = frozenset({"WORD", "PHRASE", "(", "NOT"})


def lint(query: str, *, no_hashtags: Iterable[str] = ()) -> list[QuerySyntaxError]:
    """What parses but very likely does not mean what was written, each with its column: a lower-case
    ``or``/``and``/``not`` between terms (a term, so ``a or b`` means ``a AND or AND b``), and a term written
    as a hashtag in a query run on sources whose texts have no hashtags (``no_hashtags``): it matches only
    ``#word``, so never there. A query that does not parse gives nothing here; :func:`parse` says why."""
    try:
        toks = _tokenize(query)
    except QuerySyntaxError:
        return []
    found: list[QuerySyntaxError] = []
    plain = sorted(dict.fromkeys(no_hashtags))
    for before, tok, after in zip([None, *toks], toks, toks[1:], strict=False):
        if tok.kind != "WORD":
            continue
        word = tok.text
        between = before is not None and before.kind in _TERMS_BEFORE and after.kind in _TERMS_AFTER
        if word.lower() in _LOWER_OPERATORS and between:
            found.append(
                QuerySyntaxError(
                    f"{word!r} between terms is searched as a word (operators are upper case): "
                    f"did you mean {word.upper()}?",
                    tok.col,
                )
            )
        if plain and word.startswith("#") and len(word) > 1:
            found.append(
                QuerySyntaxError(
                    f"{word!r} is written as a hashtag, but {', '.join(plain)} texts have no hashtags, so it "
                    f"never matches there: write {word.lstrip('#')!r} to match the word",
                    tok.col,
                )
            )
    return found


@lru_cache(maxsize=1024)
def parse(query: str) -> Node:
    """Parse ``query``; raises :class:`QuerySyntaxError` with the column of the problem."""
    node = _Parser(query).parse()
    if all(negated for _, negated in terms(node)):
        raise QuerySyntaxError("a query needs at least one term that is not negated", 1)
    return node


# --- matching ----------------------------------------------------------------------------------


class Query:
    """A compiled query: ``Query("a OR b").matches(text)``.

    ``matches_folded`` takes text already passed through :func:`fold`, so that several queries can be
    run on one post for the price of one fold; ``matches_terms`` takes the set of terms found in it, so
    that queries sharing terms (a post's topics) search each term once (:class:`TermSearch`).
    """

    __slots__ = ("_absent", "_search", "node", "source", "terms")

    def __init__(self, source: str) -> None:
        self.source = source
        self.node = parse(source)
        self.terms = frozenset(term for term, _ in terms(self.node))
        self._search = TermSearch(self.terms)
        # What the query says of a text containing none of its terms (true for "a OR NOT b").
        self._absent = _eval(self.node, frozenset())

    def __repr__(self) -> str:
        return f"Query({self.source!r})"

    def matches(self, text: str) -> bool:
        return self.matches_folded(fold(text))

    def matches_folded(self, folded: str) -> bool:
        return self.matches_terms(self._search.found(folded))

    def matches_terms(self, found: frozenset[Term] | set[Term]) -> bool:
        """Whether a text in which exactly the terms ``found`` (of this query or others) occur matches."""
        if self.terms.isdisjoint(found):
            return self._absent
        return _eval(self.node, found)

    def positive_terms(self) -> list[Term]:
        """Terms a matching text must or may contain (not those under NOT): for platform searches."""
        return [t for t, negated in terms(self.node) if not negated]


def _eval(node: Node, found: frozenset[Term] | set[Term]) -> bool:
    if isinstance(node, Term):
        return node in found
    if isinstance(node, Not):
        return not _eval(node.child, found)
    if isinstance(node, And):
        return all(_eval(c, found) for c in node.children)
    return any(_eval(c, found) for c in node.children)


class TermSearch:
    """Finds which of a set of terms occur in a folded text: each term's regex runs only when the term's
    literal (:meth:`Term.literal`) is a substring of the text, which every match requires."""

    __slots__ = ("_terms",)

    def __init__(self, search_terms: Iterable[Term]) -> None:
        self._terms = [(term, term.literal(), _compile(term.pattern())) for term in dict.fromkeys(search_terms)]

    def found(self, folded: str) -> set[Term]:
        return {term for term, literal, pattern in self._terms if literal in folded and pattern.search(folded)}


@lru_cache(maxsize=4096)
def _compile(pattern: str) -> regex.Pattern[str]:
    return regex.compile(pattern)
