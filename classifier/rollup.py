"""Ways to combine paragraph scores into article scores.

News puts the story first and related links, promotions and other stories last, so a plain
mean lets a long footer outvote a short story. The default is chosen by measurement on our own
held-out data (see BENCHMARKS.md); the others stay available for comparison.
"""

import numpy as np

# Each paragraph's weight is its length times this factor per paragraph before it.
LEAD_DECAY = 0.8


def _mean(scores: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    return (lengths @ scores) / lengths.sum()


def _lead(scores: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    weights = lengths * LEAD_DECAY ** np.arange(len(lengths))
    return (weights @ scores) / weights.sum()


def _max(scores: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    return scores.max(axis=0)


ROLLUPS = {"mean": _mean, "lead": _lead, "max": _max}
# "whole" scores the article as one text; right for models trained on whole documents.
WHOLE = "whole"
ROLLUP_CHOICES = (*ROLLUPS, WHOLE)


def combine_paragraphs(scores: np.ndarray, lengths: np.ndarray, method: str) -> np.ndarray:
    """Article scores from paragraph scores (rows, in reading order) and their word counts."""
    return ROLLUPS[method](scores, lengths)
