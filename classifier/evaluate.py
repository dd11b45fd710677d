"""Quality metrics as plain dicts, so the CLI, the registry and tests share one definition."""

from collections.abc import Sequence
from typing import Any

import numpy as np
from sklearn.metrics import f1_score, precision_recall_fscore_support
from sklearn.preprocessing import MultiLabelBinarizer


def micro_f1(y_true: np.ndarray, y_pred: np.ndarray) -> float:
    """Micro-averaged F1 of two indicator matrices (texts x tags): the figure gates compare."""
    return float(f1_score(y_true, y_pred, average="micro", zero_division=0))


def score_predictions(
    gold: Sequence[Sequence[str]],
    predicted: Sequence[Sequence[str]],
    labels: Sequence[str] | None = None,
) -> dict[str, Any]:
    """Micro/macro F1 and per-label figures; accuracy (exact match) when gold is single-label.

    Macro-F1 averages over `labels` (the model's label set) plus any label found in gold, so a
    label the model never predicts counts as zero instead of vanishing from the average.
    """
    label_set = sorted(set(labels or ()) | {label for row in gold for label in row})
    binarizer = MultiLabelBinarizer(classes=label_set)
    known = set(label_set)
    y_true = binarizer.fit_transform([list(row) for row in gold])
    y_pred = binarizer.transform([[label for label in row if label in known] for row in predicted])
    precision, recall, f1, support = precision_recall_fscore_support(
        y_true, y_pred, average=None, zero_division=0
    )
    micro = precision_recall_fscore_support(y_true, y_pred, average="micro", zero_division=0)
    in_gold = support > 0
    metrics: dict[str, Any] = {
        "documents": len(gold),
        "micro_precision": float(micro[0]),
        "micro_recall": float(micro[1]),
        "micro_f1": float(micro[2]),
        "macro_f1": float(np.mean(f1[in_gold])) if in_gold.any() else 0.0,
        "macro_f1_all_labels": float(np.mean(f1)) if len(f1) else 0.0,
        "exact_match": float(np.mean((y_true == y_pred).all(axis=1))) if len(gold) else 0.0,
        "per_label": {
            label: {
                "precision": float(precision[i]),
                "recall": float(recall[i]),
                "f1": float(f1[i]),
                "support": int(support[i]),
            }
            for i, label in enumerate(label_set)
        },
    }
    metrics["top1_accuracy"] = _top1_accuracy(gold, predicted)
    metrics["top1_main"] = _top1_main(gold, predicted)
    if all(len(row) == 1 for row in gold):
        hits = [bool(p) and p[0] == g[0] for g, p in zip(gold, predicted, strict=True)]
        metrics["accuracy"] = float(np.mean(hits)) if hits else 0.0
    return metrics


def _top1_main(gold: Sequence[Sequence[str]], predicted: Sequence[Sequence[str]]) -> float:
    """Share of topical texts whose best tag is their main (first) label: the main topic."""
    hits = [bool(p) and p[0] == g[0] for g, p in zip(gold, predicted, strict=True) if g]
    return float(np.mean(hits)) if hits else 0.0


def _top1_accuracy(gold: Sequence[Sequence[str]], predicted: Sequence[Sequence[str]]) -> float:
    """Share of texts whose best tag is one of their labels (or that rightly get no tag)."""
    hits = [(p[0] in g) if p else not g for g, p in zip(gold, predicted, strict=True)]
    return float(np.mean(hits)) if hits else 0.0


NO_TAG = "(no tag)"


def main_confusion(
    gold: Sequence[Sequence[str]], predicted: Sequence[Sequence[str]]
) -> dict[str, dict[str, int]]:
    """Counts of (main gold label, best predicted tag), "(no tag)" standing for an empty side:
    the confusion matrix of the main topic, as {gold: {predicted: count}}."""
    matrix: dict[str, dict[str, int]] = {}
    for wanted, got in zip(gold, predicted, strict=True):
        row = matrix.setdefault(wanted[0] if wanted else NO_TAG, {})
        best = got[0] if got else NO_TAG
        row[best] = row.get(best, 0) + 1
    return matrix
