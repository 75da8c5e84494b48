"""The posts an evaluation looks at: one country, from the start of the baseline to the instant judged,
as the DuckDB table ``posts_w`` (every post once: the lake's reader keeps the latest copy)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.compute as pc

from listening_post.analysis.coordination import SOCIAL_SOURCES
from listening_post.config import AlertThresholds, Config, Topic
from listening_post.lake import Lake

COLUMNS = [
    "post_id",
    "source",
    "created_at",
    "lang",
    "text",
    "author_id",
    "is_repost",
    "sentiment",
    "topics",
    "dup_group",
    "url",
    "links",  # the co-sharing rule's (alerts/rules/cosharing.py)
    "reposted_post_id",
    "author_created_at",
]


@dataclass
class Scope:
    """Whole country (``topic`` None) or one topic; ``about_us`` for the mission's own topics."""

    id: str
    label: str
    topic: str | None = None
    about_us: bool = False

    def condition(self) -> str:
        return "TRUE" if self.topic is None else "list_contains(topics, $topic)"

    def params(self) -> dict[str, Any]:
        return {} if self.topic is None else {"topic": self.topic}


@dataclass
class Window:
    con: duckdb.DuckDBPyConnection
    country: str
    at: datetime
    thresholds: AlertThresholds
    config: Config
    languages: list[str]
    scopes: list[Scope]
    started: datetime | None  # first post of the country in the lake's window: no silent days before it
    social: tuple[str, ...] = SOCIAL_SOURCES
    cache: dict[str, Any] = field(default_factory=dict)

    @property
    def epoch_at(self) -> float:
        return self.at.timestamp()


def scopes(config: Config, country: str) -> list[Scope]:
    about = set(config.alerts.about_us_topics)
    out = [Scope("all", "all posts")]
    topics: list[Topic] = config.topics_for(country)
    out += [Scope(t.id, t.label or t.id, t.id, t.id in about) for t in topics]
    return out


def span(config: Config, at: datetime) -> datetime:
    """The earliest instant an evaluation at ``at`` reads."""
    th = config.alerts.thresholds
    longest = max(th.tone_window_hours, th.terms_window_hours, th.coordination_window_hours, 24)
    return at - max(timedelta(days=th.baseline_days, hours=longest), timedelta(hours=th.cosharing_window_hours))


def read(lake: Lake, country: str, start: datetime, end: datetime) -> pa.Table:
    table = lake.read_posts(country, start.date() - timedelta(days=1), end.date() + timedelta(days=1), columns=COLUMNS)
    return table.select(COLUMNS)


def load(lake: Lake, config: Config, country: str, at: datetime, posts: pa.Table | None = None) -> Window:
    """Posts of ``country`` created in [at - baseline - longest window, at), from the lake or from ``posts``
    (read once for a replay of many instants)."""
    th = config.alerts.thresholds
    start = span(config, at)
    table = posts if posts is not None else read(lake, country, start, at)
    created = table.column("created_at")
    table = table.filter(pc.and_(pc.greater_equal(created, start), pc.less(created, at)))
    con = duckdb.connect(config={"threads": 2})
    con.execute("SET TimeZone = 'UTC'")
    con.register("arrow_posts", table)
    con.execute(
        "CREATE TEMP TABLE posts_w AS SELECT *, list_contains($social, source) AS social, "
        "epoch(created_at) AS t FROM arrow_posts",
        {"social": list(SOCIAL_SOURCES)},
    )
    con.unregister("arrow_posts")
    first = con.execute("SELECT min(created_at) FROM posts_w").fetchone()
    c = config.country(country)
    return Window(con, country, at, th, config, list(c.languages), scopes(config, country), first[0] if first else None)
