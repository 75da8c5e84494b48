"""Read-only access to the lake's briefs, and nothing else: every path is built from a validated country
code, a validated ISO week and a fixed file name, so no request can reach outside ``briefs/``."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from listening_post.layout import PATHS
from listening_post.weeks import IsoWeek, WeekError

BRIEF_FILES = frozenset({"summary.json", "brief.html", "brief.md"})


class Documents(Protocol):
    """Where the briefs are: the lake on a laptop, or S3 through boto3 in the API function (no pyarrow)."""

    def list_dir(self, relative: str) -> list[str]: ...

    def read_bytes(self, relative: str) -> bytes: ...


@dataclass(frozen=True)
class BriefStore:
    lake: Documents

    def countries(self) -> list[str]:
        return [code for code in PATHS.values(self.lake.list_dir(PATHS.BRIEFS), "country") if len(code) == 2]

    def weeks(self, country: str) -> list[str]:
        """ISO weeks of ``country`` that have a complete brief, oldest first."""
        out = []
        for week in PATHS.values(self.lake.list_dir(PATHS.brief_country(_country(country))), "week"):
            try:
                IsoWeek.parse(week)
            except WeekError:
                continue
            out.append(week)
        return sorted(out)

    def read(self, country: str, week: IsoWeek, name: str) -> bytes | None:
        if name not in BRIEF_FILES:
            raise ValueError(f"not a brief file: {name!r}")
        folder = PATHS.brief_folder(_country(country), week)
        # Existence by listing, not by a HEAD: S3 answers 403, not 404, for a missing key to a reader
        # that may only list briefs/, and a missing brief must be a 404.
        if name not in self.lake.list_dir(folder):
            return None
        return self.lake.read_bytes(f"{folder}/{name}")


def _country(code: str) -> str:
    if len(code) != 2 or not code.isascii() or not code.isalpha() or not code.isupper():
        raise ValueError(f"not a country code: {code!r}")
    return code
