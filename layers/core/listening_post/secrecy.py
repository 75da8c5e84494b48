"""Secret values, kept out of everything we write: logs, run reports, quarantine, error messages.

Every secret the resolver hands out is registered here; :func:`scrub` replaces any registered value in a
text, and :class:`ScrubbingFilter` does it to every log record. A platform that echoes a token back in
an error page therefore cannot make us store it.
"""

from __future__ import annotations

import logging
import threading
from typing import Any

MASK = "[secret]"
MIN_LENGTH = 6  # shorter values would mask ordinary words
_lock = threading.Lock()
_values: set[str] = set()


def register(value: str) -> None:
    if len(value) >= MIN_LENGTH:
        with _lock:
            _values.add(value)


def scrub(text: str) -> str:
    if not _values or not text:
        return text
    for value in sorted(_values, key=len, reverse=True):  # longest first: a secret may contain another
        if value in text:
            text = text.replace(value, MASK)
    return text


def scrub_document(value: Any) -> Any:
    """``scrub`` through a JSON-like document (dicts, lists, strings)."""
    if isinstance(value, str):
        return scrub(value)
    if isinstance(value, dict):
        return {k: scrub_document(v) for k, v in value.items()}
    if isinstance(value, list):
        return [scrub_document(v) for v in value]
    return value


class ScrubbingFilter(logging.Filter):
    """Installed on log handlers: the message and its arguments are rendered, then scrubbed."""

    def filter(self, record: logging.LogRecord) -> bool:
        if _values:
            record.msg = scrub(record.getMessage())
            record.args = None
            if record.exc_text:
                record.exc_text = scrub(record.exc_text)
        return True


def install(*loggers: logging.Logger) -> None:
    """Scrub every handler of ``loggers`` (the root logger when none is named)."""
    for target in loggers or (logging.getLogger(),):
        for handler in target.handlers:
            if not any(isinstance(f, ScrubbingFilter) for f in handler.filters):
                handler.addFilter(ScrubbingFilter())
