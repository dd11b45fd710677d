"""The one rule that turns scores into tags, for training, evaluation and serving alike.

Each tag has its own calibrated threshold. A text gets every tag at or above its threshold,
or, when none passes, its best tag alone; a text whose best score is under the abstain score
gets nothing (boilerplate). Single-label models always give the best tag. A caller's explicit
threshold replaces the per-tag ones and has no fallback: it asked for those scores and no
others.
"""

import numpy as np


def decide(
    scores: np.ndarray,
    thresholds: np.ndarray,
    abstain: float,
    *,
    multilabel: bool,
    threshold: float | None = None,
) -> np.ndarray:
    """Boolean matrix (texts x tags, at least one tag) of the tags each row of scores gets."""
    rows = np.arange(len(scores))
    best = scores.argmax(axis=1)
    if threshold is not None:
        chosen = scores >= threshold
        if not multilabel:
            keep = chosen[rows, best]
            chosen = np.zeros_like(chosen)
            chosen[rows[keep], best[keep]] = True
        return chosen
    chosen = scores >= thresholds if multilabel else np.zeros(scores.shape, dtype=bool)
    none_passed = ~chosen.any(axis=1)
    chosen[rows[none_passed], best[none_passed]] = True
    chosen[scores[rows, best] < abstain] = False
    return chosen


def ranked(scores: np.ndarray, chosen: np.ndarray, top_k: int | None = None) -> list[list[int]]:
    """Per row, the chosen columns best first (ties by column), at most top_k of them."""
    per_row: list[list[tuple[float, int]]] = [[] for _ in range(len(scores))]
    rows, columns = np.nonzero(chosen)
    # Plain Python floats from here: cheaper than numpy scalars for a handful of tags a row.
    for row, column, value in zip(
        rows.tolist(), columns.tolist(), scores[rows, columns].tolist(), strict=True
    ):
        per_row[row].append((-value, column))
    return [[column for _, column in sorted(pairs)[:top_k]] for pairs in per_row]
