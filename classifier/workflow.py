"""Train, evaluate on held-out data, publish: what `topic-tagger train` and `make train` run."""

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.model_selection import train_test_split

from classifier.data import Corpus, Example
from classifier.evaluate import score_predictions
from classifier.model import TopicModel
from classifier.registry import publish
from classifier.taxonomy import Taxonomy
from classifier.train import Progress, TrainingOptions, TrainingReport, fit_model, with_params


@dataclass
class TrainingResult:
    """Where the model went, what the search chose and how it did on held-out data."""

    model_dir: Path
    report: TrainingReport
    metrics: dict[str, Any]


def evaluate_model(model: TopicModel, examples: Sequence[Example]) -> dict[str, Any]:
    """Score a model on labelled examples, each tagged as one unit."""
    predicted = [[tag.label for tag in tags] for tags in model.predict([e.text for e in examples])]
    return score_predictions([e.labels for e in examples], predicted, model.labels)


def train_and_publish(
    corpus: Corpus,
    out: str | Path,
    *,
    test_corpus: Corpus | None = None,
    taxonomy: Taxonomy | None = None,
    options: TrainingOptions | None = None,
    holdout: float = 0.1,
    progress: Progress | None = None,
) -> TrainingResult:
    """Fit on the corpus and publish; metrics come from test_corpus or a held-out share.

    Without a test corpus, the search and fit run on (1 - holdout) of the data, that model is
    scored on the rest, and the published model is refit on everything with the parameters
    the search chose: the metrics estimate it without ever having seen their examples.
    """
    options = options or TrainingOptions()
    if test_corpus is not None:
        model, report = fit_model(
            corpus.examples, taxonomy=taxonomy, options=options, progress=progress
        )
        metrics = evaluate_model(model, test_corpus.examples)
        metrics["evaluated_on"] = {"files": test_corpus.files, "sha256": test_corpus.sha256}
    else:
        fitted, held_out = _split(corpus.examples, holdout, options.random_state)
        probe, report = fit_model(fitted, taxonomy=taxonomy, options=options, progress=progress)
        metrics = evaluate_model(probe, held_out)
        metrics["evaluated_on"] = {"held_out_share": holdout, "documents": len(held_out)}
        if progress:
            progress(f"held-out micro-F1 {metrics['micro_f1']:.4f}; refitting on all examples")
        model, _ = fit_model(
            corpus.examples,
            taxonomy=taxonomy,
            options=with_params(options, report.params),
            progress=progress,
        )
    manifest = {
        "training_data": {
            "files": corpus.files,
            "sha256": corpus.sha256,
            "size_bytes": corpus.size_bytes,
            "examples": len(corpus.examples),
        },
        "taxonomy": taxonomy.to_dict() if taxonomy else None,
        "training": {**asdict(report), "options": _options_record(options)},
    }
    model_dir = publish(model, out, manifest=manifest, metrics=metrics)
    return TrainingResult(model_dir, report, metrics)


def _split(
    examples: Sequence[Example], holdout: float, random_state: int
) -> tuple[list[Example], list[Example]]:
    """Stratified by each example's first label, falling back to a plain split for rare labels."""
    first_labels = np.array([e.labels[0] if e.labels else "" for e in examples])
    _, counts = np.unique(first_labels, return_counts=True)
    stratify = first_labels if counts.min() >= 2 else None
    fitted, held_out = train_test_split(
        list(examples), test_size=holdout, random_state=random_state, stratify=stratify
    )
    return fitted, held_out


def _options_record(options: TrainingOptions) -> dict[str, Any]:
    record = asdict(options)
    record.pop("fixed_params", None)
    return record
