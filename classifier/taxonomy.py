"""Tag vocabularies: ids, display names, scope notes and, optionally, a hierarchy.

The default is IPTC Media Topics at two levels (17 topics, each with its subtopics). A user's
own taxonomy may be flat or nest to any depth: a topic names its parent by id.
"""

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from classifier.errors import TaxonomyError


@dataclass(frozen=True, slots=True)
class Topic:
    """One tag: a stable code (e.g. "medtop:11000000"), its name, what it covers, its parent."""

    id: str
    label: str
    scope: str = ""
    parent: str | None = None  # the parent's id; None for a top-level topic

    def __setstate__(self, state: tuple[Any, ...]) -> None:
        # Models saved before topics had parents pickled three fields; the fourth is None.
        for name, value in zip(("id", "label", "scope", "parent"), (*state, None), strict=False):
            object.__setattr__(self, name, value)


@dataclass(frozen=True)
class Taxonomy:
    """A closed set of topics; labels in data may name a topic by its label or by its id."""

    name: str
    topics: tuple[Topic, ...]
    _by_key: dict[str, Topic] = field(init=False, repr=False, compare=False)
    _by_id: dict[str, Topic] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        self._index()

    def __getstate__(self) -> dict[str, Any]:
        return {"name": self.name, "topics": self.topics}  # the look-ups are rebuilt on load

    def __setstate__(self, state: dict[str, Any]) -> None:
        object.__setattr__(self, "name", state["name"])
        object.__setattr__(self, "topics", state["topics"])
        self._index()

    def _index(self) -> None:
        by_key: dict[str, Topic] = {}
        for topic in self.topics:
            for key in (topic.id, topic.label):
                if key in by_key:
                    raise TaxonomyError(f"taxonomy {self.name!r} lists {key!r} twice")
                by_key[key] = topic
        by_id = {topic.id: topic for topic in self.topics}
        for topic in self.topics:
            if topic.parent is not None and topic.parent not in by_id:
                raise TaxonomyError(
                    f"taxonomy {self.name!r}: {topic.label!r} names parent {topic.parent!r}, "
                    "which is not one of its topics"
                )
        object.__setattr__(self, "_by_key", by_key)
        object.__setattr__(self, "_by_id", by_id)
        for topic in self.topics:
            self._chain(topic)  # refuses cycles now rather than at the first lookup

    @property
    def labels(self) -> list[str]:
        return [topic.label for topic in self.topics]

    @property
    def is_hierarchical(self) -> bool:
        return any(topic.parent for topic in self.topics)

    def resolve(self, name: str) -> str | None:
        """Return the canonical label for a label or id, or None when it is not a topic here."""
        topic = self._by_key.get(name)
        return topic.label if topic else None

    def topic(self, label: str) -> Topic | None:
        """Return the topic with this canonical label, if any."""
        topic = self._by_key.get(label)
        return topic if topic is not None and topic.label == label else None

    def parent(self, label: str) -> str | None:
        """The parent's label, or None for a top-level topic (or a label not in the taxonomy)."""
        topic = self.topic(label)
        return self._by_id[topic.parent].label if topic and topic.parent else None

    def ancestors(self, label: str) -> list[str]:
        """Labels from the parent up to the top level."""
        topic = self.topic(label)
        return [t.label for t in self._chain(topic)[1:]] if topic else []

    def level(self, label: str) -> int:
        """1 for a top-level topic, 2 for its children, and so on."""
        return len(self.ancestors(label)) + 1

    def root(self, label: str) -> str:
        """The top-level topic a label sits under (itself when it is top-level)."""
        chain = self.ancestors(label)
        return chain[-1] if chain else label

    def at_level(self, level: int) -> list[str]:
        """Labels at one level, in taxonomy order."""
        return [t.label for t in self.topics if self.level(t.label) == level]

    def children(self, label: str) -> list[str]:
        """Labels directly under this one, in taxonomy order."""
        topic = self.topic(label)
        return [t.label for t in self.topics if topic and t.parent == topic.id]

    def roots(self, labels: Iterable[str]) -> tuple[str, ...]:
        """The top-level topics of the labels, each once, in first-seen order (main first)."""
        return tuple(dict.fromkeys(self.root(label) for label in labels))

    def with_ancestors(self, labels: Iterable[str]) -> tuple[str, ...]:
        """The labels and every ancestor of them, each once, in first-seen order."""
        expanded: dict[str, None] = {}
        for label in labels:
            for name in (label, *self.ancestors(label)):
                expanded.setdefault(name)
        return tuple(expanded)

    def _chain(self, topic: Topic | None) -> list[Topic]:
        chain: list[Topic] = []
        while topic is not None:
            if topic in chain:
                raise TaxonomyError(f"taxonomy {self.name!r}: {topic.label!r} is its own ancestor")
            chain.append(topic)
            topic = self._by_id[topic.parent] if topic.parent else None
        return chain

    def to_dict(self) -> dict[str, Any]:
        """Serialise in the same shape as the taxonomy file, for manifests and the API."""
        return {
            "name": self.name,
            "topics": [
                {
                    "id": t.id,
                    "label": t.label,
                    "scope": t.scope,
                    **({"parent": t.parent} if t.parent else {}),
                }
                for t in self.topics
            ],
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
            parent = entry.get("parent")
            if parent is not None and (not isinstance(parent, str) or not parent.strip()):
                raise TaxonomyError(
                    f"{source}: topic #{index + 1} has a 'parent' that is not an id"
                )
            topics.append(Topic(entry["id"], entry["label"], str(entry.get("scope", "")), parent))
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
