"""Builders shared by tests: lake rows with known properties."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

from listening_post.model import Post
from listening_post.scoring.sentiment import label_for


def make_post(
    i: int,
    *,
    country: str = "CA",
    created_at: datetime,
    sentiment: float | None = 0.0,
    topics: list[str] | None = None,
    source: str = "mastodon",
    author: str | None = None,
    text: str | None = None,
    lang: str = "en",
    is_repost: bool = False,
    likes: int | None = 0,
    collected_at: datetime | None = None,
    dup_group: str | None = None,
) -> Post:
    return Post(
        post_id=f"{source}:{country}-{i}",
        source=source,
        query_id="q",
        country=country,
        created_at=created_at,
        collected_at=collected_at or datetime(2026, 11, 23, tzinfo=UTC),
        url=f"https://example.org/{i}",
        lang=lang,
        text=text if text is not None else f"post number {i}",
        author_id=author or f"author-{i % 97}",
        likes=likes,
        reposts=0,
        replies=0,
        is_repost=is_repost,
        sentiment=sentiment,
        sentiment_pos=None,
        sentiment_neu=None,
        sentiment_neg=None,
        sentiment_label="unscored" if sentiment is None else label_for(sentiment),
        sentiment_model=None if sentiment is None else "vader-3.3.2",
        topics=topics or [],
        dup_group=dup_group,
    )


def week_of_posts(
    rng: random.Random,
    start: datetime,
    n: int,
    mean: float,
    *,
    first_id: int,
    topics: list[str] | None = None,
    country: str = "CA",
    sd: float = 0.4,
) -> list[Post]:
    posts = []
    for k in range(n):
        at = start + timedelta(seconds=rng.uniform(0, 7 * 86400 - 1))
        score = max(-1.0, min(1.0, rng.gauss(mean, sd)))
        posts.append(
            make_post(
                first_id + k,
                country=country,
                created_at=at,
                sentiment=round(score, 4),
                topics=topics,
                likes=rng.randint(0, 50),
            )
        )
    return posts
