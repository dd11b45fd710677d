"""Read and validate labelled data: JSON Lines (the documented format), CSV, or folder trees.

JSON Lines, one object a line: {"text": str, "labels": [str, ...], "id": optional}, and
optionally "region", "era" and "format" (strings that describe the example for coverage
reports). A labels list of exactly ["none"] marks text with no topic (page boilerplate); an
empty list is refused because it is far more often a mistake than a decision.
"""

import csv
import hashlib
import io
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from classifier.errors import DataError
from classifier.taxonomy import Taxonomy
from classifier.text import normalise

NO_TOPIC = "none"
LABEL_SEPARATOR = "|"
DATA_SUFFIXES = (".jsonl", ".csv")
# Past this share of rejected records the file is more likely in the wrong format than
# slightly dirty, so loading stops instead of training on what is left.
MAX_REJECTED_SHARE = 0.2
_MAX_LISTED_PROBLEMS = 5
METADATA_FIELDS = ("region", "era", "format")


@dataclass(frozen=True, slots=True)
class Example:
    """One labelled text; empty labels mean "no topic"; source is "file:line" for messages.

    The first label is the main topic. Metadata (region, era, format) describes the example for
    coverage reports and never reaches the model.
    """

    text: str
    labels: tuple[str, ...]
    id: str | None = None
    source: str = ""
    metadata: tuple[tuple[str, str], ...] = ()

    def meta(self, key: str) -> str | None:
        return dict(self.metadata).get(key)


@dataclass
class Corpus:
    """Examples that passed validation, with what was dropped and why, for the caller to show."""

    examples: list[Example]
    warnings: list[str] = field(default_factory=list)
    sha256: str = ""
    size_bytes: int = 0
    files: list[str] = field(default_factory=list)


@dataclass
class _Reader:
    """Validation state shared by the format readers while one corpus loads."""

    taxonomy: Taxonomy | None
    require_labels: bool
    keep_empty_text: bool
    problems: list[str] = field(default_factory=list)
    records: int = 0

    def example(self, source: str, raw: dict[str, Any]) -> Example | None:
        self.records += 1
        try:
            return self._validate(source, raw)
        except DataError as error:
            self.problems.append(str(error))
            return None

    def _validate(self, source: str, raw: dict[str, Any]) -> Example:
        unknown = set(raw) - {"text", "labels", "id", *METADATA_FIELDS}
        if unknown:
            raise DataError(f"{source}: unknown field(s) {', '.join(sorted(unknown))}")
        text = raw.get("text")
        if not isinstance(text, str):
            raise DataError(f"{source}: 'text' must be a string")
        if not text.strip() and not self.keep_empty_text:
            raise DataError(f"{source}: empty text")
        record_id = raw.get("id")
        if record_id is not None and not isinstance(record_id, str | int):
            raise DataError(f"{source}: 'id' must be a string or a number")
        labels = self._labels(source, raw.get("labels"))
        metadata = []
        for key in METADATA_FIELDS:
            value = raw.get(key)
            if value is not None and not isinstance(value, str):
                raise DataError(f"{source}: {key!r} must be a string")
            if value:
                metadata.append((key, value))
        identifier = None if record_id is None else str(record_id)
        return Example(text, labels, identifier, source, tuple(metadata))

    def _labels(self, source: str, labels: Any) -> tuple[str, ...]:
        if labels is None:
            if self.require_labels:
                raise DataError(f"{source}: missing 'labels' list")
            return ()
        if not isinstance(labels, list) or not all(isinstance(x, str) for x in labels):
            raise DataError(f"{source}: 'labels' must be a list of strings")
        cleaned = [label.strip() for label in labels]
        if not cleaned or not all(cleaned):
            raise DataError(f'{source}: empty label (use ["{NO_TOPIC}"] for text with no topic)')
        if NO_TOPIC in cleaned:
            if len(cleaned) > 1:
                raise DataError(f'{source}: "{NO_TOPIC}" cannot be combined with other labels')
            return ()
        if self.taxonomy is not None:
            resolved = []
            for label in cleaned:
                canonical = self.taxonomy.resolve(label)
                if canonical is None:
                    raise DataError(
                        f"{source}: label {label!r} is not in taxonomy {self.taxonomy.name!r}"
                    )
                resolved.append(canonical)
            cleaned = resolved
        return tuple(dict.fromkeys(cleaned))


def load_corpus(
    paths: Iterable[str | Path],
    *,
    taxonomy: Taxonomy | None = None,
    require_labels: bool = True,
    deduplicate: bool = True,
    keep_empty_text: bool = False,
    strict: bool = False,
) -> Corpus:
    """Load every file (or folder) given; bad records are dropped and reported, or raise if strict.

    Evaluation passes deduplicate=False and keep_empty_text=True so that a test file is scored
    whole, exactly as other tools score it.
    """
    reader = _Reader(taxonomy, require_labels, keep_empty_text)
    files = _data_files([Path(p) for p in paths])
    digest = hashlib.sha256()
    examples: list[Example] = []
    size = 0
    for path, label in files:
        content = _read_bytes(path)
        digest.update(str(path.name).encode() + b"\0" + content + b"\0")
        size += len(content)
        examples.extend(_parse(path, label, content, reader))
    warnings = list(reader.problems)
    if deduplicate:
        examples = _deduplicate(examples, reader.problems, warnings)
    _check_problems(reader, strict, len(examples))
    return Corpus(examples, warnings, digest.hexdigest(), size, [str(p) for p, _ in files])


def _check_problems(reader: _Reader, strict: bool, kept: int) -> None:
    if not reader.problems:
        return
    listed = "; ".join(reader.problems[:_MAX_LISTED_PROBLEMS])
    more = len(reader.problems) - _MAX_LISTED_PROBLEMS
    summary = listed + (f" (and {more} more problems)" if more > 0 else "")
    if strict or kept == 0 or len(reader.problems) > MAX_REJECTED_SHARE * reader.records:
        raise DataError(summary)


def _data_files(paths: list[Path]) -> list[tuple[Path, str | None]]:
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


def _read_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except FileNotFoundError as error:
        raise DataError(f"{path}: no such file") from error
    except OSError as error:
        raise DataError(f"{path}: cannot read ({error.strerror})") from error


def _parse(path: Path, label: str | None, content: bytes, reader: _Reader) -> Iterator[Example]:
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


def _decode(content: bytes, source: str, reader: _Reader) -> str | None:
    try:
        return content.decode("utf-8")
    except UnicodeDecodeError as error:
        reader.records += 1
        reader.problems.append(f"{source}: not UTF-8 (byte {error.start})")
        return None


def _parse_jsonl(path: Path, content: bytes, reader: _Reader) -> Iterator[Example]:
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


def _parse_csv(path: Path, content: bytes, reader: _Reader) -> Iterator[Example]:
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


def duplicate_key(text: str) -> str:
    """Texts equal under this key count as the same example."""
    return " ".join(normalise(text).casefold().split())


def _deduplicate(
    examples: list[Example], problems: list[str], warnings: list[str]
) -> list[Example]:
    first_seen: dict[str, Example] = {}
    conflicting: set[str] = set()
    for example in examples:
        key = duplicate_key(example.text)
        earlier = first_seen.setdefault(key, example)
        if earlier is example:
            continue
        if set(earlier.labels) == set(example.labels):
            warnings.append(f"{example.source}: duplicate of {earlier.source}, dropped")
        else:
            conflicting.add(key)
            ours, theirs = (", ".join(e.labels) or NO_TOPIC for e in (example, earlier))
            message = (
                f"{example.source}: same text as {earlier.source} with different labels "
                f"({ours} vs {theirs})"
            )
            problems.append(message)
            warnings.append(message + "; both dropped")
    return [e for key, e in first_seen.items() if key not in conflicting]


def merge_corrections(
    corpus: Corpus, corrections: list[Example], taxonomy: Taxonomy | None
) -> Corpus:
    """The corpus with editors' corrections added; a correction replaces shipped text's labels."""
    if taxonomy is not None:
        for example in corrections:
            for label in example.labels:
                if taxonomy.resolve(label) is None:
                    raise DataError(
                        f"{example.source}: label {label!r} is not in {taxonomy.name!r}"
                    )
    corrected = {duplicate_key(e.text) for e in corrections}
    kept = [e for e in corpus.examples if duplicate_key(e.text) not in corrected]
    replaced = len(corpus.examples) - len(kept)
    digest = hashlib.sha256(corpus.sha256.encode())
    for example in corrections:
        digest.update(json.dumps([example.id, example.text, example.labels]).encode())
    return Corpus(
        kept + corrections,
        [
            *corpus.warnings,
            f"{len(corrections)} stored labels merged, replacing {replaced} shipped",
        ],
        digest.hexdigest(),
        corpus.size_bytes,
        [*corpus.files, "label store"],
    )
