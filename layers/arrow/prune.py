"""Prune an installed pyarrow down to what the functions import, then prove no kept library lost a dependency.

    python prune.py SITE_PACKAGES        prune SITE_PACKAGES/pyarrow, then check it (exit 1 on a problem)
    python prune.py --check SITE_PACKAGES   only check

The functions use pyarrow, pyarrow.compute, pyarrow.dataset, pyarrow.fs (local and S3) and pyarrow.parquet.
Removed: Flight, the Substrait and ORC bindings, Gandiva sources, the C++ headers and sources, the tests,
Cython sources, and the extra copies of libraries that a wheel cannot ship as symlinks. The check reads the
DT_NEEDED entries of every ELF file left (in pure Python, so it works for aarch64 files on any build host)
and fails if one names a library of the wheel that is no longer there.

libarrow_substrait stays although nothing here uses Substrait: lib.so and libarrow_python link against it.
"""

from __future__ import annotations

import re
import shutil
import struct
import sys
from pathlib import Path

# Paths relative to site-packages/pyarrow. Globs; a directory is removed whole.
REMOVE = (
    # Flight (RPC): libarrow_flight alone is 29 MB on aarch64.
    "flight.py",
    "_flight.*.so",
    "libarrow_flight.so*",
    "libarrow_python_flight.so*",
    # Substrait bindings (the C++ library stays: see the module docstring).
    "substrait.py",
    "_substrait.*.so",
    # ORC.
    "orc.py",
    "_orc.*.so",
    "_dataset_orc.*.so",
    # Gandiva ships only its Cython source in these wheels.
    "gandiva.pyx",
    # Headers, C++ sources and Cython sources: for building extensions against pyarrow, not for running it.
    "include",
    "includes",
    "src",
    "*.pyx",
    "*.pxd",
    "*.pxi",
    # Tests and their C++ helper.
    "tests",
    "_pyarrow_cpp_tests.*.so",
    "conftest.py",
)
# Libraries are linked by their soname (libX.so.NNNN); the wheel also carries libX.so and libX.so.NNNN.M.P as
# full copies because wheels have no symlinks. Those copies are only for linking new extensions.
UNVERSIONED_COPY = re.compile(r"^(lib[\w]+)\.so$")
FULL_VERSION_COPY = re.compile(r"^(lib[\w]+\.so\.\d+)\.\d+\.\d+$")

# Libraries the Lambda runtime (Amazon Linux 2023) provides; anything else a kept file needs must be in the wheel.
SYSTEM = re.compile(r"^(libc|libm|libdl|librt|libpthread|libstdc\+\+|libgcc_s|libz|ld-linux[\w-]*)\.so")


def prune(site: Path) -> list[Path]:
    root = site / "pyarrow"
    if not root.is_dir():
        raise SystemExit(f"no pyarrow under {site}")
    removed: list[Path] = []
    for pattern in REMOVE:
        for path in sorted(root.glob(pattern)):
            removed.append(path)
            shutil.rmtree(path) if path.is_dir() else path.unlink()
    for path in sorted(root.iterdir()):
        if _extra_copy(path):
            removed.append(path)
            path.unlink()
    for cache in sorted(root.rglob("__pycache__")):
        shutil.rmtree(cache)
    return removed


def _extra_copy(path: Path) -> bool:
    """libX.so or libX.so.NNNN.M.P beside the libX.so.NNNN that everything links against."""
    if match := UNVERSIONED_COPY.match(path.name):
        return any(path.parent.glob(f"{match[1]}.so.*"))
    if match := FULL_VERSION_COPY.match(path.name):
        return (path.parent / match[1]).exists()
    return False


def needed(path: Path) -> list[str]:
    """The DT_NEEDED entries of an ELF shared object (32/64-bit, either byte order)."""
    data = path.read_bytes()
    if data[:4] != b"\x7fELF":
        return []
    is64 = data[4] == 2
    end = "<" if data[5] == 1 else ">"
    # e_shoff, then e_shentsize and e_shnum; section headers; dynamic entries (tag, value).
    if is64:
        (shoff,) = struct.unpack_from(end + "Q", data, 0x28)
        shentsize, shnum = struct.unpack_from(end + "HH", data, 0x3A)
        section, dyn = struct.Struct(end + "IIQQQQIIQQ"), struct.Struct(end + "qQ")
    else:
        (shoff,) = struct.unpack_from(end + "I", data, 0x20)
        shentsize, shnum = struct.unpack_from(end + "HH", data, 0x2E)
        section, dyn = struct.Struct(end + "IIIIIIIIII"), struct.Struct(end + "iI")
    sections = [section.unpack_from(data, shoff + i * shentsize) for i in range(shnum)]
    out: list[str] = []
    for sh in sections:
        if sh[1] != 6:  # SHT_DYNAMIC
            continue
        strtab = sections[sh[6]]  # sh_link: the string table of the dynamic section
        str_offset = strtab[4]
        for i in range(sh[5] // dyn.size):
            tag, value = dyn.unpack_from(data, sh[4] + i * dyn.size)
            if tag == 0:  # DT_NULL
                break
            if tag == 1:  # DT_NEEDED
                start = str_offset + value
                out.append(data[start : data.index(b"\0", start)].decode())
    return out


def check(site: Path) -> list[str]:
    """Problems: kept ELF files that need a library neither in the wheel nor in the runtime."""
    root = site / "pyarrow"
    present = {p.name for p in root.rglob("*.so*")}
    problems = []
    for path in sorted(root.rglob("*.so*")):
        for lib in needed(path):
            if lib not in present and not SYSTEM.match(lib):
                problems.append(f"{path.relative_to(site)} needs {lib}, which is not there")
    return problems


def main(argv: list[str]) -> int:
    check_only = "--check" in argv
    args = [a for a in argv if a != "--check"]
    if len(args) != 1:
        print(__doc__, file=sys.stderr)
        return 2
    site = Path(args[0])
    if not check_only:
        removed = prune(site)
        print(f"pruned {len(removed)} paths from {site / 'pyarrow'}")
    problems = check(site)
    for problem in problems:
        print(problem, file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
