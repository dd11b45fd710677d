"""Tag vocabularies: ids, display names and scope notes (IPTC Media Topics by default)."""

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from classifier.errors import TaxonomyError


@dataclass(frozen=True, slots=True)
class Topic:
    """One tag: a stable code (e.g. "medtop:11000000"), its name and what it covers."""

    id: str
    label: str
    scope: str = ""


@dataclass(frozen=True)
class Taxonomy:
    """A closed set of topics; labels in data may name a topic by its label or by its id."""

    name: str
    topics: tuple[Topic, ...]

    def __post_init__(self) -> None:
        seen: set[str] = set()
        for topic in self.topics:
            for key in (topic.id, topic.label):
                if key in seen:
                    raise TaxonomyError(f"taxonomy {self.name!r} lists {key!r} twice")
                seen.add(key)

    @property
    def labels(self) -> list[str]:
        return [topic.label for topic in self.topics]

    def resolve(self, name: str) -> str | None:
        """Return the canonical label for a label or id, or None when it is not a topic here."""
        for topic in self.topics:
            if name in (topic.label, topic.id):
                return topic.label
        return None

    def topic(self, label: str) -> Topic | None:
        """Return the topic with this canonical label, if any."""
        for topic in self.topics:
            if topic.label == label:
                return topic
        return None

    def to_dict(self) -> dict[str, Any]:
        """Serialise in the same shape as the taxonomy file, for manifests and the API."""
        return {
            "name": self.name,
            "topics": [{"id": t.id, "label": t.label, "scope": t.scope} for t in self.topics],
        }

    @classmethod
    def from_dict(cls, data: Any, source: str = "taxonomy") -> "Taxonomy":
        """Build from parsed JSON, reporting what is missing by its position in the file."""
        if not isinstance(data, dict) or not isinstance(data.get("topics"), list):
            raise TaxonomyError(f"{source}: expected an object with a 'topics' list")
        topics = []
        for index, entry in enumerate(data["topics"]):
            if not isinstance(entry, dict) or not all(
                isinstance(entry.get(key), str) and entry[key].strip() for key in ("id", "label")
            ):
                raise TaxonomyError(f"{source}: topic #{index + 1} needs string 'id' and 'label'")
            topics.append(Topic(entry["id"], entry["label"], str(entry.get("scope", ""))))
        if not topics:
            raise TaxonomyError(f"{source}: the 'topics' list is empty")
        return cls(str(data.get("name", source)), tuple(topics))


def load_taxonomy(path: str | Path) -> Taxonomy:
    """Read a taxonomy JSON file (see training_data/taxonomy.json for the shape)."""
    path = Path(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as error:
        raise TaxonomyError(f"{path}: no such taxonomy file") from error
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise TaxonomyError(f"{path}: not a valid UTF-8 JSON file ({error})") from error
    return Taxonomy.from_dict(data, source=str(path))
