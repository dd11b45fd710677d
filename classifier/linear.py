"""Weights and intercepts out of fitted scikit-learn linear models, in one shape for scoring."""

from typing import Any

import numpy as np


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
