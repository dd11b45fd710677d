"""The one selection rule, on small hand-made score matrices."""

import numpy as np
import pytest

from classifier.selection import decide, ranked

THRESHOLDS = np.array([0.5, 0.6, 0.7])


def rule(scores, **kwargs):
    options = {"thresholds": THRESHOLDS, "abstain": 0.2, "multilabel": True, **kwargs}
    chosen = decide(np.array(scores, float), **options)
    assert chosen.dtype == bool  # choices, not numbers that merely compare equal to them
    return chosen.tolist()


def test_every_tag_at_or_above_its_own_threshold():
    assert rule([[0.5, 0.6, 0.69]]) == [[True, True, False]]
    assert rule([[0.49, 0.59, 0.7]]) == [[False, False, True]]


def test_the_best_tag_alone_when_none_passes():
    assert rule([[0.3, 0.45, 0.1]]) == [[False, True, False]]


def test_nothing_when_the_best_is_under_the_abstain_score():
    assert rule([[0.19, 0.1, 0.05]]) == [[False, False, False]]
    assert rule([[0.2, 0.1, 0.05]]) == [[True, False, False]]
    # a tag may pass a threshold below abstain; the text still abstains
    low = np.array([[0.15, 0.0, 0.0]])
    assert decide(low, np.array([0.1, 0.9, 0.9]), 0.2, multilabel=True).tolist() == [
        [False, False, False]
    ]


def test_single_label_models_give_the_best_tag_only():
    assert rule([[0.9, 0.95, 0.1]], multilabel=False) == [[False, True, False]]
    assert rule([[0.1, 0.05, 0.0]], multilabel=False, abstain=0.0) == [[True, False, False]]


def test_an_explicit_threshold_replaces_the_rule_and_has_no_fallback():
    scores = [[0.3, 0.45, 0.1], [0.05, 0.0, 0.01]]
    assert rule(scores, threshold=0.3) == [[True, True, False], [False, False, False]]
    assert rule(scores, threshold=0.0) == [[True, True, True], [True, True, True]]
    assert rule(scores, threshold=0.3, multilabel=False) == [
        [False, True, False],
        [False, False, False],
    ]


def test_rows_are_decided_independently():
    assert rule([[0.9, 0.0, 0.0], [0.0, 0.0, 0.1], [0.1, 0.3, 0.0]]) == [
        [True, False, False],
        [False, False, False],
        [False, True, False],
    ]


def test_ranked_orders_best_first_and_cuts_at_top_k():
    scores = np.array([[0.2, 0.9, 0.5], [0.7, 0.7, 0.1]])
    chosen = np.array([[True, True, True], [True, True, False]])
    assert ranked(scores, chosen) == [[1, 2, 0], [0, 1]]
    assert ranked(scores, chosen, top_k=1) == [[1], [0]]
    assert ranked(scores, np.zeros((2, 3), bool)) == [[], []]


@pytest.mark.parametrize("top_k", [1, 2, 3])
def test_top_k_never_exceeds_what_was_chosen(top_k):
    scores = np.array([[0.9, 0.8, 0.7]])
    assert len(ranked(scores, np.array([[True, True, False]]), top_k)[0]) == min(top_k, 2)
