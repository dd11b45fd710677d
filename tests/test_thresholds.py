import numpy as np
import pytest
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import f1_score

from classifier.selection import decide
from classifier.thresholds import (
    ABSTAIN_GRID,
    DEFAULT_THRESHOLD,
    MIN_POSITIVES_FOR_THRESHOLD,
    RIDGE_C,
    calibrate,
    choose_abstain_score,
    choose_thresholds,
    fit_calibration,
    sigmoid,
)


def test_threshold_maximises_f1_and_cuts_between_scores():
    scores = np.array([[0.9], [0.8], [0.6], [0.4], [0.2]])
    truth = np.array([[1], [1], [1], [0], [0]])
    assert choose_thresholds(scores, truth)[0] == pytest.approx(0.5)


def test_rare_tags_keep_the_default_threshold():
    scores = np.array([[0.9], [0.1], [0.2]])
    truth = np.array([[1], [0], [0]])
    assert choose_thresholds(scores, truth)[0] == DEFAULT_THRESHOLD


def test_calibration_is_increasing_in_the_decision_value():
    rng = np.random.default_rng(0)
    truth = rng.integers(0, 2, size=(200, 1))
    decision = truth * 2.0 - 1.0 + rng.normal(0, 0.8, size=(200, 1))
    slope, intercept = fit_calibration(decision, truth)[0]
    assert slope > 0
    assert 1 / (1 + np.exp(-(slope * 1.5 + intercept))) > 0.8


def test_sigmoid_and_calibration_map_decisions_to_probabilities():
    assert sigmoid(np.array([0.0]))[0] == 0.5
    low, high = sigmoid(np.array([-1e6, 1e6]))  # clipped: no overflow warning
    assert 0.0 <= low < 1e-200 and high == 1.0
    calibration = np.array([[2.0, 0.0], [1.0, -1.0]])
    expected = [[sigmoid(np.array(2.0)), sigmoid(np.array(-1.0))]]
    np.testing.assert_allclose(calibrate(np.array([[1.0, 0.0]]), calibration), expected)


def test_abstain_score_learns_to_give_boilerplate_no_tag():
    probabilities = np.array([[0.9, 0.1], [0.05, 0.04], [0.08, 0.02], [0.3, 0.6]])
    truth = np.array([[1, 0], [0, 0], [0, 0], [0, 1]])
    abstain = choose_abstain_score(probabilities, truth, np.array([0.95, 0.95]))
    assert 0.08 < abstain <= 0.3


def logistic_fit(x: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    """The same fit by scikit-learn: slope penalised with C = RIDGE_C, intercept free."""
    fitted = LogisticRegression(C=RIDGE_C, tol=1e-12, max_iter=10_000).fit(x[:, None], y)
    return float(fitted.coef_[0, 0]), float(fitted.intercept_[0])


def noisy_tags(rng: np.random.Generator, rows: int, positives: list[int]) -> tuple:
    """Decision values that separate each tag's positives from its negatives, with noise."""
    truth = np.zeros((rows, len(positives)), dtype=int)
    for k, count in enumerate(positives):
        truth[rng.choice(rows, size=count, replace=False), k] = 1
    return truth * 1.5 - 0.5 + rng.normal(0, 1.0, size=truth.shape), truth


def test_each_tags_calibration_is_the_logistic_regression_fit():
    decision, truth = noisy_tags(np.random.default_rng(1), 300, [40, 120])
    calibration = fit_calibration(decision, truth)
    for k in range(2):
        assert calibration[k] == pytest.approx(logistic_fit(decision[:, k], truth[:, k]), abs=1e-5)


def test_rare_all_positive_and_decreasing_tags_take_the_pooled_fit():
    rng = np.random.default_rng(2)
    decision, truth = noisy_tags(
        rng, 200, [MIN_POSITIVES_FOR_THRESHOLD, MIN_POSITIVES_FOR_THRESHOLD - 1, 30, 200]
    )
    decreasing = truth[:, 2] == 1
    decision[:, 2] = np.where(decreasing, -2.0, 0.5) + rng.normal(
        0, 0.3, 200
    )  # positives score low
    calibration = fit_calibration(decision, truth)
    pooled = logistic_fit(decision.ravel(), truth.ravel())
    assert calibration[0] == pytest.approx(logistic_fit(decision[:, 0], truth[:, 0]), abs=1e-5)
    for k in (1, 2, 3):  # too few positives; fit decreasing; no negatives at all
        assert calibration[k] == pytest.approx(pooled, abs=1e-5)


def test_no_positive_anywhere_leaves_decisions_as_they_are():
    calibration = fit_calibration(np.array([[0.3, -1.0], [2.0, 0.1]]), np.zeros((2, 2), dtype=int))
    np.testing.assert_array_equal(calibration, [[1.0, 0.0], [1.0, 0.0]])


def best_cut_by_brute_force(scores: np.ndarray, truth: np.ndarray) -> tuple[float, int]:
    """The best F1 over every 'score >= v' cut, and the fewest texts tagged at that F1."""
    best = (-1.0, 0)
    for value in sorted(set(scores.tolist()), reverse=True):
        predicted = scores >= value
        score = f1_score(truth, predicted)
        if score > best[0] + 1e-12:
            best = (score, int(predicted.sum()))
    return best


@pytest.mark.parametrize("seed", range(6))
def test_threshold_is_the_highest_best_f1_cut_midway_between_scores(seed):
    rng = np.random.default_rng(seed)
    truth = (rng.random(80) < 0.3).astype(int)
    truth[:MIN_POSITIVES_FOR_THRESHOLD] = 1
    scores = np.round(np.clip(truth * 0.3 + rng.random(80) * 0.7, 0, 1), 1)  # ties on purpose
    threshold = choose_thresholds(scores[:, None], truth[:, None])[0]
    best_f1, fewest = best_cut_by_brute_force(scores, truth)
    assert f1_score(truth, scores >= threshold) == pytest.approx(best_f1)
    assert int((scores >= threshold).sum()) == fewest
    inside, outside = scores[scores >= threshold].min(), scores[scores < threshold]
    assert threshold == pytest.approx((inside + (outside.max() if len(outside) else 0.0)) / 2)


def test_a_cut_below_every_score_lies_halfway_to_zero():
    scores, truth = np.array([0.9, 0.8, 0.7, 0.6, 0.4]), np.ones(5, dtype=int)
    assert choose_thresholds(scores[:, None], truth[:, None])[0] == pytest.approx(0.2)


def test_five_positives_get_their_own_threshold_four_the_default():
    scores = np.array([0.9, 0.85, 0.8, 0.75, 0.7, 0.2, 0.1])
    five, four = np.array([1, 1, 1, 1, 1, 0, 0]), np.array([1, 1, 1, 1, 0, 0, 0])
    assert choose_thresholds(scores[:, None], five[:, None])[0] == pytest.approx(0.45)
    assert choose_thresholds(scores[:, None], four[:, None])[0] == DEFAULT_THRESHOLD


@pytest.mark.parametrize("seed", range(4))
def test_abstain_score_is_the_first_grid_value_with_the_best_micro_f1(seed):
    rng = np.random.default_rng(seed)
    truth = (rng.random((60, 3)) < 0.25).astype(int)
    probabilities = np.clip(truth * 0.4 + rng.random((60, 3)) * 0.5, 0, 1)
    thresholds = np.array([0.5, 0.6, 0.55])
    f1s = [
        f1_score(
            truth, decide(probabilities, thresholds, float(a), multilabel=True), average="micro"
        )
        for a in ABSTAIN_GRID
    ]
    expected = float(ABSTAIN_GRID[int(np.argmax(np.round(f1s, 9)))])
    assert choose_abstain_score(probabilities, truth, thresholds) == pytest.approx(expected)


def test_a_cut_above_only_the_lowest_score_lies_halfway_to_it():
    scores = np.array([0.9, 0.8, 0.7, 0.6, 0.5, 0.1])
    truth = np.array([1, 1, 1, 1, 1, 0])
    assert choose_thresholds(scores[:, None], truth[:, None])[0] == pytest.approx(0.3)
