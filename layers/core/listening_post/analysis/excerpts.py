"""How a post is quoted: mentions of other accounts masked, cut at a word boundary. One rule for the brief's
examples, the storylines and the web page (which checks its own mask agrees: tests/unit/test_web_evidence.py)."""

from __future__ import annotations

import regex

EXCERPT_CHARS = 280
_MENTION = regex.compile(r"(?<![\w@])@[\w.@-]+")


def excerpt(text: str, limit: int = EXCERPT_CHARS) -> str:
    """A quotable excerpt: mentions of other accounts masked, cut at a word boundary."""
    text = _MENTION.sub("@…", text or "")
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0]
    return cut + " …"
