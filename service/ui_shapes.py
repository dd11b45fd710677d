"""What the editors' page shows of a tagged text, shaped for the templates.

Tags keep their calibrated scores (0-1: the bars) and IPTC codes; each top-level tag carries
the words of the text behind it; paragraphs carry the colour of their best tag, and
boilerplate is marked so that it is greyed out.
"""

from dataclasses import dataclass, field
from typing import Any

from classifier import ArticleTags, Tag, Tagger, TagOptions, explain_tags

PALETTE = 17  # colours in ui.css: one per IPTC top-level topic


@dataclass(frozen=True)
class TagView:
    label: str
    score: float
    code: str | None
    colour: str
    threshold: float | None = None
    level: int = 1
    words: list[str] = field(default_factory=list)
    subtopics: list["TagView"] = field(default_factory=list)


@dataclass(frozen=True)
class ParagraphView:
    text: str
    skipped: bool
    tags: list[TagView]
    colour: str

    @property
    def checkboxes(self) -> list[TagView]:
        return flat_tags(self.tags)


@dataclass(frozen=True)
class ArticleView:
    """A tagged text: article tags, paragraphs, and the language it was read as."""

    text: str
    tags: list[TagView]
    paragraphs: list[ParagraphView]
    language: str

    @property
    def checkboxes(self) -> list[TagView]:
        """Tags and subtopics in one list: the ticked boxes of a correction form."""
        return flat_tags(self.tags)


def options_for(tagger: Tagger, *, any_language: bool = False) -> TagOptions:
    """The page tags as deep as the model can: subtopics too when it has them."""
    return TagOptions(depth=max(tagger.model.depths), any_language=any_language)


def colour_of(tagger: Tagger, label: str, code: str | None) -> str:
    """A CSS class per top-level topic: from the IPTC code (medtop:NN000000), else the tag's
    place in the model, so every taxonomy gets colours."""
    if code and code.startswith("medtop:") and code[7:9].isdigit():
        return f"topic-{(int(code[7:9]) - 1) % PALETTE + 1:02d}"
    labels = tagger.model.labels
    place = labels.index(label) if label in labels else 0
    return f"topic-{place % PALETTE + 1:02d}"


def tag_view(
    tagger: Tagger, tag: Tag, words: list[str] | None = None, parent: TagView | None = None
) -> TagView:
    """A tag for the page; a subtopic takes its parent's colour and has no threshold shown
    (its own rule decides it under the parent)."""
    model = tagger.model
    level = parent.level + 1 if parent else 1
    threshold = (
        float(model.thresholds[model.labels.index(tag.label)])
        if level == 1 and tag.label in model.labels
        else None
    )
    view = TagView(
        label=tag.label,
        score=round(tag.score, 3),
        code=tag.id,
        colour=parent.colour if parent else colour_of(tagger, tag.label, tag.id),
        threshold=threshold,
        level=level,
        words=words or [],
    )
    view.subtopics.extend(tag_view(tagger, sub, parent=view) for sub in tag.subtopics or ())
    return view


def article_view(tagger: Tagger, text: str, result: ArticleTags) -> ArticleView:
    """The article's tags with the words behind each, and its paragraphs coloured."""
    evidence = explain_tags(tagger.model, text, result)
    tags = [
        tag_view(tagger, tag, [", ".join(e.words) for e in evidence.get(tag.label, [])])
        for tag in result.tags
    ]
    paragraphs = []
    for paragraph in result.paragraphs:
        views = [tag_view(tagger, tag) for tag in paragraph.tags]
        colour = "skipped" if paragraph.skipped or not views else views[0].colour
        paragraphs.append(
            ParagraphView(text[paragraph.start : paragraph.end], paragraph.skipped, views, colour)
        )
    return ArticleView(text, tags, paragraphs, result.language)


def flat_tags(tags: list[TagView]) -> list[TagView]:
    """Tags and their subtopics in one list, each after its parent."""
    return [view for tag in tags for view in (tag, *flat_tags(tag.subtopics))]


def picker_topics(tagger: Tagger) -> list[dict[str, Any]]:
    """Every tag a correction may name, at both levels, for the tag picker."""
    taxonomy = tagger.model.taxonomy
    if taxonomy is None:
        return [{"label": label, "code": None, "note": "tag"} for label in tagger.model.labels]
    topics = []
    for topic in taxonomy.topics:
        parent = taxonomy.parent(topic.label)
        note = f"under {parent}" if parent else "top level"
        topics.append({"label": topic.label, "code": topic.id, "note": note})
    return topics
