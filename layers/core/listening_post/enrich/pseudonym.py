"""Author pseudonyms: a keyed hash (HMAC-SHA256) of source and native author id.

Without the key nobody can go back from a pseudonym to the account, and the same author gets the same
pseudonym across runs, so distinct-author counts and coordination detection still work.
"""

from __future__ import annotations

import hashlib
import hmac

# The demo's fixed key: for sample data only. Real runs refuse to start without a key of their own.
DEMO_AUTHOR_KEY = b"listening-post-demo-key-not-for-real-data"
MIN_KEY_BYTES = 16


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
        if len(key) < MIN_KEY_BYTES:
            raise MissingAuthorKeyError(f"the author key must be at least {MIN_KEY_BYTES} bytes long")
        self._key = key

    def __repr__(self) -> str:  # never show the key
        return "Pseudonymiser(<key hidden>)"

    def author_id(self, source: str, native_author: str | None) -> str | None:
        if not native_author:
            return None
        message = f"{source}:{native_author.strip().lower()}".encode()
        return hmac.new(self._key, message, hashlib.sha256).hexdigest()[:32]
