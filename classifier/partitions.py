"""An archive cut into partitions: units of work small enough that a kill loses little.

A partition is a range of lines of a JSON Lines file (plain or compressed) or a run of row
groups of a Parquet file. The driver plans them by reading each file once; a worker reads only
its own range. Plain files are entered at a byte offset; a compressed file cannot be entered
in the middle, so each of its partitions decompresses from the top and skips: split very large
compressed archives into several files. A file that cannot be tagged at all (empty, unreadable)
becomes one partition that refuses it, so that documents in = tagged + refused, always.
"""

import hashlib
import json
import re
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass
from itertools import islice
from typing import Any

import fsspec
import pyarrow.parquet as pq
from fsspec.utils import infer_compression

from classifier.documents import Document, Refused, document_from_line, document_from_record
from classifier.errors import DataError

LINES_PER_PARTITION = 50_000
_CHUNK = 8 << 20
_PARQUET = (".parquet", ".pq")
_JSONL = (".jsonl", ".ndjson")
# What can go wrong reading a file: I/O, truncated or corrupt compression, a bad Parquet footer.
READ_ERRORS: tuple[type[Exception], ...] = (OSError, EOFError, ValueError, RuntimeError)


@dataclass(frozen=True, slots=True)
class Partition:
    """One unit of work: `count` lines (JSONL) or rows (Parquet) of a file, from `first` (1-based).

    `start` is where reading begins: a byte offset in a plain JSONL file, the first row group
    of a Parquet file, or None for a compressed file (read from the top). `problem` is set for
    a file refused whole, with the reason."""

    url: str
    format: str
    first: int
    count: int
    start: int | None
    size: int
    groups: int = 0
    problem: str | None = None

    @property
    def name(self) -> str:
        """Stable file name of its outputs: the same input range gets the same name on a rerun."""
        stem = re.sub(r"[^A-Za-z0-9_-]+", "_", self.url.rsplit("/", 1)[-1].split(".", 1)[0])
        digest = hashlib.sha256(self.url.encode()).hexdigest()[:10]
        return f"{stem[:40]}-{digest}-{self.first:010d}"

    def spec(self) -> dict[str, Any]:
        """What the partition was when planned, for the rerun's check that it is still so."""
        return asdict(self)


def expand_inputs(inputs: Sequence[str]) -> list[str]:
    """Files of the inputs (paths, globs, folders or fsspec URLs), each once, in order."""
    files: dict[str, None] = {}
    for given in inputs:
        try:
            fs, path = fsspec.core.url_to_fs(given)
            if any(char in path for char in "*?["):
                found = sorted(fs.glob(path))
            elif fs.isdir(path):
                found = sorted(p for p in fs.find(path) if _format_of(p, strict=False))
            elif fs.exists(path):
                found = [path]
            else:
                raise DataError(f"{given}: no such file")
        except (ImportError, ValueError) as error:  # an fsspec protocol whose package is absent
            raise DataError(f"{given}: cannot open ({error})") from error
        if not found:
            raise DataError(f"{given}: no files match")
        local = "file" in (fs.protocol if isinstance(fs.protocol, tuple) else (fs.protocol,))
        for path in found:
            _format_of(path, strict=True)
            files[path if local else fs.unstrip_protocol(path)] = None
    return list(files)


def plan_partitions(
    inputs: Sequence[str], lines_per_partition: int = LINES_PER_PARTITION
) -> list[Partition]:
    """Every partition of every input file, in input order."""
    if lines_per_partition < 1:
        raise DataError(f"lines per partition must be at least 1, not {lines_per_partition}")
    partitions: list[Partition] = []
    for url in expand_inputs(inputs):
        fmt = _format_of(url, strict=True) or "jsonl"
        size = int(fsspec.core.url_to_fs(url)[0].size(url) or 0)
        try:
            planned = (
                _parquet_partitions(url, size, lines_per_partition)
                if fmt == "parquet"
                else _jsonl_partitions(url, size, lines_per_partition)
            )
        except READ_ERRORS as error:
            planned = [Partition(url, fmt, 1, 0, None, size, problem=f"unreadable ({error})")]
        partitions.extend(planned)
    return partitions


def read_partition(partition: Partition) -> Iterator[Document | Refused]:
    """Documents and refusals of one partition, by the rules of `topic-tagger tag`."""
    if partition.problem is not None:
        yield Refused(partition.url, partition.problem)
        return
    if partition.format == "parquet":
        yield from _parquet_documents(partition)
        return
    number = partition.first
    try:
        with fsspec.open(partition.url, "rb", compression="infer") as handle:
            if partition.start is None:
                for _ in islice(handle, partition.first - 1):
                    pass
            else:
                handle.seek(partition.start)
            for raw in islice(handle, partition.count):
                item = document_from_line(raw, f"{partition.url}:{number}")
                number += 1
                if item is not None:
                    yield item
    except READ_ERRORS as error:  # the file changed or broke after it was planned
        yield Refused(f"{partition.url}:{number}", f"cannot read the rest of the file ({error})")


def _format_of(path: str, *, strict: bool) -> str | None:
    name = path.lower()
    if name.endswith(_PARQUET):
        return "parquet"
    compression = infer_compression(name)
    if compression is not None:
        name = name.rsplit(".", 1)[0]
    if name.endswith(_JSONL):
        return "jsonl"
    if strict:
        raise DataError(f"{path}: not a .jsonl, .jsonl.gz or .parquet file")
    return None


def _jsonl_partitions(url: str, size: int, per: int) -> list[Partition]:
    """Partitions of `per` lines; the driver reads the file once to find where each begins."""
    compressed = infer_compression(url) is not None
    starts, lines, offset, boundary = [(0, 1)], 0, 0, per
    content, last = False, b"\n"
    with fsspec.open(url, "rb", compression="infer") as handle:
        for chunk in iter(lambda: handle.read(_CHUNK), b""):
            content = content or bool(chunk.strip())
            position = 0
            while lines + chunk.count(b"\n", position) >= boundary:
                for _ in range(boundary - lines):
                    position = chunk.index(b"\n", position) + 1
                lines = boundary
                starts.append((offset + position, lines + 1))
                boundary += per
            lines += chunk.count(b"\n", position)
            offset, last = offset + len(chunk), chunk[-1:]
    if not content:
        return [Partition(url, "jsonl", 1, 0, None, size, problem="empty file")]
    total = lines + (last != b"\n")
    ends = [first for _, first in starts[1:]] + [total + 1]
    return [
        Partition(url, "jsonl", first, end - first, None if compressed else start, size)
        for (start, first), end in zip(starts, ends, strict=True)
        if end > first
    ]


def _parquet_partitions(url: str, size: int, per: int) -> list[Partition]:
    """Runs of whole row groups of about `per` rows (a row group is never split)."""
    with fsspec.open(url, "rb") as handle:
        metadata = pq.ParquetFile(handle).metadata
    rows = [metadata.row_group(i).num_rows for i in range(metadata.num_row_groups)]
    if not sum(rows):
        return [Partition(url, "parquet", 1, 0, None, size, problem="empty file")]
    partitions, group, first = [], 0, 1
    while group < len(rows):
        end = group + 1
        while end < len(rows) and sum(rows[group : end + 1]) <= per:
            end += 1
        count = sum(rows[group:end])
        partitions.append(Partition(url, "parquet", first, count, group, size, end - group))
        group, first = end, first + count
    return partitions


def _parquet_documents(partition: Partition) -> Iterator[Document | Refused]:
    number = partition.first
    start = partition.start or 0
    with fsspec.open(partition.url, "rb") as handle:
        table = pq.ParquetFile(handle).read_row_groups(range(start, start + partition.groups))
    for batch in table.to_batches(max_chunksize=4096):
        for record in batch.to_pylist():
            yield document_from_record(_plain(record), f"{partition.url}:{number}")
            number += 1


def _plain(record: dict[str, Any]) -> dict[str, Any]:
    """Parquet values as JSON would give them (dates as ISO text), so passthrough is uniform."""
    return json.loads(json.dumps(record, default=str))
