"""The lake: Parquet partitions and JSON documents on a local folder or S3, through one pyarrow filesystem.

Where each dataset and document lives is :mod:`listening_post.layout`'s to say; a Lake exposes it as
``lake.paths`` (``lake.paths.cursor(key)``, ``lake.paths.brief(country, week, "brief.html")``).

Appends skip posts whose ``post_id`` is already in their partition, so importing a file twice leaves the
same rows; readers still deduplicate on ``post_id`` (keeping the latest ``collected_at``) because two
writers racing on one partition may both append. Every posts file holds each ``post_id`` at most once
(appends write one file per partition and source from posts keyed by id, compaction deduplicates): the
weekly summary relies on it to find repeated ids cheaply (:mod:`listening_post.analysis.reading`).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import threading
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar
from urllib.parse import urlsplit

from listening_post.layout import PATHS, LakeLayout
from listening_post.listing import RELIST_ATTEMPTS as RELIST_ATTEMPTS
from listening_post.listing import relisting as relisting

if TYPE_CHECKING:
    import pyarrow as pa
    import pyarrow.dataset as ds
    import pyarrow.fs as pafs

    from listening_post.model import Post

# pyarrow (and the model's Arrow schema) is imported where the lake reads or writes, not here: importing
# pyarrow costs a cold start ~0.1 s (with numpy, when installed, ~0.2 s), and making a Lake needs none of it.
# Its filesystem is made on first use too. pyarrow.dataset also imports pandas when pandas is installed
# (+0.3 s), and the collect function, which only appends, never needs it.
PARQUET_OPTIONS: dict[str, Any] = {"compression": "zstd", "compression_level": 3, "write_statistics": True}
# An append writes a few dozen rows per file: there, building a dictionary per column costs more time than
# it saves bytes (zstd files of the demo's posts come out 3-4% smaller without, up to 2,000 rows). Larger
# files, compaction's, keep dictionaries for their readers.
DICTIONARY_MIN_ROWS = 1000
# Post ids of the files a Lake wrote or read, so that appending to a partition again does not read them
# back: a posts file never changes once written (its name is content-addressed; compaction and erasure
# write new files and delete the old). Cleared when it holds this many files.
MAX_REMEMBERED_FILES = 4096


@dataclass(slots=True)
class CompactResult:
    partition: str
    files_before: int
    files_after: int
    rows_before: int
    rows_after: int

    @property
    def duplicates_removed(self) -> int:
        return self.rows_before - self.rows_after


@dataclass(slots=True)
class AppendResult:
    written: int = 0
    duplicates: int = 0
    files: list[str] = field(default_factory=list)


class Lake:
    """A lake rooted at a local path or ``s3://bucket/prefix``, on a pyarrow filesystem: ``filesystem``, or
    the one ``opener`` makes on first use (``is_local`` then says which kind it will be)."""

    paths: ClassVar[LakeLayout] = PATHS  # where everything lives in the lake (listening_post/layout.py)

    def __init__(
        self,
        root: str,
        filesystem: pafs.FileSystem | None = None,
        *,
        opener: Callable[[], pafs.FileSystem] | None = None,
        is_local: bool = False,
    ) -> None:
        if (filesystem is None) == (opener is None):
            raise TypeError("a Lake needs either a filesystem or an opener")
        self.root = root.rstrip("/")
        self._fs = filesystem
        self._opener = opener
        self._lock = threading.Lock()
        if filesystem is not None:
            import pyarrow.fs as pafs

            is_local = isinstance(filesystem, pafs.LocalFileSystem)
        self.is_local = is_local
        self._file_ids: dict[str, frozenset[str]] = {}  # relative path -> post ids (MAX_REMEMBERED_FILES)

    @property
    def fs(self) -> pafs.FileSystem:
        if self._fs is None:
            with self._lock:
                if self._fs is None:
                    assert self._opener is not None
                    self._fs = self._opener()
        return self._fs

    @classmethod
    def from_uri(cls, uri: str, *, endpoint_url: str | None = None, region: str | None = None) -> Lake:
        """A local folder (created if missing) or ``s3://bucket/prefix``; ``endpoint_url`` for S3 look-alikes.

        No pyarrow yet: the filesystem is made when the lake is first read or written."""
        if uri.startswith("s3://"):
            kwargs: dict[str, Any] = {"region": region or "us-east-1"}
            if endpoint_url:
                parts = urlsplit(endpoint_url)
                kwargs.update(endpoint_override=parts.netloc, scheme=parts.scheme or "https")
            return cls(uri.removeprefix("s3://"), opener=lambda: _s3_filesystem(**kwargs))
        if "://" in uri and not uri.startswith("file://"):
            raise ValueError(f"unsupported lake location {uri!r}: use a folder or s3://bucket/prefix")
        path = Path(uri.removeprefix("file://")).expanduser().resolve()
        path.mkdir(parents=True, exist_ok=True)
        return cls(path.as_posix(), opener=_local_filesystem, is_local=True)

    def __repr__(self) -> str:
        return f"Lake({self.uri!r})"

    @property
    def uri(self) -> str:
        return self.root if self.is_local else f"s3://{self.root}"

    def path(self, *parts: str) -> str:
        return "/".join((self.root, *parts))

    # --- documents -----------------------------------------------------------------------------

    def write_bytes(self, relative: str, data: bytes | pa.Buffer) -> str:
        target = self.path(relative)
        if self.is_local:
            # Write beside and rename: readers never see half a file.
            parent = target.rsplit("/", 1)[0]
            self.fs.create_dir(parent, recursive=True)
            tmp = f"{parent}/.tmp-{uuid.uuid4().hex}"
            with self.fs.open_output_stream(tmp) as out:
                out.write(data)
            self.fs.move(tmp, target)
        else:
            with self.fs.open_output_stream(target) as out:
                out.write(data)
        return target

    def write_json(self, relative: str, document: Any) -> str:
        data = json.dumps(document, ensure_ascii=False, indent=2, default=str).encode("utf-8")
        return self.write_bytes(relative, data)

    def read_bytes(self, relative: str) -> bytes:
        with self.fs.open_input_stream(self.path(relative)) as stream:
            data: bytes = stream.read()
        return data

    def read_json(self, relative: str) -> Any:
        return json.loads(self.read_bytes(relative))

    def exists(self, relative: str) -> bool:
        import pyarrow.fs as pafs

        return bool(self.fs.get_file_info(self.path(relative)).type != pafs.FileType.NotFound)

    def list_dir(self, relative: str) -> list[str]:
        """Names of the entries directly under ``relative`` (empty when it does not exist)."""
        return [info.base_name for info in self._entries(relative)]

    def _entries(self, relative: str) -> list[pafs.FileInfo]:
        """The entries directly under ``relative`` by name, hidden ones (``.``, ``_``: temporary) left out."""
        import pyarrow.fs as pafs

        infos = self.fs.get_file_info(pafs.FileSelector(self.path(relative), allow_not_found=True))
        return sorted((i for i in infos if not i.base_name.startswith((".", "_"))), key=lambda i: i.base_name)

    def delete(self, relative: str) -> None:
        self._file_ids.pop(relative, None)
        self.fs.delete_file(self.path(relative))

    # --- posts ---------------------------------------------------------------------------------

    @staticmethod
    def partition(country: str, day: date | str) -> str:
        return PATHS.posts_partition(country, day)

    def partition_files(self, country: str, day: date | str) -> list[str]:
        base = self.partition(country, day)
        return [f"{base}/{name}" for name in self.list_dir(base) if name.endswith(".parquet")]

    def existing_post_ids(self, country: str, day: date | str) -> set[str]:
        import pyarrow.parquet as pq

        def read() -> set[str]:
            ids: set[str] = set()
            for relative in self.partition_files(country, day):
                known = self._file_ids.get(relative)
                if known is None:
                    with self.fs.open_input_file(self.path(relative)) as f:
                        column = pq.ParquetFile(f).read(columns=["post_id"]).column("post_id")
                    known = self._remember(relative, column.to_pylist())
                ids.update(known)
            return ids

        return relisting(read)

    def _remember(self, relative: str, post_ids: Iterable[str]) -> frozenset[str]:
        if len(self._file_ids) >= MAX_REMEMBERED_FILES:
            self._file_ids.clear()
        known = self._file_ids[relative] = frozenset(post_ids)
        return known

    def append_posts(self, posts: Iterable[Post], *, run_id: str) -> AppendResult:
        """Write posts into their (country, dt) partitions, skipping post_ids already there."""
        from listening_post.model import posts_to_table

        groups: dict[tuple[str, str, str], dict[str, Post]] = defaultdict(dict)
        result = AppendResult()
        for post in posts:
            key = (post.country, post.created_at.date().isoformat(), post.source)
            if post.post_id in groups[key]:
                result.duplicates += 1
                continue
            groups[key][post.post_id] = post
        days: dict[str, set[str]] = {}  # country -> days that have a partition, listed once per country
        seen_partitions: dict[tuple[str, str], set[str]] = {}
        batch: list[Post] = []
        files: list[tuple[str, int, int]] = []  # (relative path, first row in batch, rows)
        for (country, day, source), by_id in sorted(groups.items()):
            existing = seen_partitions.get((country, day))
            if existing is None:
                if country not in days:
                    days[country] = set(self.days(country))
                existing = self.existing_post_ids(country, day) if day in days[country] else set()
                seen_partitions[(country, day)] = existing
            fresh = [p for pid, p in by_id.items() if pid not in existing]
            result.duplicates += len(by_id) - len(fresh)
            if not fresh:
                continue
            fresh.sort(key=lambda p: (p.created_at, p.post_id))
            # Content-addressed name: a retry of the same write replaces the file instead of adding one.
            digest = hashlib.blake2b("\n".join(p.post_id for p in fresh).encode(), digest_size=4).hexdigest()
            files.append(
                (self.paths.part(self.partition(country, day), source, run_id, digest), len(batch), len(fresh))
            )
            batch.extend(fresh)
            existing.update(p.post_id for p in fresh)
        if not batch:
            return result
        # Links first: a post never lands without the reader's link it came with.
        from listening_post.links import write_links

        write_links(self, batch, run_id=run_id)
        # One Arrow table for the whole batch, sliced per file (slices share its buffers).
        table = posts_to_table(batch).drop_columns(["country"])
        for relative, start, rows in files:
            self.write_table(relative, table.slice(start, rows))
            self._remember(relative, (p.post_id for p in batch[start : start + rows]))
            result.written += rows
            result.files.append(relative)
        return result

    def write_table(self, relative: str, table: pa.Table) -> str:
        import pyarrow as pa
        import pyarrow.parquet as pq

        self._file_ids.pop(relative, None)
        sink = pa.BufferOutputStream()
        pq.write_table(table, sink, **PARQUET_OPTIONS, use_dictionary=table.num_rows >= DICTIONARY_MIN_ROWS)
        return self.write_bytes(relative, sink.getvalue())

    def countries(self) -> list[str]:
        return self.paths.values(self.list_dir(self.paths.POSTS), "country")

    def days(self, country: str) -> list[str]:
        return self.paths.values(self.list_dir(self.paths.country(self.paths.POSTS, country)), "dt")

    def post_files(self, country: str, start: date, end: date) -> list[str]:
        """Absolute paths of the posts files of ``country`` with ``start <= dt <= end``."""
        return [path for files in self.post_file_sizes(country, start, end).values() for path, _ in files]

    def post_file_sizes(self, country: str, start: date, end: date) -> dict[str, list[tuple[str, int]]]:
        """Absolute paths and byte sizes of the posts files of ``country``, by partition date, with
        ``start <= dt <= end``."""
        lo, hi = start.isoformat(), end.isoformat()
        out: dict[str, list[tuple[str, int]]] = {}
        for day in self.days(country):
            if lo <= day <= hi:
                entries = self._entries(self.partition(country, day))
                if files := [(i.path, i.size or 0) for i in entries if i.base_name.endswith(".parquet")]:
                    out[day] = files
        return out

    def files_dataset(self, paths: list[str]) -> ds.Dataset:
        """Posts files (absolute paths) as one dataset, without partition columns."""
        import pyarrow.dataset as ds

        from listening_post.model import FILE_SCHEMA

        return ds.dataset(paths, schema=FILE_SCHEMA, format="parquet", filesystem=self.fs)

    def posts_dataset(self, country: str, start: date, end: date) -> ds.Dataset:
        """The raw (not deduplicated) posts of a country between two UTC dates, inclusive."""
        import pyarrow as pa
        import pyarrow.dataset as ds

        from listening_post.model import FILE_SCHEMA

        partitions = pa.schema([("country", pa.string()), ("dt", pa.string())])
        return ds.dataset(
            self.post_files(country, start, end),
            schema=pa.schema([*FILE_SCHEMA, *partitions]),
            format="parquet",
            filesystem=self.fs,
            partitioning=ds.partitioning(partitions, flavor="hive"),
            partition_base_dir=self.path(self.paths.POSTS),
        )

    def read_posts(self, country: str, start: date, end: date, *, columns: list[str] | None = None) -> pa.Table:
        """Posts of a country between two UTC dates, deduplicated on post_id (latest collected_at wins)."""
        from listening_post.model import POSTS_SCHEMA

        wanted = columns or [*POSTS_SCHEMA.names, "dt"]
        needed = list(dict.fromkeys([*wanted, "post_id", "collected_at"]))
        table = relisting(lambda: self.posts_dataset(country, start, end).to_table(columns=needed))
        return deduplicate(table).select(wanted)

    def compact_partition(
        self, country: str, day: date | str, *, run_id: str, erased: Callable[[], frozenset[str]] | None = None
    ) -> CompactResult:
        """Rewrite a partition's files as one file, deduplicated on post_id (latest collection wins), without
        the rows of erased authors (``erased()``: the erasure ledger's, by default).

        Only the files listed at the start are replaced, so a collector appending meanwhile loses nothing;
        a crash between writing the new file and deleting the old ones leaves duplicates that readers
        already ignore and the next compaction removes.
        """
        import pyarrow.compute as pc
        import pyarrow.parquet as pq

        from listening_post.model import FILE_SCHEMA

        base = self.partition(country, day)
        files = self.partition_files(country, day)
        if len(files) < 2:
            rows = pq.read_metadata(self.path(files[0]), filesystem=self.fs).num_rows if files else 0
            return CompactResult(base, len(files), len(files), rows, rows)
        import pyarrow.dataset as ds

        if erased is None:
            from listening_post.erasure_ledger import LakeErasureLedger

            erased = LakeErasureLedger(self).authors
        table = ds.dataset([self.path(f) for f in files], schema=FILE_SCHEMA, format="parquet", filesystem=self.fs)
        before = table.to_table()
        after = _without_authors(deduplicate(before), known := erased())
        after = after.take(pc.sort_indices(after, [("created_at", "ascending"), ("post_id", "ascending")]))
        digest = hashlib.blake2b("\n".join(sorted(files)).encode(), digest_size=4).hexdigest()
        target = self.paths.part(base, "compacted", run_id, digest)
        self.write_table(target, after)
        # An author erased while this ran: the erasure's sweep may have read the old files before this
        # one existed, so the new file is rewritten without them here.
        if late := erased() - known:
            after = _without_authors(after, late)
            self.write_table(target, after)
        for relative in files:
            with contextlib.suppress(FileNotFoundError):  # erasure replaced it meanwhile: both are deduplicated
                self.delete(relative)
        return CompactResult(base, len(files), 1, before.num_rows, after.num_rows)

    def drop_partitions_before(self, country: str, cutoff: date) -> list[str]:
        """Retention: delete the posts partitions of ``country`` whose date is before ``cutoff``."""
        dropped = []
        for day in self.days(country):
            if day < cutoff.isoformat():
                base = self.partition(country, day)
                self.fs.delete_dir(self.path(base))
                dropped.append(base)
        return dropped

    def read_frame(self, country: str, start: date, end: date) -> Any:
        """The analyst's view: a pandas DataFrame of a country and period (needs the ``analyst`` extra)."""
        return self.read_posts(country, start, end).to_pandas()


def deduplicate(table: pa.Table) -> pa.Table:
    """One row per post_id, the one with the latest collected_at."""
    import pyarrow as pa
    import pyarrow.compute as pc

    if table.num_rows < 2:
        return table
    # Ties on collected_at (one run wrote a post twice) are broken by created_at, so the result does not
    # depend on file order.
    order = pc.sort_indices(
        table, [("post_id", "ascending"), ("collected_at", "descending"), ("created_at", "descending")]
    )
    ordered = table.take(order)
    ids = ordered.column("post_id").combine_chunks()
    first = pc.not_equal(ids.slice(1), ids.slice(0, len(ids) - 1))
    mask = pa.concat_arrays([pa.array([True]), first.fill_null(True)])
    return ordered.filter(mask)


def _without_authors(table: pa.Table, authors: frozenset[str]) -> pa.Table:
    import pyarrow as pa
    import pyarrow.compute as pc

    if not authors or not table.num_rows:
        return table
    hits = pc.is_in(table.column("author_id"), value_set=pa.array(sorted(authors), type=pa.string()))
    return table.filter(pc.invert(pc.fill_null(hits, False)))


def _s3_filesystem(**kwargs: Any) -> pafs.FileSystem:
    import pyarrow.fs as pafs

    return pafs.S3FileSystem(**kwargs)


def _local_filesystem() -> pafs.FileSystem:
    import pyarrow.fs as pafs

    return pafs.LocalFileSystem()
