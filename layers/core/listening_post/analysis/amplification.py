"""Who amplifies, and how (issue 20): coordinated co-sharing, account signals and who the press is.

**Coordinated co-sharing** follows CooRnet (Giglietto et al.) and CooRTweet (Righetti and Balluff): two
accounts are linked when they share the same link, or repost the same post, within the coordination
window, on at least ``min_repetition`` different links or posts. The window is estimated from the week, as
CooRnet's ``estimate_coord_interval`` does: for every link (or reposted post) shared by several accounts,
the time from its first share until more than ``share_fraction`` of its shares had happened; the window is
the ``window_quantile`` quantile of those times (the fastest tenth of spreading, by default). Components of
the network of linked accounts are the clusters. Organic sharing of a popular link links many accounts
once; only repeated co-sharing, on several objects, makes an edge.

Pairs are looked for among each object's ``MAX_NEIGHBOURS`` nearest shares in time, which bounds the work
on a link shared by tens of thousands of accounts (a cluster's members share within seconds of one another,
so they are neighbours whatever else shares that link).

**Account signals** are the share of the week's posts from accounts younger than ``young_account_days``
(where the platform gives the account's creation date), and from the most active 1% of accounts; posting-
rate outliers (a robust z-score of log posts per account); and the tone with each author counted once
(the mean of authors' mean tone) beside the per-post tone. Signals, not verdicts: a new account may be a
new voice, a prolific one a newsroom, a co-sharing pair two friends.

**Who the press is**: the domains of shared links against the configuration's outlet lists.

Everything runs in DuckDB over the week's posts; nothing names an account: clusters carry counts, links,
domains and tone, and the members (author pseudonyms) only for matching clusters across weeks.
"""

from __future__ import annotations

import hashlib
import math
from collections import Counter, defaultdict
from typing import Any

from listening_post.analysis import stats
from listening_post.analysis.reading import PostsReader
from listening_post.config import Amplification

SOCIAL_SOURCES = ("mastodon", "bluesky", "reddit", "x", "youtube")
MAX_NEIGHBOURS = 50
MIN_OBJECTS_FOR_ESTIMATE = 10  # fewer spreading objects than this: the default window
DEFAULT_WINDOW_SECONDS = 60  # CooRnet's usual estimate on Facebook data
MAX_EDGES = 200_000  # strongest edges kept (a pathological week cannot exhaust memory)
TOP_SHARE = 0.01
OUTLIER_Z = 3.5  # Iglewicz and Hoaglin's modified z-score threshold
CATEGORIES = ("state_affiliated", "low_quality", "partisan", "trusted")
MATCH_JACCARD = 0.3  # a cluster is last week's when it keeps this share of the members


def analyse(posts: PostsReader, settings: Amplification, min_n: int) -> dict[str, Any]:
    """The ``amplification`` block of summary.json for week 0 of ``posts``, with ``members`` in each
    cluster (removed before the summary is written; see :func:`match_clusters`)."""
    con = posts.con
    _shares(posts)
    window, estimated_from = _window(posts, settings)
    clusters = _clusters(posts, settings, window)
    return {
        "method": {
            "window_seconds": window,
            "window_estimated_from": estimated_from,
            "min_repetition": settings.min_repetition,
            "window_quantile": settings.window_quantile,
            "share_fraction": settings.share_fraction,
        },
        "clusters": clusters,
        "accounts": _account_signals(posts, settings, min_n),
        "outlets": _outlets(con, settings),
    }


def _shares(posts: PostsReader) -> None:
    """Table ``amp_shares``: each account's first share of each link or reposted post in week 0 (social
    sources; older copies of a post share the same things, so the first share is the same)."""
    posts.con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE amp_posts AS
        SELECT post_id, author_id, epoch(created_at)::BIGINT AS t, is_repost, sentiment, links, domains,
               reposted_post_id
        FROM {posts.posts}
        WHERE w = 0 AND author_id IS NOT NULL AND list_contains($sources, source)
        """,
        {"sources": list(SOCIAL_SOURCES)},
    )
    posts.con.execute(
        """
        CREATE OR REPLACE TEMP TABLE amp_shares AS
        WITH s AS (
            SELECT 'link' AS kind, unnest(links) AS object, author_id, t, post_id FROM amp_posts
            WHERE NOT is_repost AND len(links) > 0
            UNION ALL
            SELECT 'repost', reposted_post_id, author_id, t, post_id FROM amp_posts WHERE reposted_post_id IS NOT NULL
        )
        SELECT kind, object, author_id, min(t) AS t, min(post_id) AS post_id FROM s GROUP BY ALL
        """
    )


def _window(posts: PostsReader, settings: Amplification) -> tuple[int, int]:
    """The coordination window in seconds and how many objects it was estimated from (0: configured or
    default)."""
    if settings.window_seconds is not None:
        return settings.window_seconds, 0
    row = posts.con.execute(
        """
        WITH ranked AS (
            SELECT kind, object, t - min(t) OVER o AS since_first,
                   row_number() OVER (o ORDER BY t) / count(*) OVER o AS fraction, count(*) OVER o AS n
            FROM amp_shares WINDOW o AS (PARTITION BY kind, object)
        ),
        spread AS (
            SELECT min(since_first) AS reach FROM ranked WHERE n > 1 AND fraction > $p GROUP BY kind, object
        )
        SELECT count(*), quantile_cont(reach, $q) FROM spread
        """,
        {"p": settings.share_fraction, "q": settings.window_quantile},
    ).fetchone()
    objects, quantile = (row[0], row[1]) if row else (0, None)
    if objects < MIN_OBJECTS_FOR_ESTIMATE or quantile is None:
        return DEFAULT_WINDOW_SECONDS, 0
    return max(1, math.ceil(quantile)), int(objects)


def _clusters(posts: PostsReader, settings: Amplification, window: int) -> list[dict[str, Any]]:
    con = posts.con
    edges = con.execute(
        """
        WITH r AS (
            SELECT kind, object, author_id, t,
                   row_number() OVER (PARTITION BY kind, object ORDER BY t, author_id) AS i
            FROM amp_shares
            WHERE (kind, object) IN (SELECT (kind, object) FROM amp_shares GROUP BY ALL HAVING count(*) > 1)
        ),
        pairs AS (
            SELECT least(a.author_id, b.author_id) AS x, greatest(a.author_id, b.author_id) AS y,
                   a.kind, a.object
            FROM r a JOIN r b
              ON a.kind = b.kind AND a.object = b.object AND b.i > a.i AND b.i <= a.i + $k AND b.t - a.t <= $window
        )
        SELECT x, y, count(DISTINCT (kind, object)) AS weight FROM pairs
        GROUP BY x, y HAVING count(DISTINCT (kind, object)) >= $m
        ORDER BY weight DESC, x, y LIMIT $max_edges
        """,
        {"k": MAX_NEIGHBOURS, "window": window, "m": settings.min_repetition, "max_edges": MAX_EDGES},
    ).fetchall()
    if not edges:
        return []
    parent: dict[str, str] = {}

    def find(a: str) -> str:
        parent.setdefault(a, a)
        while parent[a] != a:
            parent[a] = parent[parent[a]]
            a = parent[a]
        return a

    for a, b, _ in edges:
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    components: dict[str, list[str]] = defaultdict(list)
    for account in list(parent):
        components[find(account)].append(account)
    members = {a: root for root, accounts in components.items() for a in accounts}
    con.execute(
        "CREATE OR REPLACE TEMP TABLE amp_members AS SELECT unnest($a::VARCHAR[]) AS author_id, "
        "unnest($c::VARCHAR[]) AS cluster",
        {"a": list(members), "c": list(members.values())},
    )
    # A cluster's coordinated shares: its members' shares of objects that at least two members shared
    # within the window of each other.
    coordinated = con.execute(
        """
        WITH m AS (SELECT s.*, cluster FROM amp_shares s JOIN amp_members USING (author_id)),
        hit AS (
            SELECT DISTINCT a.cluster, a.kind, a.object, a.post_id FROM m a JOIN m b
              ON a.cluster = b.cluster AND a.kind = b.kind AND a.object = b.object
             AND a.author_id <> b.author_id AND abs(a.t - b.t) <= $window
        )
        SELECT cluster, kind, object, count(*) FROM hit GROUP BY ALL
        """,
        {"window": window},
    ).fetchall()
    week_posts = con.execute("SELECT count(DISTINCT post_id) FROM amp_posts").fetchone()
    total = int(week_posts[0]) if week_posts else 0
    volume = {
        c: (n, tone, scored)
        for c, n, tone, scored in con.execute(
            """
            SELECT cluster, count(DISTINCT post_id), avg(sentiment) FILTER (WHERE NOT is_repost),
                   count(sentiment) FILTER (WHERE NOT is_repost)
            FROM amp_posts JOIN amp_members USING (author_id) GROUP BY cluster
            """
        ).fetchall()
    }
    objects: dict[str, Counter[tuple[str, str]]] = defaultdict(Counter)
    for cluster, kind, obj, n in coordinated:
        objects[cluster][(kind, obj)] += n
    out = []
    for root, accounts in components.items():
        shared = objects.get(root, Counter())
        links = [(o, n) for (k, o), n in shared.most_common() if k == "link"]
        domains: Counter[str] = Counter()
        for link, n in links:
            domains[_domain(link)] += n
        n_posts, tone, scored = volume.get(root, (0, None, 0))
        out.append(
            {
                "id": _cluster_id(accounts),
                "accounts": len(accounts),
                "posts": n_posts,
                "share_of_week": n_posts / total if total else None,
                "coordinated_shares": sum(shared.values()),
                "links": [{"url": o, "shares": n} for o, n in links[:5]],
                "link_count": len(links),
                "reposted_posts": sum(1 for (k, _) in shared if k == "repost"),
                "domains": [{"domain": d, "shares": n} for d, n in domains.most_common(5)],
                "tone": {"mean": tone, "n": scored} if scored else {"mean": None, "n": 0},
                "members": sorted(accounts),
            }
        )
    out.sort(key=lambda c: (-c["accounts"], -c["posts"], c["id"]))
    return out


def _cluster_id(accounts: list[str]) -> str:
    return "amp-" + hashlib.blake2b("\n".join(sorted(accounts)).encode(), digest_size=6).hexdigest()


def _domain(url: str) -> str:
    from listening_post.enrich.urls import domain_of

    return domain_of(url) or "?"


def _account_signals(posts: PostsReader, settings: Amplification, min_n: int) -> dict[str, Any]:
    con = posts.con
    per_author = con.execute(
        """
        SELECT author_id, count(DISTINCT post_id) AS n,
               avg(sentiment) FILTER (WHERE NOT is_repost) AS tone
        FROM amp_posts GROUP BY author_id ORDER BY n DESC, author_id
        """
    ).fetchall()
    counts = [int(n) for _, n, _ in per_author]
    total = sum(counts)
    young_sql = f"created_at - author_created_at < INTERVAL {int(settings.young_account_days)} DAY"
    young = con.execute(
        f"""
        SELECT count(DISTINCT post_id) FILTER (WHERE author_created_at IS NOT NULL),
               count(DISTINCT post_id) FILTER (WHERE {young_sql}),
               count(DISTINCT author_id) FILTER (WHERE {young_sql})
        FROM {posts.posts}
        WHERE w = 0 AND author_id IS NOT NULL AND list_contains($sources, source)
        """,
        {"sources": list(SOCIAL_SOURCES)},
    ).fetchone() or (0, 0, 0)
    known, young_posts, young_accounts = (int(v or 0) for v in young)
    top_k = max(1, math.ceil(len(counts) * TOP_SHARE)) if counts else 0
    outliers = _rate_outliers(counts)
    tones = [float(t) for _, _, t in per_author if t is not None]
    return {
        "accounts": len(counts),
        "posts": total,
        "young_accounts": {
            "days": settings.young_account_days,
            "posts_with_account_age": known,
            "posts": young_posts,
            "accounts": young_accounts,
            "share": stats.share_estimate(young_posts, known, min_n) if known else None,
        },
        "top_accounts": {
            "accounts": top_k,
            "posts": sum(counts[:top_k]),
            "share": sum(counts[:top_k]) / total if total else None,
        },
        "rate_outliers": {
            "accounts": len(outliers),
            "posts": sum(outliers),
            "share": sum(outliers) / total if total else None,
            "threshold_posts": min(outliers) if outliers else None,
        },
        "tone_one_author_one_vote": _mean(tones, min_n),
    }


def _rate_outliers(counts: list[int]) -> list[int]:
    """Posts of the accounts whose log posts per week has a modified z-score above ``OUTLIER_Z`` (median and
    median absolute deviation: robust to the outliers themselves). Where most accounts post once (a MAD of
    zero) the spread is taken from the accounts posting more than the median."""
    if len(counts) < 10:
        return []
    logs = sorted(math.log(c) for c in counts)
    median = _median(logs)
    mad = _median([abs(x - median) for x in logs])
    if mad == 0:
        above = [x for x in logs if x > median]
        mad = _median([x - median for x in above]) if above else 0
    if mad == 0:
        return []
    limit = median + OUTLIER_Z * mad / 0.6745
    return [c for c in counts if math.log(c) > limit]


def _median(values: list[float]) -> float:
    ordered = sorted(values)
    n = len(ordered)
    return 0.0 if not n else ordered[n // 2] if n % 2 else (ordered[n // 2 - 1] + ordered[n // 2]) / 2


def _mean(values: list[float], min_n: int) -> dict[str, Any]:
    return stats.mean_estimate(stats.Moments.from_sums(len(values), sum(values), sum(v * v for v in values)), min_n)


def _outlets(con: Any, settings: Amplification) -> dict[str, Any]:
    """Shares of links by outlet category (a domain's list covers its subdomains)."""
    rows = con.execute(
        "SELECT d, count(*) FROM (SELECT unnest(domains) AS d FROM amp_posts WHERE NOT is_repost) GROUP BY d"
    ).fetchall()
    lists = {cat: set(getattr(settings.outlets, cat)) for cat in CATEGORIES}
    total = sum(int(n) for _, n in rows)
    by_category: Counter[str] = Counter()
    named: list[dict[str, Any]] = []
    for domain, n in sorted(rows, key=lambda r: (-r[1], r[0])):
        cats = [cat for cat in CATEGORIES if _listed(domain, lists[cat])]
        for cat in cats or ["unlisted"]:
            by_category[cat] += int(n)
        if len(named) < 10:
            named.append({"domain": domain, "shares": int(n), "lists": cats})
    configured = any(lists.values())
    return {
        "source": "configuration" if configured else None,
        "link_shares": total,
        "by_category": {
            cat: {"shares": by_category[cat], "share": by_category[cat] / total if total else None}
            for cat in (*CATEGORIES, "unlisted")
        },
        "top_domains": named,
    }


def _listed(domain: str, listed: set[str]) -> bool:
    parts = domain.split(".")
    return any(".".join(parts[i:]) in listed for i in range(len(parts) - 1))


def match_clusters(current: list[dict[str, Any]], previous: list[dict[str, Any]]) -> None:
    """Give a cluster the id and ``since`` week of last week's cluster it continues (the largest Jaccard
    overlap of members, at least ``MATCH_JACCARD``); ``previous`` rows hold ``id``, ``since`` and
    ``members``. Each of last week's clusters continues at most one."""
    taken: set[str] = set()
    for cluster in current:
        mine = set(cluster["members"])
        best, best_j = None, MATCH_JACCARD
        for old in previous:
            if old["id"] in taken:
                continue
            theirs = set(old["members"])
            j = len(mine & theirs) / len(mine | theirs) if mine | theirs else 0.0
            if j >= best_j:
                best, best_j = old, j
        if best is not None:
            taken.add(best["id"])
            cluster["id"], cluster["since"], cluster["continues"] = best["id"], best["since"], True
        else:
            cluster.setdefault("continues", False)


# --- the weekly dataset (weekly/country=CC/week=W/amplification.parquet) and matching across weeks --------


def dataset_path(country: str, week: str) -> str:
    return f"weekly/country={country}/week={week}/amplification.parquet"


def previous_clusters(lake: Any, country: str, week: str) -> list[dict[str, Any]]:
    """Last week's clusters (id, since, members) from its dataset; none when it was not written."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    path = dataset_path(country, week)
    if not lake.exists(path):
        return []
    table = pq.read_table(pa.BufferReader(lake.read_bytes(path)), columns=["cluster_id", "since", "members"])
    return [
        {"id": r["cluster_id"], "since": r["since"], "members": r["members"] or []}
        for r in table.to_pylist()
        if r["cluster_id"]
    ]


def finish(block: dict[str, Any], week: str, previous: list[dict[str, Any]]) -> None:
    """Match this week's clusters to last week's and date them (``since``: the first week seen)."""
    for cluster in block["clusters"]:
        cluster["since"] = week
    match_clusters(block["clusters"], previous)


def dataset(summary: dict[str, Any]) -> Any:
    """The amplification dataset of a summary: one row per co-sharing cluster (members as author
    pseudonyms, to match clusters across weeks), then one row of the week's account and outlet signals
    (``cluster_id`` null). Takes the members out of the summary, which names no account."""
    import pyarrow as pa

    block = summary.get("amplification") or {}
    accounts, outlets = block.get("accounts") or {}, block.get("outlets") or {}
    cats = outlets.get("by_category") or {}
    generated = summary["generated_at"]
    rows = []
    for c in block.get("clusters", []):
        rows.append(
            {
                "cluster_id": c["id"],
                "since": c.get("since"),
                "accounts": c["accounts"],
                "posts": c["posts"],
                "share_of_week": c["share_of_week"],
                "coordinated_shares": c["coordinated_shares"],
                "links": [x["url"] for x in c["links"]],
                "domains": [x["domain"] for x in c["domains"]],
                "mean_sentiment": c["tone"]["mean"],
                "members": c.pop("members", []),
            }
        )
    young = (accounts.get("young_accounts") or {}).get("share") or {}
    rows.append(
        {
            "accounts": accounts.get("accounts"),
            "posts": accounts.get("posts"),
            "young_account_share": young.get("value"),
            "top_1pct_share": (accounts.get("top_accounts") or {}).get("share"),
            "rate_outlier_share": (accounts.get("rate_outliers") or {}).get("share"),
            "tone_one_author_one_vote": (accounts.get("tone_one_author_one_vote") or {}).get("value"),
            "low_quality_link_share": (cats.get("low_quality") or {}).get("share"),
            "state_affiliated_link_share": (cats.get("state_affiliated") or {}).get("share"),
            "window_seconds": (block.get("method") or {}).get("window_seconds"),
        }
    )
    for row in rows:
        row["generated_at"] = generated
    return pa.Table.from_pylist(rows, schema=DATASET_SCHEMA)


def _dataset_schema() -> Any:
    import pyarrow as pa

    return pa.schema(
        [
            ("cluster_id", pa.string()),
            ("since", pa.string()),
            ("accounts", pa.int64()),
            ("posts", pa.int64()),
            ("share_of_week", pa.float64()),
            ("coordinated_shares", pa.int64()),
            ("links", pa.list_(pa.string())),
            ("domains", pa.list_(pa.string())),
            ("mean_sentiment", pa.float64()),
            ("members", pa.list_(pa.string())),
            ("young_account_share", pa.float64()),
            ("top_1pct_share", pa.float64()),
            ("rate_outlier_share", pa.float64()),
            ("tone_one_author_one_vote", pa.float64()),
            ("low_quality_link_share", pa.float64()),
            ("state_affiliated_link_share", pa.float64()),
            ("window_seconds", pa.int64()),
            ("generated_at", pa.string()),
        ]
    )


DATASET_SCHEMA = _dataset_schema()
