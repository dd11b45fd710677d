"""The façade that both the CLI and the HTTP service call: one loaded, verified model."""

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from classifier.data import NO_TOPIC
from classifier.errors import DataError
from classifier.model import TopicModel
from classifier.options import TagOptions
from classifier.registry import load, read_metrics, resolve
from classifier.results import ArticleTags


@dataclass(frozen=True)
class Tagger:
    """A verified model with its manifest and held-out metrics."""

    model: TopicModel
    manifest: dict[str, Any]
    metrics: dict[str, Any]
    path: Path

    @classmethod
    def load(cls, path: str | Path, *, key: str | None = None) -> "Tagger":
        """Load the model at path (a model directory or a registry's current version); with a
        key, only a model signed with it."""
        model_dir = resolve(path)
        model, manifest = load(model_dir, key=key)
        return cls(model, manifest, read_metrics(model_dir), model_dir)

    @property
    def version(self) -> str:
        return str(self.manifest["version"])

    def tag(
        self, text: str, options: TagOptions | None = None, *, paragraphs: bool = True
    ) -> ArticleTags:
        """Article tags, and per-paragraph tags unless not wanted."""
        return self.model.tag(text, options, paragraphs=paragraphs)

    def tag_documents(
        self, texts: Sequence[str], options: TagOptions | None = None, *, paragraphs: bool = True
    ) -> list[ArticleTags]:
        """Tag many documents in one pass; the same tags as one at a time."""
        return self.model.tag_documents(texts, options, paragraphs=paragraphs)

    def resolve_labels(self, labels: list[str]) -> tuple[str, ...]:
        """Canonical labels for a correction (["none"] is no topic); DataError names a bad one."""
        if labels == [NO_TOPIC]:
            return ()
        taxonomy = self.model.taxonomy
        resolved = []
        for label in labels:
            canonical = (
                taxonomy.resolve(label)
                if taxonomy
                else (label if label in self.model.labels else None)
            )
            if canonical is None:
                raise DataError(f"label {label!r} is not one of this model's tags")
            resolved.append(canonical)
        return tuple(dict.fromkeys(resolved))

    def label_names(self) -> list[str]:
        """Every name and code a correction may use: the taxonomy's topics at every level."""
        taxonomy = self.model.taxonomy
        if taxonomy is None:
            return list(self.model.labels)
        return [*taxonomy.labels, *(topic.id for topic in taxonomy.topics)]

    def describe(self) -> dict[str, Any]:
        """What a client needs to know about the model answering it."""
        model = self.model
        topics = []
        for i, label in enumerate(model.labels):
            topic: dict[str, Any] = {"label": label}
            if model.topic_ids[i]:
                topic["id"] = model.topic_ids[i]
            if model.subtopics is not None:
                columns = model.subtopics.columns_under(i)
                topic["subtopics"] = [
                    {"label": model.subtopics.labels[k], "id": model.subtopic_ids[k]}
                    for k in columns
                ]
            topics.append(topic)
        return {
            "version": self.version,
            "created_at": self.manifest.get("created_at"),
            "mode": "multilabel" if model.multilabel else "multiclass",
            "rollup": model.rollup,
            "depths": list(model.depths),
            "tags": topics,
            # the per-tag and confusion tables are for the models page, not every client
            "metrics": {
                k: v for k, v in self.metrics.items() if k not in ("per_label", "confusion_main")
            },
        }
