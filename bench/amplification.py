"""Who amplifies, measured: generated weeks with planted co-sharing networks, a fresh-account burst and a
low-quality-domain push, mixed with organic sharing that looks similar (popular links and posts shared by
many unrelated accounts soon after they appear), and organic-only weeks.

    .venv/bin/python bench/amplification.py [--weeks 3] [--accounts 3000] [--window SECONDS]
    .venv/bin/python bench/amplification.py --posts 1000000 --timing    # time the analysis alone
    .venv/bin/python bench/amplification.py --accounts 166666 --scale-seeds 7 8 9 [--min-cluster-accounts 2]

Prints one JSON object: precision and recall of the accounts in co-sharing clusters against the planted
ones (per week and pooled), the accounts flagged in organic-only weeks (false-positive rate), the young-
account and low-quality-link shares with and without the plants, the estimated window, and seconds.
"""

from __future__ import annotations

import argparse
import json
import math
import random
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from listening_post.model import Post  # noqa: E402
from listening_post.weeks import IsoWeek  # noqa: E402

WEEK = IsoWeek.parse("2026-W47")
START = WEEK.bounds("UTC")[0]
WEEK_SECONDS = 7 * 86_400
LOW_QUALITY = ("dailyfront.example", "truthwire.example", "patriot-news.example")
STATE = ("statenews.example",)
ORGANIC_DOMAINS = tuple(f"outlet{i}.example" for i in range(150))


@dataclass
class Week:
    posts: list[Post] = field(default_factory=list)
    planted: set[str] = field(default_factory=set)  # accounts of the planted co-sharing networks
    organic: set[str] = field(default_factory=set)
    fresh: set[str] = field(default_factory=set)


class _Maker:
    def __init__(self, rng: random.Random, tag: str) -> None:
        self.rng, self.tag, self.n = rng, tag, 0
        self.created: dict[str, datetime] = {}

    def post(
        self,
        author: str,
        at: float,
        *,
        links: list[str] | None = None,
        reposted: str | None = None,
        sentiment: float | None = None,
    ) -> Post:
        self.n += 1
        tone = sentiment if sentiment is not None else round(self.rng.uniform(-0.6, 0.7), 3)
        created = START + timedelta(seconds=at)
        links = links or []
        return Post(
            post_id=f"x:{self.tag}-{self.n}",
            source="x",
            query_id="q",
            country="CA",
            created_at=created,
            collected_at=START + timedelta(days=8),
            url=None,
            lang="en",
            text="" if reposted else f"post {self.n}",
            author_id=author,
            likes=0,
            reposts=0,
            replies=0,
            is_repost=reposted is not None,
            sentiment=None if reposted else tone,
            sentiment_pos=None,
            sentiment_neu=None,
            sentiment_neg=None,
            sentiment_label="unscored" if reposted else "neutral",
            sentiment_model=None if reposted else "vader",
            topics=[],
            dup_group=None,
            created_at_source="item",
            links=links,
            domains=[link.split("/")[2] for link in links],
            hashtags=[],
            mentions=[],
            reposted_post_id=reposted,
            author_created_at=self.created.get(author),
        )


def generate(seed: int, *, accounts: int = 3000, planted: bool = True) -> Week:
    """One week of X-like posts. Organic: accounts with heavy-tailed activity; 40% of posts share a link
    (Zipf over 3,000 articles of 150 outlets, shared after the article appears with exponential delays of
    mean 2 h), 20% repost a popular post (Zipf over 1,500, mean delay 1 h). Planted: four rings of 6 to 14
    accounts each pushing 10 links or posts, every member within 30 s of the push with probability 0.8,
    half of the links on low-quality or state-affiliated domains; and 25 accounts created 1 to 5 days
    before, posting in a two-hour burst and co-sharing three low-quality links within a minute."""
    rng = random.Random(seed)
    make = _Maker(rng, f"s{seed}")
    week = Week()
    names = [f"org{seed}-{i}" for i in range(accounts)]
    for name in names:
        age = rng.uniform(31, 3650) if rng.random() > 0.02 else rng.uniform(1, 29)  # 2% organically new
        make.created[name] = START - timedelta(days=age)
    week.organic = set(names)
    activity = [min(200, max(1, int(rng.paretovariate(1.3)))) for _ in names]
    articles = [
        (f"https://{rng.choice(ORGANIC_DOMAINS)}/story/{i}?utm_source=share", rng.uniform(-7200, WEEK_SECONDS))
        for i in range(3000)
    ]
    popular = [(f"x:pop{seed}-{i}", rng.uniform(-3600, WEEK_SECONDS)) for i in range(1500)]

    def zipf(n: int) -> int:
        return min(n - 1, int(n * rng.random() ** 3))  # a few items take most shares

    for name, n in zip(names, activity, strict=True):
        for _ in range(n):
            r = rng.random()
            if r < 0.4:
                link, published = articles[zipf(len(articles))]
                at = published + rng.expovariate(1 / 7200)
                week.posts.append(make.post(name, at, links=[link]))
            elif r < 0.6:
                post, posted = popular[zipf(len(popular))]
                week.posts.append(make.post(name, posted + rng.expovariate(1 / 3600), reposted=post))
            else:
                week.posts.append(make.post(name, rng.uniform(0, WEEK_SECONDS)))
    if planted:
        for ring in range(4):
            members = [f"ring{seed}-{ring}-{i}" for i in range(rng.randint(6, 14))]
            for m in members:
                make.created[m] = START - timedelta(days=rng.uniform(40, 2000))
                for _ in range(rng.randint(2, 8)):  # their ordinary posts
                    week.posts.append(make.post(m, rng.uniform(0, WEEK_SECONDS)))
            week.planted.update(members)
            for push in range(10):
                t = rng.uniform(0, WEEK_SECONDS - 60)
                if push % 2:
                    domain = rng.choice(LOW_QUALITY + STATE)
                    target: dict[str, Any] = {"links": [f"https://{domain}/{ring}/{push}?fbclid=x"]}
                elif push % 4 == 0:
                    target = {"reposted": f"x:lead{seed}-{ring}-{push}"}
                else:  # a popular organic article: the ring rides a real story
                    target = {"links": [articles[zipf(len(articles))][0]]}
                for m in members:
                    if rng.random() < 0.8:
                        week.posts.append(make.post(m, t + rng.uniform(0, 30), sentiment=-0.5, **target))
        fresh = [f"fresh{seed}-{i}" for i in range(25)]
        burst = rng.uniform(0, WEEK_SECONDS - 7200)
        pushes = [(burst + rng.uniform(0, 7000), f"https://{LOW_QUALITY[0]}/fresh/{k}") for k in range(3)]
        for m in fresh:
            make.created[m] = START + timedelta(seconds=burst) - timedelta(days=rng.uniform(1, 5))
            for _ in range(rng.randint(2, 4)):
                week.posts.append(make.post(m, burst + rng.uniform(0, 7200), sentiment=-0.6))
            for t, link in pushes:
                if rng.random() < 0.85:
                    week.posts.append(make.post(m, t + rng.uniform(0, 60), links=[link], sentiment=-0.6))
        week.planted.update(fresh)
        week.fresh = set(fresh)
    # Posts outside the week (organic delays) move inside: the week is what was collected.
    for p in week.posts:
        if not START <= p.created_at < START + timedelta(seconds=WEEK_SECONDS):
            p.created_at = START + timedelta(seconds=rng.uniform(0, WEEK_SECONDS))
    return week


def analyse(week: Week, lake_dir: Path, window: int | None = None) -> tuple[dict[str, Any], float]:
    from listening_post.analysis.weekly import SummaryInput, build_summary
    from listening_post.config import Amplification, Analysis, OutletLists
    from listening_post.lake import Lake

    lake = Lake.from_uri(str(lake_dir))
    lake.append_posts(week.posts, run_id="bench")
    settings = Amplification(
        window_seconds=window, outlets=OutletLists(low_quality=list(LOW_QUALITY), state_affiliated=list(STATE))
    )
    spec = SummaryInput(country="CA", week=WEEK, analysis=Analysis(amplification=settings))
    started = time.perf_counter()
    summary = build_summary(lake, spec, now=START + timedelta(days=8))
    return summary, time.perf_counter() - started


def flagged(summary: dict[str, Any]) -> set[str]:
    return {m for c in summary["amplification"]["clusters"] for m in c["members"]}


def measure(weeks: int, accounts: int, window: int | None) -> dict[str, Any]:
    out: dict[str, Any] = {"weeks": [], "organic_only": []}
    tp = fp = fn = 0
    with tempfile.TemporaryDirectory() as tmp:
        for i in range(weeks):
            week = generate(100 + i, accounts=accounts, planted=True)
            summary, seconds = analyse(week, Path(tmp) / f"p{i}", window)
            found = flagged(summary)
            hit = len(found & week.planted)
            tp, fp, fn = tp + hit, fp + len(found - week.planted), fn + len(week.planted - found)
            amp = summary["amplification"]
            out["weeks"].append(
                {
                    "posts": len(week.posts),
                    "planted_accounts": len(week.planted),
                    "flagged": len(found),
                    "precision": hit / len(found) if found else None,
                    "recall": hit / len(week.planted),
                    "fresh_recall": len(found & week.fresh) / len(week.fresh),
                    "clusters": len(amp["clusters"]),
                    "window_seconds": amp["method"]["window_seconds"],
                    "young_share": amp["accounts"]["young_accounts"]["share"]["value"],
                    "low_quality_link_share": amp["outlets"]["by_category"]["low_quality"]["share"],
                    "seconds": round(seconds, 2),
                }
            )
        for i in range(weeks):
            week = generate(200 + i, accounts=accounts, planted=False)
            summary, seconds = analyse(week, Path(tmp) / f"o{i}", window)
            found = flagged(summary)
            amp = summary["amplification"]
            out["organic_only"].append(
                {
                    "posts": len(week.posts),
                    "accounts": len(week.organic),
                    "flagged": len(found),
                    "false_positive_rate": len(found) / len(week.organic),
                    "window_seconds": amp["method"]["window_seconds"],
                    "young_share": amp["accounts"]["young_accounts"]["share"]["value"],
                    "low_quality_link_share": amp["outlets"]["by_category"]["low_quality"]["share"],
                    "seconds": round(seconds, 2),
                }
            )
    out["pooled"] = {
        "precision": tp / (tp + fp) if tp + fp else None,
        "recall": tp / (tp + fn) if tp + fn else None,
        "organic_false_positive_rate": sum(w["flagged"] for w in out["organic_only"])
        / sum(w["accounts"] for w in out["organic_only"]),
    }
    return out


def _analyse_week(week: Any, settings: Any) -> tuple[dict[str, Any], float]:
    """Amplification's analysis alone on ``week`` written to a fresh lake, and its seconds: the per-account
    table (week_authors, which the summary makes for its volume figures too) and ``analyse``."""
    import duckdb

    from listening_post.analysis import amplification
    from listening_post.analysis.reading import PostsReader
    from listening_post.analysis.weekly import author_table
    from listening_post.lake import Lake

    with tempfile.TemporaryDirectory() as tmp:
        lake = Lake.from_uri(tmp)
        lake.append_posts(week.posts, run_id="bench")
        con = duckdb.connect(config={"threads": 2, "memory_limit": "1GB"})
        try:
            reader = PostsReader(con, lake, "CA", START, START + timedelta(days=7), timezone="UTC", monday=WEEK.monday)
            started = time.perf_counter()
            author_table(reader, settings.young_account_days)
            block = amplification.analyse(reader, settings, 30)
            return block, time.perf_counter() - started
        finally:
            con.close()


def timing(posts: int) -> dict[str, Any]:
    """The analysis alone (its DuckDB queries on a week already read) on a generated week of ``posts``."""
    from listening_post.config import Amplification

    accounts = max(100, posts // 6)
    week = generate(7, accounts=accounts, planted=True)
    block, seconds = _analyse_week(week, Amplification())
    return {
        "posts": len(week.posts),
        "analysis_seconds": round(seconds, 2),
        "clusters": len(block["clusters"]),
        "window_seconds": block["method"]["window_seconds"],
        "seconds_per_million_posts": round(seconds / len(week.posts) * 1e6, 2),
        "extrapolated_10m_seconds": round(seconds / len(week.posts) * 1e7, 1),
        "note": "linear extrapolation, an underestimate: the pair search grows with the square of the sharers "
        "of the most shared objects (docs/AMPLIFICATION.md)",
        "log_accounts": round(math.log10(accounts), 2),
    }


def at_scale(accounts: int, seeds: list[int], min_cluster_accounts: int) -> dict[str, Any]:
    """Precision and recall of the analysis alone on planted weeks of ``accounts`` organic accounts (seed 7
    is the week of ``--timing``; other seeds are weeks the method was not looked at on), and the false
    clusters by size."""
    from listening_post.config import Amplification

    out: dict[str, Any] = {"min_cluster_accounts": min_cluster_accounts, "weeks": []}
    for seed in seeds:
        week = generate(seed, accounts=accounts, planted=True)
        block, _ = _analyse_week(week, Amplification(min_cluster_accounts=min_cluster_accounts))
        found = {m for c in block["clusters"] for m in c["members"]}
        hit = len(found & week.planted)
        false_sizes = sorted(c["accounts"] for c in block["clusters"] if not set(c["members"]) & week.planted)
        out["weeks"].append(
            {
                "seed": seed,
                "posts": len(week.posts),
                "flagged": len(found),
                "precision": round(hit / len(found), 3) if found else None,
                "recall": round(hit / len(week.planted), 3),
                "organic_flagged": len(found - week.planted),
                "false_cluster_sizes": false_sizes,
            }
        )
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--weeks", type=int, default=3)
    parser.add_argument("--accounts", type=int, default=3000)
    parser.add_argument("--window", type=int, default=None, help="fixed window in seconds (default: estimated)")
    parser.add_argument("--timing", action="store_true")
    parser.add_argument("--posts", type=int, default=1_000_000)
    parser.add_argument("--scale-seeds", type=int, nargs="*", help="precision at scale (--accounts) on these weeks")
    parser.add_argument("--min-cluster-accounts", type=int, default=3)
    args = parser.parse_args()
    if args.scale_seeds:
        result = at_scale(args.accounts, args.scale_seeds, args.min_cluster_accounts)
    else:
        result = timing(args.posts) if args.timing else measure(args.weeks, args.accounts, args.window)
    print(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
