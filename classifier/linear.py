"""Weights and intercepts out of fitted scikit-learn linear models, in one shape for scoring."""

from typing import Any

import numpy as np
from joblib import Parallel, delayed, parallel_config
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.svm import LinearSVC


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


def store_single_precision(classifier: Any) -> None:
    """Keep a fitted model's weights in single precision, in place.

    Single precision holds about seven significant digits, far finer than any margin a tag
    decision turns on, and halves the largest part of the model file (the default model's
    level-1 weights: 23 MB of 49 MB compressed). Scoring still runs in double precision.
    """
    for estimator in getattr(classifier, "estimators_", None) or [classifier]:
        estimator.coef_ = np.asarray(estimator.coef_, dtype=np.float32)


class ConstantColumn:
    """A tag every training example has, or none has: its score never depends on the text."""

    def __init__(self, n_features: int, positive: bool):
        self.coef_ = np.zeros((1, n_features))
        self.intercept_ = np.array([1.0 if positive else -1.0])


class WeightedOneVsRest(BaseEstimator, ClassifierMixin):
    """One linear SVM per tag; an example that has a tag only as a secondary label can count
    less in that tag's problem than one whose main topic it is.

    With secondary_weight 1 this fits exactly what OneVsRestClassifier(LinearSVC) fits. Lower
    weights teach each tag to rank first where it is the main topic: a newsroom's "main topic"
    field is what the top tag must match.
    """

    def __init__(
        self,
        C: float = 1.0,
        secondary_weight: float = 1.0,
        max_iter: int = 5000,
        random_state: int = 0,
        n_jobs: int = 1,
    ):
        self.C = C
        self.secondary_weight = secondary_weight
        self.max_iter = max_iter
        self.random_state = random_state
        self.n_jobs = n_jobs

    def fit(self, X: Any, Y: Any, main: np.ndarray | None = None) -> "WeightedOneVsRest":
        Y = np.asarray(Y)
        weights = np.ones(Y.shape, dtype=np.float64)
        if main is not None and self.secondary_weight != 1.0:
            weights[(Y == 1) & (np.asarray(main) == 0)] = self.secondary_weight
        with parallel_config(backend="threading"):  # liblinear releases the GIL
            self.estimators_ = Parallel(n_jobs=self.n_jobs)(
                delayed(self._fit_column)(X, Y[:, k], weights[:, k]) for k in range(Y.shape[1])
            )
        self.classes_ = np.arange(Y.shape[1])
        return self

    def _fit_column(self, X: Any, y: np.ndarray, weights: np.ndarray) -> Any:
        if y.min() == y.max():
            return ConstantColumn(X.shape[1], bool(y[0]))
        svm = LinearSVC(C=self.C, max_iter=self.max_iter, random_state=self.random_state)
        return svm.fit(X, y, sample_weight=weights)

    def decision_function(self, X: Any) -> np.ndarray:
        weights, intercepts = linear_parts(self)
        return np.asarray(X @ weights) + intercepts
