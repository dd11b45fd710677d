"""Turn cross-validated decision values into calibrated scores and per-tag decision rules."""

import numpy as np

from classifier.evaluate import micro_f1
from classifier.selection import decide

# Below this many positive examples a tag's own calibration and F1-optimal threshold are
# noise; such a tag uses the pooled calibration and the default threshold.
MIN_POSITIVES_FOR_THRESHOLD = 5
DEFAULT_THRESHOLD = 0.5
RIDGE_C = 100.0  # inverse strength of the slope's penalty, as in LogisticRegression(C=100)
ABSTAIN_GRID = np.round(np.arange(0.0, 0.55, 0.05), 2)


def sigmoid(values: np.ndarray) -> np.ndarray:
    """Logistic function; clipped so extreme decision values cannot overflow."""
    return 1.0 / (1.0 + np.exp(-np.clip(values, -500, 500)))


def calibrate(decision: np.ndarray, calibration: np.ndarray) -> np.ndarray:
    """Per-tag probabilities from decision values with fitted (slope, intercept) pairs."""
    return sigmoid(decision * calibration[:, 0] + calibration[:, 1])


def fit_calibration(decision: np.ndarray, y_matrix: np.ndarray) -> np.ndarray:
    """Platt scaling per tag: (slope, intercept) pairs fitted on out-of-fold decision values.

    A tag with few positives gets the sigmoid fitted to all tags pooled: its own fit would
    rest on a handful of points and can even come out decreasing, which would rank the
    tag's best matches last.
    """
    pooled = _platt(decision.ravel(), y_matrix.ravel())
    calibration = np.tile(pooled, (decision.shape[1], 1))
    for k in range(decision.shape[1]):
        target = y_matrix[:, k]
        if MIN_POSITIVES_FOR_THRESHOLD <= target.sum() < len(target):
            own = _platt(decision[:, k], target)
            if own[0] > 0:
                calibration[k] = own
    return calibration


def _platt(decision: np.ndarray, target: np.ndarray, iterations: int = 50) -> np.ndarray:
    """Fit p = sigmoid(a * decision + b) by Newton's method on the log-loss.

    Two parameters need no general-purpose solver; this is the same maximum-likelihood fit a
    L2-regularised logistic regression on one feature gives (penalty 1/RIDGE_C on the slope),
    at a fraction of the cost, which matters with hundreds of tags.
    """
    if target.min() == target.max():
        return np.array([1.0, 0.0])
    x = decision.astype(np.float64)
    y = target.astype(np.float64)
    a, b = 1.0, 0.0
    for _ in range(iterations):
        p = sigmoid(a * x + b)
        w = p * (1.0 - p)
        residual = p - y
        gradient = np.array([residual @ x + a / RIDGE_C, residual.sum()])
        hessian = np.array([[w @ (x * x) + 1 / RIDGE_C, w @ x], [w @ x, w.sum() + 1e-9]])
        step = np.linalg.solve(hessian, gradient)
        a, b = a - step[0], b - step[1]
        if abs(step).max() < 1e-8:
            break
    return np.array([a, b])


def choose_thresholds(probabilities: np.ndarray, y_matrix: np.ndarray) -> np.ndarray:
    """For each tag, the score threshold that maximises its F1 on out-of-fold predictions."""
    return np.array(
        [_best_f1_threshold(probabilities[:, k], y_matrix[:, k]) for k in range(y_matrix.shape[1])]
    )


def _best_f1_threshold(scores: np.ndarray, truth: np.ndarray) -> float:
    positives = int(truth.sum())
    if positives < MIN_POSITIVES_FOR_THRESHOLD:
        return DEFAULT_THRESHOLD
    order = np.argsort(-scores, kind="stable")
    sorted_scores = scores[order]
    true_positives = np.cumsum(truth[order])
    predicted = np.arange(1, len(scores) + 1)
    f1 = 2 * true_positives / (predicted + positives)
    # Only cut between distinct scores: a threshold cannot split tied examples.
    distinct = np.append(sorted_scores[1:] < sorted_scores[:-1], True)
    best = int(np.argmax(np.where(distinct, f1, -1.0)))
    below = sorted_scores[best + 1] if best + 1 < len(scores) else 0.0
    return float((sorted_scores[best] + below) / 2)


def choose_abstain_score(
    probabilities: np.ndarray, y_matrix: np.ndarray, thresholds: np.ndarray
) -> float:
    """The abstain score that maximises micro-F1 of the full decision rule, out of fold."""
    best_score, best_f1 = 0.0, -1.0
    for abstain in ABSTAIN_GRID:
        predicted = decide(probabilities, thresholds, float(abstain), multilabel=True)
        f1 = micro_f1(y_matrix, predicted)
        if f1 > best_f1 + 1e-9:
            best_score, best_f1 = float(abstain), f1
    return best_score
