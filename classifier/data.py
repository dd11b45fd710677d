"""Labelled data as corpora: loaded from files (classifier/formats.py), checked record by record
(classifier/records.py), deduplicated, and merged with editors' corrections."""

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from classifier.errors import DataError
from classifier.formats import data_files, parse, read_bytes
from classifier.records import METADATA_FIELDS, NO_TOPIC, Example, RecordChecker
from classifier.taxonomy import Taxonomy
from classifier.text import normalise

# Past this share of rejected records the file is more likely in the wrong format than
# slightly dirty, so loading stops instead of training on what is left.
MAX_REJECTED_SHARE = 0.2
_MAX_LISTED_PROBLEMS = 5


@dataclass
class Corpus:
    """Examples that passed validation, with what was dropped and why, for the caller to show."""

    examples: list[Example]
    warnings: list[str] = field(default_factory=list)
    sha256: str = ""
    size_bytes: int = 0
    files: list[str] = field(default_factory=list)


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
    reader = RecordChecker(taxonomy, require_labels, keep_empty_text)
    files = data_files([Path(p) for p in paths])
    digest = hashlib.sha256()
    examples: list[Example] = []
    size = 0
    for path, label in files:
        content = read_bytes(path)
        digest.update(str(path.name).encode() + b"\0" + content + b"\0")
        size += len(content)
        examples.extend(parse(path, label, content, reader))
    warnings = list(reader.problems)
    if deduplicate:
        examples = _deduplicate(examples, reader.problems, warnings)
    _check_problems(reader, strict, len(examples))
    return Corpus(examples, warnings, digest.hexdigest(), size, [str(p) for p, _ in files])


def _check_problems(reader: RecordChecker, strict: bool, kept: int) -> None:
    if not reader.problems:
        return
    listed = "; ".join(reader.problems[:_MAX_LISTED_PROBLEMS])
    more = len(reader.problems) - _MAX_LISTED_PROBLEMS
    summary = listed + (f" (and {more} more problems)" if more > 0 else "")
    if strict or kept == 0 or len(reader.problems) > MAX_REJECTED_SHARE * reader.records:
        raise DataError(summary)


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


__all__ = [
    "METADATA_FIELDS",
    "NO_TOPIC",
    "Corpus",
    "Example",
    "duplicate_key",
    "load_corpus",
    "merge_corrections",
]
