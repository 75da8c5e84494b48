"""Who amplifies, and how (issue 20): coordinated co-sharing, account signals and who the press is.

**Coordinated co-sharing** follows CooRnet (Giglietto et al.) and CooRTweet (Righetti and Balluff): two
accounts are linked when they share the same link, or repost the same post, within the coordination
window, on at least ``min_repetition`` different links or posts. The window is estimated from the week, as
CooRnet's ``estimate_coord_interval`` does: for every link (or reposted post) shared by several accounts,
the time from its first share until more than ``share_fraction`` of its shares had happened; the window is
the ``window_quantile`` quantile of those times (the fastest tenth of spreading, by default), at most
``max_window_seconds`` (300). Components of
the network of linked accounts are the clusters. Organic sharing of a popular link links many accounts
once; only repeated co-sharing, on several objects, makes an edge.

Pairs are looked for by time buckets of the window's width, which bounds the work on a link shared by tens
of thousands of accounts; a bucket where more than ``max_window_shares`` (30) accounts share one object within one
window (a link going viral) is left out: it links everyone to everyone and tells nothing. The price: a
ring of more than that many accounts all sharing within one window is not seen on that object.

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
from listening_post.analysis.reading import CLEAN, PostsReader, exact_sum
from listening_post.config import Amplification
from listening_post.enrich.urls import domain_of
from listening_post.layout import PATHS
from listening_post.sources import registry
from listening_post.summary_model import Summary

SOCIAL_SOURCES = registry.sources_of_kind("social")
# An edge also needs its co-shares to be this share of the less active account's shares: two accounts
# sharing hundreds of links each meet a few times by chance; a ring's members share mostly together.
MIN_EDGE_FRACTION = 0.1
MIN_OBJECTS_FOR_ESTIMATE = 10  # fewer spreading objects than this: the default window
DEFAULT_WINDOW_SECONDS = 60  # CooRnet's usual estimate on Facebook data
MAX_EDGES = 200_000  # strongest edges kept (a pathological week cannot exhaust memory)
TOP_SHARE = 0.01
OUTLIER_Z = 3.5  # Iglewicz and Hoaglin's modified z-score threshold
CATEGORIES = ("state_affiliated", "low_quality", "partisan", "trusted")
MATCH_JACCARD = 0.3  # a cluster is last week's when it keeps this share of the members
MIN_ACCOUNTS_TO_NAME = 3  # a domain in the summary's list was shared by at least this many accounts


def analyse(posts: PostsReader, settings: Amplification, min_n: int) -> dict[str, Any]:
    """The ``amplification`` block of summary.json for week 0 of ``posts``, with ``members`` in each
    cluster (taken out before the summary is written: :func:`dataset`)."""
    _tables(posts)
    window, estimated_from = estimate_window(posts.con, settings)
    clusters = find_clusters(posts.con, settings, window)
    return {
        "method": {
            "window_seconds": window,
            "window_estimated_from": estimated_from,
            "max_window_seconds": settings.max_window_seconds,
            "min_repetition": settings.min_repetition,
            "window_quantile": settings.window_quantile,
            "share_fraction": settings.share_fraction,
        },
        "clusters": clusters,
        "accounts": _account_signals(posts, settings, min_n),
        "outlets": _outlets(posts, settings),
    }


def _tables(posts: PostsReader) -> None:
    """``amp_authors`` and ``amp_shares`` of week 0: the first from the week's per-account table
    (``week_authors``, :func:`listening_post.analysis.weekly.author_table`), the second by
    :func:`shares_table`."""
    posts.con.execute(
        """
        CREATE OR REPLACE TEMP TABLE amp_authors AS
        SELECT author_id, CAST(sum(n) AS BIGINT) AS n, CAST(sum(scored) AS BIGINT) AS scored,
               CAST(sum(total) AS DOUBLE) AS total, CAST(sum(aged) AS BIGINT) AS aged,
               CAST(sum(young) AS BIGINT) AS young
        FROM week_authors WHERE author_id IS NOT NULL AND list_contains($sources, source) GROUP BY author_id
        """,
        {"sources": list(SOCIAL_SOURCES)},
    )
    # The week by its time, which the Parquet reader filters on (``w`` is computed from it, row by row).
    # Each post once: amp_shares is read directly, not through PostsReader.query, so the older copies of
    # re-collected posts are left out (``stale_keys``) rather than subtracted afterwards: from the shares
    # found, not from every post of the week.
    older = None if posts.mode == CLEAN else "stale_keys"
    shares_table(posts.con, posts.posts, "created_at >= $since", {"since": posts.since(0)}, older=older)


def share_tables(
    con: Any, relation: str, where: str, params: dict[str, Any], young_days: int, *, post_ids: bool = False
) -> None:
    """Two tables from one scan each of the social posts of ``relation`` matching ``where``: ``amp_authors``
    (per account: posts, tone sums, posts while younger than ``young_days``) and ``amp_shares``
    (:func:`shares_table`)."""
    young = f"created_at - author_created_at < INTERVAL {int(young_days)} DAY"
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE amp_authors AS
        SELECT author_id, count(*) AS n,
               count(sentiment) FILTER (WHERE NOT is_repost) AS scored,
               {exact_sum("sentiment", "NOT is_repost")} AS total,
               count(*) FILTER (WHERE author_created_at IS NOT NULL) AS aged,
               count(*) FILTER (WHERE {young}) AS young
        FROM {relation} WHERE {_social(where)} GROUP BY author_id
        """,
        {**params, "sources": list(SOCIAL_SOURCES)},
    )
    shares_table(con, relation, where, params, post_ids=post_ids)


def shares_table(
    con: Any, relation: str, where: str, params: dict[str, Any], *, post_ids: bool = False, older: str | None = None
) -> None:
    """``amp_shares``: each account's first share of each link or reposted post among the social posts of
    ``relation`` matching ``where`` (older copies of a post share the same things, so the first share is
    the same). ``post_ids``: it also names the post of that first share (the alerts quote it). ``older``:
    a table of (post_id, collected_at, created_at) of rows to leave out."""
    where = _social(where)
    params = {**params, "sources": list(SOCIAL_SOURCES)}
    post, first = (", post_id", ", arg_min(post_id, t) AS post_id") if post_ids else ("", "")
    shares = f"""
        SELECT * FROM {relation}
        WHERE {where} AND (reposted_post_id IS NOT NULL OR (NOT is_repost AND len(links) > 0))"""
    if older:
        shares = f"SELECT * FROM ({shares}) ANTI JOIN {older} USING (post_id, collected_at, created_at)"
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE amp_shares AS
        WITH s AS (
            SELECT author_id, epoch(created_at)::BIGINT AS t, is_repost, links, reposted_post_id{post}
            FROM ({shares})
        ),
        u AS (
            SELECT 'link' AS kind, unnest(links) AS object, author_id, t{post} FROM s WHERE NOT is_repost
            UNION ALL
            SELECT 'repost', reposted_post_id, author_id, t{post} FROM s WHERE reposted_post_id IS NOT NULL
        )
        SELECT kind, object, author_id, min(t) AS t{first} FROM u WHERE object IS NOT NULL
        GROUP BY kind, object, author_id
        """,
        params,
    )


def _social(where: str) -> str:
    return f"{where} AND author_id IS NOT NULL AND list_contains($sources, source)"


def estimate_window(con: Any, settings: Amplification) -> tuple[int, int]:
    """The coordination window in seconds and how many objects it was estimated from (0: configured or
    default): per object shared by several accounts, the time from its first share to the first share
    past ``share_fraction`` of them; then their ``window_quantile`` quantile, at most ``max_window_seconds``."""
    if settings.window_seconds is not None:
        return settings.window_seconds, 0
    row = con.execute(
        """
        WITH o AS (
            SELECT count(*) AS n, list(t ORDER BY t) AS ts FROM amp_shares GROUP BY kind, object HAVING count(*) > 1
        )
        SELECT count(*), quantile_cont(ts[floor($p * n)::BIGINT + 1] - ts[1], $q) FROM o
        """,
        {"p": settings.share_fraction, "q": settings.window_quantile},
    ).fetchone()
    objects, quantile = (row[0], row[1]) if row else (0, None)
    if objects < MIN_OBJECTS_FOR_ESTIMATE or quantile is None:
        return DEFAULT_WINDOW_SECONDS, 0
    return min(settings.max_window_seconds, max(1, math.ceil(quantile))), int(objects)


def find_clusters(con: Any, settings: Amplification, window: int) -> list[dict[str, Any]]:
    """The co-sharing clusters of ``amp_shares`` (:func:`share_tables`), largest first, with ``members``."""
    # Pairs within the window, found by an equality join on (object, time bucket of the window's width)
    # with the same and the next bucket: no pair of shares closer than the window is missed, and the work
    # grows with the shares per bucket, not per object. A bucket with more than max_window_shares shares of one
    # object (a link going viral: many unrelated accounts at once) is left out.
    edges = con.execute(
        """
        WITH b AS (
            SELECT hash(kind, object) AS o, author_id, t, t // $window AS bucket FROM amp_shares
            WHERE (kind, object) IN (SELECT (kind, object) FROM amp_shares GROUP BY ALL HAVING count(*) > 1)
        ),
        busy AS (SELECT o, bucket FROM b GROUP BY ALL HAVING count(*) > $max_bucket),
        k AS (SELECT * FROM b ANTI JOIN busy USING (o, bucket)),
        pairs AS (
            SELECT a.author_id AS p, c.author_id AS q FROM k a JOIN k c ON a.o = c.o AND c.bucket = a.bucket
            WHERE c.t - a.t BETWEEN 0 AND $window AND (c.t > a.t OR c.author_id > a.author_id)
            UNION ALL
            SELECT a.author_id, c.author_id FROM k a JOIN k c ON a.o = c.o AND c.bucket = a.bucket + 1
            WHERE c.t - a.t <= $window
        ),
        e AS (
            SELECT least(p, q) AS x, greatest(p, q) AS y, count(*) AS weight FROM pairs
            GROUP BY ALL HAVING count(*) >= $m
        ),
        shared AS (SELECT author_id, count(*) AS n FROM amp_shares GROUP BY author_id)
        SELECT x, y, weight FROM e JOIN shared sx ON sx.author_id = x JOIN shared sy ON sy.author_id = y
        WHERE weight >= $fraction * least(sx.n, sy.n)
        ORDER BY weight DESC, x, y LIMIT $max_edges
        """,
        {
            "window": window,
            "m": settings.min_repetition,
            "max_edges": MAX_EDGES,
            "max_bucket": settings.max_window_shares,
            "fraction": MIN_EDGE_FRACTION,
        },
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
    # A pair alone is what chance makes among many active accounts: two heavy sharers of the week's most
    # popular links and posts meet three times within minutes (docs/AMPLIFICATION.md, "Measured").
    components = {r: a for r, a in components.items() if len(a) >= settings.min_cluster_accounts}
    if not components:
        return []
    members = {a: root for root, accounts in components.items() for a in accounts}
    con.execute(
        "CREATE OR REPLACE TEMP TABLE amp_members AS SELECT unnest($a::VARCHAR[]) AS author_id, "
        "unnest($c::VARCHAR[]) AS cluster",
        {"a": list(members), "c": list(members.values())},
    )
    # A cluster's coordinated shares: its members' shares of objects that another member shared within
    # the window.
    coordinated = con.execute(
        """
        WITH m AS (SELECT s.*, cluster FROM amp_shares s JOIN amp_members USING (author_id)),
        hit AS (
            SELECT DISTINCT a.cluster, a.kind, a.object, a.author_id FROM m a JOIN m b
              ON a.cluster = b.cluster AND a.kind = b.kind AND a.object = b.object
             AND a.author_id <> b.author_id AND abs(a.t - b.t) <= $window
        )
        SELECT cluster, kind, object, count(*) FROM hit GROUP BY ALL
        """,
        {"window": window},
    ).fetchall()
    week_posts = con.execute("SELECT sum(n) FROM amp_authors").fetchone()
    total = int(week_posts[0] or 0) if week_posts else 0
    volume = {
        c: (int(n), (float(tot) / int(scored)) if scored else None, int(scored or 0))
        for c, n, tot, scored in con.execute(
            f"SELECT cluster, sum(n), {exact_sum('total')}, sum(scored) FROM amp_authors "
            "JOIN amp_members USING (author_id) "
            "GROUP BY cluster"
        ).fetchall()
    }
    objects: dict[str, Counter[tuple[str, str]]] = defaultdict(Counter)
    for cluster, kind, obj, n in coordinated:
        objects[cluster][(kind, obj)] += n
    out: list[dict[str, Any]] = []
    for root, accounts in components.items():
        shared = objects.get(root, Counter())
        # Ties broken by the link and the domain: rows come in any order.
        links = sorted(((o, n) for (k, o), n in shared.items() if k == "link"), key=by_count)
        domains: Counter[str] = Counter()
        for link, n in links:
            domains[domain_of(link) or "?"] += n
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
                "domains": [{"domain": d, "shares": n} for d, n in sorted(domains.items(), key=by_count)[:5]],
                "tone": {"mean": tone, "n": scored},
                "members": sorted(accounts),
            }
        )
    out.sort(key=lambda c: (-c["accounts"], -c["posts"], c["id"]))
    return out


def by_count(item: tuple[str, int]) -> tuple[int, str]:
    return -item[1], item[0]


def coordinated_post_ids(con: Any, members: list[str], window: int) -> list[str]:
    """The posts of a cluster's coordinated shares, oldest first: its ``members``' shares of a link or post
    that another member shared within ``window`` seconds (``amp_shares`` made with ``post_ids``)."""
    rows = con.execute(
        """
        WITH m AS (SELECT * FROM amp_shares WHERE author_id IN (SELECT unnest($members::VARCHAR[])))
        SELECT a.post_id, min(a.t) FROM m a JOIN m b
          ON a.kind = b.kind AND a.object = b.object AND a.author_id <> b.author_id AND abs(a.t - b.t) <= $window
        GROUP BY a.post_id ORDER BY min(a.t), a.post_id
        """,
        {"members": members, "window": window},
    ).fetchall()
    return [r[0] for r in rows]


def _cluster_id(accounts: list[str]) -> str:
    return "amp-" + hashlib.blake2b("\n".join(sorted(accounts)).encode(), digest_size=6).hexdigest()


def _account_signals(posts: PostsReader, settings: Amplification, min_n: int) -> dict[str, Any]:
    """From ``amp_authors``, in SQL: a week has up to millions of accounts."""
    con = posts.con
    row = con.execute(
        f"""
        SELECT count(*), coalesce(sum(n), 0), coalesce(sum(aged), 0), coalesce(sum(young), 0),
               count(*) FILTER (WHERE young > 0),
               count(*) FILTER (WHERE scored > 0), {exact_sum("total / scored", "scored > 0")},
               {exact_sum("(total / scored) ^ 2", "scored > 0")},
               median(ln(n)), median(abs(ln(n) - (SELECT median(ln(n)) FROM amp_authors)))
        FROM amp_authors
        """
    ).fetchone()
    accounts, total, aged, young_posts, young_accounts, voters, vote_sum, vote_squares, med, mad = row or (0,) * 10
    accounts, total = int(accounts), int(total)
    top_k = max(1, math.ceil(accounts * TOP_SHARE)) if accounts else 0
    top = con.execute(
        "SELECT coalesce(sum(n), 0) FROM (SELECT n FROM amp_authors ORDER BY n DESC LIMIT $k)", {"k": top_k}
    ).fetchone()
    top_posts = int(top[0]) if top else 0
    limit = _outlier_limit(accounts, med, mad, con)
    outliers = (0, 0, None)
    if limit is not None:
        found = con.execute(
            "SELECT count(*), coalesce(sum(n), 0), min(n) FROM amp_authors WHERE ln(n) > $limit", {"limit": limit}
        ).fetchone()
        outliers = (int(found[0]), int(found[1]), found[2]) if found else outliers
    return {
        "accounts": accounts,
        "posts": total,
        "young_accounts": {
            "days": settings.young_account_days,
            "posts_with_account_age": int(aged),
            "posts": int(young_posts),
            "accounts": int(young_accounts),
            "share": stats.share_estimate(int(young_posts), int(aged), min_n) if aged else None,
        },
        "top_accounts": {"accounts": top_k, "posts": top_posts, "share": top_posts / total if total else None},
        "rate_outliers": {
            "accounts": outliers[0],
            "posts": outliers[1],
            "share": outliers[1] / total if total else None,
            "threshold_posts": outliers[2],
        },
        "tone_one_author_one_vote": stats.mean_estimate(
            stats.Moments.from_sums(int(voters or 0), vote_sum, vote_squares), min_n
        ),
    }


def _outlier_limit(accounts: int, median: float | None, mad: float | None, con: Any) -> float | None:
    """The log posts per account above which an account is a posting-rate outlier: a modified z-score
    (median and median absolute deviation, robust to the outliers themselves) above ``OUTLIER_Z``. Where
    most accounts post once (a deviation of zero) the spread is that of the accounts above the median."""
    if accounts < 10 or median is None:
        return None
    if not mad:
        row = con.execute("SELECT median(ln(n) - $m) FROM amp_authors WHERE ln(n) > $m", {"m": median}).fetchone()
        mad = row[0] if row else None
    if not mad:
        return None
    return float(median) + OUTLIER_Z * float(mad) / 0.6745


def _outlets(posts: PostsReader, settings: Amplification) -> dict[str, Any]:
    """Shares of links by outlet category (a domain's list covers its subdomains)."""
    rows = posts.con.execute(
        r"""
        SELECT regexp_extract(object, '^[a-z]+://(?:www\.)?([^/:?#]+)', 1) AS d, count(*), count(DISTINCT author_id)
        FROM amp_shares WHERE kind = 'link' GROUP BY d
        """
    ).fetchall()
    lists = {cat: set(getattr(settings.outlets, cat)) for cat in CATEGORIES}
    total = sum(int(n) for _, n, _ in rows)
    by_category: Counter[str] = Counter()
    named: list[dict[str, Any]] = []
    for domain, n, accounts in sorted(rows, key=lambda r: (-r[1], r[0])):
        cats = [cat for cat in CATEGORIES if on_list(domain, lists[cat])]
        for cat in cats or ["unlisted"]:
            by_category[cat] += int(n)
        # Named only when several accounts shared it: an outlet's account linking its own site would
        # otherwise be named by its domain.
        if len(named) < 10 and accounts >= MIN_ACCOUNTS_TO_NAME:
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


def on_list(domain: str, listed: set[str]) -> bool:
    """Whether ``domain`` or a parent domain of it is in ``listed`` (news.example.org is on a list naming
    example.org). One rule for the week's domain shares, the storylines' outlet shares and the alerts."""
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


# --- the weekly dataset and matching across weeks ----------------------------------------------------------


def dataset_path(country: str, week: str) -> str:
    return PATHS.amplification(country, week)


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


def dataset(summary: Summary) -> Any:
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
