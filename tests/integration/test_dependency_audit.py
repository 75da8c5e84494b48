"""scripts/audit_dependencies.py against a PyPI look-alike on 127.0.0.1 that serves only project JSON."""

from __future__ import annotations

import importlib.util
import json
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import ModuleType

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "audit_dependencies.py"

# name -> (latest version, vulnerabilities of the latest release)
PROJECTS: dict[str, tuple[str, list[dict[str, object]]]] = {
    "safe-lib": ("2.0.0", []),
    "bad-lib": ("1.1.0", [{"id": "GHSA-xxxx", "withdrawn": None}, {"id": "PYSEC-old", "withdrawn": "2024-01-01"}]),
    "old-pin": ("3.0.0", [{"id": "GHSA-new"}]),
    "typing-extensions": ("4.16.0", []),
}


@pytest.fixture(scope="module")
def audit_module() -> ModuleType:
    spec = importlib.util.spec_from_file_location("audit_dependencies", SCRIPT)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the script runs
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def pypi() -> Iterator[str]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            parts = self.path.strip("/").split("/")
            # Like the mirror: /pypi/<name>/json answers, /pypi/<name>/<version>/json does not.
            if len(parts) == 3 and parts[0] == "pypi" and parts[2] == "json" and parts[1] in PROJECTS:
                latest, vulns = PROJECTS[parts[1]]
                body = json.dumps({"info": {"version": latest}, "vulnerabilities": vulns}).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
            else:
                self.send_error(404)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def skipped(name: str, version: str) -> dict[str, str]:
    return {"name": name, "skip_reason": f"Dependency not found on PyPI and could not be audited: {name} ({version})"}


def run(audit_module: ModuleType, tmp_path: Path, pypi: str, pins: list[str], report: dict[str, object]) -> int:
    requirements = tmp_path / "requirements.txt"
    requirements.write_text("\n".join(pins) + "\n")
    report_file = tmp_path / "report.json"
    report_file.write_text(json.dumps(report))
    result: int = audit_module.main([str(requirements), "--pip-audit-json", str(report_file), "--pypi", pypi])
    return result


def test_pins_at_the_latest_release_are_audited_from_project_data(
    audit_module: ModuleType, tmp_path: Path, pypi: str, capsys: pytest.CaptureFixture[str]
) -> None:
    pins = ["safe-lib==2.0.0", "typing_extensions==4.16.0", "old-pin==2.5", "gone==1.0"]
    report = {"dependencies": [skipped("safe-lib", "2.0.0"), skipped("typing-extensions", "4.16.0")]}
    assert run(audit_module, tmp_path, pypi, pins, report) == 0
    out = capsys.readouterr().out
    assert "2 of 4 packages audited (0 by pip-audit, 2 from PyPI's latest-release data); 0 with known" in out
    assert "not audited old-pin 2.5: pinned 2.5, latest 3.0.0" in out  # its data says nothing of 2.5
    assert "not audited gone 1.0: http://127.0.0.1" in out


def test_a_vulnerability_fails_the_audit_withdrawn_ones_do_not(
    audit_module: ModuleType, tmp_path: Path, pypi: str, capsys: pytest.CaptureFixture[str]
) -> None:
    report = {"dependencies": [skipped("bad-lib", "1.1.0")]}
    assert run(audit_module, tmp_path, pypi, ["bad-lib==1.1.0"], report) == 1
    out = capsys.readouterr().out
    assert "VULNERABLE bad-lib 1.1.0: GHSA-xxxx\n" in out


def test_pip_audit_findings_are_kept(
    audit_module: ModuleType, tmp_path: Path, pypi: str, capsys: pytest.CaptureFixture[str]
) -> None:
    report = {
        "dependencies": [
            {"name": "Safe_Lib", "version": "2.0.0", "vulns": []},
            {"name": "bad-lib", "version": "1.0.0", "vulns": [{"id": "PYSEC-1", "fix_versions": ["1.1.0"]}]},
        ]
    }
    assert run(audit_module, tmp_path, pypi, ["safe-lib==2.0.0", "bad-lib==1.0.0"], report) == 1
    out = capsys.readouterr().out
    assert "VULNERABLE bad-lib 1.0.0: PYSEC-1" in out
    assert "2 of 2 packages audited (2 by pip-audit, 0 from" in out
