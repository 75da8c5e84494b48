"""Weekly summary benchmarks on a generated lake (bench/datagen.py): time and peak memory of the full
``build_summary`` of one country-week, and its core aggregation against a straightforward pandas version.

    .venv/bin/python bench/summary.py --posts 1000000 [--profile] [--runs 3] [--against REV]

Each summary runs in a fresh child process (the brief function's situation: one summary per invocation);
the peak is that process's maximum resident set size, interpreter and imports included. ``--against REV``
alternates the code of commit REV with this checkout's on the same lake, so that both are timed in the same
minutes: this host's speed varies by a factor of two within hours, their ratio much less.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import json
import resource
import subprocess
import sys
import tarfile
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench import datagen  # noqa: E402

NOW = datetime(2026, 11, 23, 6, tzinfo=UTC)

# The code of the figures of record of the summary targets: `make bench` on a fresh clone of this commit,
# 2026-11-23, took 2.60 s for the 1M week and 17.2 s for the 10M one (targets 3 and 20 s; README "Speed and
# cost"). Timed beside the current code, it tells the code's share of a figure from the host's.
REFERENCE = "89cdaba"
REFERENCE_SECONDS = {1_000_000: 2.60, 10_000_000: 17.2}


def lake_for(posts: int, history: float = 0.1, layout: str = "deployed") -> Path:
    """The generated lake of ``posts`` (made once, then reused while its parameters are unchanged)."""
    out = datagen.DATA / f"lake-{posts}-h{history:g}-{layout}"
    stamp = out / "generated.json"
    expected = {"posts": posts, "history": history, "seed": datagen.SEED, "layout": layout, "version": 2}
    if stamp.exists() and json.loads(stamp.read_text()).get("params") == expected:
        return out
    started = time.perf_counter()
    rows = datagen.generate(posts, out, history, layout=layout)
    stamp.write_text(json.dumps({"params": expected, "rows": rows, "seconds": time.perf_counter() - started}))
    return out


def spec() -> Any:
    from listening_post.analysis.weekly import SummaryInput
    from listening_post.config import Analysis

    # The demo's analysis settings (min_n 30, 12 trend weeks, 4 baseline weeks, coordination 4 authors/60 min).
    from listening_post.demo import demo_config
    from listening_post.weeks import IsoWeek

    config = demo_config()
    assert isinstance(config.analysis, Analysis)
    return SummaryInput.from_config(config, datagen.COUNTRY, IsoWeek.parse(datagen.WEEK))


def summary_child(lake_dir: str, profile: bool = False) -> dict[str, Any]:
    """In the child: one full summary, its time, its peak RSS and what it found."""
    from listening_post.analysis.weekly import build_summary
    from listening_post.lake import Lake

    lake = Lake.from_uri(lake_dir)
    s = spec()
    timed = _time_storylines()
    started = time.perf_counter()
    if profile:
        import cProfile
        import pstats

        prof = cProfile.Profile()
        summary = prof.runcall(build_summary, lake, s, now=NOW)
        pstats.Stats(prof, stream=sys.stderr).sort_stats("cumtime").print_stats(30)
    else:
        summary = build_summary(lake, s, now=NOW)
    seconds = time.perf_counter() - started
    from listening_post.briefs.render import render

    return {
        "seconds": seconds,
        # The same lake and ``now`` give the same summary.json: its digest, to compare runs (--runs).
        "digest": hashlib.sha256(render(summary)["summary.json"].encode()).hexdigest()[:16],
        "peak_mib": peak_rss_mib(),
        "week_posts": summary["volume"]["posts"],
        "clusters": len(summary["coordination"]),
        "emerging_terms": [t["term"] for t in summary["emerging_terms"]][:6],
        "spikes": len(summary["spikes"]),
        "caveats": summary["caveats"],
        # Storylines, inside the time above, timed apart (issue 19): on a sample of MAX_DOCS posts.
        "storylines_s": round(timed[0], 2),
        "storylines": len([x for x in summary["storylines"] if x["coherent"]]),
        "storylines_grouped": summary["coverage"]["storylines"]["grouped"],
    }


def _time_storylines() -> list[float]:
    """Wraps the summary's storylines step so that its own time is kept (in the returned list)."""
    from listening_post.analysis import storylines

    spent = [0.0]
    inner = storylines.weekly

    def timed(*args: Any, **kwargs: Any) -> Any:
        started = time.perf_counter()
        try:
            return inner(*args, **kwargs)
        finally:
            spent[0] += time.perf_counter() - started

    storylines.weekly = timed  # type: ignore[assignment]
    return spent


def peak_rss_mib() -> float:
    """This process's peak resident set: VmHWM, which starts afresh at exec. ru_maxrss does not: Linux
    carries the parent's resident size at fork into it, so a child of a large bench process reported the
    parent's size (1.7 GB for a 390 MiB summary)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def measure_summary(lake_dir: Path, profile: bool = False, root: Path = ROOT) -> dict[str, Any]:
    """One summary in a fresh process, by the code of ``root`` (this checkout, or a :func:`reference_tree`)."""
    code = (
        f"import json, sys; sys.path[:0] = [{str(root)!r}, {str(root / 'layers' / 'core')!r}]; "
        f"from bench.summary import summary_child; print(json.dumps(summary_child({str(lake_dir)!r}, {profile!r})))"
    )
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if profile:
        print(out.stderr, file=sys.stderr)
    # Its processor time besides: less sensitive than the wall time to other work on the host's cores.
    cpu = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
    return {**json.loads(out.stdout.strip().splitlines()[-1]), "cpu_s": round(cpu, 2)}


@contextmanager
def reference_tree(rev: str = REFERENCE) -> Iterator[Path | None]:
    """The files of commit ``rev`` in a temporary folder (``git archive``), or None where this checkout has
    no git or not that commit (a copy without history): the reference is then not measured."""
    try:
        archive = subprocess.run(["git", "-C", str(ROOT), "archive", rev], capture_output=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        yield None
        return
    with tempfile.TemporaryDirectory(prefix="lp-reference-") as tmp:
        with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
            tar.extractall(tmp, filter="data")
        yield Path(tmp)


def against_reference(lake_dir: Path, posts: int, pairs: int = 2, rev: str = REFERENCE) -> dict[str, Any]:
    """This checkout's summary and the reference's, alternating in fresh processes, ``pairs`` of each: the
    faster of each, their ratio, and (for the sizes of record) the time this code would take on the host of
    the record, the ratio times the reference's time there."""
    current: list[dict[str, Any]] = []
    reference: list[dict[str, Any]] = []
    with reference_tree(rev) as tree:
        for _ in range(pairs):
            if tree is not None:
                reference.append(measure_summary(lake_dir, root=tree))
            current.append(measure_summary(lake_dir))
    out: dict[str, Any] = {
        "runs": current,
        "reference": rev,
        "reference_runs": [r["seconds"] for r in reference],
        "reference_cpu_s": [r["cpu_s"] for r in reference],
    }
    if reference:
        ratio = min(r["seconds"] for r in current) / min(r["seconds"] for r in reference)
        out["ratio"] = round(ratio, 3)
        out["cpu_ratio"] = round(min(r["cpu_s"] for r in current) / min(r["cpu_s"] for r in reference), 3)
        if posts in REFERENCE_SECONDS:
            out["on_record_host_s"] = round(ratio * REFERENCE_SECONDS[posts], 2)
    return out


# --- the core aggregation: DuckDB as build_summary runs it, against pandas -----------------------


def core_duckdb(lake_dir: Path) -> Any:
    """Every post once (older copies subtracted), per-week aggregates and per-(topic, week) aggregates, as
    build_summary reads them."""
    from listening_post.analysis import weekly
    from listening_post.analysis.reading import PostsReader
    from listening_post.lake import Lake

    s = spec()
    lake = Lake.from_uri(str(lake_dir))
    _, week_end = s.week.bounds(s.timezone)
    trend_start, _ = s.week.shift(-11).bounds(s.timezone)
    con = weekly.connect()
    try:
        posts = PostsReader(con, lake, s.country, trend_start, week_end, timezone=s.timezone, monday=s.week.monday)
        daily = weekly.daily_tallies(posts)
        weekly.author_table(posts, s.analysis.amplification.young_account_days)
        weeks = weekly.weekly_rows(posts, daily)
        topics = weekly.topic_tallies(posts)
        accounts = con.execute("SELECT count(*) FROM week_authors").fetchone()
    finally:
        con.close()
    return weeks, topics, int(accounts[0]) if accounts else 0


def core_pandas(lake_dir: Path) -> Any:
    """The same figures the way an analyst would write them with pandas: the tallies per local day, source,
    language and model, the weeks' tallies and distinct authors, the week's posts per account, source and
    language (the tables the summary reads its figures from) and the topics' tallies."""
    import pandas as pd

    from listening_post.layout import PATHS

    s = spec()
    _, week_end = s.week.bounds(s.timezone)
    trend_start, _ = s.week.shift(-11).bounds(s.timezone)
    lo, hi = trend_start.date() - timedelta(days=1), week_end.date() + timedelta(days=1)
    files = [
        str(f)
        for d in sorted((lake_dir / PATHS.country(PATHS.POSTS, s.country)).iterdir())
        if lo.isoformat() <= PATHS.day_of(d.name) <= hi.isoformat()
        for f in d.glob("*.parquet")
    ]
    cols = ["post_id", "collected_at", "created_at", "author_id", "is_repost", "sentiment", "sentiment_label"]
    cols += ["source", "lang", "sentiment_model", "author_created_at"]
    df = pd.concat([pd.read_parquet(f, columns=[*cols, "topics"]) for f in files], ignore_index=True)
    df = df[(df.created_at >= trend_start) & (df.created_at < week_end)]
    df = df.sort_values("collected_at", ascending=False).drop_duplicates("post_id")
    local = df.created_at.dt.tz_convert(s.timezone).dt.tz_localize(None).dt.normalize()
    df["w"] = ((local - pd.Timestamp(s.week.monday)).dt.days // 7).astype(int)

    def agg(frame: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
        orig = frame[~frame.is_repost]
        out = frame.groupby(keys).agg(posts=("post_id", "size"), reposts=("is_repost", "sum"))
        out["authors"] = frame.groupby(keys).author_id.nunique()
        out["scored"] = orig.groupby(keys).sentiment.count()
        out["mean"] = orig.groupby(keys).sentiment.mean()
        out["sd"] = orig.groupby(keys).sentiment.std()
        for label in ("positive", "neutral", "negative"):
            out[label] = orig[orig.sentiment_label == label].groupby(keys).size()
        return out

    def parts(frame: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
        orig = frame.assign(tone=frame.sentiment.where(~frame.is_repost))
        out = orig.groupby(keys, dropna=False).agg(
            posts=("post_id", "size"), reposts=("is_repost", "sum"), scored=("tone", "count"), total=("tone", "sum")
        )
        out["squares"] = (orig.tone**2).groupby([orig[k] for k in keys], dropna=False).sum()
        for label in ("positive", "neutral", "negative"):
            out[label] = (
                (orig.tone.notna() & (orig.sentiment_label == label))
                .groupby([orig[k] for k in keys], dropna=False)
                .sum()
            )
        return out

    df["day"] = local
    parts(df, ["day", "source", "lang", "sentiment_model"])
    week = df[df.w == 0]
    accounts = (
        week.assign(
            tone=week.sentiment.where(~week.is_repost),
            aged=week.author_created_at.notna(),
            young=(week.created_at - week.author_created_at) < pd.Timedelta(days=30),
        )
        .groupby(["author_id", "source", "lang"], dropna=False)
        .agg(
            n=("post_id", "size"),
            scored=("tone", "count"),
            total=("tone", "sum"),
            aged=("aged", "sum"),
            young=("young", "sum"),
        )
    )
    weeks = agg(df, ["w"])
    recent = df[df.w.isin([0, -1])].explode("topics").dropna(subset=["topics"])
    topics = agg(recent, ["topics", "w"])
    return weeks, topics, len(accounts)


def vs_pandas(lake_dir: Path, repeats: int = 2) -> dict[str, Any]:
    """Best of ``repeats`` for each, alternating, in this process; also checks both agree on the counts."""
    t_duck, t_pandas = [], []
    result_duck = result_pandas = None
    for _ in range(repeats):
        started = time.perf_counter()
        result_duck = core_duckdb(lake_dir)
        t_duck.append(time.perf_counter() - started)
        started = time.perf_counter()
        result_pandas = core_pandas(lake_dir)
        t_pandas.append(time.perf_counter() - started)
    assert result_duck is not None and result_pandas is not None
    weeks_duck, _, accounts_duck = result_duck
    weeks_pandas, _, accounts_pandas = result_pandas
    same = accounts_duck == accounts_pandas and all(
        weeks_duck[w]["posts"] == int(weeks_pandas.loc[w, "posts"])
        and weeks_duck[w]["authors"] == int(weeks_pandas.loc[w, "authors"])
        for w in weeks_duck
    )
    return {
        "summary_vs_pandas": round(min(t_pandas) / min(t_duck), 2),
        "summary_core_duckdb_s": round(min(t_duck), 3),
        "summary_core_pandas_s": round(min(t_pandas), 3),
        "summary_core_agree": same,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=1_000_000)
    parser.add_argument("--history", type=float, default=0.1)
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--pandas", action="store_true", help="also the pandas comparison")
    parser.add_argument("--runs", type=int, default=1, help="summaries in that many processes: are they the same?")
    parser.add_argument("--against", metavar="REV", help=f"also time commit REV, alternating (e.g. {REFERENCE})")
    args = parser.parse_args(argv)
    lake_dir = lake_for(args.posts, args.history)
    if args.against:
        measured = against_reference(lake_dir, args.posts, max(1, args.runs), args.against)
        print(json.dumps({k: v for k, v in measured.items() if k != "runs"}, indent=2))
        print(json.dumps({"runs": [r["seconds"] for r in measured["runs"]]}))
        return 0
    runs = [measure_summary(lake_dir, args.profile) for _ in range(max(1, args.runs))]
    distinct = len({r["digest"] for r in runs})
    print(json.dumps(runs[0] if len(runs) == 1 else {"runs": runs, "distinct_summaries": distinct}, indent=2))
    if args.pandas:
        print(json.dumps(vs_pandas(lake_dir), indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
