"""The file formats labelled data comes in: JSON Lines, CSV (`text,labels` joined by "|"),
and folders of .txt files, one folder per label. Each record goes through the RecordChecker,
which keeps the file and line of every problem."""

import csv
import io
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from classifier.errors import DataError
from classifier.records import Example, RecordChecker

LABEL_SEPARATOR = "|"
DATA_SUFFIXES = (".jsonl", ".csv")


def data_files(paths: list[Path]) -> list[tuple[Path, str | None]]:
    """Expand folders: data files inside one, or else a folder-per-label tree of .txt files."""
    files: list[tuple[Path, str | None]] = []
    for path in paths:
        if path.is_dir():
            inside = sorted(p for p in path.iterdir() if p.suffix in DATA_SUFFIXES)
            if inside:
                files.extend((p, None) for p in inside)
                continue
            tree = sorted((p, p.parent.name) for p in path.glob("*/*.txt"))
            if not tree:
                raise DataError(f"{path}: folder holds no .jsonl, .csv or <label>/*.txt files")
            files.extend(tree)
        elif path.suffix in (*DATA_SUFFIXES, ".txt"):
            files.append((path, None))
        else:
            raise DataError(f"{path}: unknown data format (expected .jsonl, .csv or a folder)")
    return files


def read_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except FileNotFoundError as error:
        raise DataError(f"{path}: no such file") from error
    except OSError as error:
        raise DataError(f"{path}: cannot read ({error.strerror})") from error


def parse(
    path: Path, label: str | None, content: bytes, reader: RecordChecker
) -> Iterator[Example]:
    if label is not None or path.suffix == ".txt":
        text = _decode(content, f"{path}", reader)
        if text is not None:
            raw: dict[str, Any] = {
                "text": text,
                "id": f"{label}/{path.stem}" if label else path.stem,
            }
            if label is not None:
                raw["labels"] = [label]
            example = reader.example(str(path), raw)
            if example is not None:
                yield example
    elif path.suffix == ".csv":
        yield from _parse_csv(path, content, reader)
    else:
        yield from _parse_jsonl(path, content, reader)


def _decode(content: bytes, source: str, reader: RecordChecker) -> str | None:
    try:
        return content.decode("utf-8")
    except UnicodeDecodeError as error:
        reader.records += 1
        reader.problems.append(f"{source}: not UTF-8 (byte {error.start})")
        return None


def _parse_jsonl(path: Path, content: bytes, reader: RecordChecker) -> Iterator[Example]:
    for number, line_bytes in enumerate(content.split(b"\n"), 1):
        source = f"{path}:{number}"
        line = _decode(line_bytes, source, reader)
        if line is None or not line.strip():
            continue
        try:
            raw = json.loads(line)
        except json.JSONDecodeError as error:
            reader.records += 1
            reader.problems.append(f"{source}: malformed JSON ({error.msg})")
            continue
        if not isinstance(raw, dict):
            reader.records += 1
            reader.problems.append(f"{source}: expected a JSON object")
            continue
        example = reader.example(source, raw)
        if example is not None:
            yield example


def _parse_csv(path: Path, content: bytes, reader: RecordChecker) -> Iterator[Example]:
    text = _decode(content, str(path), reader)
    if text is None:
        return
    rows = csv.DictReader(io.StringIO(text, newline=""))
    if rows.fieldnames is None or "text" not in rows.fieldnames:
        raise DataError(f"{path}:1: CSV header must name a 'text' column (and 'labels')")
    for row in rows:
        source = f"{path}:{rows.line_num}"
        if None in row:
            reader.records += 1
            reader.problems.append(f"{source}: more fields than the header names")
            continue
        raw: dict[str, Any] = {"text": row["text"]}
        if row.get("labels"):
            raw["labels"] = row["labels"].split(LABEL_SEPARATOR)
        if row.get("id"):
            raw["id"] = row["id"]
        example = reader.example(source, raw)
        if example is not None:
            yield example
