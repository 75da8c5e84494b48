"""Copy the files the template embeds into template.yaml: the dashboard and the Athena views.

    python scripts/sync_template.py          rewrite template.yaml
    python scripts/sync_template.py --check  exit 1 if template.yaml is out of date

infra/dashboard.json and infra/athena/*.sql are the sources: edit them, then run this. In template.yaml each
embedded copy is a block scalar whose key line ends with ``# from <path>``; the lines below it, indented
deeper than the key, are replaced by the file. tests/unit/test_template.py checks the two agree.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE = ROOT / "template.yaml"
MARKER = re.compile(r"^(?P<indent> *)[A-Za-z]+: (?:!Sub )?\|\s+# from (?P<path>\S+)")


def synced(text: str) -> str:
    lines = text.splitlines(keepends=True)
    out: list[str] = []
    i = 0
    while i < len(lines):
        line = lines[i]
        out.append(line)
        i += 1
        match = MARKER.match(line)
        if not match:
            continue
        indent = len(match["indent"])
        # Skip the old copy: every following line that is blank or indented deeper than the key.
        while i < len(lines) and (not lines[i].strip() or len(lines[i]) - len(lines[i].lstrip(" ")) > indent):
            i += 1
        body = (ROOT / match["path"]).read_text(encoding="utf-8").rstrip("\n").split("\n")
        out.extend((" " * (indent + 2) + b).rstrip() + "\n" if b else "\n" for b in body)
        if i < len(lines):  # one blank line before the next resource, as everywhere in the template
            out.append("\n")
    return "".join(out)


def main(argv: list[str]) -> int:
    current = TEMPLATE.read_text(encoding="utf-8")
    wanted = synced(current)
    if "--check" in argv:
        if wanted != current:
            print("template.yaml is out of date: run python scripts/sync_template.py", file=sys.stderr)
            return 1
        return 0
    TEMPLATE.write_text(wanted, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
