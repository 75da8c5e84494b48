"""The date an undated post was first given, remembered in the lake so that it never moves.

A feed item without a date of its own is dated by the feed (``lastBuildDate``, which changes at every
rebuild) or by the time the collector first saw it. Read again later, it would get a new date, land in
another ``dt`` partition, and the lake's dedup, which is per partition, would keep it twice. So the first
date given to such a post is kept in the lake's state, one document per country and source
(``{post_id: [created_at, created_at_source, when recorded]}``, :mod:`listening_post.layout`), and every
later reading takes it from there.

Posts dated by their own record (``created_at_source == "item"``) never touch this state. Entries recorded
more than :data:`KEEP` ago are dropped when the document is written: a feed does not carry an item that long.
Two runs writing the same country and source at once may lose one's new entries (last writer wins): an
item both saw first would then get a new date when read again, and a second row in a later partition.
Collection runs one process per run, so this takes two overlapping runs.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from listening_post.lake import Lake
from listening_post.model import ParsedPost

KEEP = timedelta(days=400)


class FirstSeen:
    """The remembered dates of one lake; :meth:`settle` pages as they come, :meth:`flush` before appending."""

    def __init__(self, lake: Lake) -> None:
        self.lake = lake
        self._docs: dict[tuple[str, str], dict[str, list[str]]] = {}
        self._changed: set[tuple[str, str]] = set()

    @staticmethod
    def path(country: str, source: str) -> str:
        return Lake.paths.first_seen(country, source)

    def settle(self, posts: Iterable[ParsedPost], *, country: str, now: datetime) -> int:
        """Date each post its record did not date as it was first dated; remember the new ones. Returns
        how many took a remembered date."""
        remembered = 0
        for post in posts:
            if post.created_at_source == "item":
                continue
            key = (post.country or country, post.source)
            doc = self._doc(key)
            known = doc.get(post.post_id)
            if known is not None:
                post.created_at, post.created_at_source = datetime.fromisoformat(known[0]), known[1]
                remembered += 1
                continue
            if post.created_at_source == "first_seen":
                post.created_at = now
            doc[post.post_id] = [post.created_at.isoformat(), post.created_at_source, now.isoformat()]
            self._changed.add(key)
        return remembered

    def flush(self, now: datetime) -> None:
        """Write what changed. Call it before the posts are appended: a crash in between then re-reads
        the same dates, never new ones."""
        cutoff = now - KEEP
        for key in sorted(self._changed):
            doc = {k: v for k, v in self._docs[key].items() if datetime.fromisoformat(v[2]) >= cutoff}
            self.lake.write_json(self.path(*key), doc)
        self._changed.clear()

    def _doc(self, key: tuple[str, str]) -> dict[str, list[str]]:
        doc = self._docs.get(key)
        if doc is None:
            try:
                loaded = self.lake.read_json(self.path(*key))
            except FileNotFoundError:
                loaded = {}
            except ValueError:  # a damaged document: start again rather than stop collecting
                loaded = {}
            doc = self._docs[key] = _valid(loaded)
        return doc


def _valid(loaded: object) -> dict[str, list[str]]:
    """The well-formed entries of a loaded document."""
    if not isinstance(loaded, dict):
        return {}
    out: dict[str, list[str]] = {}
    for post_id, value in loaded.items():
        if isinstance(value, list) and len(value) == 3 and all(isinstance(v, str) for v in value):
            try:
                datetime.fromisoformat(value[0])
                datetime.fromisoformat(value[2])
            except ValueError:
                continue
            out[str(post_id)] = value
    return out
