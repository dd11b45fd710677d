"""Roll-up arithmetic, checked against sums written out by hand."""

import numpy as np
import pytest

from classifier.rollup import LEAD_DECAY, combine_documents, combine_paragraphs

# Two documents: the first has three voting paragraphs, the second one.
SCORES = np.array([[0.9, 0.1], [0.2, 0.6], [0.4, 0.4], [0.3, 0.7]])
LENGTHS = np.array([10.0, 30.0, 20.0, 5.0])
POSITIONS = np.array([0, 1, 2, 0])
STARTS = np.array([0, 3])


def by_hand(weights: list[float], rows: np.ndarray) -> np.ndarray:
    return sum(w * row for w, row in zip(weights, rows, strict=True)) / sum(weights)


def test_lead_weighs_each_paragraph_by_length_and_place():
    combined = combine_documents(SCORES, LENGTHS, POSITIONS, STARTS, "lead")
    first = by_hand([10.0, 30.0 * LEAD_DECAY, 20.0 * LEAD_DECAY**2], SCORES[:3])
    np.testing.assert_allclose(combined, [first, SCORES[3]])


def test_mean_weighs_by_length_only():
    combined = combine_documents(SCORES, LENGTHS, POSITIONS, STARTS, "mean")
    np.testing.assert_allclose(combined, [by_hand([10.0, 30.0, 20.0], SCORES[:3]), SCORES[3]])


def test_max_takes_each_tags_best_paragraph_within_its_document():
    combined = combine_documents(SCORES, LENGTHS, POSITIONS, STARTS, "max")
    np.testing.assert_allclose(combined, [[0.9, 0.6], [0.3, 0.7]])


def test_the_lead_favours_the_opening_over_a_longer_later_paragraph():
    scores = np.array([[1.0, 0.0], [0.0, 1.0]])
    lead = combine_paragraphs(scores, np.array([10.0, 11.0]), "lead")
    mean = combine_paragraphs(scores, np.array([10.0, 11.0]), "mean")
    assert lead[0] > lead[1] and mean[0] < mean[1]
    assert lead == pytest.approx(
        [10 / (10 + 11 * LEAD_DECAY), 11 * LEAD_DECAY / (10 + 11 * LEAD_DECAY)]
    )


def test_one_document_alone_equals_the_same_document_in_a_batch():
    alone = combine_paragraphs(SCORES[:3], LENGTHS[:3], "lead")
    np.testing.assert_allclose(
        alone, combine_documents(SCORES, LENGTHS, POSITIONS, STARTS, "lead")[0]
    )
