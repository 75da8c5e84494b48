"""Press and public apart: the tone and volume of news sources and of social sources, the week's headlines
(one line per story, however many outlets ran it) and the most active outlets.

News sources publish articles, not opinions: their tone is the press's framing, and read together with
the public's posts it hides both. Counts come from the same tallies as the rest of the summary
(:data:`listening_post.analysis.weekly.TALLY_SQL`), so every post counts once.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

import duckdb
import regex

from listening_post.analysis.reading import PostsReader
from listening_post.query import fold
from listening_post.sources import registry
from listening_post.summary_model import Side, SideFigures

NEWS_SOURCES = registry.sources_of_kind("press")
HEADLINES = 8
OUTLETS = 8
TITLE_CHARS = 160
# The most recent news posts read for headlines and outlets: enough for any week's top stories.
MAX_ARTICLES = 5_000
_NON_WORD = regex.compile(r"[^\p{L}\p{N}]+")
# A sentence ends after a word of two letters or more ("B.C." and "U.S." do not end one) and before a capital.
_SENTENCE_END = regex.compile(r"(?<=\p{Ll}{2}[.!?…])\s+(?=\p{Lu})")
# Aggregator links name the aggregator, not the outlet.
_AGGREGATORS = {"news.google.com": "via Google News"}


def sides(
    posts: PostsReader,
    sums_sql: str,
    tally: Callable[[Any], dict[str, Any]],
    empty: Callable[[], dict[str, Any]],
    summarise_side: Callable[[dict[str, Any], dict[str, Any]], SideFigures],
) -> dict[str, Side]:
    """``{"press": ..., "public": ...}``: each side's volume and tone this week and last, with intervals,
    as ``summarise_side(this, last)`` makes them from the tallies: ``sums_sql`` over table ``tallies``
    (per day, source, language and model), distinct authors of this week from table ``week_authors`` and
    of last week from one scan of that week."""
    con, news = posts.con, {"news": list(NEWS_SOURCES)}
    rows = con.execute(
        f"SELECT list_contains($news, source) AS press, w, {sums_sql} FROM tallies WHERE w >= -1 GROUP BY ALL", news
    ).fetchall()
    authors = {
        (bool(press), 0): int(n)
        for press, n in con.execute(
            "SELECT list_contains($news, source), count(DISTINCT author_id) FROM week_authors GROUP BY ALL", news
        ).fetchall()
    }
    for press, n in posts.query(
        "SELECT list_contains($news, source), count(DISTINCT author_id) FROM {posts} "
        "WHERE created_at >= $since AND created_at < $until GROUP BY ALL",
        {**news, "since": posts.since(-1), "until": posts.since(0)},
        keys=1,
    ):
        authors[(bool(press), -1)] = int(n)
    weeks: dict[tuple[bool, int], dict[str, Any]] = {}
    for press, w, *values in rows:
        weeks[(bool(press), int(w))] = {**tally(values), "authors": authors.get((bool(press), int(w)), 0)}
    sources = dict(
        con.execute(
            "SELECT list_contains($news, source), list(DISTINCT source) FROM tallies WHERE w = 0 AND posts > 0 "
            "GROUP BY ALL",
            news,
        ).fetchall()
    )
    out: dict[str, Side] = {}
    for name, press in (("press", True), ("public", False)):
        this, last = weeks.get((press, 0)), weeks.get((press, -1))
        out[name] = {
            "sources": sorted(sources.get(press) or []),
            **summarise_side(this or empty(), last or empty()),
        }
    return out


def outlet_of(url: str | None, source: str) -> str:
    """The outlet of an article: its link's host without ``www.`` (feeds carry no outlet name of their own
    once the publisher is pseudonymised like any author)."""
    host = (urlsplit(url).hostname or "") if url else ""
    host = host.removeprefix("www.")
    if host in _AGGREGATORS:
        return _AGGREGATORS[host]
    return host or f"unknown ({source})"


def title_of(text: str) -> str:
    """An article's headline: the first sentence of its text, cut at a word. Google News and GDELT store
    the title alone; RSS and Atom store title and description joined, so the title's own end is lost and
    the first sentence stands for it."""
    text = (text or "").strip()
    first = _SENTENCE_END.split(text, maxsplit=1)[0].strip()
    if len(first) <= TITLE_CHARS:
        return first
    return first[:TITLE_CHARS].rsplit(" ", 1)[0] + " …"


def shared_title(texts: list[str]) -> str | None:
    """The words every article of a story begins with, when they then differ: the title their feeds share,
    ahead of each one's own description (which feeds store joined to the title)."""
    if len(texts) < 2:
        return None
    split = [t.split() for t in texts]
    common = 0
    for words in zip(*split, strict=False):
        if any(w != words[0] for w in words[1:]):
            break
        common += 1
    if common < 3 or common == min(len(w) for w in split):
        return None
    title = " ".join(split[0][:common])
    return title if len(title) <= TITLE_CHARS else title_of(title)


def story_key(title: str) -> str:
    """Wire copies carry the same headline, give or take case, accents and punctuation: its first six
    folded words identify the story. Six, because feeds store the title joined to a description that differs
    from copy to copy, and few headlines are shorter."""
    words = [w for w in _NON_WORD.split(fold(title)) if w]
    return " ".join(words[:6])


def latest_articles(posts: PostsReader) -> list[tuple[Any, ...]]:
    """The week's latest news posts (at most :data:`MAX_ARTICLES` rows, older copies included, latest copy
    of a post first), without their texts: ``post_id, source, created_at (epoch ms), sentiment,
    engagement``. Their texts and links are read with the summary's other texts (table ``texts``), in its
    one scan of the text column, rather than in a second one (:func:`headlines_and_outlets`)."""
    return posts.con.execute(
        f"""
        SELECT post_id, source, epoch_ms(created_at), sentiment,
               coalesce(likes, 0) + coalesce(reposts, 0) + coalesce(replies, 0)
        FROM {posts.posts}
        WHERE created_at >= $since AND w = 0 AND NOT is_repost AND list_contains($news, source)
        ORDER BY created_at DESC, collected_at DESC, post_id
        LIMIT {MAX_ARTICLES}
        """,
        {"since": posts.since(0), "news": list(NEWS_SOURCES)},
    ).fetchall()


def headlines_and_outlets(
    con: duckdb.DuckDBPyConnection, articles: list[tuple[Any, ...]]
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The week's top stories (the ones most outlets ran, then the most engaged, then the latest) and the
    outlets with the most articles, from :func:`latest_articles` and their texts in table ``texts``."""
    read = {
        pid: (text, url)
        for pid, text, url in con.execute(
            "SELECT post_id, text, url FROM texts WHERE post_id IN (SELECT unnest($ids::VARCHAR[]))",
            {"ids": sorted({a[0] for a in articles})},
        ).fetchall()
    }
    seen: set[str] = set()
    stories: dict[str, dict[str, Any]] = {}
    outlets: Counter[str] = Counter()
    for post_id, source, created, sentiment, engagement in articles:
        text, url = read.get(post_id, (None, None))
        if post_id in seen:  # an older copy (the latest copy comes first)
            continue
        seen.add(post_id)
        outlet = outlet_of(url, source)
        outlets[outlet] += 1
        title = title_of(text)
        key = story_key(title)
        if not key:
            continue
        story = stories.get(key)
        if story is None:
            stories[key] = {
                "title": title,
                "outlet": outlet,
                "url": url,
                "source": source,
                "created_at": datetime.fromtimestamp(created / 1000, tz=UTC).isoformat(),
                "sentiment": sentiment,
                "outlets": [outlet],
                "articles": 1,
                "engagement": engagement,
                "texts": [text or ""],
            }
            continue
        story["texts"].append(text or "")
        story["articles"] += 1
        story["engagement"] += engagement
        if outlet not in story["outlets"]:
            story["outlets"].append(outlet)
    for story in stories.values():
        story["title"] = shared_title(story.pop("texts")) or story["title"]
    ranked = sorted(stories.values(), key=lambda s: (-len(s["outlets"]), -s["articles"], -s["engagement"]))
    total = sum(outlets.values())
    top_outlets = [
        {"outlet": name, "articles": n, "share": n / total}
        for name, n in sorted(outlets.items(), key=lambda kv: (-kv[1], kv[0]))[:OUTLETS]
    ]
    return ranked[:HEADLINES], top_outlets
