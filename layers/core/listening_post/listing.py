"""Reads that list files first, retried when a file vanished in between (compaction replaced it). Its own
module so that the link table (``links.py``), which the lake writes, need not import the lake."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")

RELIST_ATTEMPTS = 4


def relisting(read: Callable[[], T]) -> T:
    """Run a read that lists files first; if a file vanished in between (compaction replaced it), list
    again. Compaction writes the new file before deleting the old ones, so a fresh listing is complete."""
    for attempt in range(RELIST_ATTEMPTS):
        try:
            return read()
        except FileNotFoundError:
            if attempt == RELIST_ATTEMPTS - 1:
                raise
    raise AssertionError("unreachable")  # pragma: no cover
