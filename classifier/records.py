"""One labelled record, checked: text, labels (resolved in a taxonomy), id and metadata.

JSON Lines, one object a line: {"text": str, "labels": [str, ...], "id": optional}, and
optionally "region", "era" and "format" (strings that describe the example for coverage
reports). A labels list of exactly ["none"] marks text with no topic (page boilerplate); an
empty list is refused because it is far more often a mistake than a decision.
"""

from dataclasses import dataclass, field
from typing import Any

from classifier.errors import DataError
from classifier.taxonomy import Taxonomy

NO_TOPIC = "none"
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
class RecordChecker:
    """Checks records one by one while a corpus loads, keeping what was wrong with each."""

    taxonomy: Taxonomy | None
    require_labels: bool
    keep_empty_text: bool
    problems: list[str] = field(default_factory=list)
    records: int = 0

    def example(self, source: str, raw: dict[str, Any]) -> Example | None:
        """The record as an Example, or None (and a problem noted) when it is invalid."""
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
