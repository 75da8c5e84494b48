"""One run at a time: a lease that a second run finds taken, and then stops, saying so.

Locally the lease is a lock file under the lake (``state/locks/<name>.lock``) held with ``flock``: the
kernel lets go of it when the process ends, so a crashed run never blocks the next one. Deployed, it is an
item of the state table with an expiry (``aws/lease.py``).
"""

from __future__ import annotations

import contextlib
import json
import os
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from typing import Protocol


class LeaseHeldError(Exception):
    """Another run holds the lease; the message says which and since when."""


class Lease(Protocol):
    def __enter__(self) -> object: ...

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None: ...


class FileLease:
    """An exclusive, non-blocking ``flock`` on ``path``; the file says who holds it, for the message."""

    def __init__(self, path: str | Path, *, name: str, holder: str) -> None:
        self.path, self.name, self.holder = Path(path), name, holder
        self._fd: int | None = None

    def __enter__(self) -> FileLease:
        import fcntl

        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            held = os.read(fd, 4096).decode("utf-8", "replace")
            os.close(fd)
            raise LeaseHeldError(f"another {self.name} is running on this lake ({_describe(held)})") from None
        # The file is never deleted: removing a lock file races with a process about to lock it.
        os.ftruncate(fd, 0)
        os.write(fd, json.dumps({"holder": self.holder, "pid": os.getpid(), "since": _now()}).encode())
        self._fd = fd
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        import fcntl

        if self._fd is not None:
            with contextlib.suppress(OSError):
                os.ftruncate(self._fd, 0)
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _describe(held: str) -> str:
    try:
        info = json.loads(held)
        return f"run {info['holder']}, process {info['pid']}, since {info['since']}"
    except (ValueError, KeyError, TypeError):
        return "holder unknown"
