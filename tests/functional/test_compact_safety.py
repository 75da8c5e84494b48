"""compact deletes for good, so it shows what would go (--dry-run), asks before deleting (or takes --yes,
and refuses when nobody can be asked), and runs once at a time: a lock file in a local lake (two real
processes), a lease with an expiry in the state table when deployed (moto)."""

from __future__ import annotations

import io
import json
import os
import signal
import subprocess
import sys
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import boto3
import pytest
from moto import mock_aws

from listening_post.aws.lease import DynamoDBLease
from listening_post.cli import main
from listening_post.lake import Lake
from listening_post.lease import LeaseHeldError
from listening_post.maintenance import RetentionNotConfirmedError, maintain
from tests.functional.handlers import FakeContext, event, load_handler
from tests.functional.test_handlers import TABLE, aws  # noqa: F401  # the stack on moto
from tests.helpers import make_post
from tests.stack import STATE_TABLE_KEYS

ROOT = Path(__file__).resolve().parents[2]


def lake_of_days(path: Path, days: int = 6, files: int = 3) -> Lake:
    """``days`` partitions ending 2 days ago, each of ``files`` files of 5 posts."""
    lake = Lake.from_uri(str(path))
    first = datetime.now(UTC).replace(hour=12, minute=0, second=0, microsecond=0) - timedelta(days=days + 1)
    for k in range(files):
        posts = [
            make_post(d * 100 + k * 5 + i, created_at=first + timedelta(days=d, minutes=i))
            for d in range(days)
            for i in range(5)
        ]
        lake.append_posts(posts, run_id=f"r{k}")
    return lake


def run(*argv: str) -> int:
    try:
        return main(list(argv))
    except SystemExit as exc:
        return int(exc.code or 0)


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_retention_is_refused_when_nobody_can_confirm_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # On main: every partition older than the retention was deleted at once, no question asked, exit 0.
    lake = lake_of_days(tmp_path / "lake")
    monkeypatch.setattr("sys.stdin", io.StringIO(""))  # a pipe or cron: not a terminal
    assert run("compact", "--lake", lake.root, "--retention-days", "4") == 2
    err = capsys.readouterr().err
    assert "compact would delete 3 posts partitions older than 4 days" in err
    assert "pass --yes to delete them, or --dry-run to list them" in err
    assert len(lake.days("CA")) == 6 and len(lake.partition_files("CA", lake.days("CA")[0])) == 3  # untouched


def test_dry_run_lists_what_would_go_and_changes_nothing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    lake = lake_of_days(tmp_path / "lake")
    days = lake.days("CA")
    assert run("compact", "--lake", lake.root, "--retention-days", "4", "--dry-run") == 0
    document = json.loads(capsys.readouterr().out)
    assert document["dry_run"] is True
    assert document["would_drop"] == [f"posts/country=CA/dt={d}" for d in days[:3]]
    assert document["would_compact"] == {f"posts/country=CA/dt={d}": 3 for d in days[3:]}
    assert document["partitions_dropped"] == [] and document["files_before"] == 0
    assert lake.days("CA") == days and all(len(lake.partition_files("CA", d)) == 3 for d in days)


def test_yes_deletes_and_compacts(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    lake = lake_of_days(tmp_path / "lake")
    days = lake.days("CA")
    assert run("compact", "--lake", lake.root, "--retention-days", "4", "--yes") == 0
    document = json.loads(capsys.readouterr().out)
    assert document["partitions_dropped"] == [f"posts/country=CA/dt={d}" for d in days[:3]]
    assert document["files_before"] == 9 and document["files_after"] == 3 and document["erased"] == 0
    assert lake.days("CA") == days[3:]


@pytest.mark.parametrize(("answer", "code", "left"), [("y\n", 0, 3), ("n\n", 2, 6), ("", 2, 6)])
def test_a_terminal_is_asked(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    answer: str,
    code: int,
    left: int,
) -> None:
    lake = lake_of_days(tmp_path / "lake")
    monkeypatch.setattr("sys.stdin", Terminal(answer))
    assert run("compact", "--lake", lake.root, "--retention-days", "4") == code
    out, err = capsys.readouterr()
    assert "compact will delete 3 posts partitions older than 4 days" in err
    assert "Delete them? [y/N]" in out  # input() prompts on stdout
    if code:
        assert "not confirmed, nothing changed" in err
    assert len(lake.days("CA")) == left


def test_without_confirmation_the_library_deletes_nothing(tmp_path: Path) -> None:
    lake = lake_of_days(tmp_path / "lake")
    with pytest.raises(RetentionNotConfirmedError, match="would delete 3 partitions"):
        maintain(lake, run_id="m", today=date.today(), retention_days=4)
    assert len(lake.days("CA")) == 6 and len(lake.partition_files("CA", lake.days("CA")[-1])) == 3


# --- one compaction at a time ------------------------------------------------------------------------------

HOLD = """
import sys
from listening_post.lease import FileLease
with FileLease(sys.argv[1], name="compaction", holder="holder-run"):
    print("held", flush=True)
    sys.stdin.readline()
"""


def cli(*argv: str, **kwargs: Any) -> subprocess.Popen[str]:
    command = [sys.executable, "-m", "listening_post.cli", *argv]
    return subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **kwargs)


def test_a_second_process_finds_the_lock_and_stops_and_a_crash_frees_it(tmp_path: Path) -> None:
    lake = lake_of_days(tmp_path / "lake", days=3)
    lock = Path(lake.root) / "state" / "locks" / "compact.lock"
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(lock)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        second = cli("compact", "--lake", lake.root, "--retention-days", "3650")
        out, err = second.communicate(timeout=60)
        assert second.returncode == 0, err
        document = json.loads(out)
        assert document["skipped"].startswith("another compaction is running on this lake (run holder-run, process")
        assert "this run changed nothing" in err and "Traceback" not in err
        assert all(len(lake.partition_files("CA", d)) == 3 for d in lake.days("CA"))
    finally:
        holder.send_signal(signal.SIGKILL)  # a crash: the lease goes with the process
        holder.communicate(timeout=10)
    third = cli("compact", "--lake", lake.root, "--retention-days", "3650")
    out, err = third.communicate(timeout=60)
    assert third.returncode == 0, err
    assert json.loads(out)["files_after"] == 3
    assert all(len(lake.partition_files("CA", d)) == 1 for d in lake.days("CA"))


def test_two_compactions_started_together_leave_one_file_per_partition(tmp_path: Path) -> None:
    # On main: one of them failed with "Cannot delete file" and two compacted files remained per partition.
    lake = lake_of_days(tmp_path / "lake", days=8, files=6)
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    runs = [cli("compact", "--lake", lake.root, "--retention-days", "3650", env=env) for _ in range(2)]
    results = [(p.communicate(timeout=120), p.returncode) for p in runs]
    for (_, err), code in results:
        assert code == 0, err
        assert "Traceback" not in err and "Cannot delete" not in err
    documents = [json.loads(out) for (out, _), _ in results]
    assert sum(d.get("files_after", 0) for d in documents) == 8  # one run did the work
    assert all(len(lake.partition_files("CA", d)) == 1 for d in lake.days("CA"))
    assert lake.read_posts("CA", date(2000, 1, 1), date(2100, 1, 1)).num_rows == 8 * 6 * 5


@pytest.fixture
def dynamodb() -> Any:
    with mock_aws():
        client = boto3.client("dynamodb", region_name="us-east-1")
        client.create_table(TableName="state", BillingMode="PAY_PER_REQUEST", **STATE_TABLE_KEYS)
        yield client


def test_the_state_table_lease_keeps_a_second_run_out_until_it_expires(dynamodb: Any) -> None:
    now = time.time()
    first = DynamoDBLease(dynamodb, "state", name="compaction", holder="run-1", seconds=1200, clock=lambda: now)
    second = DynamoDBLease(dynamodb, "state", name="compaction", holder="run-2", seconds=1200, clock=lambda: now + 60)
    with first, pytest.raises(LeaseHeldError, match=r"another compaction is running \(run run-1, since .*expires"):
        second.__enter__()
    with second:  # released by the first
        pass
    item = dynamodb.get_item(TableName="state", Key=first.key).get("Item")
    assert item is None


def test_a_crashed_run_blocks_the_lease_only_until_its_expiry(dynamodb: Any) -> None:
    now = time.time()
    crashed = DynamoDBLease(dynamodb, "state", name="compaction", holder="crashed", seconds=1200, clock=lambda: now)
    crashed.__enter__()  # and never leaves
    early = DynamoDBLease(dynamodb, "state", name="compaction", holder="early", seconds=1200, clock=lambda: now + 600)
    with pytest.raises(LeaseHeldError):
        early.__enter__()
    late = DynamoDBLease(dynamodb, "state", name="compaction", holder="late", seconds=1200, clock=lambda: now + 1201)
    with late:
        crashed.__exit__(None, None, None)  # the crashed run, back late, cannot release what is not its own
        item = dynamodb.get_item(TableName="state", Key=late.key)["Item"]
        assert item["holder"]["S"] == "late" and int(item["expires_at"]["N"]) == int(now + 1201) + 1200
    assert "Item" not in dynamodb.get_item(TableName="state", Key=late.key)


def test_the_compact_function_skips_while_another_holds_the_lease(aws: dict[str, Any]) -> None:  # noqa: F811
    lake = Lake.from_uri(str(aws["lake_dir"]))
    at = datetime(2026, 11, 17, 9, tzinfo=UTC)
    for k in range(3):
        lake.append_posts([make_post(k, created_at=at)], run_id=f"r{k}")
    client = boto3.client("dynamodb", region_name="us-east-1")
    handler = load_handler("compact")
    with DynamoDBLease(client, TABLE, name="compaction", holder="other-run", seconds=1200):
        result = handler.lambda_handler(event("compact"), FakeContext())
    assert result["skipped"].startswith("another compaction is running (run other-run")
    assert len(lake.partition_files("CA", "2026-11-17")) == 3
    result = handler.lambda_handler(event("compact"), FakeContext())
    assert result["files_before"] == 3 and result["files_after"] == 1
