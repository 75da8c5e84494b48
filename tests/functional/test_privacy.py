"""Privacy by design, proven on every file the demo writes: no author handle, display name or native
account id anywhere, except inside post text and the post's own URL."""

from __future__ import annotations

import gzip
import json
import re
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from listening_post.demo import DATA, run_demo

URL = re.compile(r"https?://[^\s\"'<>)]+")


def identities() -> set[str]:
    """Every handle, display name and account id in the demo's sample responses."""
    found: set[str] = set()
    for path in (Path(str(DATA))).glob("*/mastodon/*.gz"):
        for status in json.loads(gzip.decompress(path.read_bytes())):
            for record in (status, status.get("reblog") or {}):
                account = record.get("account") or {}
                found.update(str(account[k]) for k in ("id", "username", "acct", "display_name") if account.get(k))
    return {f for f in found if len(f) >= 5}


def without_allowed_places(text: str, excerpts: list[str]) -> str:
    """What must hold no identity: the document minus URLs and minus quoted post text."""
    for excerpt in excerpts:
        text = text.replace(excerpt, " ")
    return URL.sub(" ", text)


def strings_of(value: object, skip: frozenset[str], out: list[str]) -> list[str]:
    if isinstance(value, dict):
        for key, item in value.items():
            if key not in skip:
                strings_of(item, skip, out)
    elif isinstance(value, list):
        for item in value:
            strings_of(item, skip, out)
    elif isinstance(value, str):
        out.append(value)
    return out


@pytest.fixture(scope="module")
def demo_lake(tmp_path_factory: pytest.TempPathFactory) -> Path:
    lake = tmp_path_factory.mktemp("privacy") / "lake"
    run_demo(str(lake))
    return lake


def test_no_identity_in_any_file_the_demo_writes(demo_lake: Path) -> None:
    names = identities()
    assert len(names) > 300  # the scan has something to look for
    pattern = re.compile("|".join(re.escape(n) for n in sorted(names, key=len, reverse=True)), re.IGNORECASE)
    post_texts: list[str] = []
    checked = 0
    for path in sorted(demo_lake.rglob("*")):
        if not path.is_file():
            continue
        checked += 1
        if path.suffix == ".parquet":
            table = pq.read_table(path)
            post_texts += table.column("text").to_pylist() if "text" in table.column_names else []
            for name in table.column_names:
                if name in ("text", "url") or not str(table.schema.field(name).type).startswith(("string", "list")):
                    continue
                for value in table.column(name).to_pylist():
                    hit = pattern.search(json.dumps(value))
                    assert hit is None, f"{path.name}: column {name} holds {hit.group()!r}"
    excerpts = sorted({t for t in post_texts if t}, key=len, reverse=True)
    for path in sorted(demo_lake.rglob("*")):
        if path.suffix in (".json", ".html", ".md"):
            if path.suffix == ".json":
                document = json.loads(path.read_text())
                text = " ".join(strings_of(document, frozenset({"url", "excerpt", "sample_text", "record"}), []))
                if "quarantine" in path.parts[-4]:
                    # Quarantined raw records are redacted: no identity at all, not even in their URLs.
                    text += " " + json.dumps(document)
            else:
                text = without_allowed_places(path.read_text(), excerpts)
                text = re.sub(r"<blockquote>.*?<span class=\"meta\">", " ", text, flags=re.S)  # excerpts
                text = re.sub(r"^> .*$", " ", text, flags=re.M)
            hit = pattern.search(text)
            assert hit is None, f"{path.relative_to(demo_lake)} holds {hit.group()!r}"
    assert checked > 100
