"""Which texts an editor should label first: those the model is least sure of.

A label teaches the model most where its decision was close: the best tag's score lies near
that tag's threshold (tag or no tag was nearly a coin toss), or the two best tags nearly tie
(which topic was nearly a coin toss). The margin is the smaller of the two distances; the
review queue offers the smallest margins first, computed by the model that serves now, so a
new model reorders the queue without anything stored being recomputed.
"""

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from classifier.model import TopicModel
from classifier.options import TagOptions
from classifier.results import ArticleTags


@dataclass(frozen=True, slots=True)
class Ranked:
    """A text's place in the queue: its index in the input, its margin and its tags."""

    index: int
    margin: float
    result: ArticleTags


def margins(model: TopicModel, texts: Sequence[str], results: Sequence[ArticleTags]) -> np.ndarray:
    """Per text, min(|best score - its threshold|, best score - second best score).

    Article scores come from the voting paragraphs; a text where nothing voted (all of it
    looked like boilerplate) is scored whole, since "is this really boilerplate?" is a
    question an editor can answer too.
    """
    if not texts:
        return np.zeros(0)
    missing = [k for k, result in enumerate(results) if result.scores is None]
    whole = iter(model.scores([texts[k] for k in missing]) if missing else [])
    scores = np.vstack([r.scores if r.scores is not None else next(whole) for r in results])
    order = np.sort(scores, axis=1)
    best = scores.argmax(axis=1)
    to_threshold = np.abs(scores[np.arange(len(scores)), best] - model.thresholds[best])
    gap = order[:, -1] - order[:, -2] if scores.shape[1] > 1 else np.ones(len(scores))
    return np.asarray(np.minimum(to_threshold, gap))


def rank_by_margin(
    model: TopicModel,
    texts: Sequence[str],
    options: TagOptions | None = None,
    *,
    paragraphs: bool = False,
) -> list[Ranked]:
    """Tag the texts and order them most informative (smallest margin) first; ties keep the
    input order, so the oldest waiting text comes first among equals."""
    results = model.tag_documents(texts, options, paragraphs=paragraphs)
    values = margins(model, texts, results)
    order = np.argsort(values, kind="stable")
    return [Ranked(int(k), float(values[k]), results[k]) for k in order]
