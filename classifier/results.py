"""What tagging returns: tags with scores, per article and per paragraph."""

from dataclasses import dataclass, field
from typing import Any, NamedTuple

import numpy as np


class Tag(NamedTuple):
    """A topic assigned to a text, with its calibrated score in [0, 1]; at depth 2, the
    subtopics chosen under it (None at depth 1)."""

    label: str
    score: float
    id: str | None = None
    subtopics: "tuple[Tag, ...] | None" = None

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"label": self.label, "score": round(self.score, 4)}
        if self.id is not None:
            data["id"] = self.id
        if self.subtopics is not None:
            data["subtopics"] = [sub.to_dict() for sub in self.subtopics]
        return data


@dataclass(frozen=True, slots=True)
class ParagraphTags:
    """Tags of one paragraph; skipped paragraphs (boilerplate) carry none and do not vote."""

    start: int
    end: int
    tags: list[Tag]
    skipped: bool


@dataclass(frozen=True, slots=True)
class ArticleTags:
    """Article-level tags rolled up from its paragraphs, with the paragraphs themselves."""

    tags: list[Tag]
    paragraphs: list[ParagraphTags] = field(default_factory=list)
    scores: np.ndarray | None = None  # every tag's article-level score, in model.labels order
    language: str = "en"  # "other": not English, so no tags unless asked for anyway
