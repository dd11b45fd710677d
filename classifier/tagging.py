"""Documents to tags: the one path that serving, evaluation and promotion gates share.

Every unit of every document in a batch (paragraphs, or the sentences of a flattened page:
classifier/segment.py) is vectorised once and scored at both levels in one pass. Units that
are site chrome by rule, or get no topic under the model's own rule, are boilerplate and do
not vote; the others roll up into article scores (a repeated paragraph votes once), and the
caller's options pick the tags, and at depth 2 the subtopics under each tag. A whole-text
model scores each document as one text instead.
"""

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

from classifier.errors import OptionError
from classifier.language import detect
from classifier.options import TagOptions
from classifier.results import ArticleTags, ParagraphTags, Tag
from classifier.rollup import WHOLE, combine_documents
from classifier.segment import Unit

if TYPE_CHECKING:
    from classifier.model import TopicModel

# (rows, positions, word counts, segment starts, document of each segment)
Segments = tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]


def tag_documents(
    model: "TopicModel", texts: Sequence[str], options: TagOptions, *, paragraphs: bool
) -> list[ArticleTags]:
    """Tags of every document, and of each of its paragraphs when they are wanted."""
    if options.depth not in model.depths:
        raise OptionError("depth 2 needs a model trained with subtopics; this one has none")
    deep = options.depth == 2
    units = [model.segmenter.units(text) for text in texts]
    whole_only = model.rollup == WHOLE and not paragraphs
    flat = [] if whole_only else [p.text for doc in units for p in doc]
    features = model.features(flat) if flat else None
    unit_scores = model.scores(features) if flat else np.zeros((0, len(model.labels)))
    unit_subs = model.subtopic_scores(features) if deep and flat else None
    chrome = np.array([u.chrome for doc in units for u in doc], dtype=bool)[: len(flat)]
    voting = model.topical(unit_scores) & ~chrome
    shown = _unit_tags(model, unit_scores, chrome, options) if paragraphs else []
    if model.rollup == WHOLE:
        article, article_subs = _whole(model, texts, units, deep)
    else:
        segments = _voting_segments(units, voting)
        article = _combined(segments, unit_scores, model.rollup, len(units))
        article_subs = _combined(segments, unit_subs, model.rollup, len(units)) if deep else None
    chosen = _article_tags(model, article, options)
    if article_subs is not None:
        # units and articles in one pass of the level-2 rule
        unit_rows = unit_subs[: len(shown)] if unit_subs is not None else None
        both = model.with_subtopics(
            shown + chosen, _stacked(model, unit_rows, article_subs), options
        )
        shown, chosen = both[: len(shown)], both[len(shown) :]
    results, offset = [], 0
    for k, doc in enumerate(units):
        tags = chosen[k]
        # the story's language, not the site's: chrome by rule is left out when there is more
        language = detect(" ".join(u.text for u in doc if not u.chrome) or texts[k])
        quiet = language != "en" and not options.any_language  # English features, other words
        paragraph_tags = [
            ParagraphTags(
                p.start, p.end, [] if quiet else shown[offset + i], not voting[offset + i]
            )
            for i, p in enumerate(doc if paragraphs else [])
        ]
        offset += 0 if whole_only else len(doc)
        results.append(ArticleTags([] if quiet else tags, paragraph_tags, article[k], language))
    return results


def _unit_tags(
    model: "TopicModel", scores: np.ndarray, chrome: np.ndarray, options: TagOptions
) -> list[list[Tag]]:
    """The tags shown for each unit: none for chrome."""
    return [
        [] if is_chrome else tags
        for tags, is_chrome in zip(model.tags(scores, options), chrome, strict=True)
    ]


def _stacked(
    model: "TopicModel", units: np.ndarray | None, articles: list[np.ndarray | None]
) -> np.ndarray:
    """Level-2 scores of the shown units, then of the articles, as one matrix; zeros for an
    article where nothing voted (it has no tag to put subtopics under)."""
    assert model.subtopics is not None
    blank = np.zeros(len(model.subtopics.labels))
    rows = ([] if units is None else [units]) + [blank if row is None else row for row in articles]
    return np.vstack(rows) if rows else np.zeros((0, len(blank)))  # an empty batch


def _whole(
    model: "TopicModel", texts: Sequence[str], units: list[list[Unit]], deep: bool
) -> tuple[list[np.ndarray | None], list[np.ndarray | None] | None]:
    """Scores of each document as one text; None for a document with no text at all."""
    present = [k for k, doc in enumerate(units) if doc]
    article: list[np.ndarray | None] = [None] * len(texts)
    subs: list[np.ndarray | None] | None = [None] * len(texts) if deep else None
    if present:
        features = model.features([texts[k] for k in present])
        for k, row in zip(present, model.scores(features), strict=True):
            article[k] = row
        if subs is not None:
            for k, row in zip(present, model.subtopic_scores(features), strict=True):
                subs[k] = row
    return article, subs


def _voting_segments(units: list[list[Unit]], voting: np.ndarray) -> Segments:
    """Which paragraph rows vote, grouped by document, with their places and lengths."""
    keep = voting.copy()
    offset = 0
    for doc in units:  # a repeated paragraph (a pull quote) votes once
        texts = [p.text for p in doc]
        if len(set(texts)) < len(texts):
            seen: set[str] = set()
            for i, text in enumerate(texts):
                keep[offset + i] &= text not in seen
                seen.add(text)
        offset += len(doc)
    rows = np.flatnonzero(keep)
    owners = np.repeat(np.arange(len(units)), [len(doc) for doc in units])[rows]
    starts = np.flatnonzero(np.r_[True, owners[1:] != owners[:-1]]) if len(rows) else rows
    positions = np.arange(len(rows)) - np.repeat(starts, np.diff(np.r_[starts, len(rows)]))
    words = np.array([p.text.count(" ") + 1 for doc in units for p in doc], dtype=np.float64)
    return rows, positions, words[rows] if len(rows) else words[:0], starts, owners[starts]


def _combined(
    segments: Segments, scores: np.ndarray | None, rollup: str, documents: int
) -> list[np.ndarray | None]:
    """Article scores of each document from its voting paragraphs; None where none votes."""
    rows, positions, words, starts, owners = segments
    result: list[np.ndarray | None] = [None] * documents
    if scores is not None and len(rows):
        combined = combine_documents(scores[rows], words, positions, starts, rollup)
        for k, row in zip(owners.tolist(), combined, strict=True):
            result[k] = row
    return result


def _article_tags(
    model: "TopicModel", article: list[np.ndarray | None], options: TagOptions
) -> list[list[Tag]]:
    """Tags of each document from its article scores; none where nothing voted."""
    present = [k for k, row in enumerate(article) if row is not None]
    result: list[list[Tag]] = [[] for _ in article]
    if present:
        matrix = np.vstack([row for row in article if row is not None])
        for k, tags in zip(present, model.tags(matrix, options), strict=True):
            result[k] = tags
    return result
