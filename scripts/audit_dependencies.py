"""Known vulnerabilities of the pinned dependencies: pip-audit first, PyPI's project data where it cannot.

    python scripts/audit_dependencies.py build/requirements-frozen.txt [--pip-audit-json F] [--pypi URL]

pip-audit asks PyPI's per-release endpoint (``/pypi/<name>/<version>/json``). Some package mirrors answer only
the project endpoint (``/pypi/<name>/json``), whose ``vulnerabilities`` describe the latest release; for a pin
that is the latest release that answer is exact, so it is used. A pin older than the latest release stays
"not audited" and is listed with the reason: nothing is guessed. Exits 1 when any vulnerability is found.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

PYPI = "https://pypi.org"


@dataclass
class Finding:
    name: str
    version: str
    by: str = ""  # "pip-audit" or "pypi-latest" when audited
    vulns: list[str] = field(default_factory=list)
    reason: str = ""  # why it was not audited


def canonical(name: str) -> str:
    """PEP 503 names: pip freeze writes ``typing_extensions``, pip-audit ``typing-extensions``."""
    return re.sub(r"[-_.]+", "-", name).lower()


def pins(requirements: Path) -> dict[str, str]:
    out: dict[str, str] = {}
    for line in requirements.read_text().splitlines():
        name, sep, version = line.strip().partition("==")
        if sep and not name.startswith("#"):
            out[canonical(name.strip())] = version.split(";")[0].strip()
    return out


def run_pip_audit(requirements: Path) -> dict[str, object]:
    cmd = [sys.executable, "-m", "pip_audit", "-r", str(requirements), "--vulnerability-service", "pypi"]
    cmd += ["--progress-spinner", "off", "--no-deps", "--disable-pip", "-f", "json"]
    done = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if not done.stdout.strip():
        raise SystemExit(f"pip-audit gave no report (exit {done.returncode}): {done.stderr.strip()[-500:]}")
    report: dict[str, object] = json.loads(done.stdout)
    return report


def from_pip_audit(report: dict[str, object], pinned: dict[str, str]) -> dict[str, Finding]:
    out: dict[str, Finding] = {}
    for dep in report.get("dependencies", []):  # type: ignore[attr-defined]
        name = canonical(dep["name"])
        finding = Finding(name, dep.get("version") or pinned.get(name, "?"))
        if "skip_reason" in dep:
            finding.reason = dep["skip_reason"]
        else:
            finding.by = "pip-audit"
            finding.vulns = [v["id"] for v in dep.get("vulns", [])]
        out[name] = finding
    return out


def from_project_data(finding: Finding, pypi: str) -> Finding:
    """Audit one skipped pin with the project endpoint, when the pin is the latest release."""
    url = f"{pypi.rstrip('/')}/pypi/{finding.name}/json"
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            data = json.load(response)
    except (urllib.error.URLError, TimeoutError, ValueError) as exc:
        finding.reason = f"{url}: {exc}"
        return finding
    latest = data.get("info", {}).get("version")
    if latest != finding.version:
        finding.reason = f"pinned {finding.version}, latest {latest}: only the latest release's data is served"
        return finding
    finding.by, finding.reason = "pypi-latest", ""
    finding.vulns = [v.get("id", "?") for v in data.get("vulnerabilities") or [] if not v.get("withdrawn")]
    return finding


def audit(pinned: dict[str, str], report: dict[str, object], pypi: str) -> list[Finding]:
    found = from_pip_audit(report, pinned)
    for name, version in pinned.items():
        found.setdefault(name, Finding(name, version, reason="not in pip-audit's report"))
    skipped = [f for f in found.values() if not f.by]
    with ThreadPoolExecutor(8) as pool:
        list(pool.map(lambda f: from_project_data(f, pypi), skipped))
    return sorted(found.values(), key=lambda f: f.name)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("requirements", type=Path)
    parser.add_argument("--pip-audit-json", type=Path, help="a pip-audit JSON report instead of running it")
    parser.add_argument("--pypi", default=PYPI, help="PyPI's base URL (tests point it at 127.0.0.1)")
    args = parser.parse_args(argv)
    pinned = pins(args.requirements)
    report = json.loads(args.pip_audit_json.read_text()) if args.pip_audit_json else run_pip_audit(args.requirements)
    findings = audit(pinned, report, args.pypi)
    vulnerable = [f for f in findings if f.vulns]
    for f in vulnerable:
        print(f"VULNERABLE {f.name} {f.version}: {', '.join(f.vulns)}")
    for f in findings:
        if not f.by:
            print(f"not audited {f.name} {f.version}: {f.reason}")
    by_tool = sum(f.by == "pip-audit" for f in findings)
    by_latest = sum(f.by == "pypi-latest" for f in findings)
    print(
        f"dependency audit: {by_tool + by_latest} of {len(findings)} packages audited "
        f"({by_tool} by pip-audit, {by_latest} from PyPI's latest-release data); "
        f"{len(vulnerable)} with known vulnerabilities"
    )
    return 1 if vulnerable else 0


if __name__ == "__main__":
    sys.exit(main())
