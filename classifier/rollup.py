"""Ways to combine paragraph scores into article scores.

News puts the story first and related links, promotions and other stories last, so a plain
mean lets a long footer outvote a short story. The default is chosen by measurement on our own
held-out data (see BENCHMARKS.md); the others stay available for comparison.
"""

import numpy as np

# Each voting paragraph's weight is its length times this factor per voting paragraph before it.
LEAD_DECAY = 0.8
ROLLUPS = ("mean", "lead", "max")
# "whole" scores the article as one text; right for models trained on whole documents.
WHOLE = "whole"
ROLLUP_CHOICES = (*ROLLUPS, WHOLE)


def combine_documents(
    scores: np.ndarray,
    lengths: np.ndarray,
    positions: np.ndarray,
    starts: np.ndarray,
    method: str,
) -> np.ndarray:
    """Article scores of many documents at once.

    Rows of `scores` are the voting paragraphs of all documents, each document's rows together
    and in reading order; `starts` are the row where each document begins (every document has
    at least one row); `positions` are each row's place among its document's rows, and
    `lengths` their word counts.
    """
    if method == "max":
        return np.maximum.reduceat(scores, starts)
    weights = lengths * LEAD_DECAY**positions if method == "lead" else lengths.astype(float)
    totals = np.add.reduceat(weights, starts)
    return np.add.reduceat(scores * weights[:, None], starts) / totals[:, None]


def combine_paragraphs(scores: np.ndarray, lengths: np.ndarray, method: str) -> np.ndarray:
    """Article scores of one document from its paragraphs' scores (rows, in reading order)."""
    positions = np.arange(len(lengths))
    return combine_documents(scores, lengths, positions, np.array([0]), method)[0]
