"""What a source adapter makes of one API record: a :class:`ParsedPost` (enrichment makes it a lake row,
``model.Post``). Apart from ``model.py`` so that the platform modules, which the configuration imports,
do not load pyarrow: the plan and API functions ship without it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(slots=True)
class ParsedPost:
    """One record of a platform response, before enrichment."""

    source: str
    native_id: str
    created_at: datetime  # timezone-aware
    text: str  # as the platform gave it; HTML when ``is_html``
    author_native: str | None  # never written anywhere: pseudonymised during enrichment
    url: str | None = None
    is_html: bool = False
    declared_lang: str | None = None  # what the platform or author declared, a hint only
    likes: int | None = None
    reposts: int | None = None
    replies: int | None = None
    is_repost: bool = False
    # The reposted original's text: topics of a repost are matched on it, but it is never stored with the
    # repost, so that an amplification is not counted as a second opinion.
    context_text: str | None = None
    context_is_html: bool = False
    country: str | None = None  # when the platform says where (X places); otherwise the query's country
    created_at_source: str = "item"  # "item", "feed" or "first_seen" (POSTS_SCHEMA)
    # The reader's link when every link the platform has names the author (Mastodon's /@user/, Bluesky's
    # DID): never in ``posts``, kept apart in ``links/`` (:mod:`listening_post.links`); ``url`` is then None.
    link: str | None = None
    # The native id names the author (Bluesky's at-uri holds the DID): the lake keeps a keyed hash of it.
    id_names_author: bool = False
    # What the post shares and points to (posts schema v3). Links as the platform gives them, expanded where
    # it has the expanded form (cleaned during enrichment); None where the platform does not say.
    links: list[str] | None = None
    hashtags: list[str] | None = None
    mentions_native: list[str] | None = None  # accounts in the author's form: pseudonymised, never written
    reposted_native: str | None = None  # native ids, of the same kind as ``native_id``
    quoted_native: str | None = None
    reply_to_native: str | None = None
    author_created_at: datetime | None = None
    author_followers: int | None = None
    author_posts: int | None = None
    author_is_verified: bool | None = None

    @property
    def post_id(self) -> str:
        return f"{self.source}:{self.native_id}"
