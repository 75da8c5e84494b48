"""Shared fixtures. Real payloads and benchmarks come from ../shared/data beside the repository."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.replay import FakeClock, ReplayServer

ROOT = Path(__file__).resolve().parents[1]
# ../shared beside the repository, or beside a folder above it (a worktree checked out one level deeper).
SHARED = (
    Path(os.environ["LISTENING_POST_SHARED_DIR"]) / "data"
    if os.environ.get("LISTENING_POST_SHARED_DIR")
    else next(
        (p / "shared" / "data" for p in ROOT.parents if (p / "shared" / "data").is_dir()),
        ROOT.parent / "shared" / "data",
    )
)
PAYLOADS = SHARED / "payloads"
BENCHMARKS = SHARED / "benchmarks"
TEST_KEY = "test-author-key-0123456789abcdef"


@pytest.fixture(scope="session")
def payloads() -> Path:
    if not PAYLOADS.is_dir():
        pytest.skip(f"real payloads not found at {PAYLOADS} (clone ../shared beside the repository)")
    return PAYLOADS


@pytest.fixture(scope="session")
def benchmarks() -> Path:
    if not BENCHMARKS.is_dir():
        pytest.skip(f"benchmarks not found at {BENCHMARKS}")
    return BENCHMARKS


@pytest.fixture
def author_key(monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("LISTENING_POST_AUTHOR_KEY", TEST_KEY)
    from listening_post.settings import get_settings

    get_settings.cache_clear()
    yield TEST_KEY
    get_settings.cache_clear()


@pytest.fixture(autouse=True)
def _isolated_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    # Tests never inherit a developer's lake, config or key from the environment.
    for name in ("LISTENING_POST_LAKE", "LISTENING_POST_CONFIG", "LISTENING_POST_AUTHOR_KEY"):
        monkeypatch.delenv(name, raising=False)
    from listening_post.settings import get_settings

    get_settings.cache_clear()


@pytest.fixture
def replay() -> Iterator[ReplayServer]:
    """A local HTTP server on 127.0.0.1 replaying scripted responses (tests/replay.py)."""
    with ReplayServer() as server:
        yield server


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()
