"""Licence report: what each Lambda function ships (its layers' distributions and their data files) and
everything installed in the environment, checked against licences/policy.toml.

    make licences                       # or: .venv/bin/python scripts/licences.py [--output FILE]

Licences come from the installed distributions' metadata, read by pip-licenses (License-Expression first,
then the "License ::" classifiers, then the License field); data files from each distribution's RECORD,
described in licences/data-files.toml. Fails (exit 1) on a licence that is neither allowed nor excepted in
licences/exceptions.toml, on a shipped data file no entry covers, on a hashed data file whose contents
changed, and on a layer distribution that is not installed. Writes the full report as Markdown.
"""

from __future__ import annotations

import argparse
import fnmatch
import hashlib
import importlib.metadata as md
import json
import re
import subprocess
import sys
import tomllib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
LICENCES = ROOT / "licences"
# What counts as a data file: these suffixes (or none), 4 KiB or more, outside tests and licence texts.
DATA_SUFFIXES = {
    ".txt", ".json", ".db", ".sqlite", ".ftz", ".bin", ".model", ".pkl", ".pickle", ".npy", ".npz", ".csv",
    ".tsv", ".pem", ".zi", ".tab", ".dic", ".dat", ".gz", ".zip", ".parquet", ".feather", ".orc", "",
}  # fmt: skip
MIN_DATA_BYTES = 4096
NOT_DATA = re.compile(r"(^|/)(tests?|testing)/|(^|/)(LICEN[CS]E|NOTICE|COPYING|README|AUTHORS)[^/]*$", re.IGNORECASE)


def key(name: str) -> str:
    """A distribution name as PyPI compares them (PEP 503)."""
    return re.sub(r"[-_.]+", "-", name).lower()


@dataclass(frozen=True)
class DataFile:
    path: str  # relative to site-packages, as in RECORD
    size: int
    sha256: Callable[[], str]


@dataclass
class Dist:
    name: str
    version: str
    licence: str  # an SPDX expression, or LicenseRef-... for text that names no known licence
    files: list[DataFile] = field(default_factory=list)


@dataclass
class Policy:
    allowed: set[str]
    names: dict[str, str]
    runtime: set[str]
    project: str
    exceptions: list[dict[str, Any]]
    data: list[dict[str, Any]]

    @classmethod
    def load(cls, folder: Path = LICENCES) -> Policy:
        policy = tomllib.loads((folder / "policy.toml").read_text(encoding="utf-8"))
        exceptions = tomllib.loads((folder / "exceptions.toml").read_text(encoding="utf-8"))
        data = tomllib.loads((folder / "data-files.toml").read_text(encoding="utf-8"))
        return cls(
            allowed=set(policy["allowed"]),
            names=policy["names"],
            runtime={key(n) for n in policy["runtime"]["distributions"]},
            project=key(policy["project"]["distribution"]),
            exceptions=exceptions["exception"],
            data=data["data"],
        )


# --- licence expressions -------------------------------------------------------------------------


def spdx(fields: dict[str, str], names: dict[str, str]) -> str:
    """One SPDX expression from pip-licenses' fields: the License-Expression if the distribution declares
    one (PEP 639), else its classifiers (all of them: AND), else its License field."""

    def known(value: str) -> bool:
        return value not in ("", "UNKNOWN")

    expression = fields.get("License-Expression", "UNKNOWN")
    if known(expression):
        return expression
    classifiers = fields.get("License-Classifier", "UNKNOWN")
    if known(classifiers):
        return " AND ".join(names.get(c, _ref(c)) for c in classifiers.split("; "))
    text = fields.get("License-Metadata", "UNKNOWN").strip()
    if not known(text):
        return "LicenseRef-none-declared"
    if text in names:
        return names[text]
    return text if re.fullmatch(r"[A-Za-z0-9.+-]+( (AND|OR) [A-Za-z0-9.+-]+)*", text) else _ref(text)


def _ref(text: str) -> str:
    return "LicenseRef-" + re.sub(r"[^A-Za-z0-9.]+", "-", text).strip("-")[:60]


def satisfies(expression: str, ok: Callable[[str], bool]) -> bool:
    """Whether ``expression`` can be complied with using only licences ``ok`` accepts: every part of an
    AND, one side of an OR (the licensee's choice); ``X WITH exception`` as X."""
    tokens = re.findall(r"\(|\)|[^\s()]+", expression)
    pos = 0

    def peek() -> str | None:
        return tokens[pos] if pos < len(tokens) else None

    def any_of() -> bool:
        nonlocal pos
        result = all_of()
        while peek() == "OR":
            pos += 1
            result = all_of() or result
        return result

    def all_of() -> bool:
        nonlocal pos
        result = atom()
        while peek() == "AND":
            pos += 1
            result = atom() and result
        return result

    def atom() -> bool:
        nonlocal pos
        token = peek()
        if token is None:
            raise ValueError(f"incomplete licence expression {expression!r}")
        pos += 1
        if token == "(":
            result = any_of()
            if peek() != ")":
                raise ValueError(f"unbalanced licence expression {expression!r}")
            pos += 1
            return result
        if peek() == "WITH":
            pos += 2
        return ok(token)

    try:
        result = any_of()
    except ValueError:
        return False
    return result and pos == len(tokens)


# --- what is installed and what ships ---------------------------------------------------------------


def installed() -> dict[str, Dist]:
    """Every distribution of this interpreter's environment, with its licence (pip-licenses) and files."""
    out = subprocess.run(
        [sys.executable, "-m", "piplicenses", "--from=all", "--with-system", "--format=json"],
        capture_output=True,
        text=True,
        check=True,
    )
    policy = Policy.load()
    dists: dict[str, Dist] = {}
    for row in json.loads(out.stdout):
        dist = Dist(row["Name"], row["Version"], spdx(row, policy.names))
        # The project is installed editable (no RECORD of its files): its package is read from the tree.
        dist.files = list(_project_files() if key(row["Name"]) == policy.project else _data_files(row["Name"]))
        dists[key(row["Name"])] = dist
    return dists


def _project_files(root: Path = ROOT / "layers" / "core") -> Iterable[DataFile]:
    """The library's files as the core layer ships them (its Makefile leaves the demo's sample data out)."""
    for path in sorted((root / "listening_post").rglob("*")):
        rel = path.relative_to(root).as_posix()
        if path.is_file() and "__pycache__" not in rel and not rel.startswith("listening_post/demo/data/"):
            yield DataFile(rel, path.stat().st_size, lambda p=path: hashlib.sha256(p.read_bytes()).hexdigest())


def _data_files(name: str) -> Iterable[DataFile]:
    try:
        files = md.distribution(name).files or []
    except md.PackageNotFoundError:
        return
    for f in files:
        rel = str(f)
        if ".dist-info/" in rel or "__pycache__" in rel or rel.startswith(".."):
            continue
        located = Path(str(f.locate()))
        if not located.is_file():
            continue
        yield DataFile(rel, located.stat().st_size, lambda p=located: hashlib.sha256(p.read_bytes()).hexdigest())


def is_data(f: DataFile) -> bool:
    name = f.path.rsplit("/", 1)[-1]
    suffix = "." + name.rsplit(".", 1)[1].lower() if "." in name else ""
    return f.size >= MIN_DATA_BYTES and suffix in DATA_SUFFIXES and not NOT_DATA.search(f.path)


def layers(root: Path = ROOT) -> dict[str, dict[str, str]]:
    """layer -> {distribution key: pinned version}, from layers/*/requirements.txt."""
    out: dict[str, dict[str, str]] = {}
    for req in sorted(root.glob("layers/*/requirements.txt")):
        pins: dict[str, str] = {}
        for line in req.read_text(encoding="utf-8").splitlines():
            line = line.split("#", 1)[0].strip()
            if line:
                name, _, version = line.partition("==")
                pins[key(name)] = version
        out[req.parent.name] = pins
    return out


def functions(root: Path = ROOT) -> dict[str, list[str]]:
    """Lambda function -> its layers (directory names), from template.yaml."""
    text = (root / "template.yaml").read_text(encoding="utf-8")
    out: dict[str, list[str]] = {}
    for match in re.finditer(r"^  (\w+)Function:\n(?:    .*\n|\n)*?      Layers: \[([^\]]*)\]", text, re.MULTILINE):
        refs = re.findall(r"!Ref (\w+)Layer", match.group(2))
        out[match.group(1).lower()] = [r.lower() for r in refs]
    return out


# --- the check ----------------------------------------------------------------------------------------


@dataclass
class Report:
    failures: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    rows: dict[str, list[tuple[str, str, str, str, str]]] = field(default_factory=dict)  # layer -> rows
    data_rows: list[tuple[str, str, str, str, str]] = field(default_factory=list)
    dev_rows: list[tuple[str, str, str, str]] = field(default_factory=list)
    used_exceptions: set[int] = field(default_factory=set)


def check(dists: dict[str, Dist], shipped: dict[str, dict[str, str]], policy: Policy) -> Report:
    report = Report()

    def allowed(expression: str) -> bool:
        return satisfies(expression, lambda lic: lic in policy.allowed)

    def excepted(*, distribution: str | None = None, data: str | None = None, licence: str) -> bool:
        for i, exc in enumerate(policy.exceptions):
            if exc.get("licence") != licence:
                continue
            if (distribution and key(exc.get("distribution", "")) == key(distribution)) or (
                data and exc.get("data") and fnmatch.fnmatchcase(data, exc["data"])
            ):
                report.used_exceptions.add(i)
                return True
        return False

    def status(dist: Dist, where: str) -> str:
        if allowed(dist.licence):
            return "allowed"
        if excepted(distribution=dist.name, licence=dist.licence):
            return "exception"
        report.failures.append(
            f"{dist.name} {dist.version} ({where}): licence {dist.licence} is not allowed (licences/policy.toml) "
            "and has no exception (licences/exceptions.toml)"
        )
        return "NOT ALLOWED"

    in_layers = {name for pins in shipped.values() for name in pins}
    for layer, pins in shipped.items():
        rows = report.rows.setdefault(layer, [])
        for name, pinned in pins.items():
            dist = dists.get(name)
            if dist is None:
                report.failures.append(f"{name}=={pinned} (layer {layer}) is not installed: its licence cannot be read")
                rows.append((name, pinned, "-", "?", "NOT INSTALLED"))
                continue
            if pinned and dist.version != pinned:
                report.warnings.append(
                    f"{dist.name}: layer {layer} pins {pinned}, the environment has {dist.version} "
                    "(licence read from the latter)"
                )
            rows.append((dist.name, pinned, dist.version, dist.licence, status(dist, f"layer {layer}")))
            _check_data(dist, layer, policy, report, allowed, excepted)
    if policy.project in dists:
        project = dists[policy.project]
        report.rows.setdefault("core", []).append(
            (project.name, "(this project)", project.version, project.licence, status(project, "layer core"))
        )
        _check_data(project, "core", policy, report, allowed, excepted)
    for name, dist in sorted(dists.items()):
        if name in in_layers or name == policy.project:
            continue
        where = "Lambda runtime" if name in policy.runtime else "development only"
        report.dev_rows.append((dist.name, dist.version, dist.licence, status(dist, where) + f" ({where})"))
    for i, exc in enumerate(policy.exceptions):
        if i not in report.used_exceptions:
            what = exc.get("distribution") or exc.get("data")
            report.warnings.append(f"exception for {what} ({exc.get('licence')}) matches nothing installed: remove it")
    return report


def _check_data(
    dist: Dist,
    layer: str,
    policy: Policy,
    report: Report,
    allowed: Callable[[str], bool],
    excepted: Callable[..., bool],
) -> None:
    entries = [e for e in policy.data if key(e["distribution"]) == key(dist.name)]
    for f in dist.files:
        entry = next((e for e in entries if any(fnmatch.fnmatchcase(f.path, g) for g in e["files"])), None)
        if entry is None:
            if is_data(f):
                report.failures.append(
                    f"{f.path} ({dist.name}, layer {layer}, {f.size:,} bytes): a data file with no entry in "
                    "licences/data-files.toml (its source, licence and obligations)"
                )
                report.data_rows.append((f.path, layer, "?", "unlisted", "NOT LISTED"))
            continue
        licence = entry["licence"]
        if allowed(licence):
            state = "allowed"
        elif excepted(data=f.path, licence=licence):
            state = "exception"
        else:
            state = "NOT ALLOWED"
            report.failures.append(f"{f.path} ({dist.name}, layer {layer}): data licence {licence} is not allowed")
        expected = entry.get("sha256", {}).get(f.path)
        if expected and f.sha256() != expected:
            state = "CHANGED"
            report.failures.append(
                f"{f.path} ({dist.name} {dist.version}): contents differ from licences/data-files.toml's sha256; "
                "read the new file's source and licence, then update the entry"
            )
        report.data_rows.append((f.path, layer, licence, entry["source"], state))


# --- output -------------------------------------------------------------------------------------------


def markdown(report: Report, fns: dict[str, list[str]]) -> str:
    lines = ["# Licence report", "", "Generated by `make licences` (scripts/licences.py); policy in licences/.", ""]
    lines += ["## What each Lambda function ships", "", "| function | layers |", "|---|---|"]
    lines += [f"| {fn} | {', '.join(ls)} |" for fn, ls in sorted(fns.items())]
    for layer, rows in report.rows.items():
        lines += ["", f"## Layer `{layer}`", "", "| distribution | pinned | installed | licence | status |"]
        lines += ["|---|---|---|---|---|"] + [f"| {' | '.join(r)} |" for r in rows]
    lines += [
        "",
        "## Data files in the layers",
        "",
        "| file | layer | licence | source | status |",
        "|---|---|---|---|---|",
    ]
    lines += [f"| {' | '.join(r)} |" for r in report.data_rows]
    lines += ["", "## Not in a layer", "", "| distribution | installed | licence | status |", "|---|---|---|---|"]
    lines += [f"| {' | '.join(r)} |" for r in report.dev_rows]
    if report.warnings:
        lines += ["", "## Warnings", ""] + [f"- {w}" for w in report.warnings]
    lines += ["", "## Failures", ""] + ([f"- {f}" for f in report.failures] or ["none"])
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", type=Path, default=ROOT / "build" / "licences.md", help="Markdown report")
    args = parser.parse_args(argv)
    report = check(installed(), layers(), Policy.load())
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(markdown(report, functions()), encoding="utf-8")
    shipped = sum(len(rows) for rows in report.rows.values())
    excepted = [r[0] for rows in report.rows.values() for r in rows if r[4] == "exception"]
    excepted += [r[0] for r in report.data_rows if r[4] == "exception"]
    print(
        f"licences: {shipped} distributions in {len(report.rows)} layers, {len(report.data_rows)} data files, "
        f"{len(report.dev_rows)} not in a layer; exceptions in use: {', '.join(excepted) or 'none'}"
    )
    for warning in report.warnings:
        print(f"  warning: {warning}")
    for failure in report.failures:
        print(f"  FAIL: {failure}")
    print(f"report: {args.output}")
    return 1 if report.failures else 0


if __name__ == "__main__":
    sys.exit(main())
