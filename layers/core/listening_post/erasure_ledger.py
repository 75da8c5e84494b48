"""The erasure ledger: who was erased, one small JSON document each under ``state/erasure/``. Apart from
``erasure.py`` (which sweeps the lake) so that the lake's compaction can read the ledger without importing
the sweep, which imports the lake."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any, Protocol

from listening_post.layout import PATHS

if TYPE_CHECKING:
    from listening_post.lake import Lake


class ErasureLedger(Protocol):
    def authors(self) -> frozenset[str]:
        """The pseudonyms of every erased author."""
        ...

    def record(self, author_id: str, *, source: str, reason: str, at: datetime) -> bool:
        """Add an author; False when already there (the first date and reason are kept)."""
        ...

    def entry(self, author_id: str) -> dict[str, Any] | None: ...


class LakeErasureLedger:
    """One small JSON document per erased author under ``state/erasure/``: adding one never rewrites
    another, so two erasures at once cannot lose each other, and reading the set is one listing."""

    def __init__(self, lake: Lake) -> None:
        self.lake = lake

    @staticmethod
    def path(author_id: str) -> str:
        return PATHS.erased(author_id)

    def authors(self) -> frozenset[str]:
        return frozenset(n.removesuffix(".json") for n in self.lake.list_dir(PATHS.ERASURE) if n.endswith(".json"))

    def entry(self, author_id: str) -> dict[str, Any] | None:
        if not self.lake.exists(self.path(author_id)):
            return None
        document = self.lake.read_json(self.path(author_id))
        return document if isinstance(document, dict) else None

    def record(self, author_id: str, *, source: str, reason: str, at: datetime) -> bool:
        if self.lake.exists(self.path(author_id)):
            return False
        document = {"author_id": author_id, "source": source, "erased_at": at.isoformat(), "reason": reason}
        self.lake.write_json(self.path(author_id), document)
        return True
