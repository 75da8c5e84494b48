"""Where each (country, query, source) stopped reading: the incremental cursors of collection.

A cursor is a small JSON object whose shape belongs to its source (a ``since_id``, a watermark time, a
map of feeds to their ETags). The store only keeps it. On a laptop it is a JSON document in the lake;
in AWS it will be a DynamoDB item (deployment issue), behind the same two methods.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Protocol

from listening_post.jobs import JobKey

if TYPE_CHECKING:  # only the lake's cursor store needs it: CursorKey alone must not import pyarrow
    from listening_post.lake import Lake

CursorKey = JobKey  # a cursor is keyed by its job (``job.key``)


class CursorStore(Protocol):
    def get(self, key: CursorKey) -> dict[str, Any] | None: ...

    def put(self, key: CursorKey, cursor: dict[str, Any]) -> None: ...


class LakeCursorStore:
    """One JSON document per job in the lake's state (``lake.paths.cursor(key)``)."""

    def __init__(self, lake: Lake) -> None:
        self.lake = lake

    def path(self, key: CursorKey) -> str:
        return self.lake.paths.cursor(key)

    def get(self, key: CursorKey) -> dict[str, Any] | None:
        if not self.lake.exists(self.path(key)):
            return None
        document = self.lake.read_json(self.path(key))
        cursor = document.get("cursor") if isinstance(document, dict) else None
        return cursor if isinstance(cursor, dict) else None

    def put(self, key: CursorKey, cursor: dict[str, Any]) -> None:
        document = {
            "country": key.country,
            "query_id": key.query_id,
            "source": key.source,
            "updated_at": datetime.now(UTC).isoformat(),
            "cursor": cursor,
        }
        self.lake.write_json(self.path(key), document)
