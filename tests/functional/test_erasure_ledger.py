"""An erasure that sticks: the ledger keeps an erased author out of import, collection and compaction, a
race with a writer leaves no row behind, quarantine and briefs are covered, and a request that matches
nothing says so. Payloads are the demo's sample Mastodon responses (see layers/core/listening_post/demo)."""

from __future__ import annotations

import gzip
import json
import shutil
import threading
from collections.abc import Iterator, Mapping
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pyarrow.dataset as ds
import pytest

from listening_post.authors import native_author
from listening_post.cli import main
from listening_post.collect import Collector
from listening_post.config import load_config
from listening_post.cursors import LakeCursorStore
from listening_post.demo import DATA, run_demo
from listening_post.enrich.pseudonym import DEMO_AUTHOR_KEY, Pseudonymiser
from listening_post.erasure import LakeErasureLedger, append_without_erased, erase_author
from listening_post.jobs import Job
from listening_post.lake import Lake
from listening_post.pipeline import Enricher, ingest_payloads, read_files
from listening_post.quarantine import native_author_of
from listening_post.sources.fetch import FetchedPage
from listening_post.sources.mastodon import parse
from tests.helpers import make_post

DEMO_CONFIG = Path(__file__).resolve().parents[2] / "layers/core/listening_post/demo/config.yaml"
KEY = DEMO_AUTHOR_KEY.decode()
PSEUDONYMS = Pseudonymiser(DEMO_AUTHOR_KEY)
# The demo's most prolific Mastodon account in Canada: 73 posts over six weeks (the example).
PROLIFIC = "omarlake398@mstdn.ca"


def mastodon_files(country: str = "CA", week: str = "W47") -> list[Path]:
    return sorted((Path(str(DATA)) / country / "mastodon").glob(f"*{week}*.gz"))


def author_of_most_posts(files: list[Path]) -> str:
    counts: dict[str, int] = {}
    for path in files:
        for post in parse(gzip.decompress(path.read_bytes())).posts:
            if post.author_native:
                counts[post.author_native] = counts.get(post.author_native, 0) + 1
    return max(counts, key=lambda a: (counts[a], a))


def rows_of(lake: Lake, author_id: str) -> int:
    if not lake.exists("posts"):
        return 0
    table = ds.dataset(lake.path("posts"), format="parquet", filesystem=lake.fs).to_table(columns=["author_id"])
    return sum(1 for a in table.column("author_id").to_pylist() if a == author_id)


def import_files(lake: Lake, files: list[Path]) -> dict[str, int]:
    result = ingest_payloads(
        read_files(files),
        source="mastodon",
        country="CA",
        query_id="q",
        lake=lake,
        enricher=Enricher.from_config(None, PSEUDONYMS),
    )
    return result.counts()


@pytest.fixture(scope="module")
def demo_lake(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("demo") / "lake"
    run_demo(str(root))
    return root


def erase_cli(lake_dir: Path, handle: str, *extra: str) -> int:
    return main(["erase-author", "--source", "mastodon", "--handle", handle, "--lake", str(lake_dir), *extra])


# --- the ledger keeps the author out -------------------------------------------------------------


def test_reimporting_after_erasure_does_not_bring_the_author_back(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("LISTENING_POST_AUTHOR_KEY", KEY)
    files = mastodon_files()
    handle = author_of_most_posts(files)
    author_id = PSEUDONYMS.author_id("mastodon", native_author("mastodon", handle))
    lake = Lake.from_uri(str(tmp_path / "lake"))
    import_files(lake, files)
    theirs = rows_of(lake, author_id)
    assert theirs > 1

    assert erase_cli(tmp_path / "lake", handle, "--reason", "case 2026-17") == 0
    assert rows_of(lake, author_id) == 0
    entry = LakeErasureLedger(lake).entry(author_id)
    assert entry is not None and entry["reason"] == "case 2026-17" and entry["erased_at"]
    ledger_text = json.dumps(entry)
    assert handle.split("@")[0] not in ledger_text.lower()  # the pseudonym only, never the handle
    capsys.readouterr()

    # The same files again, through the command line: every one of the author's posts is dropped.
    argv = ["import", "--source", "mastodon", "--country", "CA", "--lake", str(tmp_path / "lake")]
    assert main([*argv, *map(str, files)]) == 0
    counts = json.loads(capsys.readouterr().out)
    assert counts["erased"] == theirs and counts["imported"] == 0
    assert rows_of(lake, author_id) == 0


class ReplayFetcher:
    """Serves saved pages as a collection would fetch them."""

    source = "mastodon"

    def __init__(self, files: list[Path]) -> None:
        self.files = files

    def pages(self, job: Job, cursor: Mapping[str, Any] | None) -> Iterator[FetchedPage]:
        for path in self.files:
            yield FetchedPage(path.name, parse(gzip.decompress(path.read_bytes())))


def test_collection_drops_erased_authors_and_reports_them(tmp_path: Path) -> None:
    files = mastodon_files()
    handle = author_of_most_posts(files)
    author_id = PSEUDONYMS.author_id("mastodon", native_author("mastodon", handle))
    assert author_id is not None
    lake = Lake.from_uri(str(tmp_path / "lake"))
    LakeErasureLedger(lake).record(author_id, source="mastodon", reason="test", at=datetime.now(UTC))
    config = load_config(DEMO_CONFIG)
    country = config.country("CA")
    collector = Collector(
        lake=lake,
        enricher=Enricher.from_config(config, PSEUDONYMS),
        fetchers={"mastodon": ReplayFetcher(files)},
        cursors=LakeCursorStore(lake),
    )
    report = collector.run([Job(country, country.queries[0], "mastodon")])
    summary = report.summary()["sources"]["mastodon"]
    assert summary["erased"] > 1 and summary["imported"] > 0
    assert rows_of(lake, author_id) == 0
    document = lake.read_json(report.path())
    assert document["sources"]["mastodon"]["erased"] == summary["erased"]


def test_compaction_drops_rows_of_erased_authors(tmp_path: Path) -> None:
    lake = Lake.from_uri(str(tmp_path / "lake"))
    at = datetime(2026, 11, 17, 9, tzinfo=UTC)
    lake.append_posts([make_post(i, created_at=at, author=f"a{i % 3}") for i in range(9)], run_id="r1")
    lake.append_posts([make_post(i, created_at=at, author=f"a{i % 3}") for i in range(9, 18)], run_id="r2")
    # Written by a writer that never consulted the ledger (an older version, say).
    LakeErasureLedger(lake).record("a1", source="mastodon", reason="test", at=at)
    result = lake.compact_partition("CA", at.date(), run_id="c")
    assert result.rows_after == 12
    assert rows_of(lake, "a1") == 0 and rows_of(lake, "a0") == 6


# --- races ----------------------------------------------------------------------------------------


def test_a_writer_that_read_the_ledger_before_the_entry_cleans_up_after_itself(tmp_path: Path) -> None:
    """The worst interleaving, forced: the writer reads the ledger, the whole erasure runs, then the
    writer writes. Its second reading of the ledger removes the rows the sweep could not see."""
    lake = Lake.from_uri(str(tmp_path / "lake"))
    at = datetime(2026, 11, 17, 9, tzinfo=UTC)
    lake.append_posts([make_post(i, created_at=at, author="victim") for i in range(3)], run_id="r0")
    real = LakeErasureLedger(lake)

    class RacedLedger:
        calls = 0

        def authors(self) -> frozenset[str]:
            self.calls += 1
            seen = real.authors()
            if self.calls == 1:
                report = erase_author(Lake.from_uri(lake.root), "victim", run_id="e", source="mastodon")
                assert report.posts_removed == 3 and report.complete
            return seen

        def entry(self, author_id: str) -> dict[str, Any] | None:
            return real.entry(author_id)

        def record(self, author_id: str, *, source: str, reason: str, at: datetime) -> bool:
            return real.record(author_id, source=source, reason=reason, at=at)

    posts = [make_post(i, created_at=at, author="victim" if i % 2 else "other") for i in range(10, 20)]
    result, erased = append_without_erased(lake, posts, run_id="late", ledger=RacedLedger())
    assert erased == 5 and result.written == 5
    assert rows_of(lake, "victim") == 0 and rows_of(lake, "other") == 5


def test_compaction_that_read_the_ledger_before_the_entry_cleans_up_after_itself(tmp_path: Path) -> None:
    lake = Lake.from_uri(str(tmp_path / "lake"))
    at = datetime(2026, 11, 17, 9, tzinfo=UTC)
    for run in range(3):
        lake.append_posts(
            [make_post(run * 10 + i, created_at=at, author=f"a{i % 2}") for i in range(4)], run_id=f"r{run}"
        )
    real = LakeErasureLedger(lake)
    calls = []

    def erased() -> frozenset[str]:
        calls.append(1)
        seen = real.authors()
        if len(calls) == 1:  # compaction has read the files; the erasure runs to its end now
            erase_author(Lake.from_uri(lake.root), "a1", run_id="e", source="mastodon")
        return seen

    lake.compact_partition("CA", at.date(), run_id="c", erased=erased)
    assert rows_of(lake, "a1") == 0
    # The erasure's files and compaction's hold the other author's posts twice; readers deduplicate.
    kept = lake.read_posts("CA", at.date(), at.date()).column("author_id").to_pylist()
    assert kept == ["a0"] * 6


@pytest.mark.parametrize("trial", range(12))
def test_erasure_racing_imports_leaves_no_row(tmp_path: Path, trial: int) -> None:
    """Imports of the author's posts running while the erasure runs, each with its own Lake."""
    files = mastodon_files("CA", "W4")  # 30 responses: imports long enough to overlap the erasure
    handle = PROLIFIC
    author_id = PSEUDONYMS.author_id("mastodon", handle)
    assert author_id is not None
    root = str(tmp_path / "lake")
    import_files(Lake.from_uri(root), files[: len(files) // 2])
    start = threading.Barrier(3)
    errors: list[BaseException] = []

    def importer(part: list[Path]) -> None:
        try:
            start.wait()
            import_files(Lake.from_uri(root), part)
        except BaseException as exc:  # pragma: no cover - recorded for the assertion
            errors.append(exc)

    threads = [
        threading.Thread(target=importer, args=(files[(trial % 2) :: 2],)),
        threading.Thread(target=importer, args=(files[::-1],)),
    ]
    for t in threads:
        t.start()
    start.wait()
    report = erase_author(Lake.from_uri(root), author_id, run_id=f"e{trial}", source="mastodon")
    for t in threads:
        t.join()
    assert errors == []
    assert report.complete
    assert rows_of(Lake.from_uri(root), author_id) == 0


# --- everything written about the author ----------------------------------------------------------


def test_erasure_covers_quarantine_briefs_and_weekly_tables(
    demo_lake: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("LISTENING_POST_AUTHOR_KEY", KEY)
    lake_dir = tmp_path / "lake"
    shutil.copytree(demo_lake, lake_dir)
    # A quarantined record of the demo (a status without created_at) and its author.
    quarantined = [
        (path, record)
        for path in (lake_dir / "quarantine").rglob("*.json")
        for record in json.loads(path.read_text())["records"]
        if record.get("author_id")
    ]
    assert quarantined, "the demo's quarantine names the pseudonyms of its records' authors"
    handle, status_ids = None, set()
    for path in Path(str(DATA)).rglob("*.gz"):
        if "mastodon" not in path.parts:
            continue
        for status in json.loads(gzip.decompress(path.read_bytes())):
            native = native_author_of("mastodon", status)
            if native and PSEUDONYMS.author_id("mastodon", native) == quarantined[0][1]["author_id"]:
                handle = native
                status_ids.add(str(status["id"]))
    assert handle is not None
    assert erase_cli(lake_dir, handle, "--config", str(DEMO_CONFIG)) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["quarantined_removed"] >= 1

    # No file of the lake (quarantine, briefs, summary.json, weekly tables, run reports) names the
    # author or any of their statuses; only the ledger holds their pseudonym.
    user = handle.split("@")[0]
    author_id = PSEUDONYMS.author_id("mastodon", handle)
    assert author_id is not None
    for path in lake_dir.rglob("*"):
        if not path.is_file() or (path.suffix == ".parquet" and "posts" in path.parts):
            continue
        text = path.read_bytes().decode("utf-8", errors="replace")
        assert user not in text.lower(), path
        assert not any(f"/{sid}" in text or f'"{sid}"' in text for sid in status_ids), path
        if "state" not in path.parts:
            assert author_id not in text, path
    assert rows_of(Lake.from_uri(str(lake_dir)), author_id) == 0


def test_each_week_is_rebuilt_once_and_progress_goes_to_stderr(
    demo_lake: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The issue's 97 s: 73 posts rebuilt their weeks' briefs 73 times; six weeks need six rebuilds."""
    import listening_post.pipeline as pipeline

    monkeypatch.setenv("LISTENING_POST_AUTHOR_KEY", KEY)
    lake_dir = tmp_path / "lake"
    shutil.copytree(demo_lake, lake_dir)
    calls: list[str] = []
    real = pipeline.summarise

    def counting(lake: Lake, config: Any, country: str, week: Any, **kwargs: Any) -> Any:
        calls.append(f"{country} {week}")
        return real(lake, config, country, week, **kwargs)

    monkeypatch.setattr(pipeline, "summarise", counting)
    assert erase_cli(lake_dir, PROLIFIC, "--config", str(DEMO_CONFIG)) == 0
    captured = capsys.readouterr()
    report = json.loads(captured.out)
    assert report["posts_removed"] == 73
    assert len(calls) == len(set(calls)) == len(report["briefs_rebuilt"]) == 6
    assert "CA:" in captured.err and "posts removed" in captured.err and "rebuilt" in captured.err


def test_only_files_that_can_hold_the_author_are_read(demo_lake: Path, tmp_path: Path) -> None:
    lake_dir = tmp_path / "lake"
    shutil.copytree(demo_lake, lake_dir)
    files = [p.name for p in (lake_dir / "posts").rglob("*.parquet")]
    mastodon = [name for name in files if name.startswith("part-mastodon-")]
    assert 0 < len(mastodon) < len(files)
    author_id = PSEUDONYMS.author_id("mastodon", PROLIFIC)
    assert author_id is not None
    report = erase_author(Lake.from_uri(str(lake_dir)), author_id, run_id="e", source="mastodon")
    # Two passes (the second finds nothing left) over the Mastodon files only; RSS files are never read.
    assert report.passes == 2 and report.files_read == 2 * len(mastodon)


# --- a request that matches nothing ----------------------------------------------------------------


def test_a_wrong_key_says_nothing_matched_and_why(
    demo_lake: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    lake_dir = tmp_path / "lake"
    shutil.copytree(demo_lake, lake_dir)
    monkeypatch.setenv("LISTENING_POST_AUTHOR_KEY", "another-key-than-the-demo-one-0123")
    assert erase_cli(lake_dir, PROLIFIC) == 1
    captured = capsys.readouterr()
    assert json.loads(captured.out)["posts_removed"] == 0
    assert "nothing matched" in captured.err
    assert "LISTENING_POST_AUTHOR_KEY" in captured.err and "user@server" in captured.err
    assert "Traceback" not in captured.err


def test_a_handle_of_another_server_says_nothing_matched(
    demo_lake: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    lake_dir = tmp_path / "lake"
    shutil.copytree(demo_lake, lake_dir)
    monkeypatch.setenv("LISTENING_POST_AUTHOR_KEY", KEY)
    assert erase_cli(lake_dir, PROLIFIC.replace("mstdn.ca", "mastodon.social")) == 1
    assert "nothing matched" in capsys.readouterr().err
    # The demo lake is untouched.
    lake = Lake.from_uri(str(lake_dir))
    assert rows_of(lake, PSEUDONYMS.author_id("mastodon", PROLIFIC) or "") == 73
    assert lake.read_posts("CA", date(2026, 10, 1), date(2026, 12, 1)).num_rows > 0


@pytest.mark.parametrize("trial", range(4))
def test_erasure_racing_import_processes_leaves_no_row(tmp_path: Path, trial: int) -> None:
    """The same race between real processes: two `import` commands and one `erase-author`, started at once."""
    import os
    import subprocess
    import sys

    files = [str(p) for p in mastodon_files("CA", "W4")]
    root = str(tmp_path / "lake")
    import_files(Lake.from_uri(root), [Path(f) for f in files[:4]])
    env = {**os.environ, "LISTENING_POST_AUTHOR_KEY": KEY}
    cli = [sys.executable, "-m", "listening_post.cli"]
    imports = ["import", "--source", "mastodon", "--country", "CA", "--lake", root]
    procs = [
        subprocess.Popen([*cli, *imports, *files[trial % 2 :: 2]], env=env, stdout=subprocess.PIPE),
        subprocess.Popen([*cli, *imports, *files[::-1]], env=env, stdout=subprocess.PIPE),
        subprocess.Popen(
            [*cli, "erase-author", "--source", "mastodon", "--handle", PROLIFIC, "--lake", root],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        ),
    ]
    outputs = [p.communicate(timeout=120) for p in procs]
    assert [p.returncode for p in procs] == [0, 0, 0], outputs[2][1]
    author_id = PSEUDONYMS.author_id("mastodon", PROLIFIC)
    assert author_id is not None and rows_of(Lake.from_uri(root), author_id) == 0


def test_quarantined_records_carry_their_authors_pseudonym_only(tmp_path: Path) -> None:
    """A status without created_at, and a post dated in the future: both name their author's pseudonym."""
    from datetime import timedelta

    from listening_post.quarantine import QuarantineBatch
    from listening_post.sources.base import screen_times

    statuses = json.loads(gzip.decompress(mastodon_files()[0].read_bytes()))
    broken, future = dict(statuses[0]), statuses[1]
    del broken["created_at"]
    now = datetime(2026, 11, 1, tzinfo=UTC) - timedelta(days=60)  # every post of W47 lies in its future
    page = screen_times(parse(json.dumps([broken, future]).encode()), now)
    batch = QuarantineBatch("mastodon", "r", PSEUDONYMS)
    for reject in page.rejects:
        batch.add(reject.reason, "file", reject.index, reject.record, reject.author_native)
    records = batch.document(now)["records"]
    expected = {PSEUDONYMS.author_id("mastodon", native_author_of("mastodon", s)) for s in (broken, future)}
    assert len(records) == 2 and {r["author_id"] for r in records} == expected
    text = json.dumps(records)
    assert all(s["account"]["username"] not in text for s in (broken, future))


def test_a_reason_naming_the_author_is_refused_before_anything_is_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("LISTENING_POST_AUTHOR_KEY", KEY)
    with pytest.raises(SystemExit) as exit_:
        erase_cli(tmp_path / "lake", PROLIFIC, "--reason", "request by OmarLake398 by mail")
    assert exit_.value.code == 2 and "must not name the author" in capsys.readouterr().err
    assert not (tmp_path / "lake" / "state").exists()


def test_erasure_removes_the_authors_posts_from_stored_alerts(
    demo_lake: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Alerts kept in the lake quote posts as examples and list their ids: an erased author's go."""
    monkeypatch.setenv("LISTENING_POST_AUTHOR_KEY", KEY)
    lake_dir = tmp_path / "lake"
    shutil.copytree(demo_lake, lake_dir, ignore=shutil.ignore_patterns("alerts"))
    at = ["--country", "CA", "--at", "2026-11-18T00:00:00Z", "--config", str(DEMO_CONFIG)]
    assert main(["alerts", "--lake", str(lake_dir), *at]) == 0
    capsys.readouterr()
    stored = [json.loads(p.read_text()) for p in (lake_dir / "alerts").rglob("*.json")]
    quoted = {e["post_id"]: e["text"] for a in stored for e in a["examples"] if e["post_id"].startswith("mastodon:")}
    assert quoted, "the demo's campaign alert quotes Mastodon posts"
    post_id, text = next(iter(quoted.items()))
    handle = None
    for path in Path(str(DATA)).rglob("*.gz"):
        if "mastodon" in path.parts:
            for status in json.loads(gzip.decompress(path.read_bytes())):
                if post_id.endswith("/" + str(status["id"])):
                    handle = native_author_of("mastodon", status)
    assert handle is not None
    assert erase_cli(lake_dir, handle, "--config", str(DEMO_CONFIG)) == 0
    capsys.readouterr()
    for path in (lake_dir / "alerts").rglob("*.json"):
        document = path.read_text()
        assert post_id not in document and text not in document, path
