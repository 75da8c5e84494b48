"""A generated lake for the summary benchmarks: one host country, posts with realistic distributions.

    .venv/bin/python bench/datagen.py --posts 1000000 [--out bench/data/lake-1m]

``--posts`` is the volume of the week the benchmark summarises (2026-W47); the weeks before it, which the
summary reads for its baselines (4 weeks), spikes (28 days) and trend (12 weeks), carry
``--history`` times that volume each (default 0.1: the week is a surge, ten times the usual volume; README,
Speed and cost, says why). What the data look like:

- authors: Zipf (s = 1.1) over a pool of N/4 accounts, so a few accounts post a lot and most post once;
- topics: 12 topics with Zipf shares (s = 1.2), 45% of posts on none, a fifth of the rest on two;
- time: a diurnal cycle, quieter weekends, and a few burst hours at 4-8 times the rate;
- languages: English, French, Spanish, German, Portuguese, Arabic, Italian, Hindi, Japanese (no spaces,
  excluded from emerging terms) and undetermined; words drawn by their frequency in real tweets of that
  language (the UMSAB and VADER corpora in ../shared/data, read by path), so word counts follow Zipf too;
- sources: six platforms plus news feeds; 15% of social posts are reposts (unscored, no language);
- sentiment: a mixture of neutral, positive and negative compound scores whose mean differs by topic; in
  the summarised week one topic turns negative and a planted phrase emerges;
- coordination: three copy-paste campaigns in the week (20-60 near-identical posts from 12-40 fresh
  accounts within an hour, a word swapped in some copies);
- files and duplicates as the deployed schedule leaves them when the brief runs (Monday 12:00 UTC):
  partitions compacted by the daily maintenance (03:30 UTC) are one sorted file each; the last
  ``UNCOMPACTED_DAYS`` UTC days were written since, one file per collection hour, and ``RACE_SHARE`` of
  their posts a second time by another job of the same hour (queries of one country run in parallel and
  can both match a post), so the readers' deduplication has work to do;
- ``layout="worst"`` instead: every partition, old ones too, holds its compacted file plus a file of
  re-collected copies of 0.5% of its posts (compaction never ran after them): the readers' worst case.

Everything goes under ``bench/data/`` (ignored by git); nothing here is committed.
"""

from __future__ import annotations

import argparse
import re
import shutil
import sys
import time
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "data" / "benchmarks"
DATA = ROOT / "bench" / "data"

COUNTRY, TIMEZONE, WEEK = "CA", "America/Toronto", "2026-W47"
MONDAY = date(2026, 11, 16)  # local Monday of 2026-W47
TREND_WEEKS = 12
SEED = 20261123

TOPICS = [
    ("trade", "tariff lumber exports"),
    ("energy", "energy pipeline climate"),
    ("housing", "housing rent zoning"),
    ("diplomacy", "embassy ambassador minister"),
    ("health", "hospital doctors health"),
    ("security", "defence army border"),
    ("migration", "immigration asylum visa"),
    ("economy", "inflation jobs economy"),
    ("transport", "train transit airport"),
    ("education", "school university students"),
    ("culture", "festival music film"),
    ("sport", "hockey match league"),
]
TOPIC_MEAN = {"trade": 0.15, "energy": -0.05, "housing": -0.2, "diplomacy": 0.3, "health": -0.1}
LANGS = ["en", "fr", "es", "de", "pt", "ar", "it", "hi", "ja", "und"]
LANG_P = [0.50, 0.15, 0.08, 0.07, 0.06, 0.04, 0.03, 0.02, 0.02, 0.03]
CORPUS = {
    "en": "english",
    "fr": "french",
    "es": "spanish",
    "de": "german",
    "pt": "portuguese",
    "ar": "arabic",
    "it": "italian",
    "hi": "hindi",
}
# Sentiment backends the default configuration has for each language (sentiment_catalogue).
MODELS = {
    "en": "vader-3.3.2",
    "fr": "vader-fr-1.3.4",
    "de": "vader-3.3.2+sentiws",
    "pt": "leia-0.0.1",
    "ar": "vader-3.3.2+mpqa-ar",
}
SOURCES = ["x", "bluesky", "mastodon", "reddit", "youtube", "rss", "google_news"]
SOURCE_P = [0.38, 0.2, 0.14, 0.1, 0.08, 0.05, 0.05]
SOCIAL = {"x", "bluesky", "mastodon", "reddit", "youtube"}
HASHTAGS = ["#cdnpoli", "#canada", "#news", "#trade", "#climate", "#housing", "#ottawa", "#hockey", "#qcpoli"]
JA_WORDS = ["ニュース", "カナダ", "貿易", "関税", "政府", "経済", "今日", "問題", "大使館", "木材", "です", "ました"]
UNCOMPACTED_DAYS = 2  # UTC days written since the last daily compaction when the brief runs
RACE_SHARE = 0.02  # of an uncompacted day's posts, written twice by two jobs of the same hour
EMERGING = "countervailing duties"
CAMPAIGN = "Boycott US lumber now: these duties are an attack on {w} workers and families, share this everywhere"


def vocabularies() -> dict[str, tuple[list[str], np.ndarray]]:
    """Per language: words and their cumulative sampling probabilities (corpus frequency)."""
    word = re.compile(r"[^\W\d_][\w'’-]*[^\W_]|[^\W\d_]")
    vocab: dict[str, tuple[list[str], np.ndarray]] = {}
    for lang, name in CORPUS.items():
        counts: Counter[str] = Counter()
        umsab = SHARED / "multilingual_sentiment" / "umsab_test" / name / "test_text.txt"
        lines = umsab.read_text(encoding="utf-8").splitlines() if umsab.exists() else []
        if lang == "en":
            for path in sorted((SHARED / "vader").glob("*_GroundTruth.txt")):
                lines += [row.split("\t", 2)[-1] for row in path.read_text(encoding="utf-8").splitlines()]
        for line in lines:
            counts.update(w.lower() for w in word.findall(line) if w.lower() not in ("http", "user"))
        if len(counts) < 200:  # no corpus beside the repository: pseudo-words with Zipf frequencies
            rng = np.random.default_rng(len(lang))
            letters = list("abcdefghijklmnopqrstuvwxyz")
            counts = Counter(
                {"".join(rng.choice(letters, size=rng.integers(3, 10))): 1.0 / (r + 1) for r in range(5000)}
            )
        words, freq = zip(*counts.most_common(), strict=True)
        p = np.asarray(freq, dtype=np.float64)
        vocab[lang] = (list(words), np.cumsum(p) / p.sum())
    return vocab


def zipf_cdf(n: int, s: float) -> np.ndarray:
    w = 1.0 / np.arange(1, n + 1, dtype=np.float64) ** s
    return np.cumsum(w) / w.sum()


def draw(rng: np.random.Generator, cdf: np.ndarray, size: int) -> np.ndarray:
    return np.minimum(np.searchsorted(cdf, rng.random(size)), len(cdf) - 1)


class Generator:
    def __init__(self, posts: int, history: float, seed: int = SEED) -> None:
        self.posts, self.history = posts, history
        self.rng = np.random.default_rng(seed)
        self.vocab = vocabularies()
        self.vocab_arrays = {lang: pa.array(words, pa.string()) for lang, (words, _) in self.vocab.items()}
        self.n_authors = max(1000, posts // 4)
        self.author_cdf = zipf_cdf(self.n_authors, 1.1)
        self.topic_cdf = zipf_cdf(len(TOPICS), 1.2)
        self.next_id = 0
        self.next_author = self.n_authors  # fresh accounts (campaigns) get numbers past the pool
        hours = np.array([2, 1, 1, 1, 1, 2, 4, 7, 9, 10, 10, 10, 11, 11, 10, 10, 10, 11, 12, 12, 11, 9, 6, 4], float)
        self.hour_w = hours / hours.sum()

    # --- volume over time -----------------------------------------------------------------------

    def day_volume(self, day: date) -> int:
        """Posts on a UTC day: the week's volume for days of W47 (local), the history rate before."""
        week = (day - MONDAY).days // 7
        weekend = 0.8 if day.weekday() >= 5 else 1.07
        base = self.posts if week == 0 else self.posts * self.history
        if week > 0 or week < -(TREND_WEEKS - 1) - 1:
            return 0
        jitter = 1 + 0.05 * np.sin(day.toordinal())
        return int(base / 7 * weekend * jitter)

    def times(self, day: date, n: int) -> np.ndarray:
        """Microseconds since the epoch: diurnal cycle (local time) plus burst hours."""
        w = self.hour_w.copy()
        # Bursts: about one day in three has one hour at 4-8 times its usual rate.
        if day.toordinal() % 3 == 0:
            w[(day.toordinal() * 7) % 24] *= 4 + day.toordinal() % 5
        w = np.roll(w, 5)  # local (UTC-5) hours to UTC
        w /= w.sum()
        hour = self.rng.choice(24, size=n, p=w)
        start = int(datetime(day.year, day.month, day.day, tzinfo=UTC).timestamp()) * 1_000_000
        return start + hour * 3_600_000_000 + self.rng.integers(0, 3_600_000_000, size=n)

    # --- one day of posts -----------------------------------------------------------------------

    def texts(self, lang_idx: np.ndarray, topic_words: np.ndarray, planted: np.ndarray) -> pa.Array:
        """Texts of posts sorted by language (``lang_idx`` ascending): one block of words per language."""
        n = len(lang_idx)
        rng = self.rng
        lengths = np.clip(rng.lognormal(2.7, 0.5, size=n).astype(np.int64), 3, 60)
        lengths = np.where(np.asarray(LANGS)[lang_idx] == "und", rng.integers(1, 4, n), lengths)  # emoji, "ok"
        blocks: list[pa.Array] = []
        for i, lang in enumerate(LANGS):
            rows = np.nonzero(lang_idx == i)[0]
            if rows.size == 0:
                continue
            lens = lengths[rows]
            offsets = np.zeros(rows.size + 1, dtype=np.int64)
            offsets[1:] = np.cumsum(lens)
            if lang in ("ja", "und"):
                words = pa.array(JA_WORDS if lang == "ja" else ["🙂", "👍", "ok", "🔥", "lol", "…"])
                picks = rng.integers(0, len(words), offsets[-1])
            else:
                words, picks = self.vocab_arrays[lang], draw(rng, self.vocab[lang][1], int(offsets[-1]))
            tokens = words.take(pa.array(picks))
            joined = pc.binary_join(
                pa.ListArray.from_arrays(pa.array(offsets, pa.int32()), tokens), "" if lang == "ja" else " "
            )
            blocks.append(joined)
        body = pa.concat_arrays(blocks)
        tags = np.where(rng.random(n) < 0.12, np.asarray(HASHTAGS)[draw(rng, zipf_cdf(9, 1.0), n)], "")
        links = np.where(rng.random(n) < 0.1, "https://example.org/a/" + rng.integers(0, 10**9, n).astype(str), "")
        mentions = np.where(rng.random(n) < 0.1, "@user" + rng.integers(0, 10**6, n).astype(str), "")
        spaced = np.asarray(LANGS)[lang_idx] != "ja"
        parts = [
            pa.array(mentions),
            body,
            pa.array(np.where(spaced, topic_words, "")),
            pa.array(np.where(planted & spaced, EMERGING, "")),
            pa.array(tags),
            pa.array(links),
        ]
        return pc.utf8_trim_whitespace(pc.binary_join_element_wise(*parts, " "))

    def day(self, day: date) -> pa.Table | None:
        n = self.day_volume(day)
        if n == 0:
            return None
        rng = self.rng
        week = (day - MONDAY).days // 7
        source_idx = rng.choice(len(SOURCES), size=n, p=SOURCE_P)
        source = np.asarray(SOURCES)[source_idx]
        social = np.isin(source, list(SOCIAL))
        repost = social & (rng.random(n) < 0.15)
        lang_idx = np.where(repost, LANGS.index("und"), rng.choice(len(LANGS), size=n, p=LANG_P))
        order = np.argsort(lang_idx, kind="stable")  # texts are made one language at a time
        lang_idx, source, repost = lang_idx[order], source[order], repost[order]
        lang = np.asarray(LANGS)[lang_idx]
        n_topics = np.where(rng.random(n) < 0.45, 0, np.where(rng.random(n) < 0.8, 1, 2))
        t1, t2 = draw(rng, self.topic_cdf, n), draw(rng, self.topic_cdf, n)
        n_topics = np.where((n_topics == 2) & (t1 == t2), 1, n_topics)
        pairs, mask = np.stack([t1, t2], axis=1), np.stack([n_topics >= 1, n_topics == 2], axis=1)
        offsets = np.zeros(n + 1, dtype=np.int64)
        offsets[1:] = np.cumsum(n_topics)
        topics = pa.ListArray.from_arrays(
            pa.array(offsets, pa.int32()), pa.array(np.asarray([t for t, _ in TOPICS])[pairs[mask]], pa.string())
        )
        keywords = np.asarray([w.split() for _, w in TOPICS])  # 12 x 3
        topic_words = np.where(n_topics > 0, keywords[t1, rng.integers(0, 3, n)], "")
        planted = (week == 0) & (n_topics > 0) & (t1 == 0) & (rng.random(n) < 0.08)
        text = self.texts(lang_idx, topic_words, planted)
        # Sentiment: neutral / positive / negative mixture, its centre moved by the first topic's mean.
        shift = np.array([TOPIC_MEAN.get(t, 0.0) for t, _ in TOPICS])[t1] * (n_topics > 0)
        if week == 0:
            shift = np.where((n_topics > 0) & (t1 == 0), -0.35, shift)  # trade turns negative this week
        kind = rng.random(n)
        compound = np.where(
            kind < 0.3,
            rng.uniform(-0.04, 0.04, n) * (rng.random(n) < 0.5),
            np.clip(rng.normal(0.1 + shift, 0.55, n), -0.99, 0.99),
        ).round(4)
        models = np.asarray([MODELS.get(x, "") for x in LANGS])[lang_idx]
        scored = (models != "") & ~repost
        label = np.where(compound >= 0.05, "positive", np.where(compound <= -0.05, "negative", "neutral"))
        neg = np.clip(-compound * 0.4 + rng.uniform(0, 0.1, n), 0, 1).round(3)
        pos = np.clip(compound * 0.4 + rng.uniform(0, 0.1, n), 0, 1).round(3)
        neu = (1 - pos - neg).clip(0, 1).round(3)
        times = self.times(day, n)
        ids = np.arange(self.next_id, self.next_id + n)
        self.next_id += n
        authors = draw(rng, self.author_cdf, n)
        likes = rng.geometric(0.08, n) - 1
        cols = {
            "n": ids,
            "source": source,
            "created_us": times,
            "lang": lang,
            "text": text,
            "author": authors,
            "likes": likes,
            "reposts": (likes * rng.random(n) * 0.3).astype(np.int64),
            "replies": (likes * rng.random(n) * 0.2).astype(np.int64),
            "is_repost": repost,
            "sentiment": pa.array(compound, mask=~scored),
            "sentiment_pos": pa.array(pos, mask=~scored),
            "sentiment_neu": pa.array(neu, mask=~scored),
            "sentiment_neg": pa.array(neg, mask=~scored),
            "sentiment_label": np.where(scored, label, "unscored"),
            "sentiment_model": pa.array(models, mask=~scored),
            "topics": topics,
            "scored": scored,
        }
        table = pa.table(cols)
        if week == 0 and day.weekday() in (1, 3, 4) and day >= MONDAY:
            table = pa.concat_tables([table, self.campaign(day, table.schema)])
        return table

    def campaign(self, day: date, schema: pa.Schema) -> pa.Table:
        """A copy-paste campaign: one text (a word swapped in some copies) from fresh accounts in an hour."""
        rng = self.rng
        posts = int(rng.integers(20, 61))
        accounts = int(rng.integers(12, min(posts, 40) + 1))
        start = int(datetime(day.year, day.month, day.day, 15, tzinfo=UTC).timestamp()) * 1_000_000
        swap = ["forestry", "mill", "Canadian", "local", "sawmill"]
        texts = [CAMPAIGN.format(w=swap[0] if rng.random() < 0.6 else rng.choice(swap)) for _ in range(posts)]
        ids = np.arange(self.next_id, self.next_id + posts)
        self.next_id += posts
        authors = self.next_author + rng.integers(0, accounts, posts)
        self.next_author += accounts
        compound = np.round(rng.uniform(-0.8, -0.5, posts), 4)
        return pa.table(
            {
                "n": ids,
                "source": np.full(posts, "x"),
                "created_us": start + np.sort(rng.integers(0, 50 * 60_000_000, posts)),
                "lang": np.full(posts, "en"),
                "text": pa.array(texts, pa.string()),
                "author": authors,
                "likes": rng.integers(0, 5, posts),
                "reposts": np.zeros(posts, np.int64),
                "replies": np.zeros(posts, np.int64),
                "is_repost": np.zeros(posts, bool),
                "sentiment": pa.array(compound),
                "sentiment_pos": pa.array(np.zeros(posts)),
                "sentiment_neu": pa.array(np.full(posts, 0.7)),
                "sentiment_neg": pa.array(np.full(posts, 0.3)),
                "sentiment_label": np.full(posts, "negative"),
                "sentiment_model": pa.array(["vader-3.3.2"] * posts, pa.string()),
                "topics": pa.array([["trade"]] * posts, pa.list_(pa.string())),
                "scored": np.ones(posts, bool),
            },
            schema=schema,
        )


FINISH = """
SELECT source || ':' || n::VARCHAR AS post_id, source,
       CASE WHEN source IN ('rss', 'google_news') THEN 'ca-news' ELSE 'ca-social' END AS query_id,
       make_timestamptz(created_us) AS created_at,
       make_timestamptz(created_us) + INTERVAL 40 MINUTE AS collected_at,
       'https://example.org/' || source || '/' || n::VARCHAR AS url,
       lang, text,
       substr(md5(source || ':author:' || author::VARCHAR), 1, 32) AS author_id,
       likes, reposts, replies, is_repost,
       sentiment, sentiment_pos, sentiment_neu, sentiment_neg, sentiment_label,
       CASE WHEN scored THEN sentiment_model END AS sentiment_model, topics,
       CASE WHEN is_repost OR length(text) < 8 THEN NULL ELSE substr(md5(lower(text)), 1, 16) END AS dup_group,
       'item' AS created_at_source,
       NULL::MAP(VARCHAR, DOUBLE) AS topic_sentiment,  -- v3: topic tone as the whole post's
       -- posts schema v3: nothing shared or linked (the amplification analysis is timed by bench/amplification.py)
       NULL::VARCHAR[] AS links, NULL::VARCHAR[] AS domains, NULL::VARCHAR[] AS hashtags, NULL::VARCHAR[] AS mentions,
       NULL::VARCHAR AS reposted_post_id, NULL::VARCHAR AS quoted_post_id, NULL::VARCHAR AS reply_to_post_id,
       NULL::TIMESTAMPTZ AS author_created_at, NULL::BIGINT AS author_followers, NULL::BIGINT AS author_posts,
       NULL::BOOLEAN AS author_is_verified
FROM t
ORDER BY created_at, post_id
"""


def generate(posts: int, out: Path, history: float = 0.1, seed: int = SEED, layout: str = "deployed") -> dict[str, int]:
    """Write the lake; returns rows per period. Replaces ``out``. ``layout`` is ``deployed`` or ``worst``
    (see the module's docstring)."""
    from listening_post.lake import PARQUET_OPTIONS
    from listening_post.layout import PATHS
    from listening_post.model import FILE_SCHEMA

    if out.exists():
        shutil.rmtree(out)
    gen = Generator(posts, history, seed)
    con = duckdb.connect(config={"threads": 2})
    con.execute("SET enable_progress_bar = false")
    con.execute("SET TimeZone = 'UTC'")
    first = MONDAY - timedelta(days=7 * (TREND_WEEKS - 1) + 1)
    last = MONDAY + timedelta(days=7)
    rows = {"week": 0, "history": 0, "duplicates": 0, "files": 0}
    day = first
    while day <= last:
        table = gen.day(day)
        if table is not None:
            con.register("t", table)
            lake_rows = con.sql(FINISH).to_arrow_table()
            lake_rows = lake_rows.select(FILE_SCHEMA.names).cast(FILE_SCHEMA)
            con.unregister("t")
            folder = out / PATHS.posts_partition(COUNTRY, day.isoformat())
            folder.mkdir(parents=True, exist_ok=True)
            uncompacted = layout == "deployed" and (last - day).days < UNCOMPACTED_DAYS
            if uncompacted:
                hours = pc.hour(lake_rows.column("created_at"))
                for hour in range(24):
                    part = lake_rows.filter(pc.equal(hours, hour))
                    if part.num_rows:
                        pq.write_table(part, folder / f"part-all-run{hour:02d}-{day:%Y%m%d}.parquet", **PARQUET_OPTIONS)
                        rows["files"] += 1
            else:
                pq.write_table(lake_rows, folder / f"part-compacted-bench-{day:%Y%m%d}.parquet", **PARQUET_OPTIONS)
                rows["files"] += 1
            if uncompacted or layout == "worst":
                # Written again by another job, which finished a minute (a race) or an hour (a re-collection)
                # later: the readers keep the later copy.
                share, delay = (RACE_SHARE, 60_000_000) if uncompacted else (0.005, 3_600_000_000)
                again = lake_rows.filter(pa.array(gen.rng.random(lake_rows.num_rows) < share))
                later = pc.add(again.column("collected_at"), pa.scalar(delay, pa.duration("us")))
                again = again.set_column(again.schema.get_field_index("collected_at"), "collected_at", later)
                target = folder / f"part-x-bench-{day:%Y%m%d}.parquet"
                pq.write_table(again.cast(FILE_SCHEMA), target, **PARQUET_OPTIONS)
                rows["duplicates"] += again.num_rows
                rows["files"] += 1
            in_week = MONDAY <= day < MONDAY + timedelta(days=7)
            rows["week" if in_week else "history"] += lake_rows.num_rows
        day += timedelta(days=1)
    con.close()
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=1_000_000, help="posts in the summarised week")
    parser.add_argument("--history", type=float, default=0.1, help="each earlier week's volume, as a share")
    parser.add_argument("--layout", choices=["deployed", "worst"], default="deployed")
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args(argv)
    out = args.out or DATA / f"lake-{args.posts}"
    started = time.perf_counter()
    rows = generate(args.posts, out, args.history, layout=args.layout)
    print(f"{out}: {rows} in {time.perf_counter() - started:.1f} s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
