"""Author pseudonyms: a keyed hash (HMAC-SHA256) of source and native author id.

Without the key nobody can go back from a pseudonym to the account, and the same author gets the same
pseudonym across runs, so distinct-author counts and coordination detection still work.
"""

from __future__ import annotations

import hashlib
import hmac
import math
from collections import Counter

# The demo's fixed key: for sample data only. Real runs refuse to start without a key of their own.
DEMO_AUTHOR_KEY = b"listening-post-demo-key-not-for-real-data"
MIN_KEY_BYTES = 16
# A key's entropy estimated from its own bytes (length x Shannon entropy of their frequencies). A random
# 16-byte key scores 64 and 16 random hex digits about 50; a run of one character, a repeated pattern or a
# near-constant string scores far below. It cannot see a dictionary phrase: the docs say how to make a key.
MIN_KEY_BITS = 40
_KEY_HELP = (
    "set LISTENING_POST_AUTHOR_KEY (or the secret that secrets.author_key names) to at least "
    f"{MIN_KEY_BYTES} random bytes, e.g. the output of: python -c 'import secrets; print(secrets.token_urlsafe(32))'"
)


class MissingAuthorKeyError(RuntimeError):
    """Raised instead of writing anything when no pseudonymisation key is configured."""


class Pseudonymiser:
    __slots__ = ("_key",)

    def __init__(self, key: bytes | str | None) -> None:
        if isinstance(key, str):
            key = key.encode("utf-8")
        if not key:
            raise MissingAuthorKeyError(
                "no author pseudonymisation key: set LISTENING_POST_AUTHOR_KEY (or the secret that "
                "secrets.author_key names); nothing was written"
            )
        if problem := key_problem(key):
            raise MissingAuthorKeyError(
                f"unusable author pseudonymisation key ({problem}): {_KEY_HELP}; nothing was written"
            )
        self._key = key

    def __repr__(self) -> str:  # never show the key
        return "Pseudonymiser(<key hidden>)"

    def post_id(self, source: str, native_id: str) -> str:
        """``<source>:<keyed hash>`` for a post whose native id names its author (Bluesky's at-uri holds the
        DID): stable across collections under one key, and no way back to the account without it."""
        message = f"post:{source}:{native_id}".encode()  # "post:" keeps these apart from author pseudonyms
        return f"{source}:{hmac.new(self._key, message, hashlib.sha256).hexdigest()[:32]}"

    def author_id(self, source: str, native_author: str | None) -> str | None:
        if not native_author:
            return None
        message = f"{source}:{native_author.strip().lower()}".encode()
        return hmac.new(self._key, message, hashlib.sha256).hexdigest()[:32]


def key_problem(key: bytes) -> str | None:
    """Why ``key`` cannot serve as a pseudonymisation key, or None. Never quotes the key."""
    if len(key) < MIN_KEY_BYTES:
        return f"it must be at least {MIN_KEY_BYTES} bytes long"
    if not key.strip():
        return "it is only whitespace"
    period = _period(key)
    if period <= len(key) // 2:
        return f"it repeats a sequence of {period} character{'s' if period > 1 else ''}"
    counts = Counter(key).values()
    bits = -sum(c * math.log2(c / len(key)) for c in counts)
    if bits < MIN_KEY_BITS:
        return f"too little variety: about {bits:.0f} bits of entropy, {MIN_KEY_BITS} needed"
    return None


def _period(data: bytes) -> int:
    """The length of the shortest sequence whose repetition makes ``data`` (its own length if none)."""
    n = len(data)
    failure = [0] * n  # KMP prefix function: the period is n minus the longest proper border
    k = 0
    for i in range(1, n):
        while k and data[i] != data[k]:
            k = failure[k - 1]
        if data[i] == data[k]:
            k += 1
        failure[i] = k
    return n - failure[-1] if n else 0
