"""The weekly summary of one host country: summary.json (schema v2) from the lake's posts.

DuckDB scans the Parquet files (:mod:`listening_post.analysis.reading`: one scan per question, every post
counted once) and does the grouping; Python only turns counts and sums into estimates, intervals and tests
(:mod:`listening_post.analysis.stats`). Nothing holds a row per post: days, weeks, topics and sources are
tallies, and texts are read once, for a capped sample and the few posts the summary quotes. The SQL is
plain enough to run on Athena as well.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

import duckdb
import pyarrow as pa
import regex

from listening_post.analysis import (
    amplification,
    coordination,
    coverage,
    mission,
    press,
    representative,
    spikes,
    stats,
    storylines,
    terms,
)

# Re-exported: the excerpt rule is its own module, which storylines share without importing this one.
from listening_post.analysis.excerpts import _MENTION as _MENTION
from listening_post.analysis.excerpts import EXCERPT_CHARS as EXCERPT_CHARS
from listening_post.analysis.excerpts import excerpt as excerpt
from listening_post.analysis.reading import PostsReader, day_of, drop_older_copies, exact_sum, exact_total, relation
from listening_post.analysis.stats import INSUFFICIENT, Moments
from listening_post.codes import COUNTRIES, LANGUAGES
from listening_post.config import Analysis, Config
from listening_post.lake import Lake, relisting
from listening_post.scoring.language_rules import label_sql
from listening_post.scoring.topics import TopicMatcher
from listening_post.sentiment_catalogue import DEFAULT_BACKENDS, resolve_choices
from listening_post.summary_model import (
    SCHEMA_VERSION,
    Change,
    CountedOnce,
    Coverage,
    Estimate,
    Example,
    Examples,
    Sentiment,
    SideFigures,
    Summary,
    Tone,
    Topic,
    TrendWeek,
    Volume,
)
from listening_post.weeks import IsoWeek

EXAMPLES_PER_LABEL = 3
_VANISHED = regex.compile(r"No files found that match|No such file or directory")

CAVEAT_POPULATION = (
    "Online voices are not the population: the people who post are few, self-selected and louder on "
    "outrage than the public at large. Read shares and tone as what was said online, not as opinion polls."
)


@dataclass(frozen=True)
class TopicInfo:
    id: str
    label: str
    query: str | None = None  # to show the sentence of an example that matched the topic
    about_us: bool = False


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
                topics=[TopicInfo(t.id, t.label, t.query, t.about_us) for t in config.topics],
                analysis=config.analysis,
                **kwargs,
            )
        return cls(
            country=country,
            week=week,
            timezone=c.timezone,
            name=c.display_name,
            languages=list(c.languages),
            topics=[TopicInfo(t.id, t.label, t.query, t.about_us) for t in config.topics_for(country)],
            analysis=config.analysis,
            scored_languages=frozenset(resolve_choices(c.sentiment)),
            **kwargs,
        )


def build_summary(lake: Lake, spec: SummaryInput, *, now: datetime | None = None) -> Summary:
    """summary.json of ``spec``'s country and week, from the lake's posts and run reports."""
    # Compaction may replace files while the scan runs: list them again and start over.
    return relisting(lambda: _build_summary(lake, spec, now or datetime.now(UTC)))


def _build_summary(lake: Lake, spec: SummaryInput, now: datetime) -> Summary:
    week_start, week_end = spec.week.bounds(spec.timezone)
    trend_weeks = max(spec.analysis.trend_weeks, spec.analysis.baseline_weeks + 1, 5)
    trend_start, _ = spec.week.shift(-(trend_weeks - 1)).bounds(spec.timezone)
    con = connect()
    try:
        posts = PostsReader(
            con, lake, spec.country, trend_start, week_end, timezone=spec.timezone, monday=spec.week.monday
        )
        summary = _summarise(posts, spec, now, week_start, week_end)
        summary["storylines"] = storylines.weekly(con, lake, spec, summary)
    except duckdb.IOException as exc:
        # DuckDB's reader says a listed file is gone in its own words: make it the error relisting retries on.
        if _VANISHED.search(str(exc)):
            raise FileNotFoundError(str(exc)) from exc
        raise
    finally:
        con.close()
    summary["coverage"]["sources"] = coverage.source_runs(lake, spec.country, week_start, week_end)
    previous = amplification.previous_clusters(lake, spec.country, str(spec.week.shift(-1)))
    amplification.finish(summary["amplification"], str(spec.week), previous)
    join_example_links(lake, spec.country, week_start, week_end, summary["examples"], summary["representative"])
    summary["caveats"] = _caveats(summary, spec.analysis.min_n)
    return summary


# DuckDB's own limit (its hash tables and temporary tables); past it, it spills to disk instead of failing.
# The brief function has 3 GB: Arrow buffers, Python and the rendering need the rest.
MEMORY_LIMIT = "1GB"


def connect() -> duckdb.DuckDBPyConnection:
    """A DuckDB connection for one summary: two threads (the Lambda's vCPUs at this memory size), a memory
    limit with spilling to the temporary directory (/tmp on Lambda, whose code folder is read-only), UTC
    session time zone, no progress bar."""
    con = duckdb.connect(
        config={
            "threads": 2,
            "memory_limit": MEMORY_LIMIT,
            "temp_directory": f"{tempfile.gettempdir()}/listening-post-duckdb",
        }
    )
    con.execute("SET TimeZone = 'UTC'")
    # Off: past 2 s a query drew a progress bar on stdout, into Lambda's logs and the CLI's output.
    con.execute("SET enable_progress_bar = false")
    return con


def _summarise(
    posts: PostsReader, spec: SummaryInput, now: datetime, week_start: datetime, week_end: datetime
) -> Summary:
    con, min_n = posts.con, spec.analysis.min_n
    daily = daily_tallies(posts)
    author_table(posts, spec.analysis.amplification.young_account_days)
    weekly = weekly_rows(posts, daily)
    this, last = weekly.get(0, _empty_week()), weekly.get(-1, _empty_week())
    baseline_weeks = [weekly.get(-k, _empty_week()) for k in range(1, spec.analysis.baseline_weeks + 1)]
    by_source, by_lang = _breakdown(posts)
    volume = _volume(by_source, by_lang, this, last, baseline_weeks)
    ranked = _rank_examples(posts)
    copy_hashes = coordination.copy_hashes(posts, spec.analysis.coordination)
    rates = _sampling_rates(spec, weekly)
    articles = press.latest_articles(posts)
    wanted = [r["post_id"] for r in ranked] + [a[0] for a in articles]
    _load_texts(posts, spec, rates, wanted=wanted, copy_hashes=copy_hashes)
    languages = sorted({*spec.languages, *(row["lang"] for row in volume["by_language"])})
    terms.prepare(con, languages)
    clusters = coordination.find_clusters(con, spec.analysis.coordination, this["posts"])
    con.execute(
        "CREATE OR REPLACE TEMP TABLE cluster_posts AS SELECT unnest($ids::VARCHAR[]) AS post_id",
        {"ids": [pid for c in clusters for pid in c["post_ids"]]},
    )
    sentiment = _sentiment(by_lang, this, last, min_n)
    sentiment["clusters_counted_once"] = _tone_counting_clusters_once(con, this, clusters, min_n) if clusters else None
    topics = _topics(posts, spec, this, min_n)
    for topic in topics:
        if topic["change"]["verdict"] == "significant":
            drivers = terms.emerging(
                con, "list_contains(topics, $topic)", {"topic": topic["id"]}, limit=5, organic_only=True
            )
            # Phrases and hashtags say what a post is about better than single words.
            drivers.sort(key=lambda t: (t["kind"] == "word", -t["z"]))
            topic["drivers"] = [t["term"] for t in drivers[:3]]
    sides = press.sides(posts, TALLY_SUMS_SQL, _tally, _empty_week, lambda a, b: _side(a, b, this, min_n))
    headlines, outlets = press.headlines_and_outlets(con, articles)
    typical = representative_examples(con, spec)
    summary: Summary = {
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
        "spikes": spikes.daily_spikes(daily, spec.week.monday),
        "coordination": [coordination.without_posts(c) for c in clusters],
        "amplification": amplification.analyse(posts, spec.analysis.amplification, min_n),
        "examples": _examples(con, ranked, _matcher(spec)),
        "coverage": {**_coverage(con, spec, this, daily), "sampling": _sampling(con, spec, weekly, rates)},
        "caveats": [],  # written last, once coverage is complete (build_summary)
        "trend": _trend(weekly, spec.week, spec.analysis.trend_weeks, min_n),
        "about_us": mission.about_us(topics, [t.id for t in spec.topics if t.about_us], typical),
        "press": sides["press"],
        "public": sides["public"],
        "headlines": headlines,
        "outlets": outlets,
        "representative": typical,
    }
    return summary


# --- tallies: counts and sums, which add up across days and from which older copies subtract -------

TALLY_SQL = f"""
    count(*) AS posts,
    count(*) FILTER (WHERE is_repost) AS reposts,
    count(sentiment) FILTER (WHERE NOT is_repost) AS scored,
    {exact_sum("sentiment", "NOT is_repost")} AS total,
    {exact_sum("sentiment * sentiment", "NOT is_repost")} AS squares,
    count(*) FILTER (WHERE sentiment_label = 'positive' AND NOT is_repost) AS positive,
    count(*) FILTER (WHERE sentiment_label = 'neutral' AND NOT is_repost) AS neutral,
    count(*) FILTER (WHERE sentiment_label = 'negative' AND NOT is_repost) AS negative
"""
TALLY_KEYS = ("posts", "reposts", "scored", "total", "squares", "positive", "neutral", "negative")
# The same tallies as partial sums (table ``tallies``, :func:`daily_tallies`) and their sums over its rows:
# DECIMAL partial sums add up to the very sums TALLY_SQL gives.
_TALLY_PARTS_SQL = TALLY_SQL.replace(exact_sum("sentiment", "NOT is_repost"), exact_total("sentiment", "NOT is_repost"))
_TALLY_PARTS_SQL = _TALLY_PARTS_SQL.replace(
    exact_sum("sentiment * sentiment", "NOT is_repost"), exact_total("sentiment * sentiment", "NOT is_repost")
)
TALLY_SUMS_SQL = ", ".join(
    f"CAST(sum({k}) AS DOUBLE) AS {k}" if k in ("total", "squares") else f"CAST(sum({k}) AS BIGINT) AS {k}"
    for k in TALLY_KEYS
)


# A post's tone about ``topic``: its ``topic_sentiment`` entry (the sentences about the topic), labelled with
# the thresholds of the backend that scored the post (its language's, scoring/language_rules.py); the post's
# own score and label where the entry is the whole post's score or is missing (files written before posts
# schema v3, which have no such column).
TOPIC_SENTIMENT_SQL = "coalesce(topic_sentiment[topic], sentiment)"
TOPIC_LABEL_SQL = f"""
    CASE WHEN topic_sentiment[topic] IS NULL OR topic_sentiment[topic] = sentiment THEN sentiment_label
         ELSE {label_sql("topic_sentiment[topic]")} END"""


def _tally(values: tuple[Any, ...] | list[Any]) -> dict[str, Any]:
    return {k: (v or 0) for k, v in zip(TALLY_KEYS, values, strict=True)}


def _empty_week() -> dict[str, Any]:
    return {**_tally([0] * len(TALLY_KEYS)), "authors": 0}


def daily_tallies(posts: PostsReader) -> dict[date, dict[str, Any]]:
    """Tallies per local day of the whole window (the trend, the weekly baselines and the daily spikes).

    Made from table ``tallies``, which it makes: the window's tallies per local day, source, language and
    model, from one scan; the press and public sides and the source and language breakdown read it too."""
    posts.table(
        "tallies",
        f"SELECT day, w, source, lang, sentiment_model, {_TALLY_PARTS_SQL} FROM {{posts}} GROUP BY ALL",
        keys=("day", "w", "source", "lang", "sentiment_model"),
        additive=TALLY_KEYS,
    )
    rows = posts.con.execute(f"SELECT day, {TALLY_SUMS_SQL} FROM tallies GROUP BY day").fetchall()
    return {day_of(row[0]): _tally(row[1:]) for row in rows}


def author_table(posts: PostsReader, young_days: int) -> None:
    """Table ``week_authors``: week 0's posts per account, source and language (posts, scored originals and
    their exact tone sum, posts with an account age and posts while the account was younger than
    ``young_days``). Distinct accounts of the week, per source, language or side, and amplification's
    per-account table (``amp_authors``) are counted from it rather than from a scan of the week each."""
    posts.table(
        "week_authors",
        f"""
        SELECT author_id, source, lang, count(*) AS n,
               count(sentiment) FILTER (WHERE NOT is_repost) AS scored,
               {exact_total("sentiment", "NOT is_repost")} AS total,
               count(*) FILTER (WHERE author_created_at IS NOT NULL) AS aged,
               count(*) FILTER (WHERE created_at - author_created_at < INTERVAL {int(young_days)} DAY) AS young
        FROM {{posts}} WHERE created_at >= $since
        GROUP BY ALL
        """,
        {"since": posts.since(0)},
        keys=("author_id", "source", "lang"),
        additive=("n", "scored", "total", "aged", "young"),
    )


def weekly_rows(posts: PostsReader, daily: dict[date, dict[str, Any]]) -> dict[int, dict[str, Any]]:
    """Tallies and distinct authors per week (0 is the summarised week, -1 the one before, ...); week 0's
    authors from table ``week_authors`` (:func:`author_table`)."""
    weeks: dict[int, dict[str, Any]] = {}
    for day, tally in sorted(daily.items()):  # in day order: float additions give the same bits every run
        week = weeks.setdefault((day - posts.monday).days // 7, _empty_week())
        for key in TALLY_KEYS:
            week[key] += tally[key]
    earlier = posts.query(
        "SELECT w, count(DISTINCT author_id) FROM {posts} WHERE created_at < $since GROUP BY w",
        {"since": posts.since(0)},
        keys=1,
    )
    now = posts.con.execute("SELECT 0, count(DISTINCT author_id) FROM week_authors").fetchall()
    for w, authors in [*earlier, *(row for row in now if row[1])]:
        weeks.setdefault(int(w), _empty_week())["authors"] = int(authors)
    return weeks


def _moments(week: dict[str, Any]) -> Moments:
    return Moments.from_sums(week["scored"], week["total"], week["squares"])


def _pct_change(current: float, previous: float) -> float | None:
    return None if not previous else (current - previous) / previous


def _breakdown(posts: PostsReader) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    """This week by source (posts, authors) and by language (original posts, scored, models), from tables
    ``tallies`` and ``week_authors``."""
    con = posts.con
    authors = {
        source: int(n)
        for source, n in con.execute(
            "SELECT source, count(DISTINCT author_id) FROM week_authors GROUP BY source"
        ).fetchall()
    }
    sources = con.execute("SELECT source, CAST(sum(posts) AS BIGINT) FROM tallies WHERE w = 0 GROUP BY source")
    by_source = sorted(
        ((s, n, authors.get(s, 0)) for s, n in sources.fetchall() if s is not None and n),
        key=lambda r: (-r[1], r[0]),
    )
    languages = con.execute(
        """
        SELECT lang, CAST(sum(posts - reposts) AS BIGINT), CAST(sum(scored) AS BIGINT),
               list(DISTINCT sentiment_model) FILTER (WHERE posts > reposts AND sentiment_model IS NOT NULL)
        FROM tallies WHERE w = 0 GROUP BY lang
        """
    )
    by_lang = sorted(
        ((lang, o, k, sorted(m or [])) for lang, o, k, m in languages.fetchall() if o), key=lambda r: (-r[1], r[0])
    )
    return by_source, by_lang


def _volume(
    by_source: list[tuple[Any, ...]],
    by_lang: list[tuple[Any, ...]],
    this: dict[str, Any],
    last: dict[str, Any],
    baseline: list[dict[str, Any]],
) -> Volume:
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
                "models": models,
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


def _tone(week: dict[str, Any], min_n: int) -> Tone:
    """Mean compound, label shares with Wilson intervals, and net tone, for one group of posts."""
    n = int(week["scored"] or 0)
    shares = {
        label: stats.share_estimate(int(week[label] or 0), n, min_n) for label in ("positive", "neutral", "negative")
    }
    if n >= min_n:
        pos, neg = (week["positive"] or 0) / n, (week["negative"] or 0) / n
        lo, hi = stats.difference_of_shares_interval(pos, neg, n)
        net: Estimate = {"n": n, "value": pos - neg, "ci95": [lo, hi], "status": "ok"}
    else:
        net = {"n": n, "value": None, "ci95": None, "status": INSUFFICIENT}
    return {"mean": stats.mean_estimate(_moments(week), min_n), "shares": shares, "net_tone": net}


def _change(this: dict[str, Any], last: dict[str, Any], min_n: int) -> Change:
    a, b = _moments(this), _moments(last)
    if a.n < min_n or b.n < min_n:
        return {"test": None, "verdict": INSUFFICIENT, "difference": None}
    test = stats.welch_test(a, b)
    return {"test": test, "verdict": stats.verdict(test), "difference": test["difference"] if test else None}


def _sentiment(by_lang: list[tuple[Any, ...]], this: dict[str, Any], last: dict[str, Any], min_n: int) -> Sentiment:
    models = sorted({m for *_, ms in by_lang for m in ms})
    original = this["posts"] - this["reposts"]
    tone = _tone(this, min_n)
    return {
        "models": models,
        "scored_share": stats.share_estimate(this["scored"], original, 1) if original else None,
        "mean": tone["mean"],
        "shares": tone["shares"],
        "net_tone": tone["net_tone"],
        "previous_week": _tone(last, min_n),
        "change": _change(this, last, min_n),
    }


def _tone_counting_clusters_once(
    con: duckdb.DuckDBPyConnection, this: dict[str, Any], clusters: list[coordination.Cluster], min_n: int
) -> CountedOnce:
    """This week's tone with every coordinated cluster reduced to one post (its first), so a campaign
    cannot move the headline by volume."""
    removed = [pid for c in clusters for pid in c["post_ids"][1:]]
    row = con.execute(
        f"SELECT {TALLY_SQL} FROM texts WHERE post_id IN (SELECT unnest($ids::VARCHAR[]))", {"ids": removed}
    ).fetchone()
    minus = _tally(row or [0] * len(TALLY_KEYS))
    week = {**this, **{k: this[k] - minus[k] for k in TALLY_KEYS}}
    return {"clusters": len(clusters), "posts_removed": len(removed), **_tone(week, min_n)}


def topic_tallies(posts: PostsReader) -> dict[str, dict[int, dict[str, Any]]]:
    """Tallies and distinct authors per topic, for this week and the one before."""
    rows = posts.query(
        f"""
        SELECT topic, w, {TALLY_SQL}, count(DISTINCT author_id) AS authors
        FROM (SELECT topic, w, author_id, is_repost,
                     {TOPIC_SENTIMENT_SQL} AS sentiment, {TOPIC_LABEL_SQL} AS sentiment_label
              FROM (SELECT w, author_id, is_repost, sentiment, sentiment_label, topic_sentiment, lang,
                           sentiment_model, unnest(topics) AS topic
                    FROM {{posts}} WHERE created_at >= $since))
        GROUP BY topic, w
        """,
        {"since": posts.since(-1)},
        keys=2,
        additive=range(2, 2 + len(TALLY_KEYS)),
    )
    by_topic: dict[str, dict[int, dict[str, Any]]] = {}
    for topic, w, *values in rows:
        by_topic.setdefault(topic, {})[int(w)] = {**_tally(values[:-1]), "authors": int(values[-1])}
    return by_topic


def _topics(posts: PostsReader, spec: SummaryInput, this: dict[str, Any], min_n: int) -> list[Topic]:
    by_topic = topic_tallies(posts)
    labels = {t.id: t.label for t in spec.topics}
    ids = list(labels) + sorted(set(by_topic) - set(labels))
    out: list[Topic] = []
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
    def order(t: Topic) -> tuple[int, float, float]:
        diff = t["change"]["difference"]
        vol = t["volume_change"]
        return (
            0 if t["change"]["verdict"] == "significant" else 1,
            -abs(diff) if diff is not None else 0.0,
            -abs(vol) if vol is not None else -float(t["posts"]),
        )

    out.sort(key=order)
    return out


# --- texts: read once, for a capped sample of each compared week and the posts the summary quotes --------


def _sampling_rates(spec: SummaryInput, weekly: dict[int, dict[str, Any]]) -> dict[int, float]:
    """Share of each compared week's original posts whose texts are read: whole up to its cap, beyond it a
    deterministic hash sample of the cap's size. The week's cap is the period cap; each baseline week's is
    an equal part of it, so the baseline weeks together are a period as well."""
    baseline = max(1, spec.analysis.baseline_weeks)
    rates = {}
    for w in range(-spec.analysis.baseline_weeks, 1):
        row = weekly.get(w, _empty_week())
        cap = terms.MAX_POSTS_PER_PERIOD / (1 if w == 0 else baseline)
        rates[w] = min(1.0, cap / max(1, row["posts"] - row["reposts"]))
    return rates


def _load_texts(
    posts: PostsReader, spec: SummaryInput, rates: dict[int, float], *, wanted: list[str], copy_hashes: list[int]
) -> None:
    """Tables ``texts`` (every post read in the one scan of texts: the sample, the ``wanted`` posts, this
    week's social originals whose duplicate key has one of the ``copy_hashes``
    (:func:`coordination.copy_hashes`) and this week's unscored originals, whose text length tells why)
    and ``p_text`` (the sampled originals with text, which emerging terms and near-duplicate detection
    read)."""
    con = posts.con
    con.execute(
        "CREATE OR REPLACE TEMP TABLE wanted AS SELECT DISTINCT unnest($ids::VARCHAR[]) AS post_id", {"ids": wanted}
    )
    keep = " ".join(f"WHEN {w} THEN {int(rate * 1_000_000)}" for w, rate in rates.items())
    sampled = f"NOT is_repost AND hash(post_id) % 1000000 < CASE w {keep} ELSE 0 END"
    # Week 0 with every column its examples, clusters, storylines and coverage read; the earlier weeks only for their
    # sample, with the columns of p_text: each of the columns left out is millions of values not decoded.
    # Week 0's unscored posts that are neither sampled nor quoted are there for the coverage (language and
    # length); their other columns are left empty, a million or more rows not stored whole.

    def read(expr: str, name: str | None = None) -> str:
        return f"CASE WHEN read THEN {expr} END AS {name or expr}"

    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE texts AS
        SELECT post_id, collected_at, created_at, w, {read("author_id")}, {read("source")}, lang, {read("topics")},
               is_repost, sentiment, {read("sentiment_label")}, {read("topic_sentiment")}, {read("dup_group")},
               length(text) AS chars, sampled, {read("text")}, {read("url")}, {read("domains")},
               {read("coalesce(likes, 0) + coalesce(reposts, 0) + coalesce(replies, 0)", "engagement")},
               CASE WHEN sampled THEN {terms.tokens_sql("text", "lang")} END AS toks
        FROM (
            SELECT *, sampled OR quoted AS read
            FROM (
                SELECT *, {sampled} AS sampled,
                       post_id IN (SELECT post_id FROM wanted)
                       OR NOT is_repost AND list_contains($social, source)
                          AND hash(dup_group) IN (SELECT unnest($keys::UBIGINT[])) AS quoted
                FROM {posts.posts} WHERE created_at >= $week
            )
        )
        WHERE read OR (NOT is_repost AND sentiment IS NULL)
        UNION ALL
        SELECT post_id, collected_at, created_at, w, author_id, source, lang, topics, is_repost, NULL, NULL, NULL,
               NULL, length(text), TRUE, text, NULL, NULL, NULL, {terms.tokens_sql("text", "lang")}
        FROM {posts.posts} WHERE created_at >= $since AND created_at < $week AND {sampled}
        """,
        {
            "since": posts.since(min(rates)),
            "week": posts.since(0),
            "social": list(coordination.SOCIAL_SOURCES),
            "keys": copy_hashes,
        },
    )
    drop_older_copies(con, "texts", posts)
    con.execute(
        "CREATE OR REPLACE TEMP TABLE p_text AS SELECT row_number() OVER () AS doc, post_id, w, author_id, "
        "source, lang, topics, text, toks FROM texts WHERE sampled AND chars > 0"
    )


def _sampling(
    con: duckdb.DuckDBPyConnection, spec: SummaryInput, weekly: dict[int, dict[str, Any]], rates: dict[int, float]
) -> list[dict[str, Any]]:
    """The weeks whose texts were sampled (emerging terms and near-duplicate detection read ``p_text``)."""
    read = dict(con.execute("SELECT w, count(*) FROM p_text GROUP BY w").fetchall())
    out = []
    for w in sorted(rates, reverse=True):
        if rates[w] < 1:
            row = weekly.get(w, _empty_week())
            originals = row["posts"] - row["reposts"]
            out.append({"week": str(spec.week.shift(w)), "posts": originals, "sampled": read.get(w, 0)})
    return out


# --- press and public, representative examples (schema v2) ---------------------------------------------


def _side(this: dict[str, Any], last: dict[str, Any], week: dict[str, Any], min_n: int) -> SideFigures:
    """Volume (with its share of the week's posts and interval) and tone of one side: press or public."""
    test = stats.count_change_test(this["posts"], last["posts"])
    return {
        "posts": this["posts"],
        "authors": this["authors"],
        "share": stats.share_estimate(this["posts"], week["posts"], 1) if week["posts"] else None,
        "previous_week_posts": last["posts"],
        "volume_change": _pct_change(this["posts"], last["posts"]),
        "volume_test": test,
        "volume_verdict": stats.verdict(test),
        "sentiment": _tone(this, min_n),
        "previous_week": _tone(last, min_n),
        "change": _change(this, last, min_n),
    }


def representative_examples(con: duckdb.DuckDBPyConnection, spec: SummaryInput) -> Examples:
    """Per side, the posts typical of the posts behind the figure (:mod:`.representative`), with the sentence
    that matched the topic, overall and per topic."""
    from listening_post.scoring.topics import TopicMatcher

    picked = representative.select(con, [t.id for t in spec.topics])
    ids = sorted({pid for g in [picked["overall"], *picked["by_topic"].values()] for v in g.values() for pid, *_ in v})
    detail = {
        pid: row
        for pid, *row in con.execute(
            "SELECT post_id, text, url, source, epoch_ms(created_at), engagement FROM texts "
            "WHERE post_id IN (SELECT unnest($ids::VARCHAR[]))",
            {"ids": ids},
        ).fetchall()
    }
    matcher = TopicMatcher([(t.id, t.query) for t in spec.topics if t.query])

    def items(rows: list[tuple[str, float, float]], topic: str | None) -> list[Example]:
        out: list[Example] = []
        for pid, typicality, tone in rows:
            text, url, source, created, engagement = detail[pid]
            sentence = representative.matched_sentence(text, matcher, topic) if matcher.topic_ids else None
            out.append(
                {
                    "post_id": pid,  # for the join with links/; removed before the summary is written
                    "excerpt": excerpt(text or ""),
                    "matched_sentence": excerpt(sentence) if sentence else None,
                    "source": source,
                    "url": url,
                    "engagement": engagement,
                    "sentiment": tone,
                    "typicality": typicality,
                    "created_at": datetime.fromtimestamp(created / 1000, tz=UTC).isoformat(),
                }
            )
        return out

    return {
        "overall": {side: items(rows, None) for side, rows in picked["overall"].items()},
        "by_topic": {
            tid: {side: items(rows, tid) for side, rows in sides.items()} for tid, sides in picked["by_topic"].items()
        },
    }


# --- examples: the most engaged posts per tone label, overall and per topic ------------------------------


def _rank_examples(posts: PostsReader) -> list[dict[str, Any]]:
    """The most engaged original posts of the week per (label, topic or none), best first: without texts,
    which are read afterwards with the others (:func:`_load_texts`)."""
    extra = 0 if posts.mode == "clean" else EXAMPLES_PER_LABEL
    while True:
        n = EXAMPLES_PER_LABEL + extra
        # Per topic, a post is ranked under its tone about the topic (TOPIC_LABEL_SQL); overall (topic NULL,
        # which no map entry has), under its own.
        rows = posts.query(
            f"""
            SELECT {TOPIC_LABEL_SQL} AS label, topic,
                   min_by({{'post_id': post_id, 'collected_at': epoch_us(collected_at),
                           'created_at': epoch_us(created_at), 'engagement': engagement,
                           'sentiment': {TOPIC_SENTIMENT_SQL}}},
                          (-engagement, post_id), $n)
            FROM (SELECT post_id, collected_at, created_at, sentiment_label, sentiment, topic_sentiment, lang,
                         sentiment_model,
                         coalesce(likes, 0) + coalesce(reposts, 0) + coalesce(replies, 0) AS engagement,
                         unnest(CASE WHEN len(topics) = 0 THEN [NULL] ELSE list_prepend(NULL, topics) END) AS topic
                  FROM {{posts}} WHERE created_at >= $since AND NOT is_repost AND sentiment_label != 'unscored')
            GROUP BY ALL
            """,
            {"since": posts.since(0), "n": n},
        )
        older = _older_copies(posts, [c["post_id"] for _, _, top in rows for c in top])
        ranked: list[dict[str, Any]] = []
        short = False
        for label, topic, top in rows:
            seen: set[str] = set()
            kept = []
            for c in top:
                if (c["post_id"], c["collected_at"], c["created_at"]) in older or c["post_id"] in seen:
                    continue
                seen.add(c["post_id"])
                kept.append(c)
            # Older copies took places in a full list: rank again with more room.
            short = short or (len(kept) < EXAMPLES_PER_LABEL and len(top) == n)
            ranked.extend({**c, "label": label, "topic": topic} for c in kept[:EXAMPLES_PER_LABEL])
        if not short:
            return ranked
        extra = extra * 2 + 1


def _older_copies(posts: PostsReader, ids: list[str]) -> set[tuple[Any, ...]]:
    if posts.mode == "clean" or not ids:
        return set()
    rows = posts.con.execute(
        "SELECT post_id, epoch_us(collected_at), epoch_us(created_at) FROM stale_keys "
        "WHERE post_id IN (SELECT unnest($ids::VARCHAR[]))",
        {"ids": ids},
    ).fetchall()
    return set(rows)


def _matcher(spec: SummaryInput) -> TopicMatcher:
    """The topics' queries, to find the sentences of each topic example that are about its topic."""
    return TopicMatcher((t.id, t.query) for t in spec.topics if t.query)


def _examples(con: duckdb.DuckDBPyConnection, ranked: list[dict[str, Any]], matcher: TopicMatcher) -> Examples:
    """The ranked examples with excerpt, source, link and engagement (texts from table ``texts``); a topic's
    example also with ``matched``, its sentences about the topic (whose tone ``sentiment`` is), or None
    when that is the whole post."""
    if not ranked:
        return {"overall": {}, "by_topic": {}}
    detail = {
        pid: (text, url, source, created)
        for pid, text, url, source, created in con.execute(
            "SELECT post_id, text, url, source, epoch_ms(created_at) FROM texts "
            "WHERE post_id IN (SELECT unnest($ids::VARCHAR[]))",
            {"ids": sorted({r["post_id"] for r in ranked})},
        ).fetchall()
    }
    overall: dict[str, list[Example]] = {}
    by_topic: dict[str, dict[str, list[Example]]] = {}
    # The topic breaks ties: a post ranked under several topics keeps one order (rows come in any order).
    for r in sorted(ranked, key=lambda r: (-r["engagement"], r["post_id"], r["topic"] is not None, r["topic"] or "")):
        text, url, source, created = detail.get(r["post_id"], ("", None, None, None))
        item: Example = {
            "post_id": r["post_id"],  # for the join with links/; removed before the summary is written
            "excerpt": excerpt(text or ""),
            "source": source,
            "url": url,
            "engagement": r["engagement"],
            "sentiment": r["sentiment"],
            "created_at": datetime.fromtimestamp(created / 1000, tz=UTC).isoformat() if created is not None else None,
        }
        if r["topic"] is None:
            target = overall
        else:
            target = by_topic.setdefault(r["topic"], {})
            passage = matcher.passages(text or "", [r["topic"]]).get(r["topic"])
            item["matched"] = excerpt(passage) if passage else None
        target.setdefault(r["label"], []).append(item)
    return {"overall": overall, "by_topic": by_topic}


def join_example_links(lake: Lake, country: str, start: datetime, end: datetime, *groups: Examples) -> None:
    """Give each example (of ``examples``, and of ``representative``) whose post has no author-free ``url``
    the reader's link from ``links/``: the only place a link naming the author is read
    (:mod:`listening_post.links`)."""
    from listening_post.links import read_links

    items = [item for examples in groups for group in examples["overall"].values() for item in group]
    items += [
        item
        for examples in groups
        for topic in examples["by_topic"].values()
        for group in topic.values()
        for item in group
    ]
    missing = {item["post_id"] for item in items if item["url"] is None}
    first, last = start.astimezone(UTC).date(), end.astimezone(UTC).date()
    found = read_links(lake, country, first, last, missing) if missing else {}
    for item in items:
        post_id = item.pop("post_id")
        if item["url"] is None:
            item["url"] = found.get(post_id)


def _coverage(
    con: duckdb.DuckDBPyConnection, spec: SummaryInput, this: dict[str, Any], daily: dict[date, dict[str, Any]]
) -> Coverage:
    unscored = con.execute(
        "SELECT CASE WHEN chars = 0 THEN '' ELSE lang END AS l, count(*) FROM texts "
        "WHERE w = 0 AND NOT is_repost AND sentiment IS NULL GROUP BY l ORDER BY 2 DESC, 1"
    ).fetchall()
    original = this["posts"] - this["reposts"]
    all_days = [spec.week.monday + timedelta(days=i) for i in range(7)]
    days = [(d, daily[d]["posts"]) for d in all_days if daily.get(d, {}).get("posts")]
    seen = {d for d, _ in days}
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


def weeks_with_posts(lake: Lake, country: str, timezone: str = "UTC") -> list[IsoWeek]:
    """The ISO weeks, in the country's time zone, that hold at least one post."""
    files = lake.post_files(country, date.min, date.max)
    if not files:
        return []
    con = connect()
    try:
        rows = con.execute(
            f"SELECT DISTINCT CAST(timezone($tz, created_at) AS DATE) FROM {relation(con, lake, 'all_files', files)}",
            {"tz": timezone},
        ).fetchall()
    finally:
        con.close()
    return sorted({IsoWeek.of(d) for (d,) in rows})


def _unscored_reason(lang: str, spec: SummaryInput) -> str:
    if not lang:
        return "no text to score (media only)"
    if lang == "und":
        return "language could not be determined (too short, or only links and emoji)"
    if lang not in spec.scored_languages:
        return f"no sentiment backend reads {LANGUAGES.get(lang, lang)}"
    return "its backend returned no score (a failed cloud call, or text it rejects)"


def _trend(weekly: dict[int, dict[str, Any]], week: IsoWeek, n_weeks: int, min_n: int) -> list[TrendWeek]:
    out: list[TrendWeek] = []
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


def _caveats(summary: Summary, min_n: int) -> list[str]:
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
        # v2, appended: a topic about the mission itself (``about_us: true``); null in v1 files.
        ("about_us", pa.bool_()),
    ],
    metadata={b"listening_post.schema": b"weekly_topics", b"listening_post.schema_version": b"2"},
)


def topics_table(summary: Summary) -> pa.Table:
    """Per-topic weekly statistics for BI tools (country and week are partition keys in the path)."""

    rows = []
    mission = {a["id"] for a in summary.get("about_us") or []}
    for t in summary["topics"]:
        mean, shares, test = t["sentiment"]["mean"], t["sentiment"]["shares"], t["change"]["test"]
        rows.append(
            {
                "topic_id": t["id"],
                "label": t["label"],
                "posts": t["posts"],
                "authors": t["authors"],
                "share_of_voice": t["share_of_voice"]["value"] if t["share_of_voice"] else None,
                "share_of_voice_lo": _ci(t["share_of_voice"], 0),
                "share_of_voice_hi": _ci(t["share_of_voice"], 1),
                "scored": mean["n"],
                "mean_sentiment": mean["value"],
                "mean_lo": _ci(mean, 0),
                "mean_hi": _ci(mean, 1),
                "positive_share": shares["positive"]["value"],
                "neutral_share": shares["neutral"]["value"],
                "negative_share": shares["negative"]["value"],
                "net_tone": t["sentiment"]["net_tone"]["value"],
                "previous_posts": t["previous_week_posts"],
                "previous_mean_sentiment": t["previous_week"]["mean"]["value"],
                "change": t["change"]["difference"],
                "p_value": test["p_value"] if test else None,
                "p_adjusted": test.get("p_adjusted") if test else None,
                "verdict": t["change"]["verdict"],
                "generated_at": datetime.fromisoformat(summary["generated_at"]),
                "about_us": t["id"] in mission,
            }
        )
    return pa.Table.from_pylist(rows, schema=TOPICS_SCHEMA)


SIDES_SCHEMA = pa.schema(
    [
        ("side", pa.string()),
        ("sources", pa.list_(pa.string())),
        ("posts", pa.int64()),
        ("authors", pa.int64()),
        ("share", pa.float64()),
        ("share_lo", pa.float64()),
        ("share_hi", pa.float64()),
        ("previous_posts", pa.int64()),
        ("volume_p_value", pa.float64()),
        ("volume_verdict", pa.string()),
        ("scored", pa.int64()),
        ("mean_sentiment", pa.float64()),
        ("mean_lo", pa.float64()),
        ("mean_hi", pa.float64()),
        ("previous_mean_sentiment", pa.float64()),
        ("change", pa.float64()),
        ("p_value", pa.float64()),
        ("verdict", pa.string()),
        ("generated_at", pa.timestamp("us", tz="UTC")),
    ],
    metadata={b"listening_post.schema": b"weekly_sides", b"listening_post.schema_version": b"1"},
)


def _ci(est: Estimate | None, i: int) -> float | None:
    ci95 = est["ci95"] if est else None
    return ci95[i] if ci95 else None


def sides_table(summary: Summary) -> pa.Table:
    """Press (news sources) and public (social sources) per week for BI tools: one row each."""
    rows = []
    for side, x in (("press", summary.get("press")), ("public", summary.get("public"))):
        if x is None:
            continue
        mean, share, volume_test, test = x["sentiment"]["mean"], x["share"], x["volume_test"], x["change"]["test"]
        rows.append(
            {
                "side": side,
                "sources": x["sources"],
                "posts": x["posts"],
                "authors": x["authors"],
                "share": share["value"] if share else None,
                "share_lo": _ci(share, 0),
                "share_hi": _ci(share, 1),
                "previous_posts": x["previous_week_posts"],
                "volume_p_value": volume_test["p_value"] if volume_test else None,
                "volume_verdict": x["volume_verdict"],
                "scored": mean["n"],
                "mean_sentiment": mean["value"],
                "mean_lo": _ci(mean, 0),
                "mean_hi": _ci(mean, 1),
                "previous_mean_sentiment": x["previous_week"]["mean"]["value"],
                "change": x["change"]["difference"],
                "p_value": test["p_value"] if test else None,
                "verdict": x["change"]["verdict"],
                "generated_at": datetime.fromisoformat(summary["generated_at"]),
            }
        )
    return pa.Table.from_pylist(rows, schema=SIDES_SCHEMA)
