"""Documents to tag from JSON Lines archives: one record a line, any extra fields kept.

Training data is checked strictly; tagging input is not: a newsroom's archive carries dates,
URLs and section names that the tagger must pass through untouched. A line that cannot be
tagged is refused with its reason and line number, and the rest are still tagged, so that
documents in = tagged + refused, always.
"""

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from classifier.errors import DataError
from classifier.extract import main_text

RESERVED = ("tags", "language")  # fields the output writes itself


@dataclass(frozen=True, slots=True)
class Document:
    """One document to tag: its id, the text to tag and the fields passed through."""

    id: str | int | None
    text: str
    extra: dict[str, Any] = field(default_factory=dict)
    source: str = ""


@dataclass(frozen=True, slots=True)
class Refused:
    """A record that could not be tagged, with why."""

    source: str
    reason: str
    id: str | int | None = None


def document_from_record(record: Any, source: str) -> Document | Refused:
    """Check one parsed record: an object with an id (optional) and exactly one of text/html."""
    if not isinstance(record, dict):
        return Refused(source, "expected a JSON object")
    identifier = record.get("id")
    if identifier is not None and (
        isinstance(identifier, bool) or not isinstance(identifier, str | int)
    ):
        return Refused(source, "'id' must be a string or a number")
    text, html = record.get("text"), record.get("html")
    if (text is None) == (html is None):
        return Refused(source, "give exactly one of 'text' or 'html'", identifier)
    content = text if text is not None else html
    if not isinstance(content, str):
        return Refused(
            source, f"'{'text' if text is not None else 'html'}' must be a string", identifier
        )
    clash = [name for name in RESERVED if name in record]
    if clash:
        return Refused(source, f"field(s) {', '.join(clash)} are written by the tagger", identifier)
    extra = {k: v for k, v in record.items() if k not in ("id", "text", "html")}
    return Document(identifier, text if text is not None else main_text(content), extra, source)


def read_jsonl_documents(path: str | Path) -> Iterator[Document | Refused]:
    """Documents of a JSON Lines file in order; blank lines are skipped, bad ones refused."""
    path = Path(path)
    try:
        handle = path.open("rb")
    except FileNotFoundError as error:
        raise DataError(f"{path}: no such file") from error
    except OSError as error:
        raise DataError(f"{path}: cannot read ({error.strerror})") from error
    with handle:
        for number, raw in enumerate(handle, 1):
            item = document_from_line(raw, f"{path}:{number}")
            if item is not None:
                yield item


def document_from_line(raw: bytes, source: str) -> Document | Refused | None:
    """One line of a JSON Lines file as a document, a refusal, or None for a blank line.

    The one reading of a line, so `tag FILE.jsonl` and `tag-archive` refuse the same lines."""
    try:
        line = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        return Refused(source, f"not UTF-8 (byte {error.start})")
    if not line.strip():
        return None
    try:
        record = json.loads(line)
    except json.JSONDecodeError as error:
        return Refused(source, f"malformed JSON ({error.msg})")
    return document_from_record(record, source)
