"""Turn cross-validated decision values into calibrated scores and per-tag decision rules."""

import numpy as np
from sklearn.linear_model import LogisticRegression

# Below this many positive examples a tag's own calibration and F1-optimal threshold are
# noise; such a tag uses the pooled calibration and the default threshold.
MIN_POSITIVES_FOR_THRESHOLD = 5
DEFAULT_THRESHOLD = 0.5
ABSTAIN_GRID = np.round(np.arange(0.0, 0.55, 0.05), 2)


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


def _platt(decision: np.ndarray, target: np.ndarray) -> np.ndarray:
    if target.min() == target.max():
        return np.array([1.0, 0.0])
    fitted = LogisticRegression(C=100.0).fit(decision.reshape(-1, 1), target)
    return np.array([fitted.coef_[0, 0], fitted.intercept_[0]])


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


def apply_rule(probabilities: np.ndarray, thresholds: np.ndarray, abstain: float) -> np.ndarray:
    """Tags above threshold; else the best tag alone unless it scores under `abstain`."""
    predicted = probabilities >= thresholds
    rows = np.arange(len(probabilities))
    best = probabilities.argmax(axis=1)
    fallback = ~predicted.any(axis=1) & (probabilities[rows, best] >= abstain)
    predicted[rows[fallback], best[fallback]] = True
    return predicted


def choose_abstain_score(
    probabilities: np.ndarray, y_matrix: np.ndarray, thresholds: np.ndarray
) -> float:
    """The abstain score that maximises micro-F1 of the full decision rule, out of fold."""
    best_score, best_f1 = 0.0, -1.0
    for abstain in ABSTAIN_GRID:
        predicted = apply_rule(probabilities, thresholds, float(abstain))
        true_positives = np.logical_and(predicted, y_matrix == 1).sum()
        f1 = 2 * true_positives / (predicted.sum() + y_matrix.sum())
        if f1 > best_f1 + 1e-9:
            best_score, best_f1 = float(abstain), float(f1)
    return best_score
