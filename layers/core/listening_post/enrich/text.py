"""Plain text from what platforms send: HTML stripped, entities unescaped, whitespace folded.

Only markup is removed. Capitals, punctuation, emoji and negations stay as written, because the
sentiment scorer reads them.
"""

from __future__ import annotations

import html
import re
import unicodedata
from html.parser import HTMLParser

# Elements whose end separates words; inline elements (a, span, b, ...) join their text directly, so that
# Mastodon's ``#<span>tag</span>`` stays ``#tag``.
_BLOCK = frozenset(
    [
        "address",
        "article",
        "aside",
        "blockquote",
        "br",
        "dd",
        "div",
        "dl",
        "dt",
        "figcaption",
        "figure",
        "footer",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "header",
        "hr",
        "img",
        "li",
        "main",
        "nav",
        "ol",
        "p",
        "pre",
        "section",
        "table",
        "tbody",
        "td",
        "tfoot",
        "th",
        "thead",
        "tr",
        "ul",
    ]
)
_SKIP = frozenset(("script", "style", "template", "noscript", "head", "title"))
# Elements whose content is raw text in HTML5 (and in newer html.parser releases): left to html.parser.
_RAW_TEXT = frozenset(("script", "style", "textarea", "title", "xmp", "iframe", "noembed", "noframes", "plaintext"))

# Invisible characters that change nothing a reader sees but split or disguise words: zero-width space,
# word joiner, BOM, directional marks, embeddings, overrides and isolates. ZWJ and ZWNJ are kept: emoji
# sequences and several scripts need them.
_INVISIBLE = dict.fromkeys(
    [0x200B, 0x2060, 0xFEFF, 0x200E, 0x200F, 0x061C, *range(0x202A, 0x202F), *range(0x2066, 0x206A)]
)
_CONTROL = dict.fromkeys(c for c in [*range(0x00, 0x20), *range(0x7F, 0xA0)] if chr(c) not in "\t\n\r\f\v")
# Typographic apostrophes written the ASCII way: "don’t" must read as "don't" (a negation to VADER and to
# every lexicon keyed on ASCII contractions). Nothing else a reader sees changes.
_APOSTROPHES = {0x2019: "'", 0x2018: "'", 0x02BC: "'"}
_DELETE: dict[int, str | None] = {**_INVISIBLE, **_CONTROL, **_APOSTROPHES}

_DELETE_ANY = re.compile("[" + "".join(re.escape(chr(c)) for c in _DELETE) + "]")  # what translate() changes

MAX_TEXT_CHARS = 10_000
TRUNCATION_MARK = " [truncated]"

# The markup platforms send is mostly plain tags: <p>, <a href="...">, <span class="...">, <br />. A string
# made only of such tags (ASCII names, well-formed attributes, quoted values that may hold '>' or '<')
# and text without '<' is read with one regex; html.parser reads it the same way (tests/unit/
# test_text_fast.py), and reads everything else: comments, declarations, CDATA, script and style, stray
# '<', unclosed tags.
_WS = "[ \t\n\r\f]"
_ATTRIBUTE = rf"""{_WS}+[!#-&(-.0-;?-~]+(?:{_WS}*={_WS}*(?:"[^"]*"|'[^']*'|[!#-&(-;=?-~]+))?"""
_SIMPLE_TAG = re.compile(rf"<(?:([a-zA-Z][a-zA-Z0-9]*)(?:{_ATTRIBUTE})*{_WS}*/?>|/([a-zA-Z][a-zA-Z0-9]*){_WS}*>)")


class _TextExtractor(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skip_depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIP:
            self.skip_depth += 1
        elif tag in _BLOCK:
            self.parts.append(" ")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _BLOCK:
            self.parts.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP:
            self.skip_depth = max(0, self.skip_depth - 1)
        elif tag in _BLOCK:
            self.parts.append(" ")

    def handle_data(self, data: str) -> None:
        if not self.skip_depth:
            self.parts.append(data)


def html_to_text(markup: str) -> str:
    """Visible text of an HTML fragment, cleaned as :func:`clean_text` does."""
    if "<" not in markup:
        return clean_text(markup)
    parts = _simple_markup_parts(markup)
    if parts is None:
        return parsed_html_to_text(markup)
    return clean_text("".join(parts), unescape=False)


def parsed_html_to_text(markup: str) -> str:
    """:func:`html_to_text` through html.parser, for any markup."""
    return _without_residue(_parsed_text(markup))


def _parsed_text(markup: str) -> str:
    parser = _TextExtractor()
    try:
        parser.feed(markup)
        parser.close()
    except AssertionError:
        # html.parser before Python 3.13 asserts on a declaration it cannot name ("<![0"): such a "<!" is
        # text, as browsers read it.
        parser = _TextExtractor()
        parser.feed(markup.replace("<!", "&lt;!"))
        parser.close()
    return clean_text("".join(parser.parts), unescape=False, residue=False)


# Markup left in text once it is read: HTML escaped twice (a feed's ``&lt;a href=…&gt;``, Reddit Atom's
# ``&lt;div class="md"&gt;``), or HTML in a field the platform calls plain text (a title's
# ``625ft<sup>2</sup>``). Only tags of real HTML elements count, so prose such as "x<y and y>z" stays.
_ELEMENTS = (
    "a abbr acronym address area article aside audio b base bdi bdo big blink blockquote body br button canvas "
    "caption center cite code col colgroup data datalist dd del details dfn dialog dir div dl dt em embed "
    "fieldset figcaption figure font footer form frame frameset h1 h2 h3 h4 h5 h6 head header hgroup hr html i "
    "iframe img input ins kbd label legend li link main map mark marquee menu meta meter nav nobr noembed "
    "noframes noscript object ol optgroup option output p param picture plaintext pre progress q rp rt ruby s "
    "samp script section select small source span strike strong style sub summary sup svg table tbody td "
    "template textarea tfoot th thead time title tr track tt u ul var video wbr xmp"
)
_RESIDUE = re.compile(
    rf"</?(?:{'|'.join(sorted(_ELEMENTS.split(), key=len, reverse=True))})(?=[\s/>])[^<>]*>"
    r"|<!--.*?-->|&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});",
    re.IGNORECASE | re.DOTALL,
)
_RESIDUE_ROUNDS = 3  # escaped three times is the most seen; each round unwraps one level


def _without_residue(text: str) -> str:
    """Text with no tag or entity left: what still reads as markup is read again as HTML."""
    for _ in range(_RESIDUE_ROUNDS):
        if ("<" not in text and "&" not in text) or not _has_residue(text):
            return text
        text = _parsed_text(text)
    return text


def _has_residue(text: str) -> bool:
    for match in _RESIDUE.finditer(text):
        found = match[0]
        # A named reference counts only when HTML knows it ("&nbsp;", not "R&D;").
        if not found.startswith("&") or found.startswith("&#") or html.unescape(found) != found:
            return True
    return False


def _simple_markup_parts(markup: str) -> list[str] | None:
    """What _TextExtractor collects from markup made only of simple tags; None for any other markup."""
    parts: list[str] = []
    pos = 0
    for tag in _SIMPLE_TAG.finditer(markup):
        start = tag.start()
        if start != pos:
            data = markup[pos:start]
            if "<" in data:
                return None
            # Entities are decoded per run of text, as html.parser does: one cut by a tag stays as written.
            parts.append(html.unescape(data) if "&" in data else data)
        name = (tag[1] or tag[2]).lower()
        if name in _SKIP or name in _RAW_TEXT:
            return None
        if name in _BLOCK:
            parts.append(" ")
        pos = tag.end()
    data = markup[pos:]
    if "<" in data:
        return None
    parts.append(html.unescape(data) if "&" in data else data)
    return parts


def clean_text(text: str, *, unescape: bool = True, residue: bool = True) -> str:
    """Unescape entities, drop invisible and control characters, fold whitespace, NFC, cap the length; and
    when markup is left (HTML in a plain-text field, or escaped once more), read it as HTML."""
    if unescape and "&" in text:
        # Twice: feeds often double-escape (``&amp;quot;``) and a literal "&amp;" in prose is rare.
        text = html.unescape(html.unescape(text))
    if not text.isascii():
        if _DELETE_ANY.search(text):  # rarely: translate() looks up every character
            text = text.translate(_DELETE)
        text = unicodedata.normalize("NFC", text)
    elif not text.isprintable():
        text = text.translate(_CONTROL)
    text = " ".join(text.split())
    if residue and ("<" in text or "&" in text):
        text = _without_residue(text)
    if len(text) > MAX_TEXT_CHARS:
        text = text[: MAX_TEXT_CHARS - len(TRUNCATION_MARK)] + TRUNCATION_MARK
    return text
