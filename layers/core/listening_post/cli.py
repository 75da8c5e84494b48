"""The ``listening-post`` command line. Each command parses its arguments and calls one library function.

Exit codes: 0 done; 1 nothing useful could be done (every input failed); 2 bad usage, configuration or
missing key. Bad input never ends in a traceback.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from collections.abc import Callable, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any, NoReturn
from zoneinfo import ZoneInfo

from pydantic import ValidationError

from listening_post import __version__, secrecy
from listening_post.aws.setup import AwsSetupError
from listening_post.codes import COUNTRIES
from listening_post.config import SOURCE_NAMES, Config, ConfigError, load_config
from listening_post.deployment import Deployment
from listening_post.enrich.pseudonym import MissingAuthorKeyError, Pseudonymiser
from listening_post.layout import PATHS
from listening_post.settings import DEFAULT_CONFIG, Settings, get_settings
from listening_post.sources import registry
from listening_post.weeks import IsoWeek, WeekError

log = logging.getLogger("listening_post")


LAKE_HELP = "local folder or s3://bucket/prefix (default: $LISTENING_POST_LAKE, else ./lake)"
CONFIG_HELP = f"configuration file (default: $LISTENING_POST_CONFIG, else {DEFAULT_CONFIG})"


class UsageError(Exception):
    """Bad arguments: exit 2 with the message."""


def _country(value: str) -> str:
    if value not in COUNTRIES:
        hint = f" (did you mean {value.upper()}?)" if value.upper() in COUNTRIES else ""
        raise argparse.ArgumentTypeError(f"{value!r} is not an ISO 3166-1 alpha-2 country code{hint}")
    return value


def _week(value: str) -> IsoWeek:
    try:
        return IsoWeek.parse(value)
    except WeekError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _port(value: str) -> int:
    if not value.isdigit() or int(value) > 65535:
        raise argparse.ArgumentTypeError(f"{value!r} is not a port number (0 to 65535)")
    return int(value)


def _lake(args: argparse.Namespace, settings: Settings) -> Any:
    from listening_post.lake import Lake

    return Lake.from_uri(args.lake or settings.lake, endpoint_url=settings.aws_endpoint_url, region=settings.aws_region)


def _config(path: str | None, settings: Settings, *, required: bool) -> Config | None:
    """The configuration named on the command line, in the environment, or the example by default."""
    chosen = path or settings.config
    if chosen is None:
        if not Path(DEFAULT_CONFIG).exists():
            if required:
                raise UsageError(
                    f"no configuration: pass --config or set LISTENING_POST_CONFIG ({DEFAULT_CONFIG} "
                    "does not exist here)"
                )
            log.warning("no configuration found: topics will not be matched (pass --config)")
            return None
        chosen = DEFAULT_CONFIG
    return load_config(chosen)


def _deployment(settings: Settings, config: Config | None = None) -> Deployment:
    """The composition root the deployed functions use too, with the configuration the command read."""
    return Deployment(settings, config=config)


def _pseudonymiser(settings: Settings, config: Config | None) -> Pseudonymiser:
    """The author key in the deployment's one order (deployment.py; README, "The author key")."""
    return _deployment(settings, config).pseudonymiser


# --- commands ------------------------------------------------------------------------------------


def cmd_validate_config(args: argparse.Namespace, settings: Settings) -> int:
    from listening_post.scoring.backends import backend_lines

    path = args.config or settings.config or DEFAULT_CONFIG
    config = load_config(path)
    queries = sum(len(c.queries) for c in config.countries)
    print(f"{path}: valid ({len(config.countries)} countries, {queries} queries, {len(config.topics)} topics)")
    for line in backend_lines(config):
        print(line)
    return 0


def cmd_import(args: argparse.Namespace, settings: Settings) -> int:
    from listening_post.pipeline import (
        Enricher,
        PayloadTooLargeError,
        UnreadableFileError,
        ingest_payloads,
        read_files,
    )

    files = _input_files(args.files)
    config = _config(args.config, settings, required=False)
    deployment = _deployment(settings, config)
    pseudonymiser = deployment.pseudonymiser
    lake = _lake(args, settings)
    enricher = Enricher.from_config(config, pseudonymiser, backends=deployment.sentiment_backends)
    try:
        result = ingest_payloads(
            read_files(files, max_bytes=int(settings.max_payload_mb * 1024 * 1024)),
            source=args.source,
            country=args.country,
            query_id=args.query_id,
            lake=lake,
            enricher=enricher,
        )
    except UnreadableFileError as exc:
        hint = (
            " (LISTENING_POST_MAX_PAYLOAD_MB sets the limit, in MiB)" if isinstance(exc, PayloadTooLargeError) else ""
        )
        raise UsageError(f"{exc}; nothing was imported{hint}") from None
    print(json.dumps(result.counts()))
    for origin, why in result.unreadable:  # the file's shape and the shapes read, said where the user looks
        log.warning("%s: %s", origin, why)
    if result.withdrawn:
        log.info(
            "%d records were no public post (deleted, blocked, direct or followers-only): not stored", result.withdrawn
        )
    if result.failed_payloads == result.payloads:
        log.error(
            "none of the %d files could be read as %s responses; see quarantine/ in %s",
            result.payloads,
            args.source,
            lake.uri,
        )
        return 1
    return 0


def _input_files(names: Sequence[str]) -> list[str]:
    """The files named, with a directory standing for every file under it (hidden ones skipped)."""
    files: list[str] = []
    missing: list[str] = []
    for name in names:
        path = Path(name)
        if path.is_dir():
            found = sorted(
                str(p)
                for p in path.rglob("*")
                if p.is_file() and not any(part.startswith(".") for part in p.relative_to(path).parts)
            )
            if not found:
                raise UsageError(f"{name} is a directory with no files in it")
            files.extend(found)
        elif path.is_file():
            files.append(name)
        else:
            missing.append(name)
    if missing:
        raise UsageError("no such file: " + ", ".join(missing))
    return files


def cmd_collect(args: argparse.Namespace, settings: Settings) -> int:
    from listening_post.collect import collect, http_client
    from listening_post.cursors import LakeCursorStore
    from listening_post.pipeline import Enricher

    config = _config(args.config, settings, required=True)
    assert config is not None
    if args.country and args.country not in {c.code for c in config.countries}:
        raise UsageError(f"country {args.country} is not in the configuration")
    deployment = _deployment(settings, config)
    pseudonymiser = deployment.pseudonymiser
    lake = _lake(args, settings)

    report = collect(
        config,
        lake=lake,
        enricher=Enricher.from_config(config, pseudonymiser, backends=deployment.sentiment_backends),
        http=http_client(config),
        secrets=deployment.secrets,
        cursors=LakeCursorStore(lake),
        countries=[args.country] if args.country else None,
        sources=[args.source] if args.source else None,
        progress=lambda line: print(line, file=sys.stderr, flush=True),
    )
    print(json.dumps(report.summary()))
    return 1 if report.failed else 0


def cmd_summarize(args: argparse.Namespace, settings: Settings) -> int:
    from listening_post.pipeline import summarise

    config = _config(args.config, settings, required=False)
    timezone = "UTC"
    if config is not None:
        try:
            timezone = config.country(args.country).timezone
        except KeyError:
            configured = ", ".join(c.code for c in config.countries)
            raise UsageError(
                f"country {args.country} is not in the configuration (its countries: {configured}); "
                "a brief needs the country's time zone, languages and topics"
            ) from None
    today = datetime.now(ZoneInfo(timezone)).date()
    if args.week.monday > today:
        raise UsageError(
            f"week {args.week} has not begun yet in {args.country} (today is {today}, week {IsoWeek.of(today)})"
        )
    # Checked before the lake is opened: opening a local lake creates its folder.
    uri = args.lake or settings.lake
    if "://" not in uri.replace("file://", "") and not Path(uri.removeprefix("file://")).expanduser().is_dir():
        raise UsageError(f"no lake at {uri}: the folder does not exist (check --lake or LISTENING_POST_LAKE)")
    lake = _lake(args, settings)
    if not lake.list_dir(lake.paths.POSTS):
        raise UsageError(f"no lake at {lake.uri}: it holds no posts/ (import, collect or demo first, or check --lake)")
    result = summarise(lake, config, args.country, args.week, out_dir=args.out)
    for path in result.out_paths or result.lake_paths:
        print(path)
    return 0


def cmd_alerts(args: argparse.Namespace, settings: Settings) -> int:
    from listening_post.alerts import command
    from listening_post.alerts.delivery import channels_for

    config = _config(args.config, settings, required=True)
    assert config is not None
    if args.country and args.country not in {c.code for c in config.countries}:
        raise UsageError(f"country {args.country} is not in the configuration")
    try:
        at = command.parse_at(args.at)
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    lake = _lake(args, settings)
    resolver = _deployment(settings, config).secrets  # Secrets Manager references too, as the function reads them
    countries = [args.country] if args.country else [c.code for c in config.countries]
    command.run(
        lake, config, countries, at, dry_run=args.dry_run, channels=lambda cc: channels_for(config, cc, resolver)
    )
    return 0


def cmd_demo(args: argparse.Namespace, settings: Settings) -> int:
    from listening_post.demo import run_demo

    result = run_demo(args.lake or "demo-lake", echo=lambda line: print(line, flush=True))
    print()
    print(f"Briefs are in {result.briefs_dir}:")
    for path in result.latest_briefs:
        print(f"  {path}")
    return 0


def cmd_compact(args: argparse.Namespace, settings: Settings) -> int:
    from datetime import UTC, datetime

    from listening_post.lease import LeaseHeldError
    from listening_post.maintenance import RetentionNotConfirmedError, maintain
    from listening_post.pipeline import new_run_id

    config = _config(args.config, settings, required=False)
    retention = args.retention_days if args.retention_days is not None else (config.retention_days if config else None)
    lake = _lake(args, settings)
    run_id = new_run_id()

    def run() -> dict[str, Any]:
        report = maintain(
            lake,
            run_id=run_id,
            today=datetime.now(UTC).date(),
            retention_days=retention,
            countries=[args.country] if args.country else None,
            dry_run=args.dry_run,
            links_retention_days=config.links_retention_days if config else None,
            confirm=lambda doomed: _confirm_retention(doomed, retention, yes=args.yes),
        )
        return report.document()

    try:
        if args.dry_run:  # reads only: no lease needed
            document = run()
        else:
            with _compaction_lease(lake, settings, run_id):
                document = run()
    except LeaseHeldError as exc:
        print(json.dumps({"run_id": run_id, "skipped": str(exc)}))
        print(f"listening-post: {exc}; this run changed nothing", file=sys.stderr)
        return 0
    except RetentionNotConfirmedError as exc:
        raise UsageError(str(exc)) from None
    print(json.dumps(document))
    return 0


def _confirm_retention(doomed: list[str], retention: int | None, *, yes: bool) -> bool:
    """Retention deletes for good: ask on a terminal, refuse elsewhere unless --yes."""
    if yes:
        return True
    days = sorted(PATHS.day_of(p) for p in doomed)
    what = f"{len(doomed)} posts partitions older than {retention} days (dt {days[0]} to {days[-1]})"
    if not sys.stdin or not sys.stdin.isatty():
        raise UsageError(
            f"compact would delete {what}; nothing was asked, as stdin is not a terminal: "
            "pass --yes to delete them, or --dry-run to list them"
        )
    print(f"compact will delete {what}:", file=sys.stderr)
    for partition in doomed[:10]:
        print(f"  {partition}", file=sys.stderr)
    if len(doomed) > 10:
        print(f"  ... and {len(doomed) - 10} more (--dry-run lists them all)", file=sys.stderr)
    try:
        answer = input("Delete them? [y/N] ")
    except EOFError:
        answer = ""
    return answer.strip().lower() in ("y", "yes")


def _compaction_lease(lake: Any, settings: Settings, run_id: str) -> Any:
    """A lock file in a local lake; the state table's lease for an S3 lake when the table is named."""
    import contextlib

    from listening_post.lease import FileLease

    if lake.is_local:
        return FileLease(Path(lake.root) / lake.paths.compaction_lock(), name="compaction", holder=run_id)
    if settings.state_table:
        from listening_post.aws.lease import DynamoDBLease
        from listening_post.maintenance import LEASE_SECONDS

        client = _deployment(settings).client("dynamodb", purpose="the compaction lease")
        return DynamoDBLease(client, settings.state_table, name="compaction", holder=run_id, seconds=LEASE_SECONDS)
    log.warning("no lease: set LISTENING_POST_STATE_TABLE so that two compactions of %s cannot overlap", lake.uri)
    return contextlib.nullcontext()


def cmd_erase_author(args: argparse.Namespace, settings: Settings) -> int:
    from listening_post.analysis.weekly import SummaryInput
    from listening_post.authors import AuthorFormError, native_author
    from listening_post.erasure import erase_author
    from listening_post.pipeline import new_run_id, summarise

    try:
        native = native_author(args.source, args.handle)
    except AuthorFormError as exc:
        raise UsageError(f"{args.source}: {exc}") from None
    names = {native.lower(), native.split("@")[0].lower(), args.handle.strip().lstrip("@").lower()}
    if any(name and name in args.reason.lower() for name in names):
        raise UsageError("--reason is kept in the erasure ledger: it must not name the author (give a case reference)")
    config = _config(args.config, settings, required=False)
    author_id = _pseudonymiser(settings, config).author_id(args.source, native)
    assert author_id is not None
    lake = _lake(args, settings)
    weeks: dict[tuple[str, IsoWeek], str | None] = {}
    zones: dict[str, ZoneInfo] = {}

    def rebuild(country: str, when: datetime) -> str | None:
        # Once per (country, week): an author's posts of one week must not rebuild its brief once each.
        if country not in zones:
            zones[country] = ZoneInfo(SummaryInput.from_config(config, country, IsoWeek.of(when.date())).timezone)
        week = IsoWeek.of(when.astimezone(zones[country]).date())
        if (country, week) not in weeks:
            weeks[(country, week)] = None
            if lake.exists(lake.paths.brief(country, week, "summary.json")):
                weeks[(country, week)] = summarise(lake, config, country, week).lake_paths[0].rsplit("/", 1)[0]
        return weeks[(country, week)]

    report = erase_author(
        lake,
        author_id,
        run_id=new_run_id(),
        source=args.source,
        reason=args.reason,
        rebuild=rebuild,
        progress=lambda line: print(line, file=sys.stderr, flush=True),
    )
    print(json.dumps(report.document()))
    if not report.complete:
        print(
            f"listening-post: rows of this author kept reappearing while other runs wrote to the lake "
            f"({report.passes} passes); those runs drop the author from now on: run erase-author again",
            file=sys.stderr,
        )
        return 1
    if report.matched:
        return 0
    if report.already_erased_at:
        print(
            f"listening-post: erased on {report.already_erased_at}; no post or quarantined record of this author "
            "remains",
            file=sys.stderr,
        )
        return 0
    forms = registry.emitted_by()[args.source].author_form
    print(
        f"listening-post: nothing matched: no post or quarantined record in {lake.uri} has the pseudonym of "
        f"{args.source} {native!r}. Either the author key (LISTENING_POST_AUTHOR_KEY) is not the one this lake "
        f"was written with, the handle is not in the form {args.source} stores ({forms}), or nothing of this "
        "author was collected. The author is in the erasure ledger now, so their posts will not enter the lake.",
        file=sys.stderr,
    )
    return 1


def cmd_serve(args: argparse.Namespace, settings: Settings) -> int:
    import errno

    from listening_post.web.api import create_app
    from listening_post.web.store import BriefStore

    try:
        from listening_post.web.server import make_server
    except ImportError as exc:  # waitress is the `serve` extra
        raise UsageError(f"serve needs {exc.name}: pip install 'listening-post[serve]'") from None

    config = _config(args.config, settings, required=False)
    configured = {c.code: c.display_name for c in config.countries} if config else {}
    app = create_app(BriefStore(_lake(args, settings)), configured)
    try:
        server = make_server(app, args.host, args.port)
    except OSError as exc:
        if exc.errno == errno.EADDRINUSE:
            raise UsageError(f"port {args.port} on {args.host} is in use; choose another with --port") from None
        if exc.errno == errno.EADDRNOTAVAIL:
            raise UsageError(f"{args.host} is not an address of this machine (--host)") from None
        raise
    host, port = server.server_address[:2]
    print(f"Serving the briefs on http://{host!s}:{port}/ (Ctrl-C to stop)", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0


def cmd_score(args: argparse.Namespace, settings: Settings) -> int:
    from listening_post.enrich.language import UNDETERMINED, LanguageDetector
    from listening_post.enrich.text import clean_text
    from listening_post.scoring.backends import build_scorer
    from listening_post.scoring.sentiment import SentimentScorer

    expected: tuple[str, ...] = ()
    choices: dict[str, str] = {}
    if args.country:
        config = _config(args.config, settings, required=True)
        if config is None:
            raise UsageError("--country needs a configuration")
        try:
            country = config.country(args.country)
        except KeyError:
            raise UsageError(f"country {args.country} is not configured in the configuration") from None
        expected, choices = tuple(country.languages), dict(country.sentiment)
    factory = _deployment(settings).sentiment_backends
    if args.backend:
        if not args.lang:
            raise UsageError("--backend needs --lang: a backend is chosen for one language")
        try:
            scorer = SentimentScorer({args.lang: factory.backend(args.backend, args.lang)})
        except ValueError as exc:
            raise UsageError(str(exc)) from None
    else:
        scorer = build_scorer(choices, factory)
    detector = LanguageDetector()
    out = sys.stdout
    for line in sys.stdin:
        text = clean_text(line)
        lang = args.lang or (detector.detect(text, expected=expected) if text else UNDETERMINED)
        s = scorer.score(text, lang)
        out.write(
            json.dumps(
                {"lang": lang, "sentiment": s.compound, "label": s.label, "model": s.model},
                ensure_ascii=False,
            )
            + "\n"
        )
    return 0


# --- parser ------------------------------------------------------------------------------------


def cmd_migrate_identity(args: argparse.Namespace, settings: Settings) -> int:
    from listening_post.identity_migration import migrate_identity
    from listening_post.pipeline import new_run_id

    # The key first: Bluesky ids become keyed hashes, and nothing is rewritten without one.
    # No --config here: the configuration's key reference is read from LISTENING_POST_CONFIG when set.
    pseudonymiser = _pseudonymiser(settings, load_config(settings.config) if settings.config else None)
    report = migrate_identity(_lake(args, settings), pseudonymiser, run_id=new_run_id())
    print(json.dumps(report.document()))
    for error in report.errors:
        print(f"listening-post: not migrated (unreadable): {error}", file=sys.stderr)
    return 1 if report.errors else 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="listening-post",
        description="Public-opinion listening for diplomatic missions: collect, score, store, brief.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument("-v", "--verbose", action="store_true", help="more progress on stderr (default: off)")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def command(name: str, func: Callable[[argparse.Namespace, Settings], int], help_: str) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=help_, description=help_)
        p.set_defaults(func=func)
        return p

    p = command("validate-config", cmd_validate_config, "check a configuration file and list every problem")
    p.add_argument(
        "config", nargs="?", help=f"configuration file (default: $LISTENING_POST_CONFIG or {DEFAULT_CONFIG})"
    )

    p = command("import", cmd_import, "parse saved API responses into the lake")
    p.add_argument("--source", required=True, choices=SOURCE_NAMES, help="the platform the files come from (required)")
    p.add_argument("--country", required=True, type=_country, help="host country, ISO 3166-1 alpha-2 (required)")
    p.add_argument("--query-id", default=None, help="the configured query these responses answer (default: none)")
    p.add_argument("--lake", help=LAKE_HELP)
    p.add_argument(
        "--config", help=f"configuration whose topics are matched (default: as for collect, {DEFAULT_CONFIG})"
    )
    p.add_argument(
        "files", nargs="+", metavar="FILE", help="saved responses (.gz unpacked); a directory: every file in it"
    )

    p = command("collect", cmd_collect, "collect the configured queries live from every source into the lake")
    p.add_argument("--config", help=CONFIG_HELP)
    p.add_argument("--lake", help=LAKE_HELP)
    p.add_argument("--country", type=_country, help="only this host country (default: every configured country)")
    p.add_argument("--source", choices=SOURCE_NAMES, help="only this source (default: every source of each query)")

    p = command("summarize", cmd_summarize, "write summary.json, brief.html and brief.md for a country and week")
    p.add_argument("--country", required=True, type=_country, help="a configured host country (required)")
    p.add_argument("--week", required=True, type=_week, help="ISO week, e.g. 2026-W47, begun already (required)")
    p.add_argument("--lake", help=LAKE_HELP)
    p.add_argument("--out", help="also write the three files into this folder (default: only into the lake)")
    p.add_argument("--config", help=CONFIG_HELP)

    p = command("demo", cmd_demo, "run the whole flow offline on the bundled sample data")
    p.add_argument("--lake", help="where to build the demo lake (default: ./demo-lake)")

    p = command("compact", cmd_compact, "rewrite small posts files per partition, deduplicated; apply retention")
    p.add_argument("--lake", help=LAKE_HELP)
    p.add_argument("--country", type=_country, help="only this host country (default: every country in the lake)")
    p.add_argument(
        "--retention-days",
        type=int,
        help="delete posts partitions older than this many days, after a confirmation "
        "(default: retention_days of the configuration; none without one)",
    )
    p.add_argument("--config", help=CONFIG_HELP)
    p.add_argument("--dry-run", action="store_true", help="list what would be compacted and deleted; change nothing")
    p.add_argument(
        "--yes",
        action="store_true",
        help="delete what retention selects without asking (needed when not on a terminal)",
    )

    p = command("erase-author", cmd_erase_author, "remove every post of one author from the lake (right to erasure)")
    # Every source the lake may hold: a capture export's posts are erased under their own platform (tiktok).
    p.add_argument(
        "--source", required=True, choices=registry.source_names(), help="the platform of the author (required)"
    )
    p.add_argument(
        "--handle",
        required=True,
        help="as the platform stores it, by --source: "
        + "; ".join(f"{spec.name}: {spec.author_form}" for spec in registry.platforms())
        + " (required)",
    )
    p.add_argument("--lake", help=LAKE_HELP)
    p.add_argument(
        "--config",
        help=f"configuration used to rebuild the affected briefs (default: as for collect, {DEFAULT_CONFIG})",
    )
    p.add_argument(
        "--reason",
        default="erasure request",
        help="kept in the erasure ledger with the date, e.g. a case reference; never the handle "
        "(default: erasure request)",
    )

    p = command("serve", cmd_serve, "the briefs web page and JSON API on localhost")
    p.add_argument("--lake", help=LAKE_HELP)
    p.add_argument("--port", type=_port, default=8080, help="port to listen on (default: 8080; 0 picks a free one)")
    p.add_argument("--host", default="127.0.0.1", help="address to bind (default: 127.0.0.1, this machine only)")
    p.add_argument(
        "--config", help=f"configuration whose countries are listed (default: as for collect, {DEFAULT_CONFIG})"
    )

    p = command("score", cmd_score, "score one text per stdin line, one JSON line each")
    p.add_argument("--lang", help="ISO 639-1 language of every line (default: detect per line)")
    p.add_argument("--config", help=f"configuration whose --country chooses the backends (default: {DEFAULT_CONFIG})")
    p.add_argument(
        "--country",
        type=_country,
        help="use this configured country's backends and languages (detection prior) (default: none, every "
        "language's local default)",
    )
    p.add_argument(
        "--backend",
        help="score every line with this backend (needs --lang); validate-config lists them "
        "(default: the language's local default)",
    )

    p = command("alerts", cmd_alerts, "evaluate alerts as of an instant: one JSON line per alert, new ones delivered")
    p.add_argument("--lake", help=LAKE_HELP)
    p.add_argument("--config", help=f"configuration with the alerts block (default: {DEFAULT_CONFIG})")
    p.add_argument("--country", type=_country, help="one configured country (default: every one)")
    p.add_argument("--at", help="ISO timestamp to evaluate as of (default: now)")
    p.add_argument("--dry-run", action="store_true", help="deliver nothing and write nothing (default: off)")

    p = command(
        "migrate-identity",
        cmd_migrate_identity,
        "one-off: take author identity out of posts written by earlier versions (links to links/, Bluesky ids keyed)",
    )
    p.add_argument("--lake", help="the lake to migrate (default: LISTENING_POST_LAKE or ./lake)")
    return parser


def _fail(message: str, code: int) -> NoReturn:
    print(f"listening-post: {message}", file=sys.stderr)
    raise SystemExit(code)


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.DEBUG if args.verbose else logging.INFO, format="%(message)s", stream=sys.stderr)
    secrecy.install()  # no secret value reaches stderr, whatever a library logs
    try:
        settings = get_settings()
        return int(args.func(args, settings))
    except ConfigError as exc:
        print(f"listening-post: the configuration has {exc.total} problem(s):", file=sys.stderr)
        for problem in exc.problems:
            print(f"  {problem}", file=sys.stderr)
        return 2
    except (UsageError, MissingAuthorKeyError, AwsSetupError) as exc:
        _fail(str(exc), 2)
    except ValidationError as exc:  # the environment did not fit the settings model
        _fail("invalid setting: " + "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors()), 2)
    except KeyboardInterrupt:
        _fail("interrupted", 130)
    except BrokenPipeError:
        return 0
    except OSError as exc:
        where = os.fsdecode(exc.filename) if exc.filename else ""
        _fail(f"{exc.strerror or exc}: {where}".rstrip(": "), 1)


if __name__ == "__main__":
    sys.exit(main())
