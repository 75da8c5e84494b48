"""Coordination: near-identical texts posted by several distinct authors within a short window.

Two ways texts count as near-identical:

1. the same duplicate key (``dup_group``: equal once case, accents, links, mentions and punctuation are
   ignored), found by a GROUP BY at any scale;
2. sets of words and word pairs with a Jaccard similarity of at least ``JACCARD``, found by MinHash with
   locality-sensitive hashing inside DuckDB and confirmed on the exact sets, so that a campaign that swaps
   a word or two between copies is still one cluster. (Word triples are too strict for posts this short:
   one swapped word changes a third of them.)

Within each group of near-identical posts, posts closer in time than the window are chained into bursts; a
burst by at least ``min_authors`` distinct authors is reported. Only social sources are considered: news
outlets carrying the same wire story are syndication, not coordination. Reposts are amplification of one
post, not copies, and are left out.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import cast

import duckdb

from listening_post.analysis.reading import PostsReader
from listening_post.config import Coordination
from listening_post.sources import registry
from listening_post.summary_model import CoordinatedCluster

SOCIAL_SOURCES = registry.sources_of_kind("social")
JACCARD = 0.7
MINHASH_BANDS, MINHASH_ROWS = 8, 3  # 24 hashes; pairs at J=0.7 collide in some band with p = 0.98
# MinHash runs on at most this many of the week's candidate posts (a uniform sample beyond, said in the
# summary): copies that differ by a word are then found only among the sampled posts, exact copies (the
# duplicate key) at any scale.
MAX_NEAR_DUP_POSTS = 50_000


@dataclass
class _Post:
    post_id: str
    author: str | None
    at: datetime
    sentiment: float | None


def copy_hashes(posts: PostsReader, settings: Coordination) -> list[int]:
    """Hashes (DuckDB's ``hash``) of the duplicate keys of at least ``min_authors`` posts among this week's
    social original posts: the exact-copy candidates, found without reading a text. Their posts are read
    with the texts, and :func:`find_clusters` keeps the keys of ``min_authors`` distinct authors among them:
    a key with fewer posts has fewer authors, and a hash shared with another key only brings that key's few
    posts along. Numbers, not keys: a far smaller table than one of ten million strings."""
    rows = posts.query(
        """
        SELECT hash(dup_group) AS h FROM {posts}
        WHERE created_at >= $since AND NOT is_repost AND dup_group IS NOT NULL AND list_contains($sources, source)
        GROUP BY h HAVING count(*) >= $k
        """,
        {"since": posts.since(0), "sources": list(SOCIAL_SOURCES), "k": settings.min_authors},
    )
    return sorted(int(h) for (h,) in rows)


def find_clusters(con: duckdb.DuckDBPyConnection, settings: Coordination, week_posts: int) -> list[Cluster]:
    """Coordinated clusters in week 0, from table ``texts`` (every post once; the posts of the
    :func:`copy_hashes` are among its rows, and the sampled ones, whose reworded copies are looked for)."""
    con.execute(
        """
        CREATE OR REPLACE TEMP TABLE coord_candidates AS
        SELECT post_id, author_id, epoch_ms(created_at) AS at_ms, sentiment, dup_group,
               CASE WHEN sampled THEN text END AS text
        FROM texts
        WHERE w = 0 AND NOT is_repost AND list_contains($sources, source) AND chars >= $min_chars
        """,
        {"sources": list(SOCIAL_SOURCES), "min_chars": settings.min_chars},
    )
    if not con.execute("SELECT count(*) FROM coord_candidates").fetchone()[0]:  # type: ignore[index]
        return []
    union = _UnionFind()
    for group in con.execute(
        "SELECT list(post_id) FROM coord_candidates WHERE dup_group IS NOT NULL GROUP BY dup_group "
        "HAVING count(DISTINCT author_id) >= $k",
        {"k": settings.min_authors},
    ).fetchall():
        union.join(group[0])
    for a, b in _near_duplicate_pairs(con):
        union.join([a, b])
    window_s = settings.window_minutes * 60
    # Only the posts of a group of near-identical texts are looked at further (a few, however big the week).
    groups = union.groups()
    posts = {
        pid: _Post(pid, author, datetime.fromtimestamp(ms / 1000, tz=UTC), sentiment)
        for pid, author, ms, sentiment in con.execute(
            "SELECT post_id, author_id, at_ms, sentiment FROM coord_candidates "
            "WHERE post_id IN (SELECT unnest($ids::VARCHAR[]))",
            {"ids": [m for g in groups for m in g]},
        ).fetchall()
    }
    found: list[tuple[list[_Post], set[str]]] = []
    for members in groups:
        timeline = sorted((posts[m] for m in members if m in posts), key=lambda p: p.at)
        for burst in _bursts(timeline, window_s):
            authors = {p.author for p in burst if p.author}
            if len(authors) >= settings.min_authors:
                found.append((burst, authors))
    texts = _texts(con, [burst[0].post_id for burst, _ in found])
    clusters = [_describe(burst, authors, week_posts, texts.get(burst[0].post_id, "")) for burst, authors in found]
    clusters.sort(key=lambda c: (-c["posts"], c["first_at"]))
    return clusters


def _bursts(timeline: list[_Post], window_s: float) -> list[list[_Post]]:
    bursts: list[list[_Post]] = []
    for post in timeline:
        if bursts and (post.at - bursts[-1][-1].at).total_seconds() <= window_s:
            bursts[-1].append(post)
        else:
            bursts.append([post])
    return bursts


def _texts(con: duckdb.DuckDBPyConnection, post_ids: list[str]) -> dict[str, str]:
    """Texts of the given posts (each a copy-group member or a sampled post, so in ``texts``)."""
    if not post_ids:
        return {}
    rows = con.execute(
        "SELECT post_id, text FROM texts WHERE post_id IN (SELECT unnest($ids::VARCHAR[]))", {"ids": post_ids}
    ).fetchall()
    return {pid: text or "" for pid, text in rows}


def _describe(burst: list[_Post], authors: set[str], week_posts: int, sample: str) -> Cluster:
    first, last = burst[0].at, burst[-1].at
    scores = [p.sentiment for p in burst if p.sentiment is not None]
    return {
        "posts": len(burst),
        "authors": len(authors),
        "first_at": first.isoformat(),
        "last_at": last.isoformat(),
        "span_minutes": round((last - first).total_seconds() / 60),
        "sample_text": sample,
        "share_of_week": len(burst) / week_posts if week_posts else None,
        "mean_sentiment": sum(scores) / len(scores) if scores else None,
        "post_ids": [p.post_id for p in burst],
    }


class Cluster(CoordinatedCluster):
    post_ids: list[str]  # for the analyses of the week; never written to the summary


def without_posts(cluster: Cluster) -> CoordinatedCluster:
    """The cluster as the summary carries it: every field but its post ids."""
    return cast(CoordinatedCluster, {k: v for k, v in cluster.items() if k != "post_ids"})


def _near_duplicate_pairs(con: duckdb.DuckDBPyConnection) -> list[tuple[str, str]]:
    """Pairs of candidate posts whose word and word-pair sets have Jaccard >= JACCARD (MinHash LSH, verified)."""
    hashes = MINHASH_BANDS * MINHASH_ROWS
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE shingles AS
        WITH sampled AS (
            -- A hash order, not a seeded reservoir: the same posts whatever order the rows come in.
            SELECT post_id, text FROM coord_candidates WHERE text IS NOT NULL
            ORDER BY hash(post_id), post_id LIMIT {MAX_NEAR_DUP_POSTS}
        ),
        toks AS (
            SELECT post_id,
                   regexp_extract_all(lower(regexp_replace(text, '(https?://|www\\.)\\S+|@[\\w.@-]+', ' ', 'g')),
                                      '[\\p{{L}}\\p{{M}}\\p{{N}}]+') AS t
            FROM sampled
        )
        SELECT post_id,
               list_distinct(list_concat(list_transform(t, lambda w: hash(w)),
                                         list_transform(range(1, len(t)), lambda i: hash(t[i], t[i + 1])))) AS sh
        FROM toks WHERE len(t) >= 6
        """
    )
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE bands AS
        WITH mh AS (
            SELECT post_id, sh,
                   list_transform(range({hashes}), lambda k: list_min(list_transform(sh, lambda s: hash(s, k)))) AS sig
            FROM shingles
        )
        SELECT post_id, b, hash(sig[b * {MINHASH_ROWS} + 1: (b + 1) * {MINHASH_ROWS}], b) AS band_key
        FROM mh, range({MINHASH_BANDS}) r(b)
        """
    )
    rows = con.execute(
        f"""
        WITH pairs AS (
            SELECT DISTINCT x.post_id AS a, y.post_id AS b
            FROM bands x JOIN bands y ON x.b = y.b AND x.band_key = y.band_key AND x.post_id < y.post_id
        )
        SELECT a, b FROM pairs
        JOIN shingles sa ON sa.post_id = a
        JOIN shingles sb ON sb.post_id = b
        WHERE len(list_intersect(sa.sh, sb.sh)) >= {JACCARD} * len(list_distinct(list_concat(sa.sh, sb.sh)))
        """
    ).fetchall()
    return [(a, b) for a, b in rows]


class _UnionFind:
    def __init__(self) -> None:
        self.parent: dict[str, str] = {}

    def find(self, x: str) -> str:
        self.parent.setdefault(x, x)
        while self.parent[x] != x:
            self.parent[x] = self.parent[self.parent[x]]
            x = self.parent[x]
        return x

    def join(self, items: list[str]) -> None:
        root = self.find(items[0])
        for item in items[1:]:
            other = self.find(item)
            if other != root:
                self.parent[other] = root

    def groups(self) -> list[list[str]]:
        out: dict[str, list[str]] = defaultdict(list)
        for x in list(self.parent):
            out[self.find(x)].append(x)
        return [g for g in out.values() if len(g) > 1]
