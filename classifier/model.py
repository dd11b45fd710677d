"""The fitted model: a scikit-learn Pipeline plus the per-tag calibration and thresholds.

Scores are calibrated per tag (a sigmoid fitted on cross-validated decision values), so a
score of 0.8 means about the same for every tag and thresholds can be compared across tags.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple

import numpy as np
from sklearn.pipeline import Pipeline

from classifier.options import TagOptions
from classifier.rollup import ROLLUP_CHOICES, WHOLE, combine_documents
from classifier.scorer import LinearScorer
from classifier.selection import decide, ranked
from classifier.taxonomy import Taxonomy
from classifier.text import Paragraph, split_paragraphs
from classifier.thresholds import calibrate


class Tag(NamedTuple):
    """A topic assigned to a text, with its calibrated score in [0, 1]."""

    label: str
    score: float
    id: str | None = None

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"label": self.label, "score": round(self.score, 4)}
        if self.id is not None:
            data["id"] = self.id
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


def linear_parts(classifier: Any) -> tuple[np.ndarray, np.ndarray]:
    """Weights (n_features x n_labels) and intercepts of a fitted linear or one-vs-rest model."""
    estimators = getattr(classifier, "estimators_", None)
    if estimators is None:
        coef = np.asarray(classifier.coef_)
        intercept = np.atleast_1d(classifier.intercept_).astype(np.float64)
        if coef.shape[0] == 1:  # binary: scikit-learn keeps one row for the positive class
            coef = np.vstack([-coef, coef])
            intercept = np.concatenate([-intercept, intercept])
        return coef.T.copy(), intercept
    columns, intercepts = [], []
    for estimator in estimators:
        columns.append(np.ravel(estimator.coef_))
        intercepts.append(float(np.ravel(estimator.intercept_)[0]))
    return np.column_stack(columns), np.array(intercepts)


class TopicModel:
    """Everything fitted that tagging needs; the only object the registry saves and loads."""

    def __init__(
        self,
        pipeline: Pipeline,
        labels: Sequence[str],
        *,
        multilabel: bool,
        calibration: np.ndarray,
        thresholds: np.ndarray,
        abstain_score: float,
        taxonomy: Taxonomy | None = None,
        rollup: str = WHOLE,
        params: dict[str, Any] | None = None,
    ):
        if rollup not in ROLLUP_CHOICES:
            raise ValueError(f"unknown roll-up {rollup!r}; choose from {', '.join(ROLLUP_CHOICES)}")
        self.pipeline = pipeline
        self.labels = list(labels)
        self.multilabel = multilabel
        self.calibration = np.asarray(calibration, dtype=np.float64)
        self.thresholds = np.asarray(thresholds, dtype=np.float64)
        self.abstain_score = float(abstain_score)
        self.taxonomy = taxonomy
        self.rollup = rollup
        self.params = dict(params or {})
        self._build_fast_path()

    def _build_fast_path(self) -> None:
        weights, intercept = linear_parts(self.pipeline[-1])
        self._scorer = LinearScorer(self.pipeline[0], weights, intercept)
        self.topic_ids = [self._topic_id(label) for label in self.labels]

    def __getstate__(self) -> dict[str, Any]:
        state = self.__dict__.copy()
        del state["_scorer"], state["topic_ids"]  # derived; rebuilt on load, so files stay small
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self._build_fast_path()

    def _topic_id(self, label: str) -> str | None:
        topic = self.taxonomy.topic(label) if self.taxonomy else None
        return topic.id if topic else None

    def calibrate(self, decision: np.ndarray) -> np.ndarray:
        """Map decision values to per-tag probabilities with the fitted sigmoids."""
        return calibrate(decision, self.calibration)

    def reference_scores(self, texts: Sequence[str]) -> np.ndarray:
        """Scores through the full Pipeline: the slow path the lean one must match."""
        decision = self.pipeline.decision_function(list(texts))
        if decision.ndim == 1:
            decision = np.column_stack([-decision, decision])
        return self.calibrate(decision)

    def scores(self, texts: Sequence[str]) -> np.ndarray:
        """Calibrated scores of many texts (rows) through the lean path."""
        return self.calibrate(self._scorer.decisions(texts))

    def tags(self, scores: np.ndarray, options: TagOptions) -> list[list[Tag]]:
        """Tags of every row of a score matrix under the one selection rule."""
        chosen = decide(
            scores,
            self.thresholds,
            self.abstain_score,
            multilabel=self.multilabel,
            threshold=options.threshold,
        )
        return [
            [Tag(self.labels[k], float(row[k]), self.topic_ids[k]) for k in columns]
            for row, columns in zip(scores, ranked(scores, chosen, options.top_k), strict=True)
        ]

    def topical(self, scores: np.ndarray) -> np.ndarray:
        """Rows that get a topic under the model's own rule; the others are boilerplate."""
        chosen = decide(scores, self.thresholds, self.abstain_score, multilabel=self.multilabel)
        return np.asarray(chosen.any(axis=1))

    def explain(
        self, text: str, labels: Sequence[str], top_n: int = 5
    ) -> dict[str, list[tuple[str, float]]]:
        """For each label, the (stemmed) terms of the text that raised its score most."""
        columns = {label: i for i, label in enumerate(self.labels)}
        return {
            label: self._scorer.contributions(text, columns[label], top_n)
            for label in labels
            if label in columns
        }

    def tag_documents(
        self,
        texts: Sequence[str],
        options: TagOptions | None = None,
        *,
        paragraphs: bool = True,
    ) -> list[ArticleTags]:
        """Tag many documents at once: the one path that serving, evaluation and gates share.

        Every paragraph of every document is scored in one pass; paragraphs that get no topic
        under the model's own rule are boilerplate and do not vote; the others roll up into
        article scores (a repeated paragraph votes once), and the caller's options pick the
        tags. A whole-text model scores each document as one text instead.
        """
        options = options or TagOptions()
        units = [split_paragraphs(text) for text in texts]
        whole_only = self.rollup == WHOLE and not paragraphs
        flat = [] if whole_only else [p.text for doc in units for p in doc]
        unit_scores = self.scores(flat) if flat else np.zeros((0, len(self.labels)))
        voting = self.topical(unit_scores)
        shown = self.tags(unit_scores, options) if paragraphs else [[]] * len(flat)
        if self.rollup == WHOLE:
            article_scores = self._whole_scores(texts, units)
        else:
            article_scores = self._rolled_up(units, unit_scores, voting)
        article_tags = self._article_tags(article_scores, options)
        results, offset = [], 0
        for k, doc in enumerate(units):
            paragraph_tags = [
                ParagraphTags(p.start, p.end, shown[offset + i], not voting[offset + i])
                for i, p in enumerate(doc if paragraphs else [])
            ]
            offset += 0 if whole_only else len(doc)
            results.append(ArticleTags(article_tags[k], paragraph_tags, article_scores[k]))
        return results

    def tag(self, text: str, options: TagOptions | None = None, **kwargs: bool) -> ArticleTags:
        """Tag one document: a batch of one."""
        return self.tag_documents([text], options, **kwargs)[0]

    def _article_tags(
        self, article_scores: list[np.ndarray | None], options: TagOptions
    ) -> list[list[Tag]]:
        """Tags of each document from its article scores; none where nothing voted."""
        present = [k for k, row in enumerate(article_scores) if row is not None]
        result: list[list[Tag]] = [[] for _ in article_scores]
        if present:
            matrix = np.vstack([row for row in article_scores if row is not None])
            for k, tags in zip(present, self.tags(matrix, options), strict=True):
                result[k] = tags
        return result

    def _whole_scores(
        self, texts: Sequence[str], units: list[list[Paragraph]]
    ) -> list[np.ndarray | None]:
        nonempty = [k for k, doc in enumerate(units) if doc]
        result: list[np.ndarray | None] = [None] * len(texts)
        if not nonempty:
            return result
        for k, row in zip(nonempty, self.scores([texts[k] for k in nonempty]), strict=True):
            result[k] = row
        return result

    def _rolled_up(
        self, units: list[list[Paragraph]], unit_scores: np.ndarray, voting: np.ndarray
    ) -> list[np.ndarray | None]:
        """Article scores of every document from its voting paragraphs, in one numpy pass."""
        counts = [len(doc) for doc in units]
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
        result: list[np.ndarray | None] = [None] * len(units)
        if not len(rows):
            return result
        owners = np.repeat(np.arange(len(units)), counts)[rows]
        starts = np.flatnonzero(np.r_[True, owners[1:] != owners[:-1]])
        positions = np.arange(len(rows)) - np.repeat(starts, np.diff(np.r_[starts, len(rows)]))
        words = np.array([p.text.count(" ") + 1 for doc in units for p in doc], dtype=np.float64)
        combined = combine_documents(
            unit_scores[rows], words[rows], positions, starts, self.rollup
        )
        for k, row in zip(owners[starts].tolist(), combined, strict=True):
            result[k] = row
        return result
