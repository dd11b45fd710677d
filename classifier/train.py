"""Fit a TopicModel: the search picks hyperparameters, then one fit on all examples.

Everything here looks at training data only. Held-out figures come from `workflow.py`, on
examples this module never sees.
"""

import time
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
from joblib import parallel_config
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import MultiLabelBinarizer

from classifier.data import Example
from classifier.errors import ModelError
from classifier.linear import store_single_precision
from classifier.model import TopicModel
from classifier.rollup import WHOLE
from classifier.search import (
    CrossValidatedSearch,
    FoldPlan,
    Progress,
    SearchSpace,
    feature_step,
    make_classifier,
    quiet_fit_warnings,
)
from classifier.segment import train_sentence_splitter
from classifier.subtopics import fit_subtopics
from classifier.taxonomy import Taxonomy
from classifier.text import normalise, tokenize


@dataclass(frozen=True)
class TrainingOptions:
    """Knobs of one training run; recorded in the manifest so a run can be repeated."""

    folds: int = 5
    budget_seconds: float = 120.0
    random_state: int = 0
    n_jobs: int = 2
    space: SearchSpace = field(default_factory=SearchSpace)
    fixed_params: dict[str, Any] | None = None  # skip the search and use these
    rollup: str = WHOLE


@dataclass
class TrainingReport:
    """What the search tried and chose, for the CLI and the manifest."""

    mode: str
    examples: int
    labels: int
    params: dict[str, Any]
    cv_score: float
    cv_metric: str
    candidates: list[dict[str, Any]]
    seconds: float
    subtopics: int = 0  # level-2 topics learned
    unlearned_subtopics: dict[str, int] = field(default_factory=dict)  # too few examples


def fit_model(
    examples: Sequence[Example],
    *,
    taxonomy: Taxonomy | None = None,
    options: TrainingOptions | None = None,
    progress: Progress | None = None,
) -> tuple[TopicModel, TrainingReport]:
    """Search hyperparameters by cross-validation, calibrate, then fit on all examples."""
    options = options or TrainingOptions()
    started = time.perf_counter()
    say = progress or (lambda message: None)
    label_sets = [top_level(example.labels, taxonomy) for example in examples]
    multilabel = not all(len(labels) == 1 for labels in label_sets)
    binarizer = MultiLabelBinarizer()
    y_matrix = binarizer.fit_transform(label_sets)
    classes = list(binarizer.classes_)
    if len(classes) < 2:
        raise ModelError(f"training needs at least two labels, found {len(classes)}: {classes}")
    target = y_matrix if multilabel else y_matrix.argmax(axis=1)
    say(f"tokenising {len(examples)} examples")
    tokens = [tokenize(normalise(example.text)) for example in examples]
    plan = FoldPlan(options.folds, options.n_jobs, options.random_state)
    main = main_topics(label_sets, classes) if multilabel else None
    texts = [example.text for example in examples]
    search = CrossValidatedSearch(texts, tokens, y_matrix, target, multilabel, plan, say, main)
    fixed = options.fixed_params
    candidates = [fixed] if fixed else options.space.candidates(multilabel)
    best = search.run(candidates, started, options.budget_seconds)
    score, params, (calibration, _, thresholds, abstain) = best
    say(f"fitting the final model with {params}")
    words, characters, features = search.features(params)
    linear = make_classifier(params, multilabel, options.random_state, options.n_jobs)
    with quiet_fit_warnings(), parallel_config(backend="threading"):  # liblinear frees the GIL
        if multilabel:
            linear.fit(features, y_matrix, main=main)
        else:
            linear.fit(features, np.array(classes)[target])
    store_single_precision(linear)
    sentences = None
    if options.rollup != WHOLE:  # pages are cut into units: learn where sentences end
        say("learning sentence boundaries from the training text")
        sentences = train_sentence_splitter([e.text for e in examples if e.labels])
    subtopics = None
    if taxonomy is not None and taxonomy.is_hierarchical:
        say("fitting the subtopic models, one per top-level topic")
        subtopics = fit_subtopics(features, examples, classes, taxonomy, params, plan)
    # Fitted on tokens; the same fitted state serves raw text once our text functions go in.
    words.set_params(preprocessor=normalise, tokenizer=tokenize)
    for vectorizer in [words] if characters is None else [words, characters]:
        if hasattr(vectorizer, "stop_words_"):
            del vectorizer.stop_words_  # the pruned-term set is not needed to tag; it bloats files
    model = TopicModel(
        Pipeline([("tfidf", feature_step(words, characters)), ("linear", linear)]),
        classes,
        multilabel=multilabel,
        calibration=calibration,
        thresholds=thresholds,
        abstain_score=abstain,
        taxonomy=taxonomy,
        rollup=options.rollup,
        params={**params, "random_state": options.random_state},
        subtopics=subtopics,
        sentence_parameters=sentences,
    )
    report = TrainingReport(
        mode="multilabel" if multilabel else "multiclass",
        examples=len(examples),
        labels=len(classes),
        params=params,
        cv_score=score,
        cv_metric="micro_f1" if multilabel else "accuracy",
        candidates=search.tried,
        seconds=time.perf_counter() - started,
        subtopics=len(subtopics.labels) if subtopics else 0,
        unlearned_subtopics=dict(subtopics.unlearned) if subtopics else {},
    )
    return model, report


def main_topics(label_sets: Sequence[Sequence[str]], classes: list[str]) -> np.ndarray:
    """One row per example with a 1 under its main (first) topic; no topic, no 1."""
    column = {label: index for index, label in enumerate(classes)}
    main = np.zeros((len(label_sets), len(classes)), dtype=np.int8)
    for row, labels in enumerate(label_sets):
        if labels:
            main[row, column[labels[0]]] = 1
    return main


def top_level(labels: Sequence[str], taxonomy: Taxonomy | None) -> tuple[str, ...]:
    """The labels a level-1 model learns: subtopics stand for the topics they sit under."""
    return taxonomy.roots(labels) if taxonomy and taxonomy.is_hierarchical else tuple(labels)


def with_params(options: TrainingOptions, params: dict[str, Any]) -> TrainingOptions:
    """Options that skip the search and fit with parameters chosen earlier."""
    return replace(options, fixed_params=params)


__all__ = [
    "SearchSpace",
    "TrainingOptions",
    "TrainingReport",
    "fit_model",
    "top_level",
    "with_params",
]
