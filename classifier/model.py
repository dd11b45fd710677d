"""The fitted model: a scikit-learn Pipeline plus the per-tag calibration and thresholds.

Scores are calibrated per tag (a sigmoid fitted on cross-validated decision values), so a
score of 0.8 means about the same for every tag and thresholds can be compared across tags.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple

import numpy as np
from sklearn.pipeline import Pipeline

from classifier.rollup import ROLLUP_CHOICES, WHOLE, combine_paragraphs
from classifier.scorer import LinearScorer
from classifier.taxonomy import Taxonomy
from classifier.text import split_paragraphs


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


def sigmoid(values: np.ndarray) -> np.ndarray:
    """Logistic function; clipped so extreme decision values cannot overflow."""
    return 1.0 / (1.0 + np.exp(-np.clip(values, -500, 500)))


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
        return sigmoid(decision * self.calibration[:, 0] + self.calibration[:, 1])

    def reference_scores(self, texts: Sequence[str]) -> np.ndarray:
        """Scores through the full Pipeline: the slow path the lean one must match."""
        decision = self.pipeline.decision_function(list(texts))
        if decision.ndim == 1:
            decision = np.column_stack([-decision, decision])
        return self.calibrate(decision)

    def scores(self, text: str) -> np.ndarray:
        """Scores of one text through the lean path."""
        return self.calibrate(self._scorer.decisions([text])[0])

    def select(
        self, scores: np.ndarray, *, top_k: int | None = None, threshold: float | None = None
    ) -> list[Tag]:
        """Tags above their thresholds, best first; the best alone if none passes its bar.

        An explicit threshold replaces the per-tag ones and has no fallback: the caller asked
        for tags at or above that score and nothing else.
        """
        return self.select_rows(scores[np.newaxis, :], top_k=top_k, threshold=threshold)[0]

    def select_rows(
        self, scores: np.ndarray, *, top_k: int | None = None, threshold: float | None = None
    ) -> list[list[Tag]]:
        """`select` for every row of a score matrix, comparing all rows in one numpy pass."""
        bars = self.thresholds if threshold is None else threshold
        passing: list[list[int]] = [[] for _ in range(len(scores))]
        rows, columns = np.nonzero(scores >= bars)
        for row, column in zip(rows.tolist(), columns.tolist(), strict=True):
            passing[row].append(column)
        results: list[list[Tag]] = []
        # Plain floats from here on: cheaper than numpy scalars for a handful of tags.
        for values, chosen, best in zip(
            scores.tolist(), passing, scores.argmax(axis=1).tolist(), strict=True
        ):
            if threshold is None and values[best] < self.abstain_score:
                results.append([])
                continue
            if threshold is None and not self.multilabel:
                chosen = [best]
            else:
                chosen = sorted(chosen, key=lambda i: -values[i])
                if threshold is None:
                    chosen = chosen or [best]
                elif not self.multilabel:
                    chosen = chosen[:1]
            if top_k is not None:
                chosen = chosen[:top_k]
            results.append([Tag(self.labels[i], values[i], self.topic_ids[i]) for i in chosen])
        return results

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

    def predict(self, texts: Sequence[str], **options: Any) -> list[list[Tag]]:
        """Tag each text as one unit (no paragraph roll-up): how evaluation scores a corpus."""
        return [self.select(self.scores(text), **options) for text in texts]

    def tag_article(
        self, text: str, *, paragraphs_wanted: bool = True, **options: Any
    ) -> ArticleTags:
        """Tag an article paragraph by paragraph and roll the topical paragraphs up.

        A whole-text model whose caller does not want paragraph tags skips them: its article
        tags do not depend on them.
        """
        paragraphs = split_paragraphs(text)
        if not paragraphs:
            return ArticleTags([], [])
        if self.rollup == WHOLE and not paragraphs_wanted:
            article = self.scores(text)
            return ArticleTags(self.select(article, **options), [], article)
        all_scores = self.calibrate(self._scorer.decisions([p.text for p in paragraphs]))
        all_tags = self.select_rows(all_scores, **options)
        results: list[ParagraphTags] = []
        seen: set[str] = set()
        rows, weights = [], []
        for paragraph, scores, tags in zip(paragraphs, all_scores, all_tags, strict=True):
            results.append(ParagraphTags(paragraph.start, paragraph.end, tags, not tags))
            if tags and paragraph.text not in seen:  # a pull quote or repeated block votes once
                seen.add(paragraph.text)
                rows.append(scores)
                weights.append(paragraph.text.count(" ") + 1)  # its length in words
        if self.rollup == WHOLE:
            article = self.scores(text)
        elif not rows:
            return ArticleTags([], results)
        else:
            article = combine_paragraphs(np.vstack(rows), np.array(weights, float), self.rollup)
        return ArticleTags(self.select(article, **options), results, article)
