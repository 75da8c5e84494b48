"""Duplicate keys: texts that differ only in case, accents, links, mentions, punctuation or spacing
share a key. Reposted templates and copy-paste campaigns collapse onto one key."""

from __future__ import annotations

import hashlib
import re

import regex

from listening_post.query import fold

_NOISE = regex.compile(r"https?://\S+|www\.\S+|@[\w.@-]+|^\s*rt\b")
_NON_WORD = regex.compile(r"[^\p{L}\p{M}\p{N}]+")
MIN_KEY_CHARS = 8  # shorter texts ("ok", "👍") are alike by chance, not by copying

# The same two steps for ASCII text (most posts, once folded), through the standard library, several times
# faster: _NOISE with its whitespace spelled out (re's \s also takes \x1c-\x1f, regex's does not; \w and
# \b agree on ASCII), and _NON_WORD as deleting every ASCII byte that is not a letter or a digit (what
# [^\p{L}\p{M}\p{N}] matches in ASCII). tests/unit/test_dedup_fast.py checks both against the regex path.
_ASCII_NOT_SPACE = r"[^\t\n\x0b\x0c\r ]"
_NOISE_ASCII = re.compile(
    rf"https?://{_ASCII_NOT_SPACE}+|www\.{_ASCII_NOT_SPACE}+|@[\w.@-]+|^[\t\n\x0b\x0c\r ]*rt\b", re.ASCII
)
_NOT_ALNUM_ASCII = bytes(c for c in range(128) if not chr(c).isalnum())


def duplicate_key(text: str) -> str | None:
    return folded_duplicate_key(fold(text))


def folded_duplicate_key(folded: str) -> str | None:
    """:func:`duplicate_key` of a text already passed through :func:`fold` (the pipeline folds once, for
    topics and this)."""
    if not folded.isascii():
        return regex_folded_duplicate_key(folded)
    core = _NOISE_ASCII.sub(" ", folded).encode("ascii").translate(None, _NOT_ALNUM_ASCII)
    if len(core) < MIN_KEY_CHARS:  # one byte per character
        return None
    return hashlib.blake2b(core, digest_size=8).hexdigest()


def regex_folded_duplicate_key(folded: str) -> str | None:
    """:func:`folded_duplicate_key` through the regex path, for any text (and the reference of the tests)."""
    core = _NON_WORD.sub("", _NOISE.sub(" ", folded))
    if len(core) < MIN_KEY_CHARS:
        return None
    return hashlib.blake2b(core.encode("utf-8"), digest_size=8).hexdigest()
