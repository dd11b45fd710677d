"""Train, evaluate on held-out data, publish: what `topic-tagger train` and `make train` run."""

from collections import Counter
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.model_selection import train_test_split

from classifier.data import NO_TOPIC, Corpus, Example
from classifier.evaluate import main_confusion, score_predictions
from classifier.model import TopicModel
from classifier.options import TagOptions
from classifier.registry import current_version, load, publish, set_current
from classifier.results import ArticleTags
from classifier.rollup import WHOLE
from classifier.taxonomy import Taxonomy
from classifier.train import (
    Progress,
    TrainingOptions,
    TrainingReport,
    fit_model,
    top_level,
    with_params,
)

GATE_METRIC = "micro_f1"


@dataclass
class TrainingResult:
    """Where the model went, what the search chose, how it did, and whether it went live."""

    model_dir: Path
    report: TrainingReport
    metrics: dict[str, Any]
    promoted: bool = True
    decision: str = "no current model: promoted"


def evaluate_model(model: TopicModel, examples: Sequence[Example]) -> dict[str, Any]:
    """Score a model on labelled examples through the path that serves them.

    Each example is tagged exactly as `topic-tagger tag`, `/v1/tag` and `/v1/tag/batch` tag
    it (paragraphs, boilerplate skipped, roll-up, thresholds, abstain), so the figures are
    what users get; the configuration is recorded beside them. A model with subtopics is also
    scored at level 2 (on the examples labelled at level 2) and hierarchically (each label
    counted with its ancestors).
    """
    depth = max(model.depths)
    results = model.tag_documents(
        [e.text for e in examples], TagOptions(depth=depth), paragraphs=False
    )
    predicted = [[tag.label for tag in result.tags] for result in results]
    gold = [top_level(e.labels, model.taxonomy) for e in examples]
    metrics = score_predictions(gold, predicted, model.labels)
    metrics["served_as"] = served_configuration(model)
    metrics["confusion_main"] = main_confusion(gold, predicted)
    if depth == 2:
        metrics.update(_subtopic_metrics(model, examples, results, predicted))
    return metrics


def _subtopic_metrics(
    model: TopicModel,
    examples: Sequence[Example],
    results: Sequence[ArticleTags],
    predicted: list[list[str]],
) -> dict[str, Any]:
    """Level-2 figures (on the examples labelled at level 2) and hierarchical ones."""
    taxonomy, parts = model.taxonomy, model.subtopics
    if taxonomy is None or parts is None:
        return {}
    subs = [[s.label for t in r.tags for s in t.subtopics or ()] for r in results]
    deep = [i for i, e in enumerate(examples) if any(taxonomy.level(x) == 2 for x in e.labels)]
    if not deep:
        return {}
    hierarchical = score_predictions(
        [taxonomy.with_ancestors(e.labels) for e in examples],
        [p + s for p, s in zip(predicted, subs, strict=True)],
        [*model.labels, *parts.labels],
    )
    del hierarchical["top1_main"]  # labels with their ancestors have no main one to compare
    return {
        "level2": score_predictions(
            [[x for x in examples[i].labels if taxonomy.level(x) == 2] for i in deep],
            [subs[i] for i in deep],
            parts.labels,
        ),
        "hierarchical": hierarchical,
    }


def topic_counts(examples: Sequence[Example], taxonomy: Taxonomy | None) -> dict[str, int]:
    """Training examples per top-level topic ("none": no topic), for the manifest's record of
    what a model learned from."""
    counts = Counter(x for e in examples for x in top_level(e.labels, taxonomy) or [NO_TOPIC])
    return dict(sorted(counts.items()))


def served_configuration(model: TopicModel) -> str:
    """How the model turns a document into tags, in words, for reports beside its figures."""
    depth = " at depth 2 (subtopics under each tag)" if model.subtopics else ""
    if model.rollup == WHOLE:
        return f"whole text scored as one unit{depth}"
    return f"paragraphs scored, boilerplate skipped, roll-up '{model.rollup}'{depth}"


def train_and_publish(
    corpus: Corpus,
    out: str | Path,
    *,
    test_corpus: Corpus | None = None,
    taxonomy: Taxonomy | None = None,
    options: TrainingOptions | None = None,
    holdout: float = 0.1,
    progress: Progress | None = None,
    tolerance: float = 0.01,
    force: bool = False,
    key: str | None = None,
) -> TrainingResult:
    """Fit on the corpus and publish; metrics come from test_corpus or a held-out share.

    Without a test corpus, the search and fit run on (1 - holdout) of the data, that model is
    scored on the rest, and the published model is refit on everything with the parameters
    the search chose: the metrics estimate it without ever having seen their examples.

    With a key the new version is signed, and the current one is checked against it.
    With a test corpus and a current model, the new model goes live only if its micro-F1 on
    that corpus is no more than `tolerance` below the current model's, measured now on the
    same examples (unless `force`). Without a test corpus there is nothing fair to compare
    on, so the new model is promoted.
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
            "per_topic": topic_counts(corpus.examples, taxonomy),
        },
        "taxonomy": taxonomy.to_dict() if taxonomy else None,
        "training": {**asdict(report), "options": _options_record(options)},
    }
    model_dir = publish(model, out, manifest=manifest, metrics=metrics, make_current=False, key=key)
    promoted, decision = _gate(out, metrics, test_corpus, tolerance, force, key)
    if promoted:
        set_current(out, model_dir.name, key=key)
    return TrainingResult(model_dir, report, metrics, promoted, decision)


def _gate(
    root: str | Path,
    metrics: dict[str, Any],
    test: Corpus | None,
    tolerance: float,
    force: bool,
    key: str | None,
) -> tuple[bool, str]:
    """Decide whether a new model may replace the current one, and say why."""
    if current_version(root) is None:
        return True, "no current model: promoted"
    if force:
        return True, "promoted by --force without comparing"
    if test is None:
        return True, "no fixed test data to compare on: promoted"
    current, _ = load(root, key=key)
    baseline = evaluate_model(current, test.examples)[GATE_METRIC]
    new = metrics[GATE_METRIC]
    comparison = f"{GATE_METRIC} {new:.4f} against the current model's {baseline:.4f}"
    if new < baseline - tolerance:
        return (
            False,
            f"refused: {comparison} (tolerance {tolerance}); use --force to promote anyway",
        )
    return True, f"promoted: {comparison}"


def _split(
    examples: Sequence[Example], holdout: float, random_state: int
) -> tuple[list[Example], list[Example]]:
    """Stratified by each example's first label, falling back to a plain split for rare labels."""
    first_labels = np.array([e.labels[0] if e.labels else "" for e in examples])  # main topic
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
