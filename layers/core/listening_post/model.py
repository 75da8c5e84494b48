"""What flows through the pipeline: a parsed post, an enriched post, and the lake's Arrow schema.

A :class:`ParsedPost` is what a source adapter makes of one API record: it still holds the native author
id, which exists only in memory. Enrichment turns it into a :class:`Post`, the lake row, which has no
field that could hold a handle: the author is only ever a keyed pseudonym.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

import pyarrow as pa

from listening_post.parsed import ParsedPost as ParsedPost  # what sources make; apart, without pyarrow

POSTS_SCHEMA_VERSION = 3
SENTIMENT_LABELS = ("positive", "neutral", "negative", "unscored")

# The lake's posts schema (DESIGN.md). Partition keys (country, dt) live in the path; ``country`` is kept in
# the model for routing but not written inside the files. Versions grow additively: each new column is
# nullable and appended at the end, and files of an earlier version read with it as null (lake.py,
# analysis/reading.py). v2 adds ``created_at_source``; v3 ``topic_sentiment``, and what a post shares and points
# to, and its author's public counts (who amplifies).
POSTS_SCHEMA = pa.schema(
    [
        pa.field("post_id", pa.string(), nullable=False),
        pa.field("source", pa.string(), nullable=False),
        pa.field("query_id", pa.string()),
        pa.field("country", pa.string(), nullable=False),
        pa.field("created_at", pa.timestamp("us", tz="UTC"), nullable=False),
        pa.field("collected_at", pa.timestamp("us", tz="UTC"), nullable=False),
        pa.field("url", pa.string()),
        pa.field("lang", pa.string(), nullable=False),
        pa.field("text", pa.string(), nullable=False),
        pa.field("author_id", pa.string()),
        pa.field("likes", pa.int64()),
        pa.field("reposts", pa.int64()),
        pa.field("replies", pa.int64()),
        pa.field("is_repost", pa.bool_(), nullable=False),
        pa.field("sentiment", pa.float64()),
        pa.field("sentiment_pos", pa.float64()),
        pa.field("sentiment_neu", pa.float64()),
        pa.field("sentiment_neg", pa.float64()),
        pa.field("sentiment_label", pa.string(), nullable=False),
        pa.field("sentiment_model", pa.string()),
        pa.field("topics", pa.list_(pa.string())),
        pa.field("dup_group", pa.string()),
        # v2: where created_at came from: "item" (the record's own date), "feed" (an undated feed item:
        # the feed's build date), "first_seen" (neither: when the collector first saw it). Null in v1 files.
        pa.field("created_at_source", pa.string()),
        # v3: the tone about each of ``topics``: the compound score of the sentences that match the topic's
        # query (scoring/topics.py), or of the whole post when they are all of it; null when the post is
        # unscored, and in v1/v2 files (readers then use ``sentiment``).
        pa.field("topic_sentiment", pa.map_(pa.string(), pa.float64())),
        # v3 (null in earlier files; null where the platform does not give it): links shared, tracking
        # parameters removed (enrich/urls.py), and their domains; hashtags without "#", lower-cased;
        # mentioned accounts as author pseudonyms, never handles; the post reposted, quoted or replied to,
        # as its post_id; the author's account age and public counts when the platform states them.
        pa.field("links", pa.list_(pa.string())),
        pa.field("domains", pa.list_(pa.string())),
        pa.field("hashtags", pa.list_(pa.string())),
        pa.field("mentions", pa.list_(pa.string())),
        pa.field("reposted_post_id", pa.string()),
        pa.field("quoted_post_id", pa.string()),
        pa.field("reply_to_post_id", pa.string()),
        pa.field("author_created_at", pa.timestamp("us", tz="UTC")),
        pa.field("author_followers", pa.int64()),
        pa.field("author_posts", pa.int64()),
        pa.field("author_is_verified", pa.bool_()),
    ],
    metadata={b"listening_post.schema": b"posts", b"listening_post.schema_version": str(POSTS_SCHEMA_VERSION).encode()},
)
PARTITION_COLUMNS = ("country",)
FILE_SCHEMA = pa.schema([f for f in POSTS_SCHEMA if f.name not in PARTITION_COLUMNS], metadata=POSTS_SCHEMA.metadata)


@dataclass(slots=True)
class Post:
    """One row of the lake (posts schema v3)."""

    post_id: str
    source: str
    query_id: str | None
    country: str
    created_at: datetime
    collected_at: datetime
    url: str | None
    lang: str
    text: str
    author_id: str | None
    likes: int | None
    reposts: int | None
    replies: int | None
    is_repost: bool
    sentiment: float | None
    sentiment_pos: float | None
    sentiment_neu: float | None
    sentiment_neg: float | None
    sentiment_label: str
    sentiment_model: str | None
    topics: list[str] = field(default_factory=list)
    dup_group: str | None = None
    created_at_source: str | None = None
    topic_sentiment: dict[str, float] | None = None
    links: list[str] | None = None
    domains: list[str] | None = None
    hashtags: list[str] | None = None
    mentions: list[str] | None = None
    reposted_post_id: str | None = None
    quoted_post_id: str | None = None
    reply_to_post_id: str | None = None
    author_created_at: datetime | None = None
    author_followers: int | None = None
    author_posts: int | None = None
    author_is_verified: bool | None = None
    link: str | None = None  # not a column of posts: written to links/ beside it


POST_FIELDS = tuple(f.name for f in POSTS_SCHEMA)


def posts_to_table(posts: list[Post]) -> pa.Table:
    """Column-wise construction: one pass per column is several times faster than from row dicts."""
    columns = {name: [getattr(p, name) for p in posts] for name in POST_FIELDS}
    return pa.table(columns, schema=POSTS_SCHEMA)
