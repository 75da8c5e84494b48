"""The weekly summary of one host country: summary.json (schema v1) from the lake's posts.

DuckDB scans the Parquet partitions through a pyarrow dataset (projection and filters pushed down) and
does the grouping; Python only turns counts and moments into estimates, intervals and tests
(:mod:`listening_post.analysis.stats`). The SQL is plain enough to run on Athena as well.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import duckdb
import pyarrow as pa
import regex

from listening_post.analysis import coordination, coverage, spikes, stats, terms
from listening_post.analysis.stats import INSUFFICIENT, Moments
from listening_post.codes import COUNTRIES, LANGUAGES
from listening_post.config import Analysis, Config
from listening_post.lake import Lake, relisting
from listening_post.model import FILE_SCHEMA
from listening_post.sentiment_catalogue import DEFAULT_BACKENDS, resolve_choices
from listening_post.weeks import IsoWeek

SCHEMA_VERSION = 1
EXCERPT_CHARS = 280
EXAMPLES_PER_LABEL = 3
_MENTION = regex.compile(r"(?<![\w@])@[\w.@-]+")
_VANISHED = regex.compile(r"No files found that match|No such file or directory")

CAVEAT_POPULATION = (
    "Online voices are not the population: the people who post are few, self-selected and louder on "
    "outrage than the public at large. Read shares and tone as what was said online, not as opinion polls."
)


@dataclass(frozen=True)
class TopicInfo:
    id: str
    label: str


@dataclass
class SummaryInput:
    """What the summary needs to know besides the posts."""

    country: str
    week: IsoWeek
    timezone: str = "UTC"
    name: str | None = None
    languages: list[str] = field(default_factory=list)
    topics: list[TopicInfo] = field(default_factory=list)
    analysis: Analysis = field(default_factory=Analysis)
    # Languages the country's sentiment backends read (to say why a post is unscored).
    scored_languages: frozenset[str] = frozenset(DEFAULT_BACKENDS)

    @classmethod
    def from_config(cls, config: Config | None, country: str, week: IsoWeek, **kwargs: Any) -> SummaryInput:
        if config is None:
            return cls(country=country, week=week, **kwargs)
        try:
            c = config.country(country)
        except KeyError:
            return cls(
                country=country,
                week=week,
                topics=[TopicInfo(t.id, t.label) for t in config.topics],
                analysis=config.analysis,
                **kwargs,
            )
        return cls(
            country=country,
            week=week,
            timezone=c.timezone,
            name=c.display_name,
            languages=list(c.languages),
            topics=[TopicInfo(t.id, t.label) for t in config.topics_for(country)],
            analysis=config.analysis,
            scored_languages=frozenset(resolve_choices(c.sentiment)),
            **kwargs,
        )


def build_summary(lake: Lake, spec: SummaryInput, *, now: datetime | None = None) -> dict[str, Any]:
    """summary.json of ``spec``'s country and week, from the lake's posts and run reports."""
    # Compaction may replace files while the scan runs: list them again and start over.
    return relisting(lambda: _build_summary(lake, spec, now or datetime.now(UTC)))


def _build_summary(lake: Lake, spec: SummaryInput, now: datetime) -> dict[str, Any]:
    week_start, week_end = spec.week.bounds(spec.timezone)
    trend_weeks = max(spec.analysis.trend_weeks, spec.analysis.baseline_weeks + 1, 5)
    trend_start, _ = spec.week.shift(-(trend_weeks - 1)).bounds(spec.timezone)
    text_start, _ = spec.week.shift(-spec.analysis.baseline_weeks).bounds(spec.timezone)
    con = connect()
    try:
        register_posts(con, lake, spec.country, trend_start, week_end, text_from=text_start)
        _load_posts(con, spec, trend_start, week_end, text_start)
        summary = _summarise(con, spec, now, week_start, week_end, trend_weeks)
    except duckdb.IOException as exc:
        # DuckDB's reader says a listed file is gone in its own words: make it the error relisting retries on.
        if _VANISHED.search(str(exc)):
            raise FileNotFoundError(str(exc)) from exc
        raise
    finally:
        con.close()
    summary["coverage"]["sources"] = coverage.source_runs(lake, spec.country, week_start, week_end)
    summary["caveats"] = _caveats(summary, spec.analysis.min_n)
    return summary


# DuckDB's own limit (its hash tables and temporary tables); past it, it spills to disk instead of failing.
# The brief function has 3 GB: Arrow buffers, Python and the rendering need the rest.
MEMORY_LIMIT = "1GB"


def connect() -> duckdb.DuckDBPyConnection:
    """A DuckDB connection for one summary: two threads (the Lambda's vCPUs at this memory size), a memory
    limit with spilling to the temporary directory (/tmp on Lambda), UTC session time zone."""
    con = duckdb.connect(
        config={
            "threads": 2,
            "memory_limit": MEMORY_LIMIT,
            "temp_directory": f"{tempfile.gettempdir()}/listening-post-duckdb",
        }
    )
    con.execute("SET TimeZone = 'UTC'")
    return con


def register_posts(
    con: duckdb.DuckDBPyConnection, lake: Lake, country: str, lo: datetime, hi: datetime, *, text_from: datetime
) -> None:
    """View ``raw``: the raw (not deduplicated) posts files of ``country`` whose partition may hold posts
    created in [lo, hi) (partitions are UTC dates: a day of margin on each side; timestamps filter exactly).

    A local lake is read by DuckDB's own Parquet reader (parallel, lazy: columns a query does not touch
    are not decoded). An S3 lake goes through the pyarrow dataset on pyarrow's S3 filesystem, with the
    same projection and filter pushdown. ``raw_history`` is the part before ``text_from``, whose texts the
    summary never reads.
    """
    start, end = lo.date() - timedelta(days=1), hi.date() + timedelta(days=1)
    # A post created before text_from sits in a partition dated text_from's UTC date or earlier; the two
    # views share that day's files, and the queries split its rows by created_at.
    split = min(max(text_from.date(), start), end)
    recent = lake.post_files(country, split, end)
    older = lake.post_files(country, start, split)
    if lake.is_local:
        everything = sorted(set(older) | set(recent))
        for name, files in (("raw", everything), ("raw_history", older)):
            if files:
                con.execute(f"CREATE OR REPLACE TEMP VIEW {name} AS SELECT * FROM read_parquet({_sql_list(files)})")
            else:
                con.register(name, FILE_SCHEMA.empty_table())
        return
    con.register("raw", lake.posts_dataset(country, start, end))
    con.register("raw_history", lake.posts_dataset(country, start, split))


def _sql_list(paths: list[str]) -> str:
    # File names are the lake's own (partition folders and generated names); quotes are escaped anyway.
    return "[" + ", ".join("'" + p.replace("'", "''") + "'" for p in paths) + "]"


def _load_posts(
    con: duckdb.DuckDBPyConnection, spec: SummaryInput, lo: datetime, hi: datetime, text_from: datetime
) -> None:
    """Table ``p``: one row per post (deduplicated, latest collection wins), narrow: no text.

    Deduplication is exact but cheap: only posts whose id hash occurs more than once (collected twice,
    or a hash collision) go through the ordering by collection time; all the others are unique already.
    ``chars`` (text length) is read for the weeks whose texts the summary uses, null before them.
    """
    columns = (
        "post_id, source, lang, author_id, is_repost, sentiment, sentiment_label, sentiment_model, topics, "
        "dup_group, coalesce(likes, 0) + coalesce(reposts, 0) + coalesce(replies, 0) AS engagement, "
        "created_at, collected_at"
    )
    # Local days from a table of quarter hours (every UTC offset and every transition falls on one) instead
    # of a time zone conversion per row, which costs a second per two million posts.
    zone, quarter = ZoneInfo(spec.timezone), 900
    first, last = int(lo.timestamp()) // quarter, -(-int(hi.timestamp()) // quarter)
    days = [datetime.fromtimestamp(q * quarter, zone).date() for q in range(first, last + 1)]
    con.execute(
        "CREATE TEMP TABLE quarters AS "
        "SELECT unnest(range($first, $last + 1)) AS q, unnest($days::DATE[]) AS local_day",
        {"first": first, "last": last, "days": days},
    )
    local = "q.local_day, CAST(floor(date_diff('day', $monday, q.local_day) / 7.0) AS INTEGER) AS w, hash(post_id) AS h"
    join = f"JOIN quarters q ON q.q = epoch_us(created_at) // {quarter * 1_000_000}"
    con.execute(
        f"""
        CREATE TEMP TABLE p AS
        SELECT {columns}, length(text) AS chars, {local} FROM raw {join}
        WHERE created_at >= $text_from AND created_at < $hi
        UNION ALL
        SELECT {columns}, NULL::BIGINT AS chars, {local} FROM raw_history {join}
        WHERE created_at >= $lo AND created_at < $text_from
        """,
        {"lo": lo, "hi": hi, "text_from": max(lo, text_from), "monday": spec.week.monday},
    )
    # Older copies of posts collected more than once, found among the ids whose hash repeats, are deleted.
    con.execute(
        """
        DELETE FROM p WHERE rowid IN (
            SELECT rowid FROM p WHERE h IN (SELECT h FROM p GROUP BY h HAVING count(*) > 1)
            QUALIFY row_number() OVER (PARTITION BY post_id ORDER BY collected_at DESC, created_at DESC) > 1
        )
        """
    )
    con.execute("DROP TABLE quarters")


def _load_texts(con: duckdb.DuckDBPyConnection, spec: SummaryInput, weekly: dict[int, dict[str, Any]]) -> None:
    """Table ``p_text``: texts of original posts of this week and the baseline weeks, sampled past a cap."""
    weeks = range(-spec.analysis.baseline_weeks, 1)
    # Keep each week whole up to the cap, beyond it a deterministic hash sample of the cap's size.
    rates = {w: min(1.0, terms.MAX_POSTS_PER_PERIOD / max(1, weekly.get(w, _empty_week())["posts"])) for w in weeks}
    keep = " ".join(f"WHEN {w} THEN {int(rate * 1_000_000)}" for w, rate in rates.items())
    con.execute(
        f"""
        CREATE TEMP TABLE p_text AS
        SELECT p.post_id, p.w, p.author_id, p.lang, any_value(r.text) AS text
        FROM p JOIN raw r ON r.post_id = p.post_id AND r.created_at = p.created_at
        WHERE p.w BETWEEN $first AND 0 AND NOT p.is_repost AND p.chars > 0
          AND hash(p.post_id) % 1000000 < CASE p.w {keep} ELSE 0 END
          AND r.created_at >= $lo AND r.created_at < $hi
        GROUP BY ALL
        """,
        {
            "first": -spec.analysis.baseline_weeks,
            "lo": spec.week.shift(-spec.analysis.baseline_weeks).bounds(spec.timezone)[0],
            "hi": spec.week.bounds(spec.timezone)[1],
        },
    )


def _sampling(con: duckdb.DuckDBPyConnection, spec: SummaryInput) -> list[dict[str, Any]]:
    """The periods whose texts were sampled (emerging terms and near-duplicate detection read ``p_text``)."""
    rows = con.execute(
        """
        SELECT e.w, e.n, coalesce(t.n, 0) FROM
            (SELECT w, count(*) AS n FROM p WHERE w BETWEEN $first AND 0 AND NOT is_repost AND chars > 0 GROUP BY w) e
            LEFT JOIN (SELECT w, count(*) AS n FROM p_text GROUP BY w) t USING (w)
        WHERE coalesce(t.n, 0) < e.n ORDER BY e.w DESC
        """,
        {"first": -spec.analysis.baseline_weeks},
    ).fetchall()
    return [{"week": str(spec.week.shift(int(w))), "posts": int(n), "sampled": int(k)} for w, n, k in rows]


def _summarise(
    con: duckdb.DuckDBPyConnection,
    spec: SummaryInput,
    now: datetime,
    week_start: datetime,
    week_end: datetime,
    trend_weeks: int,
) -> dict[str, Any]:
    min_n = spec.analysis.min_n
    weekly = _weekly_rows(con)
    this, last = weekly.get(0, _empty_week()), weekly.get(-1, _empty_week())
    baseline_weeks = [weekly.get(-k, _empty_week()) for k in range(1, spec.analysis.baseline_weeks + 1)]
    volume = _volume(con, this, last, baseline_weeks)
    _load_texts(con, spec, weekly)
    sampling = _sampling(con, spec)
    languages = sorted({*spec.languages, *(row["lang"] for row in volume["by_language"])})
    terms.prepare(con, languages)
    clusters = coordination.find_clusters(con, spec.analysis.coordination, this["posts"])
    con.execute(
        "CREATE OR REPLACE TEMP TABLE cluster_posts AS SELECT unnest($ids::VARCHAR[]) AS post_id",
        {"ids": [pid for c in clusters for pid in c["post_ids"]]},
    )
    sentiment = _sentiment(con, this, last, min_n)
    sentiment["clusters_counted_once"] = _tone_counting_clusters_once(con, clusters, min_n) if clusters else None
    topics = _topics(con, spec, this, min_n)
    for topic in topics:
        if topic["change"]["verdict"] == "significant":
            drivers = terms.emerging(
                con, "list_contains(topics, $topic)", {"topic": topic["id"]}, limit=5, organic_only=True
            )
            # Phrases and hashtags say what a post is about better than single words.
            drivers.sort(key=lambda t: (t["kind"] == "word", -t["z"]))
            topic["drivers"] = [t["term"] for t in drivers[:3]]
    summary: dict[str, Any] = {
        "schema_version": SCHEMA_VERSION,
        "country": spec.country,
        "country_name": spec.name or COUNTRIES.get(spec.country, spec.country),
        "week": str(spec.week),
        "period": {
            "start": week_start.isoformat(),
            "end": week_end.isoformat(),
            "timezone": spec.timezone,
            "local_start": spec.week.monday.isoformat(),
            "local_end": (spec.week.monday + timedelta(days=6)).isoformat(),
        },
        "generated_at": now.isoformat(),
        "volume": volume,
        "sentiment": sentiment,
        "topics": topics,
        "emerging_terms": terms.emerging(con),
        "spikes": spikes.daily_spikes(con, spec.week.monday),
        "coordination": [{k: v for k, v in c.items() if k != "post_ids"} for c in clusters],
        "examples": _examples(con, week_start, week_end),
        "coverage": {**_coverage(con, spec, this), "sampling": sampling},
        "caveats": [],  # written last, once coverage is complete (build_summary)
        "trend": _trend(weekly, spec.week, spec.analysis.trend_weeks, min_n),
    }
    return summary


def _tone_counting_clusters_once(
    con: duckdb.DuckDBPyConnection, clusters: list[dict[str, Any]], min_n: int
) -> dict[str, Any]:
    """This week's tone with every coordinated cluster reduced to one post (its first), so a campaign
    cannot move the headline by volume."""
    row = con.execute(
        f"""
        SELECT {_WEEK_AGG} FROM p
        WHERE w = 0 AND post_id NOT IN (SELECT post_id FROM cluster_posts)
           OR post_id IN (SELECT unnest($firsts::VARCHAR[]))
        """,
        {"firsts": [c["post_ids"][0] for c in clusters]},
    ).fetchone()
    week = dict(zip(_WEEK_KEYS, row or (), strict=True)) if row else _empty_week()
    return {"clusters": len(clusters), "posts_removed": sum(c["posts"] - 1 for c in clusters), **_tone(week, min_n)}


def weeks_with_posts(lake: Lake, country: str, timezone: str = "UTC") -> list[IsoWeek]:
    """The ISO weeks, in the country's time zone, that hold at least one post."""
    if not lake.post_files(country, date.min, date.max):
        return []
    con = connect()
    try:
        first = datetime(1, 1, 3, tzinfo=UTC)
        register_posts(con, lake, country, first, datetime(9999, 12, 29, tzinfo=UTC), text_from=first)
        rows = con.execute(
            "SELECT DISTINCT CAST(timezone($tz, created_at) AS DATE) FROM raw", {"tz": timezone}
        ).fetchall()
    finally:
        con.close()
    return sorted({IsoWeek.of(d) for (d,) in rows})


# --- weekly aggregates -------------------------------------------------------------------------

_WEEK_AGG = """
    count(*) AS posts,
    count(*) FILTER (WHERE is_repost) AS reposts,
    count(DISTINCT author_id) AS authors,
    count(sentiment) FILTER (WHERE NOT is_repost) AS scored,
    avg(sentiment) FILTER (WHERE NOT is_repost) AS mean,
    stddev_samp(sentiment) FILTER (WHERE NOT is_repost) AS sd,
    count(*) FILTER (WHERE sentiment_label = 'positive' AND NOT is_repost) AS positive,
    count(*) FILTER (WHERE sentiment_label = 'neutral' AND NOT is_repost) AS neutral,
    count(*) FILTER (WHERE sentiment_label = 'negative' AND NOT is_repost) AS negative
"""
_WEEK_KEYS = ("posts", "reposts", "authors", "scored", "mean", "sd", "positive", "neutral", "negative")


def _empty_week() -> dict[str, Any]:
    return {
        "posts": 0,
        "reposts": 0,
        "authors": 0,
        "scored": 0,
        "mean": None,
        "sd": None,
        "positive": 0,
        "neutral": 0,
        "negative": 0,
    }


def _weekly_rows(con: duckdb.DuckDBPyConnection) -> dict[int, dict[str, Any]]:
    rows = con.execute(f"SELECT w, {_WEEK_AGG} FROM p GROUP BY w").fetchall()
    return {int(r[0]): dict(zip(_WEEK_KEYS, r[1:], strict=True)) for r in rows}


def _moments(week: dict[str, Any]) -> Moments:
    return Moments.of(week["scored"], week["mean"], week["sd"])


def _pct_change(current: float, previous: float) -> float | None:
    return None if not previous else (current - previous) / previous


def _volume(
    con: duckdb.DuckDBPyConnection, this: dict[str, Any], last: dict[str, Any], baseline: list[dict[str, Any]]
) -> dict[str, Any]:
    by_source = con.execute(
        "SELECT source, count(*) AS n, count(DISTINCT author_id) FROM p WHERE w = 0 GROUP BY source ORDER BY n DESC"
    ).fetchall()
    by_lang = con.execute(
        "SELECT lang, count(*) AS n, count(sentiment), list(DISTINCT sentiment_model) FILTER "
        "(WHERE sentiment_model IS NOT NULL) FROM p WHERE w = 0 AND NOT is_repost GROUP BY lang ORDER BY n DESC, lang"
    ).fetchall()
    posts = this["posts"]
    base_mean = sum(w["posts"] for w in baseline) / len(baseline) if baseline else 0.0
    test = stats.count_change_test(posts, last["posts"])
    return {
        "posts": posts,
        "original_posts": posts - this["reposts"],
        "reposts": this["reposts"],
        "authors": this["authors"],
        "by_source": [
            {"source": s, "posts": n, "authors": a, "share": n / posts if posts else None} for s, n, a in by_source
        ],
        "by_language": [
            {
                "lang": lang,
                "name": LANGUAGES.get(lang, "undetermined"),
                "posts": n,
                "share": n / (posts - this["reposts"]) if posts - this["reposts"] else None,
                "scored": scored,
                "scored_share": scored / n if n else None,
                "models": sorted(models or []),
            }
            for lang, n, scored, models in by_lang
        ],
        "previous_week": {
            "posts": last["posts"],
            "authors": last["authors"],
            "change": _pct_change(posts, last["posts"]),
            "test": test,
            "verdict": stats.verdict(test),
        },
        "baseline": {
            "weeks": len(baseline),
            "mean_posts": base_mean,
            "change": _pct_change(posts, base_mean),
        },
    }


def _tone(week: dict[str, Any], min_n: int) -> dict[str, Any]:
    """Mean compound, label shares with Wilson intervals, and net tone, for one group of posts."""
    n = int(week["scored"] or 0)
    shares = {
        label: stats.share_estimate(int(week[label] or 0), n, min_n) for label in ("positive", "neutral", "negative")
    }
    if n >= min_n:
        pos, neg = (week["positive"] or 0) / n, (week["negative"] or 0) / n
        lo, hi = stats.difference_of_shares_interval(pos, neg, n)
        net: dict[str, Any] = {"n": n, "value": pos - neg, "ci95": [lo, hi], "status": "ok"}
    else:
        net = {"n": n, "value": None, "ci95": None, "status": INSUFFICIENT}
    return {"mean": stats.mean_estimate(_moments(week), min_n), "shares": shares, "net_tone": net}


def _change(this: dict[str, Any], last: dict[str, Any], min_n: int) -> dict[str, Any]:
    a, b = _moments(this), _moments(last)
    if a.n < min_n or b.n < min_n:
        return {"test": None, "verdict": INSUFFICIENT, "difference": None}
    test = stats.welch_test(a, b)
    return {"test": test, "verdict": stats.verdict(test), "difference": test["difference"] if test else None}


def _sentiment(
    con: duckdb.DuckDBPyConnection, this: dict[str, Any], last: dict[str, Any], min_n: int
) -> dict[str, Any]:
    models = [
        r[0]
        for r in con.execute(
            "SELECT DISTINCT sentiment_model FROM p WHERE w = 0 AND sentiment_model IS NOT NULL ORDER BY 1"
        ).fetchall()
    ]
    original = this["posts"] - this["reposts"]
    return {
        "models": models,
        "scored_share": stats.share_estimate(this["scored"], original, 1) if original else None,
        **_tone(this, min_n),
        "previous_week": _tone(last, min_n),
        "change": _change(this, last, min_n),
    }


def _topics(
    con: duckdb.DuckDBPyConnection, spec: SummaryInput, this: dict[str, Any], min_n: int
) -> list[dict[str, Any]]:
    rows = con.execute(
        f"""
        SELECT topic, w, {_WEEK_AGG}
        FROM (SELECT *, unnest(topics) AS topic FROM p WHERE w IN (0, -1))
        GROUP BY topic, w
        """
    ).fetchall()
    by_topic: dict[str, dict[int, dict[str, Any]]] = {}
    for topic, w, *values in rows:
        by_topic.setdefault(topic, {})[int(w)] = dict(zip(_WEEK_KEYS, values, strict=True))
    labels = {t.id: t.label for t in spec.topics}
    ids = list(labels) + sorted(set(by_topic) - set(labels))
    out = []
    for tid in ids:
        weeks = by_topic.get(tid, {})
        now_, prev = weeks.get(0, _empty_week()), weeks.get(-1, _empty_week())
        change = _change(now_, prev, min_n)
        out.append(
            {
                "id": tid,
                "label": labels.get(tid, tid),
                "posts": now_["posts"],
                "authors": now_["authors"],
                "share_of_voice": stats.share_estimate(now_["posts"], this["posts"], 1) if this["posts"] else None,
                "previous_week_posts": prev["posts"],
                "volume_change": _pct_change(now_["posts"], prev["posts"]),
                "sentiment": _tone(now_, min_n),
                "previous_week": _tone(prev, min_n),
                "change": change,
                "drivers": [],
            }
        )

    # Several topics are tested at once: the verdict uses Holm-adjusted p-values.
    tests = [t["change"]["test"] for t in out]
    for t, adjusted in zip(out, stats.holm([x["p_value"] if x else None for x in tests]), strict=True):
        if t["change"]["test"] is not None and adjusted is not None:
            t["change"]["test"]["p_adjusted"] = adjusted
            t["change"]["test"]["adjustment"] = f"Holm over {sum(x is not None for x in tests)} topics"
            t["change"]["verdict"] = "significant" if adjusted < stats.ALPHA else "not significant"

    # What changed most first: a significant tone shift, then by size of the shift, then by volume change.
    def order(t: dict[str, Any]) -> tuple[int, float, float]:
        diff = t["change"]["difference"]
        vol = t["volume_change"]
        return (
            0 if t["change"]["verdict"] == "significant" else 1,
            -abs(diff) if diff is not None else 0.0,
            -abs(vol) if vol is not None else -float(t["posts"]),
        )

    out.sort(key=order)
    return out


def _examples(con: duckdb.DuckDBPyConnection, start: datetime, end: datetime) -> dict[str, Any]:
    """The most engaged posts per tone label, overall and per topic: excerpt, source, link, engagement."""
    ranked = con.execute(
        f"""
        SELECT post_id, sentiment_label, topic, engagement, sentiment FROM (
            SELECT post_id, sentiment_label, topic, engagement, sentiment,
                   row_number() OVER (PARTITION BY sentiment_label, topic ORDER BY engagement DESC, post_id) AS r
            FROM (SELECT post_id, sentiment_label, engagement, sentiment,
                         unnest(CASE WHEN len(topics) = 0 THEN [NULL] ELSE list_prepend(NULL, topics) END) AS topic
                  FROM p WHERE w = 0 AND NOT is_repost AND sentiment_label != 'unscored'))
        WHERE r <= {EXAMPLES_PER_LABEL}
        """
    ).fetchall()
    if not ranked:
        return {"overall": {}, "by_topic": {}}
    wanted = sorted({r[0] for r in ranked})
    texts = con.execute(
        "SELECT post_id, any_value(text), any_value(url), any_value(source), epoch_ms(any_value(created_at)) "
        "FROM raw WHERE created_at >= $lo AND created_at < $hi AND post_id IN (SELECT unnest($ids)) "
        "GROUP BY post_id",
        {"lo": start, "hi": end, "ids": wanted},
    ).fetchall()
    detail = {pid: (text, url, source, created) for pid, text, url, source, created in texts}
    overall: dict[str, list[dict[str, Any]]] = {}
    by_topic: dict[str, dict[str, list[dict[str, Any]]]] = {}
    for pid, label, topic, engagement, score in sorted(ranked, key=lambda r: (-r[3], r[0])):
        text, url, source, created_ms = detail.get(pid, ("", None, None, None))
        created = datetime.fromtimestamp(created_ms / 1000, tz=UTC).isoformat() if created_ms is not None else None
        item = {
            "excerpt": excerpt(text),
            "source": source,
            "url": url,
            "engagement": engagement,
            "sentiment": score,
            "created_at": created,
        }
        target = overall if topic is None else by_topic.setdefault(topic, {})
        target.setdefault(label, []).append(item)
    return {"overall": overall, "by_topic": by_topic}


def excerpt(text: str, limit: int = EXCERPT_CHARS) -> str:
    """A quotable excerpt: mentions of other accounts masked, cut at a word boundary."""
    text = _MENTION.sub("@…", text or "")
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0]
    return cut + " …"


def _coverage(con: duckdb.DuckDBPyConnection, spec: SummaryInput, this: dict[str, Any]) -> dict[str, Any]:
    unscored = con.execute(
        "SELECT CASE WHEN chars = 0 THEN '' ELSE lang END AS l, count(*) FROM p "
        "WHERE w = 0 AND NOT is_repost AND sentiment IS NULL GROUP BY l ORDER BY 2 DESC, 1"
    ).fetchall()
    original = this["posts"] - this["reposts"]
    days = con.execute("SELECT local_day, count(*) FROM p WHERE w = 0 GROUP BY local_day ORDER BY local_day").fetchall()
    seen = {d for d, _ in days}
    all_days = [spec.week.monday + timedelta(days=i) for i in range(7)]
    n_unscored = sum(n for _, n in unscored)
    return {
        "unscored": {
            "posts": n_unscored,
            "share": n_unscored / original if original else None,
            "by_language": [
                {
                    "lang": lang or None,
                    "name": LANGUAGES.get(lang, "undetermined") if lang else "no text",
                    "posts": n,
                    "reason": _unscored_reason(lang, spec),
                }
                for lang, n in unscored
            ],
        },
        "days_without_posts": [d.isoformat() for d in all_days if d not in seen],
        "daily_posts": [{"date": d.isoformat(), "posts": n} for d, n in days],
    }


def _unscored_reason(lang: str, spec: SummaryInput) -> str:
    if not lang:
        return "no text to score (media only)"
    if lang == "und":
        return "language could not be determined (too short, or only links and emoji)"
    if lang not in spec.scored_languages:
        return f"no sentiment backend reads {LANGUAGES.get(lang, lang)}"
    return "its backend returned no score (a failed cloud call, or text it rejects)"


def _trend(weekly: dict[int, dict[str, Any]], week: IsoWeek, n_weeks: int, min_n: int) -> list[dict[str, Any]]:
    out = []
    for k in range(-(n_weeks - 1), 1):
        row = weekly.get(k, _empty_week())
        out.append(
            {
                "week": str(week.shift(k)),
                "posts": row["posts"],
                "authors": row["authors"],
                "sentiment": stats.mean_estimate(_moments(row), min_n),
            }
        )
    return out


def _caveats(summary: dict[str, Any], min_n: int) -> list[str]:
    caveats = [CAVEAT_POPULATION]
    volume, sentiment = summary["volume"], summary["sentiment"]
    if volume["posts"] == 0:
        caveats.insert(
            0,
            "No posts were collected for this country in this week: there is nothing to report, "
            "and the absence may be a gap in collection rather than silence.",
        )
        return caveats
    if sentiment["mean"]["status"] == INSUFFICIENT:
        caveats.append(
            f"Fewer than {min_n} posts could be scored for tone this week: tone figures are "
            "reported as insufficient data."
        )
    unscored = summary["coverage"]["unscored"]
    if unscored["share"]:
        langs = ", ".join(f"{u['name']} ({u['posts']})" for u in unscored["by_language"][:4])
        caveats.append(
            f"{unscored['share']:.0%} of original posts carry no tone score: {langs}. The tone "
            "figures describe only the scored posts."
        )
    unspaced = [row for row in volume["by_language"] if row["lang"] in terms.UNSPACED_LANGUAGES]
    if unspaced:
        listed = ", ".join(f"{row['name']} ({row['posts']})" for row in unspaced)
        caveats.append(
            f"Posts in languages written without spaces between words are left out of the emerging "
            f"terms, which a word tokeniser would get wrong: {listed}."
        )
    models = summary["sentiment"]["models"]
    if len(models) > 1:
        by_lang = "; ".join(
            f"{row['lang']}: {', '.join(row['models'])}" for row in volume["by_language"] if row["models"]
        )
        caveats.append(
            f"Tone combines {len(models)} scoring backends ({by_lang}). Their scales are not the same: "
            "compare tone within a language, and read the overall mean with care."
        )
    for src in summary["coverage"].get("sources", []):
        if src["runs"] and not src["ok"]:
            why = f" (last error: {src['last_error']})" if src["last_error"] else ""
            caveats.append(
                f"{src['source']} did not deliver in any of its {src['runs']} collection runs this week"
                f"{why}: its voices are missing from every figure."
            )
        elif src["failed"]:
            caveats.append(
                f"{src['source']} failed in {src['failed']} of {src['runs']} collection runs this week: "
                "its volume is understated."
            )
    sampled = summary["coverage"].get("sampling") or []
    if sampled:
        this_week = next((x for x in sampled if x["week"] == summary["week"]), None)
        which = (
            f"{this_week['sampled']:,} of this week's {this_week['posts']:,} original posts"
            if this_week
            else "the posts of the busiest baseline weeks"
        )
        caveats.append(
            f"Emerging terms and near-duplicate (reworded copy) detection read a uniform sample: {which}"
            f"{' and of each busy baseline week' if this_week and len(sampled) > 1 else ''}. Their counts are "
            "counts in the sample; shares and rankings estimate the whole. Exact copies and every other figure "
            "use all posts."
        )
    if summary["coverage"]["days_without_posts"]:
        caveats.append(
            "No posts on " + ", ".join(summary["coverage"]["days_without_posts"]) + ": possibly a gap in collection."
        )
    return caveats


TOPICS_SCHEMA = pa.schema(
    [
        ("topic_id", pa.string()),
        ("label", pa.string()),
        ("posts", pa.int64()),
        ("authors", pa.int64()),
        ("share_of_voice", pa.float64()),
        ("share_of_voice_lo", pa.float64()),
        ("share_of_voice_hi", pa.float64()),
        ("scored", pa.int64()),
        ("mean_sentiment", pa.float64()),
        ("mean_lo", pa.float64()),
        ("mean_hi", pa.float64()),
        ("positive_share", pa.float64()),
        ("neutral_share", pa.float64()),
        ("negative_share", pa.float64()),
        ("net_tone", pa.float64()),
        ("previous_posts", pa.int64()),
        ("previous_mean_sentiment", pa.float64()),
        ("change", pa.float64()),
        ("p_value", pa.float64()),
        ("p_adjusted", pa.float64()),
        ("verdict", pa.string()),
        ("generated_at", pa.timestamp("us", tz="UTC")),
    ],
    metadata={b"listening_post.schema": b"weekly_topics", b"listening_post.schema_version": b"1"},
)


def topics_table(summary: dict[str, Any]) -> pa.Table:
    """Per-topic weekly statistics for BI tools (country and week are partition keys in the path)."""

    def ci(est: dict[str, Any] | None, i: int) -> float | None:
        return est["ci95"][i] if est and est.get("ci95") else None

    rows = []
    for t in summary["topics"]:
        mean, shares, test = t["sentiment"]["mean"], t["sentiment"]["shares"], t["change"]["test"] or {}
        rows.append(
            {
                "topic_id": t["id"],
                "label": t["label"],
                "posts": t["posts"],
                "authors": t["authors"],
                "share_of_voice": (t["share_of_voice"] or {}).get("value"),
                "share_of_voice_lo": ci(t["share_of_voice"], 0),
                "share_of_voice_hi": ci(t["share_of_voice"], 1),
                "scored": mean["n"],
                "mean_sentiment": mean["value"],
                "mean_lo": ci(mean, 0),
                "mean_hi": ci(mean, 1),
                "positive_share": shares["positive"]["value"],
                "neutral_share": shares["neutral"]["value"],
                "negative_share": shares["negative"]["value"],
                "net_tone": t["sentiment"]["net_tone"]["value"],
                "previous_posts": t["previous_week_posts"],
                "previous_mean_sentiment": t["previous_week"]["mean"]["value"],
                "change": t["change"]["difference"],
                "p_value": test.get("p_value"),
                "p_adjusted": test.get("p_adjusted"),
                "verdict": t["change"]["verdict"],
                "generated_at": datetime.fromisoformat(summary["generated_at"]),
            }
        )
    return pa.Table.from_pylist(rows, schema=TOPICS_SCHEMA)
