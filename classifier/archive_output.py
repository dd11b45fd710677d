"""The output folder of `tag-archive`: Parquet partitions written atomically, and their markers.

    DIR/tagged/<partition>.parquet    id, source, tags, main_tag, main_tag_id, language, model,
                                      fields (every other field of the record, as JSON text)
    DIR/refused/<partition>.parquet   source (file:line), reason, id
    DIR/_done/<partition>.json        written last: the partition as planned, the run, counts

Each file is written under a hidden temporary name in its folder and renamed into place, so a
reader (or a rerun) never sees half a file; the marker is renamed last, so a partition with a
marker is complete and a rerun skips it. A partition without one is redone from the start and
its files replaced, so no record is ever written twice. Pass-through fields go in one JSON
column because they differ from record to record and from archive to archive: a fixed
Parquet schema keeps every partition readable as one dataset (`pandas.read_parquet(DIR /
"tagged")`). Ids are written as text, for the same reason.
"""

import json
import os
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from classifier.documents import Document, Refused
from classifier.errors import DataError
from classifier.registry import sync_to_disk
from classifier.results import ArticleTags, Tag

TAGGED, REFUSED, DONE = "tagged", "refused", "_done"
_SCORED = [("label", pa.string()), ("id", pa.string()), ("score", pa.float64())]
TAG_TYPE = pa.struct([*_SCORED, ("subtopics", pa.list_(pa.struct(_SCORED)))])
TAGGED_SCHEMA = pa.schema(
    [
        ("id", pa.string()),
        ("source", pa.string()),
        ("tags", pa.list_(TAG_TYPE)),
        ("main_tag", pa.string()),
        ("main_tag_id", pa.string()),
        ("language", pa.string()),
        ("model", pa.string()),
        ("fields", pa.string()),
    ]
)
REFUSED_SCHEMA = pa.schema([("source", pa.string()), ("reason", pa.string()), ("id", pa.string())])
_ROWS_PER_GROUP = 8192


def prepare(out: str | Path) -> Path:
    """The output folder with its three subfolders; temporary files of a killed run removed."""
    root = Path(out).absolute()
    for folder in (TAGGED, REFUSED, DONE):
        (root / folder).mkdir(parents=True, exist_ok=True)
    remove_temporary(root)
    return root


def remove_temporary(root: Path) -> None:
    """Remove what killed tasks left half-written; only while no task of this run is running."""
    for folder in (TAGGED, REFUSED, DONE):
        for stale in (root / folder).glob(".*.tmp-*"):
            stale.unlink(missing_ok=True)


def read_marker(root: Path, name: str) -> dict[str, Any] | None:
    """The marker of a complete partition, or None when it is not complete."""
    try:
        marker = json.loads((root / DONE / f"{name}.json").read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as error:
        raise DataError(f"{root / DONE / name}.json: unreadable marker ({error})") from error
    return marker if isinstance(marker, dict) else None


def marker_names(root: Path) -> list[str]:
    """Names of the partitions the folder holds complete."""
    return sorted(path.stem for path in (root / DONE).glob("*.json"))


def _id(value: str | int | None) -> str | None:
    return None if value is None else str(value)


def _tag(tag: Tag) -> dict[str, Any]:
    subtopics = None if tag.subtopics is None else [_tag(sub) for sub in tag.subtopics]
    return {"label": tag.label, "id": tag.id, "score": tag.score, "subtopics": subtopics}


def tagged_row(document: Document, result: ArticleTags, model: str) -> dict[str, Any]:
    """One output row: what `topic-tagger tag` prints for the document, in columns."""
    main = result.tags[0] if result.tags else None
    return {
        "id": _id(document.id),
        "source": document.source,
        "tags": [_tag(tag) for tag in result.tags],
        "main_tag": main.label if main else None,
        "main_tag_id": main.id if main else None,
        "language": result.language,
        "model": model,
        "fields": json.dumps(document.extra, ensure_ascii=False, default=str),
    }


@dataclass
class PartitionWriter:
    """Writes one partition's files under temporary names; commit() puts them in place."""

    root: Path
    name: str

    def __post_init__(self) -> None:
        token = secrets.token_hex(4)
        self._temporary = {
            folder: self.root / folder / f".{self.name}.{kind}.tmp-{token}"
            for folder, kind in ((TAGGED, "parquet"), (REFUSED, "parquet"), (DONE, "json"))
        }
        self._writer = pq.ParquetWriter(self._temporary[TAGGED], TAGGED_SCHEMA)
        self._rows: list[dict[str, Any]] = []
        self._refused: list[dict[str, Any]] = []

    def add(self, row: dict[str, Any]) -> None:
        self._rows.append(row)
        if len(self._rows) >= _ROWS_PER_GROUP:
            self._flush()

    def refuse(self, item: Refused) -> None:
        self._refused.append({"source": item.source, "reason": item.reason, "id": _id(item.id)})

    def commit(self, marker: dict[str, Any]) -> None:
        """Put the partition's files in place, the marker last: then it is complete."""
        self._flush()
        self._writer.close()
        refused = pa.Table.from_pylist(self._refused, schema=REFUSED_SCHEMA)
        pq.write_table(refused, self._temporary[REFUSED])
        self._temporary[DONE].write_text(json.dumps(marker, sort_keys=True), encoding="utf-8")
        for folder, suffix in ((TAGGED, "parquet"), (REFUSED, "parquet"), (DONE, "json")):
            sync_to_disk(self._temporary[folder])
            os.replace(self._temporary[folder], self.root / folder / f"{self.name}.{suffix}")

    def abort(self) -> None:
        """Remove the temporary files of a partition that failed."""
        self._writer.close()
        for path in self._temporary.values():
            path.unlink(missing_ok=True)

    def _flush(self) -> None:
        if self._rows:
            self._writer.write_table(pa.Table.from_pylist(self._rows, schema=TAGGED_SCHEMA))
            self._rows.clear()
