"""The import rules of docs/ARCHITECTURE.md hold (import-linter's contracts in .importlinter), and a change
that breaks one fails: each rule is shown failing on a deliberate violation, in a copy of the package."""

from __future__ import annotations

import ast
import configparser
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "layers" / "core" / "listening_post"
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")
# The parts allowed to import the AWS adapters; every other top-level part must be named in the rules.
AWS_USERS = {"aws", "cli", "deployment"}


def lint_imports(cwd: Path, pythonpath: Path) -> subprocess.CompletedProcess[str]:
    environment = {**os.environ, "PYTHONPATH": str(pythonpath), "NO_COLOR": "1", "COLUMNS": "200"}
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache"], cwd=cwd, env=environment, capture_output=True, text=True, timeout=120
    )


def test_the_import_rules_hold() -> None:
    result = lint_imports(ROOT, ROOT / "layers" / "core")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


def test_every_top_level_part_is_under_the_rules() -> None:
    """A new module or package is not outside the rules by default: the AWS rule names every part."""
    rules = configparser.ConfigParser()
    rules.read(ROOT / ".importlinter")
    named = {
        m.strip().removeprefix("listening_post.") for m in rules["importlinter:contract:aws"]["source_modules"].split()
    }
    parts = {
        p.stem if p.is_file() else p.name
        for p in PACKAGE.iterdir()
        if not p.name.startswith(("_", ".")) and (p.suffix == ".py" or (p / "__init__.py").is_file())
    }
    assert parts - AWS_USERS - named == set()
    assert named <= parts


VIOLATIONS = {
    # (file of the copy, line added, the contract that must break, what its report names)
    "scoring imports an AWS adapter": (
        "scoring/sentiment.py",
        "from listening_post.aws import comprehend",
        "The domain does not import the adapters",
        "listening_post.scoring.sentiment -> listening_post.aws.comprehend",
    ),
    "the domain calls boto3": (
        "analysis/stats.py",
        "import boto3",
        "Only the adapters and the composition root import boto3",
        "listening_post.analysis.stats -> boto3",
    ),
    "a library module reaches for the composition root": (
        "service.py",
        "from listening_post import deployment",
        "Nothing but the command line imports the composition root",
        "listening_post.service -> listening_post.deployment",
    ),
    "a new cycle between two parts": (
        "query.py",
        "from listening_post.scoring import topics",
        "No cycle between the top-level parts BROKEN",
        "made acyclic by removing 1 dependency: - .scoring -> .query",
    ),
}


@pytest.mark.parametrize("case", VIOLATIONS)
def test_a_deliberate_violation_breaks_its_rule(case: str, tmp_path: Path) -> None:
    relative, line, contract, named = VIOLATIONS[case]
    copy = tmp_path / "src" / "listening_post"
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__", "data", "afinn", "templates"))
    shutil.copy(ROOT / ".importlinter", tmp_path / ".importlinter")
    target = copy / relative
    target.write_text(target.read_text() + f"\n{line}  # the deliberate violation\n")

    result = lint_imports(tmp_path, tmp_path / "src")

    assert result.returncode == 1, result.stdout + result.stderr
    report = " ".join(result.stdout.split())
    assert contract in report and named in report, result.stdout


HANDLERS = sorted((ROOT / "functions").glob("*/app.py"))


@pytest.mark.parametrize("handler", HANDLERS, ids=lambda p: p.parent.name)
def test_each_handler_has_the_one_preamble(handler: Path) -> None:
    """A handler is thin: its preamble is deployment.function(...), and it imports no AWS SDK itself."""
    tree = ast.parse(handler.read_text())
    imported = {
        alias.name if isinstance(node, ast.Import) else f"{node.module}.{alias.name}"
        for node in ast.walk(tree)
        if isinstance(node, ast.Import | ast.ImportFrom)
        for alias in node.names
    }
    assert "listening_post.deployment.function" in imported
    sdk = {name for name in imported if name.split(".")[0] in {"boto3", "botocore", "urllib3"}}
    preamble = imported & {
        "aws_lambda_powertools.Logger",
        "listening_post.settings.get_settings",
        "listening_post.secrecy",
    }
    assert sdk == set() and preamble == set()


def _cycles(package: str, path: Path) -> list[list[str]]:
    """Groups of modules of ``package`` (under ``path``) that import each other through some chain."""
    import grimp

    sys.path.insert(0, str(path))
    try:
        graph = grimp.build_graph(package, exclude_type_checking_imports=True)
    finally:
        sys.path.remove(str(path))
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(module: str) -> None:  # Tarjan's strongly connected components
        index[module] = low[module] = len(index)
        stack.append(module)
        on_stack.add(module)
        for imported in graph.find_modules_directly_imported_by(module):
            if imported not in index:
                visit(imported)
                low[module] = min(low[module], low[imported])
            elif imported in on_stack:
                low[module] = min(low[module], index[imported])
        if low[module] == index[module]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == module:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for module in sorted(graph.modules):
        if module not in index:
            visit(module)
    return found


def test_no_module_imports_itself_back() -> None:
    # On main at the start of the platform work: 4 groups (the lake with erasure, links and the alert store;
    # the alert rules with their package; three scoring modules; storylines with the weekly summary).
    assert _cycles("listening_post", ROOT / "layers" / "core") == []


def test_the_cycle_check_finds_a_cycle(tmp_path: Path) -> None:
    package = tmp_path / "cyclic"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "a.py").write_text("def f():\n    from cyclic import b\n")
    (package / "b.py").write_text("from cyclic import a\n")
    assert _cycles("cyclic", tmp_path) == [["cyclic.a", "cyclic.b"]]
