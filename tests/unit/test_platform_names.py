"""A platform is named only in its own module and the registry (issue 16): everything else reads the
registry, so adding a platform touches its module, its registry line, its tests and its data.

Every module of the library and of the functions is read with ``ast``: a string constant equal to a
platform's name (or ``"<name>:..."``, an id of its posts) or an identifier with the platform's name as one
of its words (``for_bluesky``, ``mastodon_author``, ``GoogleNewsFetcher``, ``from ...sources import x``)
is flagged outside ``sources/<name>.py`` and ``sources/registry.py``. Docstrings and comments are
documentation and are allowed. Templates are checked in their Jinja expressions (``{{ }}``, ``{% %}``);
their prose, like the docs, may name platforms.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from listening_post.sources import registry

ROOT = Path(__file__).resolve().parents[2]
LIBRARY = ROOT / "layers" / "core" / "listening_post"
FUNCTIONS = ROOT / "functions"
# Google News is read as RSS: its module takes rss.py's feed parser. enrich/urls.py knows the web hosts of
# X (x.com, twitter.com) in links any post shares, whichever platform it came from: not the source x.
# DuckDB's and waitress's "threads" setting (worker threads) is not the platform Threads.
ALSO_ALLOWED = {
    "sources/google_news.py": {"rss"},
    "enrich/urls.py": {"x"},
    "alerts/window.py": {"threads"},
    "analysis/weekly.py": {"threads"},
    "web/server.py": {"threads"},
}
_JINJA = re.compile(r"\{\{.*?\}\}|\{%.*?%\}", re.S)


def _words(identifier: str) -> list[str]:
    """snake_case and CamelCase words, lower-cased: ``GoogleNewsFetcher`` -> google, news, fetcher."""
    spaced = re.sub(r"([a-z0-9])([A-Z])|([A-Z])([A-Z][a-z])", r"\1\3 \2\4", identifier)
    return [w.lower() for w in re.split(r"[_\s.]+", spaced) if w]


def _names_platform(identifier: str, name: str, *, module: bool = False) -> bool:
    words, wanted = _words(identifier), name.split("_")
    if len(words) == 1 and len(name) == 1 and not module:
        return False  # a variable called ``x`` is not the platform X; ``for_x``, ``XFetcher``, module x are
    return any(words[i : i + len(wanted)] == wanted for i in range(len(words) - len(wanted) + 1))


def _docstrings(tree: ast.AST) -> set[int]:
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                found.add(id(first.value))
    return found


def _identifiers(node: ast.AST) -> Iterator[tuple[str, bool]]:
    """(identifier, whether it is a module or an imported name) of ``node``."""
    if isinstance(node, ast.Name):
        yield node.id, False
    elif isinstance(node, ast.Attribute):
        yield node.attr, False
    elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
        yield node.name, False
    elif isinstance(node, ast.arg) or (isinstance(node, ast.keyword) and node.arg):
        yield node.arg, False
    elif isinstance(node, ast.alias):
        yield node.name, True
        if node.asname:
            yield node.asname, False
    elif isinstance(node, ast.ImportFrom) and node.module:
        yield node.module, True


def mentions(source: str, names: tuple[str, ...]) -> Iterator[tuple[int, str, str]]:
    """(line, platform, what) for each mention of a platform in Python ``source``."""
    tree = ast.parse(source)
    docstrings = _docstrings(tree)
    for node in ast.walk(tree):
        line = getattr(node, "lineno", 0)
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings:
            for name in names:
                if node.value == name or node.value.startswith(f"{name}:"):
                    yield line, name, repr(node.value)
        for identifier, module in _identifiers(node):
            for name in names:
                if _names_platform(identifier, name, module=module):
                    yield line, name, identifier


def template_mentions(text: str, names: tuple[str, ...]) -> Iterator[tuple[int, str, str]]:
    for match in _JINJA.finditer(text):
        for name in names:
            if re.search(rf"""["']{re.escape(name)}(:[^"']*)?["']""", match.group()):
                yield text.count("\n", 0, match.start()) + 1, name, match.group()


def _allowed(relative: str, name: str) -> bool:
    if relative in (f"sources/{name}.py", "sources/registry.py") or name in ALSO_ALLOWED.get(relative, ()):
        return True
    # A capture export's module names the platforms whose posts it writes (its PLATFORM.emits).
    return any(name in spec.emits and relative == f"sources/{spec.name}.py" for spec in registry.platforms())


def _modules() -> Iterator[tuple[str, Path]]:
    for path in sorted(LIBRARY.rglob("*.py")):
        yield path.relative_to(LIBRARY).as_posix(), path
    for path in sorted(FUNCTIONS.rglob("*.py")):
        yield "functions/" + path.relative_to(FUNCTIONS).as_posix(), path


def _names() -> tuple[str, ...]:
    return registry.source_names()


def test_no_platform_is_named_outside_its_module_and_the_registry() -> None:
    names = _names()
    found = [
        f"{relative}:{line}: {what} names {name}"
        for relative, path in _modules()
        for line, name, what in mentions(path.read_text(encoding="utf-8"), names)
        if not _allowed(relative, name)
    ]
    assert found == []


def test_no_template_expression_names_a_platform() -> None:
    names = _names()
    templates = sorted(LIBRARY.rglob("*.j2"))
    assert templates, "the templates moved: point the test at them"
    found = [
        f"{path.relative_to(LIBRARY)}:{line}: {what}"
        for path in templates
        for line, _, what in template_mentions(path.read_text(encoding="utf-8"), names)
    ]
    assert found == []


def test_the_walk_reads_every_module_and_each_platform_names_itself() -> None:
    """The walk is not empty, and it does see the names where they are allowed (a check that finds
    nothing anywhere would pass whatever the code says)."""
    modules = dict(_modules())
    assert "collect.py" in modules and "functions/collect/app.py" in modules
    for name in registry.names():
        own = mentions(modules[f"sources/{name}.py"].read_text(encoding="utf-8"), (name,))
        assert any(True for _ in own), f"sources/{name}.py does not name {name}"


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ('SOCIAL = ("mastodon", "bluesky")\n', ["mastodon", "bluesky"]),
        ('post_id = "bluesky:" + native\n', ["bluesky"]),
        ("from listening_post.sources.query_syntax import for_bluesky\n", ["bluesky"]),
        ("def mastodon_author(record):\n    return record\n", ["mastodon"]),
        ("class GoogleNewsFetcher:\n    pass\n", ["google_news"]),
        ("from listening_post.sources import x\n", ["x"]),
        ("search = for_x(query)\n", ["x"]),
        ("def f(config):\n    return config.sources.reddit.subreddits\n", ["reddit"]),
        ("from listening_post.sources.youtube import link_replies\n", ["youtube"]),
        ('if source == "gdelt":\n    pass\n', ["gdelt"]),
    ],
)
def test_a_name_injected_into_a_module_is_found(code: str, expected: list[str], tmp_path: Path) -> None:
    path = tmp_path / "injected.py"
    path.write_text('"""Docstrings may name mastodon; comments too."""  # bluesky\n' + code, encoding="utf-8")
    found = sorted({name for _, name, _ in mentions(path.read_text(encoding="utf-8"), _names())})
    assert found == sorted(expected)


def test_what_is_not_a_platform_name_is_not_flagged() -> None:
    code = (
        '"""Mastodon and Bluesky in a docstring."""\n'
        "def f(x, index, max_value):\n"
        '    """Reads rss and gdelt: documentation."""\n'
        '    return f"x={x} rss feed", "rssfeed", "mastodons", index\n'
    )
    assert list(mentions(code, _names())) == []


def test_a_template_expression_naming_a_platform_is_found() -> None:
    text = 'Prose may say Mastodon.\n{% if post.source == "mastodon" %}{{ post.url }}{% endif %}\n'
    assert [(line, name) for line, name, _ in template_mentions(text, _names())] == [(2, "mastodon")]
