"""The summary bench's reference code: a commit's files, timed beside this checkout's (bench/summary.py)."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from bench.summary import REFERENCE, reference_tree

ROOT = Path(__file__).resolve().parents[2]


def _has_commit(rev: str) -> bool:
    found = subprocess.run(["git", "-C", str(ROOT), "cat-file", "-e", f"{rev}^{{commit}}"], capture_output=True)
    return found.returncode == 0


@pytest.mark.skipif(not _has_commit("HEAD"), reason="not a git checkout")
def test_reference_tree_holds_the_commits_files_and_is_removed_after() -> None:
    with reference_tree("HEAD") as tree:
        assert tree is not None
        assert (tree / "bench" / "summary.py").is_file()
        assert (tree / "layers" / "core" / "listening_post" / "analysis" / "weekly.py").is_file()
    assert not tree.exists()


def test_an_unknown_commit_is_not_measured() -> None:
    with reference_tree("0" * 40) as tree:
        assert tree is None


@pytest.mark.skipif(not _has_commit(REFERENCE), reason="a clone without the reference commit")
def test_the_reference_commit_has_a_summary_bench_to_run() -> None:
    with reference_tree() as tree:
        assert tree is not None
        assert "def summary_child(" in (tree / "bench" / "summary.py").read_text()
