import numpy as np
import pytest

from classifier.thresholds import (
    DEFAULT_THRESHOLD,
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
