"""``listening-post validate-config`` on hostile files, as a process of its own: exit 2 with the problem
and where it is, no traceback, within a time budget and under an address-space limit (RLIMIT_AS).

Measured on main (same files): the 9**9 alias bomb was killed (a 312 MB allocation failed at 1.3 GB; at
9**7 the message alone was 34.7 MB), 10,000 nested '[' and a query 250 parentheses deep or with 1,000
chained NOTs ended in a RecursionError traceback (exit 1), a 60 MB file took 19 s to validate and
20,000 topics 16 s.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

HEAD = "version: 1\nsecrets:\n  author_key: {env: LISTENING_POST_AUTHOR_KEY}\n"
COUNTRY = "countries:\n  - code: CA\n    languages: [en]\n"
# Far above what validate-config needs (its peak is about 45 MiB of address space on a valid file) and far
# below what the alias bomb took on main.
ADDRESS_SPACE = 256 * 1024 * 1024
TIME_BUDGET_S = 20.0


def alias_bomb() -> str:
    lines = ["x0: &a0 [rss, rss, rss, rss, rss, rss, rss, rss, rss]"]
    lines += [f"x{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]" for i in range(1, 9)]
    return HEAD + "\n".join(lines) + "\n" + COUNTRY + "    queries:\n      - {id: q, query: a, sources: *a8}\n"


def query(text: str) -> str:
    return HEAD + COUNTRY + f"    queries:\n      - id: q\n        query: '{text}'\n        sources: [gdelt]\n"


def big_file() -> str:
    return HEAD + COUNTRY + ("# " + "x" * 998 + "\n") * 60_000


def many_topics() -> str:
    return (
        HEAD
        + COUNTRY
        + "topics:\n"
        + "".join(f"  - {{id: t{i}, label: T{i}, query: 'tariff{i}* OR \"trade deal {i}\"'}}\n" for i in range(20_000))
    )


# The child limits its own address space, then runs the command as `python -m listening_post.cli` would
# (no preexec_fn: it is unsafe where the test process has threads).
LIMITED = f"""
import resource, runpy, sys
resource.setrlimit(resource.RLIMIT_AS, ({ADDRESS_SPACE}, {ADDRESS_SPACE}))
sys.argv = ["listening-post", *sys.argv[1:]]
runpy.run_module("listening_post.cli", run_name="__main__")
"""


CASES: dict[str, tuple[Callable[[], str], str, str]] = {
    # name: (file text, where the problem is (after the file name), what it says)
    # The alias that takes the document past MAX_YAML_VALUES: x4's sixth *a3.
    "alias-bomb": (alias_bomb, ":8:35:", "more than 50,000 values (a YAML alias expands *a3)"),
    # libyaml's own limit of flow levels (its scanner reads ahead of the parser's 33rd level).
    "brackets": (lambda: HEAD + "countries: " + "[" * 10_000 + "]" * 10_000 + "\n", ":4:", "nesting depth"),
    # The 33rd "(" and the 33rd NOT, inside the query on line 9.
    "parentheses": (lambda: query("(" * 250 + "a" + ")" * 250), ":9:49:", "nested deeper than 32 levels"),
    "nots": (lambda: query("a " + "NOT " * 1000 + "b"), ":9:147:", "nested deeper than 32 levels"),
    "60-mb": (big_file, ": ", "the file is larger than"),
    "20000-topics": (many_topics, ": ", "the file is larger than"),
}


@pytest.mark.parametrize("case", CASES)
def test_hostile_configuration_exits_2_with_a_located_problem(case: str, tmp_path: Path) -> None:
    make, where, what = CASES[case]
    path = tmp_path / f"{case}.yaml"
    path.write_text(make(), encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith("LISTENING_POST_")}
    started = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-c", LIMITED, "validate-config", str(path)],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
        check=False,
    )
    seconds = time.perf_counter() - started
    assert proc.returncode == 2, proc.stderr[-2000:]
    assert "Traceback" not in proc.stderr
    assert seconds < TIME_BUDGET_S
    lines = proc.stderr.splitlines()
    assert lines[0] == "listening-post: the configuration has 1 problem(s):"
    assert lines[1].startswith(f"  {path}{where}"), lines[1][:300]
    assert what in lines[1]
    assert len(proc.stderr) < 1000
