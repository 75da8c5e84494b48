"""The first hour of use, on the example configuration: no AWS set up and no network must end in a report,
not in a traceback or minutes of retries. Every fetcher is pointed at 127.0.0.1 ports nothing listens on
and at ``.invalid`` names (RFC 2606: they never resolve), never at an outside address."""

from __future__ import annotations

import io
import json
import socket
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import yaml

from listening_post.cli import main
from tests.conftest import ROOT

pytestmark = pytest.mark.integration

AWS_VARIABLES = (
    "AWS_REGION",
    "AWS_DEFAULT_REGION",
    "AWS_PROFILE",
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
    "AWS_ENDPOINT_URL",
    "AWS_ENDPOINT_URL_S3",
)


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])  # closed when the block ends: nobody listens there


def offline_example(tmp_path: Path) -> Path:
    """config/example.yaml as written, with every address it would ask replaced by one that fails locally:
    feeds and GDELT on closed 127.0.0.1 ports, Google News and Mastodon on names that do not resolve."""
    document: dict[str, Any] = yaml.safe_load((ROOT / "config" / "example.yaml").read_text())
    for n, country in enumerate(document["countries"]):
        for k, feed in enumerate(country["sources"]["rss"]["feeds"]):
            feed["url"] = (
                f"http://127.0.0.1:{closed_port()}/feed-{n}-{k}.xml" if k % 2 == 0 else f"https://feeds-{n}.invalid/rss"
            )
    sources = document["sources"]
    sources["google_news"] = {"base_url": "https://news.invalid"}
    sources["mastodon"]["instances"] = ["mastodon.invalid"]
    sources["gdelt"]["base_url"] = f"http://127.0.0.1:{closed_port()}/api/v2/doc/doc"
    path = tmp_path / "offline.yaml"
    path.write_text(yaml.safe_dump(document, allow_unicode=True))
    return path


@pytest.fixture
def no_aws(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, author_key: str) -> None:
    """No region, no credentials, no profile: a laptop on which AWS was never set up."""
    for name in AWS_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "no-aws-config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "no-aws-credentials"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")  # never ask an instance metadata address


def run(*argv: str) -> int:
    try:
        return main(list(argv))
    except SystemExit as exc:
        return int(exc.code or 0)


def test_collect_without_an_aws_region_skips_the_secrets_manager_sources(
    tmp_path: Path, no_aws: None, capsys: pytest.CaptureFixture[str]
) -> None:
    # On main: botocore's NoRegionError escaped as a 40-line traceback before any job ran.
    code = run("collect", "--config", str(offline_example(tmp_path)), "--lake", str(tmp_path / "lake"))
    out, err = capsys.readouterr()
    assert code == 1  # every job that ran failed: nothing could be reached
    assert "Traceback" not in err
    summary = json.loads(out.strip().splitlines()[-1])
    sources = summary["sources"]
    # X's token is a Secrets Manager secret in the example; the others first name a variable that is not set.
    assert sources["x"]["skipped"] == (
        "missing credentials (bearer_token): Secrets Manager needs an AWS region: set AWS_REGION "
        "(or a region in the AWS profile)"
    )
    for source in ("reddit", "bluesky", "youtube"):
        assert "environment variable" in sources[source]["skipped"]
    for source in ("rss", "google_news", "mastodon", "gdelt"):
        assert "skipped" not in sources[source]


def test_collect_with_a_region_but_no_credentials_says_so(
    tmp_path: Path, no_aws: None, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("AWS_REGION", "eu-central-1")
    run("collect", "--config", str(offline_example(tmp_path)), "--lake", str(tmp_path / "lake"), "--source", "x")
    sources = json.loads(capsys.readouterr().out.strip().splitlines()[-1])["sources"]
    assert sources == {
        "x": {
            "skipped": "missing credentials (bearer_token): Secrets Manager needs AWS credentials: none were "
            "found (environment, AWS profile, SSO or instance role)"
        }
    }


def test_collect_with_no_network_gives_up_within_seconds_and_says_why(
    tmp_path: Path, no_aws: None, capsys: pytest.CaptureFixture[str]
) -> None:
    # On main: every request to a refusing or unknown host was retried with backoff (212 s on a laptop with
    # no network for the example configuration; 5 attempts per request with up to 60 s of backoff each).
    lake = tmp_path / "lake"
    config = offline_example(tmp_path)
    document = yaml.safe_load(config.read_text())
    feeds = [f["url"] for c in document["countries"] for f in c["sources"]["rss"]["feeds"]]
    urls = [*feeds, "https://news.invalid", "https://mastodon.invalid", document["sources"]["gdelt"]["base_url"]]
    hosts = {urlsplit(u).netloc for u in urls}
    started = time.monotonic()
    code = run("collect", "--config", str(config), "--lake", str(lake))
    elapsed = time.monotonic() - started
    out, err = capsys.readouterr()
    assert elapsed < 30, f"collect took {elapsed:.1f} s with no network"
    assert code == 1
    summary = json.loads(out.strip().splitlines()[-1])
    (note,) = summary["notes"]
    assert note.startswith(f"no network? none of the {len(hosts)} hosts asked could be reached")
    assert "no network?" in err and "Traceback" not in err
    report = json.loads((lake / summary["report"]).read_text())
    assert report["notes"] == [note]
    errors = [e for s in report["sources"].values() for e in s["errors"]]
    assert errors and all("could not connect" in e or "did not resolve" in e or "marked down" in e for e in errors)
    assert sum("is not asked again" in e for e in errors) == len(hosts)  # one real attempt per host


@pytest.mark.parametrize(
    ("region", "missing"),
    [
        (None, "needs an AWS region: set AWS_REGION (or a region in the AWS profile)"),
        ("eu-central-1", "needs AWS credentials: none were found (environment, AWS profile, SSO or instance role)"),
    ],
)
def test_score_with_a_cloud_backend_and_no_aws_is_one_line(
    no_aws: None,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    region: str | None,
    missing: str,
) -> None:
    # On main: NoRegionError (or, with a region, NoCredentialsError at the first text) as a traceback.
    if region:
        monkeypatch.setenv("AWS_REGION", region)
    monkeypatch.setattr("sys.stdin", io.StringIO("What a lovely day\n"))
    code = run("score", "--lang", "en", "--backend", "comprehend")
    out, err = capsys.readouterr()
    assert code == 2 and out == ""
    assert err.splitlines() == [f"listening-post: Amazon Comprehend {missing}"]


# --- summarize: refuse what cannot be a brief, write an honest empty one for a quiet past week ----------

DEMO_CONFIG = ROOT / "layers" / "core" / "listening_post" / "demo" / "config.yaml"


@pytest.fixture
def small_lake(tmp_path: Path) -> Path:
    from datetime import UTC, datetime, timedelta

    from listening_post.lake import Lake
    from tests.helpers import make_post

    start = datetime(2026, 11, 16, 12, tzinfo=UTC)
    posts = [make_post(i, created_at=start + timedelta(hours=i)) for i in range(20)]
    Lake.from_uri(str(tmp_path / "lake")).append_posts(posts, run_id="r1")
    return tmp_path / "lake"


def summarize(lake: Path | str, country: str, week: str) -> int:
    return run("summarize", "--lake", str(lake), "--config", str(DEMO_CONFIG), "--country", country, "--week", week)


def briefs(lake: Path) -> list[str]:
    return sorted(str(p.relative_to(lake)) for p in lake.glob("briefs/*/*"))


def test_summarize_refuses_a_lake_that_does_not_exist(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # On main: the folder was created, an empty brief written, exit 0.
    missing = tmp_path / "no-such-lake"
    assert summarize(missing, "CA", "2026-W47") == 2
    assert f"no lake at {missing}: the folder does not exist" in capsys.readouterr().err
    assert not missing.exists()


def test_summarize_refuses_a_folder_that_holds_no_posts(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "empty").mkdir()
    assert summarize(tmp_path / "empty", "CA", "2026-W47") == 2
    assert "it holds no posts/" in capsys.readouterr().err
    assert not list((tmp_path / "empty").iterdir())


def test_summarize_refuses_a_week_that_has_not_begun(small_lake: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from datetime import date, timedelta

    from listening_post.weeks import IsoWeek

    future = IsoWeek.of(date.today() + timedelta(days=14))
    assert summarize(small_lake, "CA", str(future)) == 2
    assert f"week {future} has not begun yet in CA" in capsys.readouterr().err
    assert briefs(small_lake) == []


def test_summarize_refuses_a_country_not_in_the_configuration(
    small_lake: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # On main: FR was briefed in UTC with no topics, and the empty week appeared in serve's index.
    assert summarize(small_lake, "FR", "2026-W47") == 2
    assert "country FR is not in the configuration (its countries: CA, DE)" in capsys.readouterr().err
    assert briefs(small_lake) == []


def test_summarize_writes_an_honest_empty_brief_for_a_quiet_past_week(
    small_lake: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert summarize(small_lake, "CA", "2026-W40") == 0
    assert briefs(small_lake) == ["briefs/country=CA/week=2026-W40"]
    summary = json.loads((small_lake / "briefs/country=CA/week=2026-W40/summary.json").read_text())
    assert summary["volume"]["posts"] == 0
    assert summarize(small_lake, "CA", "2026-W47") == 0  # the week with the posts


# --- --help and the README ---------------------------------------------------------------------------------


def test_every_option_says_what_it_does_and_its_default() -> None:
    # On main: 13 options had no description (summarize --country, --lake of four commands, serve --port...).
    import argparse

    from listening_post.cli import build_parser

    parser = build_parser()
    (commands,) = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    missing = []
    for name, sub in [("listening-post", parser), *commands.choices.items()]:
        for action in sub._actions:
            if isinstance(action, (argparse._HelpAction, argparse._VersionAction, argparse._SubParsersAction)):
                continue
            where = f"{name} {'/'.join(action.option_strings) or action.dest}"
            text = action.help or ""
            if not text:
                missing.append(f"{where}: no description")
            elif action.option_strings and not action.required and not isinstance(action, argparse._StoreTrueAction):
                if "default" not in text:
                    missing.append(f"{where}: no default")
            elif action.option_strings and action.required and "required" not in text:
                missing.append(f"{where}: not marked required")
    assert missing == []


def test_the_readme_names_the_demo_key() -> None:
    from listening_post.enrich.pseudonym import DEMO_AUTHOR_KEY

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert f"LISTENING_POST_AUTHOR_KEY={DEMO_AUTHOR_KEY.decode()}" in readme
