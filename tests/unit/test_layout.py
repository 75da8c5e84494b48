"""The lake's layout has one home (listening_post/layout.py): no other module spells a folder of the lake,
the paths it builds are the documented ones, and the deployment's prefixes are its folders."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from listening_post.jobs import JobKey
from listening_post.lake import Lake
from listening_post.layout import PATHS, LakeLayout

ROOT = Path(__file__).resolve().parents[2]
LIBRARY = ROOT / "layers" / "core" / "listening_post"
HOME = LIBRARY / "layout.py"
# A string that starts like a lake path: a top-level folder then "/", or a partition folder "name=".
PATH_HEAD = re.compile(rf"^(?:(?:{'|'.join(LakeLayout.TOP)})/|(?:country|dt|week|source)=)")
# Methods of the lake (and of the stores that stand in for it) whose first argument is a lake path.
LAKE_METHODS = {"list_dir", "exists", "read_bytes", "read_json", "write_json", "write_bytes", "write_table"}
LAKE_METHODS |= {"delete", "path"}


def layout_literals(source: str) -> list[tuple[int, str]]:
    """Where ``source`` spells a lake path: string constants and f-string heads shaped like one, and a bare
    top-level folder name given to a lake method, joined with ``/`` or bound to a module-level constant."""
    tree = ast.parse(source)
    found: list[tuple[int, str]] = []
    in_fstring = {id(v) for n in ast.walk(tree) if isinstance(n, ast.JoinedStr) for v in n.values}

    def bare(node: ast.AST) -> bool:
        return isinstance(node, ast.Constant) and node.value in LakeLayout.TOP  # "posts", "state"...

    for node in ast.walk(tree):
        if isinstance(node, ast.JoinedStr) and node.values:
            head = node.values[0]
            if isinstance(head, ast.Constant) and isinstance(head.value, str) and PATH_HEAD.match(head.value):
                found.append((node.lineno, f"f{head.value!r}..."))
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in in_fstring:
            if PATH_HEAD.match(node.value):
                found.append((node.lineno, repr(node.value)))
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in LAKE_METHODS:
            found += [(node.lineno, repr(a.value)) for a in node.args[:1] if bare(a)]
        elif isinstance(node, ast.BinOp) and isinstance(node.op, ast.Div):
            found += [(node.lineno, repr(s.value)) for s in (node.left, node.right) if bare(s)]
    for statement in tree.body:
        if isinstance(statement, ast.Assign) and bare(statement.value):
            found.append((statement.lineno, repr(statement.value)))
    return found


def test_the_scan_finds_each_way_a_module_could_spell_a_lake_path() -> None:
    source = """
PREFIX = "links"
a = f"state/cursors/country={c}/x.json"
b = "quarantine/"
c = lake.list_dir("posts")
d = Path(root) / "state" / "locks"
e = [n for n in names if n.startswith("dt=")]
f = {"posts": 1, "text": "read the posts/ folder"}  # a summary key; prose that does not start like a path
"""
    assert sorted(line for line, _ in layout_literals(source)) == [2, 3, 4, 5, 6, 7]


def test_no_module_but_the_layout_spells_a_lake_path() -> None:
    files = [*LIBRARY.rglob("*.py"), *(ROOT / "functions").rglob("*.py"), ROOT / "layers" / "smoke.py"]
    files += [*(ROOT / "bench").rglob("*.py"), *(ROOT / "scripts").rglob("*.py")]
    found = [
        f"{path.relative_to(ROOT)}:{line}: {text}"
        for path in files
        if path != HOME
        for line, text in layout_literals(path.read_text(encoding="utf-8"))
    ]
    assert not found, "lake paths spelled outside listening_post/layout.py:\n" + "\n".join(found)


def test_the_layout_builds_the_documented_paths() -> None:
    # The BI contract (DESIGN.md, README "The lake"): these strings are what deployed lakes hold.
    assert Lake.paths is PATHS
    assert PATHS.part(PATHS.posts_partition("DE", "2026-11-23"), "rss", "R1", "ab12cd34") == (
        "posts/country=DE/dt=2026-11-23/part-rss-R1-ab12cd34.parquet"
    )
    assert PATHS.links_partition("DE", "2026-11-23") == "links/country=DE/dt=2026-11-23"
    assert PATHS.brief("DE", "2026-W47", "brief.md") == "briefs/country=DE/week=2026-W47/brief.md"
    assert PATHS.topics("DE", "2026-W47") == "weekly/country=DE/week=2026-W47/topics.parquet"
    assert PATHS.sides("DE", "2026-W47") == "weekly_sides/country=DE/week=2026-W47/sides.parquet"
    assert PATHS.storylines("DE", "2026-W47") == "weekly/storylines/country=DE/week=2026-W47/storylines.parquet"
    assert PATHS.amplification("DE", "2026-W47") == (
        "weekly/amplification/country=DE/week=2026-W47/amplification.parquet"
    )
    assert PATHS.alert("DE", "2026-11-23", "e1") == "alerts/country=DE/dt=2026-11-23/e1.json"
    assert PATHS.alerts_table("DE", "2026-11-23") == "alerts/country=DE/dt=2026-11-23/alerts.parquet"
    assert PATHS.quarantine("x", "2026-11-23", "R1") == "quarantine/source=x/dt=2026-11-23/R1.json"
    assert PATHS.quarantine_marker("x", "abcdef") == "quarantine/source=x/keys/ab/abcdef"
    assert PATHS.run_report("2026-11-23", "R1") == "runs/dt=2026-11-23/R1.json"
    assert PATHS.cursor(JobKey("DE", "de-news", "rss")) == "state/cursors/country=DE/source=rss/de-news.json"
    assert PATHS.first_seen("RU", "rss") == "state/first_seen/country=RU/source=rss.json"
    assert PATHS.erased("a1b2") == "state/erasure/a1b2.json"
    assert PATHS.compaction_lock() == "state/locks/compact.lock"
    assert PATHS.values(["country=DE", "_tmp", "dt=2026-11-23", "country=CA"], "country") == ["DE", "CA"]
    assert PATHS.day_of("posts/country=DE/dt=2026-11-23/part-x-R1-ab.parquet") == "2026-11-23"


def test_the_deployment_names_only_the_layouts_folders() -> None:
    template = (ROOT / "template.yaml").read_text(encoding="utf-8")
    named = set(re.findall(r"\$\{DataBucket\.Arn\}/([a-z_/]+?)/\*", template))
    named |= set(re.findall(r"^\s*Prefix: ([a-z_/]+?)/\s*$", template, re.MULTILINE))
    for prefixes in re.findall(r"s3:prefix: \[?([^\]}]+)", template):
        named |= {p.strip().removesuffix("/*") for p in prefixes.split(",")}
    folders = {*LakeLayout.TOP, LakeLayout.ERASURE, LakeLayout.STORYLINES, LakeLayout.AMPLIFICATION}
    assert named and named <= folders, named - folders
