"""The fitted model: a scikit-learn Pipeline plus the per-tag calibration and thresholds.

Scores are calibrated per tag (a sigmoid fitted on cross-validated decision values), so a
score of 0.8 means about the same for every tag and thresholds can be compared across tags.
With a hierarchical taxonomy the model also holds level-2 scores (classifier/subtopics.py).
"""

from collections.abc import Sequence
from typing import Any

import numpy as np
from nltk.tokenize.punkt import PunktParameters
from scipy.sparse import csr_matrix
from sklearn.pipeline import Pipeline

from classifier.linear import linear_parts
from classifier.options import TagOptions
from classifier.results import ArticleTags, ParagraphTags, Tag
from classifier.rollup import ROLLUP_CHOICES, WHOLE
from classifier.scorer import LinearScorer
from classifier.segment import Segmenter
from classifier.selection import decide, ranked
from classifier.subtopics import SubtopicModel
from classifier.tagging import tag_documents
from classifier.taxonomy import Taxonomy
from classifier.thresholds import calibrate


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
        subtopics: SubtopicModel | None = None,
        sentence_parameters: PunktParameters | None = None,
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
        self.subtopics = subtopics
        self.sentence_parameters = sentence_parameters
        self._build_fast_path()

    def _build_fast_path(self) -> None:
        weights, intercept = linear_parts(self.pipeline[-1])
        self._scorer = LinearScorer(self.pipeline[0], weights, intercept)
        self.topic_ids = [self._topic_id(label) for label in self.labels]
        self._label_column = {label: k for k, label in enumerate(self.labels)}
        sub_labels = self.subtopics.labels if self.subtopics else []
        self.subtopic_ids = [self._topic_id(label) for label in sub_labels]
        # Row-compressed and double precision, as features @ weights wants them: weights saved
        # column-compressed or in single precision would otherwise be converted on every call
        # (20 ms for the default model).
        self._subtopic_weights = (
            self.subtopics.weights.tocsr().astype(np.float64, copy=False)
            if self.subtopics
            else None
        )
        self.segmenter = Segmenter(self.sentence_parameters)

    def __getstate__(self) -> dict[str, Any]:
        state = self.__dict__.copy()
        derived_on_load = (
            "_scorer",
            "topic_ids",
            "_label_column",
            "subtopic_ids",
            "_subtopic_weights",
            "segmenter",
        )
        for derived in derived_on_load:
            del state[derived]
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        # models saved before subtopics and sentence splitting lack those two
        self.__dict__.update({"subtopics": None, "sentence_parameters": None, **state})
        self._build_fast_path()

    def _topic_id(self, label: str) -> str | None:
        topic = self.taxonomy.topic(label) if self.taxonomy else None
        return topic.id if topic else None

    @property
    def depths(self) -> tuple[int, ...]:
        """The depths this model can tag at."""
        return (1, 2) if self.subtopics else (1,)

    def calibrate(self, decision: np.ndarray) -> np.ndarray:
        """Map decision values to per-tag probabilities with the fitted sigmoids."""
        return calibrate(decision, self.calibration)

    def reference_scores(self, texts: Sequence[str]) -> np.ndarray:
        """Scores through the full Pipeline: the slow path the lean one must match."""
        decision = self.pipeline.decision_function(list(texts))
        if decision.ndim == 1:
            decision = np.column_stack([-decision, decision])
        return self.calibrate(decision)

    def reference_subtopic_scores(self, texts: Sequence[str]) -> np.ndarray:
        """Level-2 scores through the Pipeline's own vectorizer: what the lean path must match."""
        assert self.subtopics is not None
        features = self.pipeline[0].transform(list(texts))
        return self._subtopic_scores(features)

    def features(self, texts: Sequence[str]) -> csr_matrix:
        """TF-IDF rows of the texts through the lean path, shared by both levels."""
        return self._scorer.features(texts)

    def scores(self, texts: Sequence[str] | csr_matrix) -> np.ndarray:
        """Calibrated top-level scores of many texts (rows) through the lean path."""
        return self.calibrate(self._scorer.decisions(texts))

    def subtopic_scores(self, features: csr_matrix) -> np.ndarray:
        """Calibrated level-2 scores of the feature rows (columns: subtopics.labels)."""
        return self._subtopic_scores(features)

    def _subtopic_scores(self, features: Any) -> np.ndarray:
        assert self.subtopics is not None
        parts = self.subtopics
        decision = (features @ self._subtopic_weights).toarray() + parts.intercept
        return calibrate(decision, parts.calibration)

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

    def with_subtopics(
        self, rows: list[list[Tag]], sub_scores: np.ndarray, options: TagOptions
    ) -> list[list[Tag]]:
        """Each row's tags with the subtopics chosen under each, by the same rule at level 2.

        The rule runs once per parent over every row tagged with it, not once per tag: a page
        of forty paragraphs costs a handful of calls, which is what keeps depth 2 cheap.
        """
        assert self.subtopics is not None
        parts = self.subtopics
        tagged: dict[int, list[int]] = {}  # parent column -> the rows tagged with it
        for row, tags in enumerate(rows):
            for tag in tags:
                tagged.setdefault(self._label_column[tag.label], []).append(row)
        chosen_under: dict[tuple[int, int], tuple[Tag, ...]] = {}
        for parent, parent_rows in tagged.items():
            columns = parts.columns_under(parent)
            if not len(columns):  # no subtopic of this topic could be learned
                continue
            scores = sub_scores[np.ix_(np.array(parent_rows), columns)]
            chosen = decide(
                scores,
                parts.thresholds[columns],
                parts.abstain[parent],
                multilabel=True,
                threshold=options.threshold,
            )
            for row, picked, row_scores in zip(
                parent_rows, ranked(scores, chosen, options.top_k), scores, strict=True
            ):
                chosen_under[row, parent] = tuple(
                    Tag(
                        parts.labels[columns[k]],
                        float(row_scores[k]),
                        self.subtopic_ids[columns[k]],
                    )
                    for k in picked
                )
        return [
            [
                tag._replace(subtopics=chosen_under.get((row, self._label_column[tag.label]), ()))
                for tag in tags
            ]
            for row, tags in enumerate(rows)
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
        """Tag many documents at once: the one path that serving, evaluation and gates share
        (classifier/tagging.py)."""
        return tag_documents(self, texts, options or TagOptions(), paragraphs=paragraphs)

    def tag(self, text: str, options: TagOptions | None = None, **kwargs: bool) -> ArticleTags:
        """Tag one document: a batch of one."""
        return self.tag_documents([text], options, **kwargs)[0]


__all__ = ["ArticleTags", "ParagraphTags", "Tag", "TopicModel"]
