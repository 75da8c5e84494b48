"""Duplicate keys: texts that differ only in case, accents, links, mentions, punctuation or spacing
share a key. Reposted templates and copy-paste campaigns collapse onto one key."""

from __future__ import annotations

import hashlib

import regex

from listening_post.query import fold

_NOISE = regex.compile(r"https?://\S+|www\.\S+|@[\w.@-]+|^\s*rt\b")
_NON_WORD = regex.compile(r"[^\p{L}\p{M}\p{N}]+")
MIN_KEY_CHARS = 8  # shorter texts ("ok", "👍") are alike by chance, not by copying


def duplicate_key(text: str) -> str | None:
    return folded_duplicate_key(fold(text))


def folded_duplicate_key(folded: str) -> str | None:
    """:func:`duplicate_key` of a text already passed through :func:`fold` (the pipeline folds once, for
    topics and this)."""
    core = _NON_WORD.sub("", _NOISE.sub(" ", folded))
    if len(core) < MIN_KEY_CHARS:
        return None
    return hashlib.blake2b(core.encode("utf-8"), digest_size=8).hexdigest()
