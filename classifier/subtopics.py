"""Level-2 scores: one linear model per top-level topic, over that topic's own subtopics.

A subtopic model is trained only on examples of its parent ("election" against the other
kinds of politics, not against sport), so its score says which kind of politics a text is once
it is politics. That is why a subtopic is only returned under a parent that is returned too,
and why a strong subtopic score does not lift its parent: it was never taught to tell
politics from sport. Each subtopic has its own calibration and threshold, fitted out of fold
like the top level's; each parent its own abstain score.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from joblib import Parallel, delayed, parallel_config
from scipy.sparse import csc_matrix, csr_matrix, hstack

from classifier.data import Example
from classifier.linear import linear_parts
from classifier.search import (
    FoldPlan,
    decision_rule,
    make_classifier,
    out_of_fold_decision,
    quiet_fit_warnings,
)
from classifier.taxonomy import Taxonomy

MIN_POSITIVES = 5  # fewer examples than this cannot teach a subtopic; it is reported instead


@dataclass
class SubtopicModel:
    """Weights, calibration and thresholds of every learnable level-2 topic."""

    labels: list[str]  # level-2 labels, grouped by parent
    parents: np.ndarray  # per level-2 label: its parent's column among the level-1 labels
    weights: csr_matrix  # features x level-2 labels (rows: what a text's features pick)
    intercept: np.ndarray
    calibration: np.ndarray  # (slope, intercept) per level-2 label
    thresholds: np.ndarray
    abstain: np.ndarray  # per level-1 label: the subtopic abstain score under it
    unlearned: dict[str, int] = field(default_factory=dict)  # too few examples: label -> count

    def columns_under(self, parent: int) -> np.ndarray:
        return np.flatnonzero(self.parents == parent)

    def __getstate__(self) -> dict[str, Any]:
        # half precision on disk: fit_subtopics already rounded the weights to it, so saving
        # loses nothing and needs no second rounding pass over the matrix
        weights = self.weights
        parts = (weights.shape, weights.indptr, weights.indices, weights.data.astype(np.float16))
        return {**self.__dict__, "weights": parts}

    def __setstate__(self, state: dict[str, Any]) -> None:
        weights = state["weights"]
        if isinstance(weights, tuple):  # the half-precision parts; older models hold a csr_matrix
            shape, indptr, indices, data = weights
            weights = csr_matrix((data.astype(np.float32), indices, indptr), shape=shape)
        self.__dict__.update({**state, "weights": weights})


def half_precision(weights: csr_matrix) -> csr_matrix:
    """The weights rounded to what half precision holds, kept in single precision in memory.

    Half precision on disk took the wave-20 model file from 45.1 to 33.3 MB; on its held-out
    split 4 of 26,940 documents changed tags and level-2 micro-F1 moved by 2e-5. Rounding
    when the model is fitted, not only when it is saved, makes the model that training
    evaluates score exactly as the one that serves. Weights too small for half precision
    become zero and leave the matrix.
    """
    rounded = csr_matrix(weights, dtype=np.float32, copy=True)
    rounded.data = rounded.data.astype(np.float16).astype(np.float32)
    rounded.eliminate_zeros()
    return rounded


def fit_subtopics(
    features: Any,
    examples: Sequence[Example],
    level1: list[str],
    taxonomy: Taxonomy,
    params: dict[str, Any],
    plan: FoldPlan,
) -> SubtopicModel | None:
    """Fit the level-2 model on the same features as the top level; None without subtopics."""
    jobs, unlearned = [], {}
    for column, parent in enumerate(level1):
        children = taxonomy.children(parent)
        positives = {c: [i for i, e in enumerate(examples) if c in e.labels] for c in children}
        learnable = [c for c in children if len(positives[c]) >= MIN_POSITIVES]
        unlearned.update({c: len(positives[c]) for c in children if c not in learnable})
        rows = sorted({i for c in learnable for i in positives[c]})
        if len(learnable) < 2 or not rows:  # nothing to tell apart under this parent
            unlearned.update({c: len(positives[c]) for c in learnable})
            continue
        y = np.array([[int(c in examples[i].labels) for c in learnable] for i in rows])
        jobs.append((column, learnable, np.array(rows), y))
    if not jobs:
        return None
    with parallel_config(backend="threading"):  # liblinear releases the GIL
        fitted = Parallel(n_jobs=plan.n_jobs)(
            delayed(_fit_parent)(features, rows, y, params, plan) for _, _, rows, y in jobs
        )
    labels, parents = [], []
    for (column, learnable, _, _), _ in zip(jobs, fitted, strict=True):
        labels += learnable
        parents += [column] * len(learnable)
    abstain = np.zeros(len(level1))
    for (column, _, _, _), part in zip(jobs, fitted, strict=True):
        abstain[column] = part["abstain"]
    return SubtopicModel(
        labels=labels,
        parents=np.array(parents),
        weights=half_precision(hstack([part["weights"] for part in fitted])),
        intercept=np.concatenate([part["intercept"] for part in fitted]),
        calibration=np.vstack([part["calibration"] for part in fitted]),
        thresholds=np.concatenate([part["thresholds"] for part in fitted]),
        abstain=abstain,
        unlearned=unlearned,
    )


def _fit_parent(
    features: Any, rows: np.ndarray, y: np.ndarray, params: dict[str, Any], plan: FoldPlan
) -> dict[str, Any]:
    """One parent's subtopics: out-of-fold rule, then one fit on all the parent's examples."""
    subset = features[rows]
    one_job = FoldPlan(plan.folds, 1, plan.random_state)
    decision = out_of_fold_decision(subset, y, y.shape[1], params, True, one_job)
    calibration, _, thresholds, abstain = decision_rule(decision, y, multilabel=True)
    classifier = make_classifier(params, True, plan.random_state, n_jobs=1)
    with quiet_fit_warnings():
        classifier.fit(subset, y)
    weights, intercept = linear_parts(classifier)
    return {
        "weights": csc_matrix(weights),
        "intercept": intercept,
        "calibration": calibration,
        "thresholds": thresholds,
        "abstain": abstain,
    }
