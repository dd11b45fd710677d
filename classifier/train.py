"""Fit a TopicModel: cross-validated hyperparameter search, calibration and per-tag thresholds.

Everything here looks at training data only. Held-out figures come from `evaluation.py`, on
examples this module never sees.
"""

import time
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from itertools import product
from typing import Any

import numpy as np
from joblib import Parallel, delayed
from sklearn.exceptions import ConvergenceWarning
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import KFold, StratifiedKFold
from sklearn.multiclass import OneVsRestClassifier
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import MultiLabelBinarizer
from sklearn.svm import LinearSVC

from classifier.data import Example
from classifier.errors import ModelError
from classifier.model import TopicModel, sigmoid
from classifier.rollup import WHOLE
from classifier.taxonomy import Taxonomy
from classifier.text import normalise, tokenize
from classifier.thresholds import (
    apply_rule,
    choose_abstain_score,
    choose_thresholds,
    fit_calibration,
)

Progress = Callable[[str], None]


@dataclass(frozen=True)
class SearchSpace:
    """Hyperparameters tried, most promising first, so a short budget still tries the best."""

    c_values: tuple[float, ...] = (1.0, 2.0, 0.5, 4.0)
    ngram_ranges: tuple[tuple[int, int], ...] = ((1, 2), (1, 1))
    min_dfs: tuple[int, ...] = (2, 1)

    def candidates(self) -> list[dict[str, Any]]:
        return [
            {"ngram_range": ngrams, "min_df": min_df, "C": c}
            for ngrams, min_df, c in product(self.ngram_ranges, self.min_dfs, self.c_values)
        ]


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


def build_pipeline(
    params: dict[str, Any], multilabel: bool, random_state: int, n_jobs: int = 1
) -> Pipeline:
    """The serving Pipeline: our normaliser and tokenizer inside, so nothing can drift."""
    return Pipeline(
        [
            ("tfidf", _vectorizer(params, preprocessor=normalise, tokenizer=tokenize)),
            ("linear", _classifier(params, multilabel, random_state, n_jobs)),
        ]
    )


def _vectorizer(
    params: dict[str, Any], preprocessor: Callable, tokenizer: Callable
) -> TfidfVectorizer:
    return TfidfVectorizer(
        preprocessor=preprocessor,
        tokenizer=tokenizer,
        token_pattern=None,
        lowercase=False,
        ngram_range=tuple(params["ngram_range"]),
        min_df=params["min_df"],
        sublinear_tf=True,
        dtype=np.float64,
    )


def _classifier(params: dict[str, Any], multilabel: bool, random_state: int, n_jobs: int) -> Any:
    linear: Any
    if params.get("loss", "hinge") == "log":
        linear = LogisticRegression(
            C=params["C"], max_iter=2000, class_weight=params.get("class_weight")
        )
    else:
        linear = LinearSVC(
            C=params["C"],
            max_iter=5000,
            random_state=random_state,
            class_weight=params.get("class_weight"),
        )
    return OneVsRestClassifier(linear, n_jobs=n_jobs) if multilabel else linear


def _pass_through(document: Any) -> Any:
    """Pre-tokenised documents go through the vectorizer untouched during the search."""
    return document


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
    texts = [example.text for example in examples]
    label_sets = [example.labels for example in examples]
    multilabel = not all(len(labels) == 1 for labels in label_sets)
    binarizer = MultiLabelBinarizer()
    y_matrix = binarizer.fit_transform(label_sets)
    classes = list(binarizer.classes_)
    if len(classes) < 2:
        raise ModelError(f"training needs at least two labels, found {len(classes)}: {classes}")
    target = y_matrix if multilabel else y_matrix.argmax(axis=1)
    say(f"tokenising {len(texts)} examples")
    tokens = [tokenize(normalise(text)) for text in texts]
    folds = _folds(target, multilabel, options)
    candidates = [options.fixed_params] if options.fixed_params else options.space.candidates()
    tried: list[dict[str, Any]] = []
    best: tuple[float, dict[str, Any], np.ndarray] | None = None
    for params in candidates:
        if tried and time.perf_counter() - started > options.budget_seconds:
            say(f"search budget of {options.budget_seconds:.0f}s spent after {len(tried)} tries")
            break
        tick = time.perf_counter()
        decision = _out_of_fold_decision(
            tokens, target, folds, params, multilabel, len(classes), options
        )
        score = _cv_score(decision, y_matrix, multilabel)
        tried.append(
            {**params, "cv_score": round(score, 4), "seconds": round(time.perf_counter() - tick, 2)}
        )
        say(f"candidate {params}: {score:.4f}")
        if best is None or score > best[0]:
            best = (score, params, decision)
    assert best is not None
    score, params, decision = best
    calibration, _, thresholds, abstain = _decision_rule(decision, y_matrix, multilabel)
    say(f"fitting the final model with {params}")
    pipeline = build_pipeline(params, multilabel, options.random_state, options.n_jobs)
    with _quiet_fit_warnings():
        pipeline.fit(texts, y_matrix if multilabel else np.array(classes)[target])
    if hasattr(pipeline[0], "stop_words_"):
        del pipeline[0].stop_words_  # the pruned-term set is not needed to tag and bloats files
    model = TopicModel(
        pipeline,
        classes,
        multilabel=multilabel,
        calibration=calibration,
        thresholds=thresholds,
        abstain_score=abstain,
        taxonomy=taxonomy,
        rollup=options.rollup,
        params={**params, "random_state": options.random_state},
    )
    report = TrainingReport(
        mode="multilabel" if multilabel else "multiclass",
        examples=len(texts),
        labels=len(classes),
        params=params,
        cv_score=score,
        cv_metric="micro_f1" if multilabel else "accuracy",
        candidates=tried,
        seconds=time.perf_counter() - started,
    )
    return model, report


def _folds(
    target: np.ndarray, multilabel: bool, options: TrainingOptions
) -> list[tuple[np.ndarray, np.ndarray]]:
    if multilabel:
        splitter: Any = KFold(options.folds, shuffle=True, random_state=options.random_state)
        return list(splitter.split(target))
    smallest = int(np.bincount(target).min())
    n_splits = max(2, min(options.folds, smallest))
    if smallest < 2:
        splitter = KFold(options.folds, shuffle=True, random_state=options.random_state)
    else:
        splitter = StratifiedKFold(n_splits, shuffle=True, random_state=options.random_state)
    return list(splitter.split(np.zeros(len(target)), target))


def _out_of_fold_decision(
    tokens: list[list[str]],
    target: np.ndarray,
    folds: list[tuple[np.ndarray, np.ndarray]],
    params: dict[str, Any],
    multilabel: bool,
    n_labels: int,
    options: TrainingOptions,
) -> np.ndarray:
    jobs = (
        delayed(_fit_fold)(
            [tokens[i] for i in train],
            target[train],
            [tokens[i] for i in test],
            params,
            multilabel,
            n_labels,
            options.random_state,
        )
        for train, test in folds
    )
    decision = np.zeros((len(tokens), n_labels))
    for (_, test), fold_decision in zip(folds, Parallel(n_jobs=options.n_jobs)(jobs), strict=True):
        decision[test] = fold_decision
    return decision


def _fit_fold(
    train_tokens: list[list[str]],
    train_target: np.ndarray,
    test_tokens: list[list[str]],
    params: dict[str, Any],
    multilabel: bool,
    n_labels: int,
    random_state: int,
) -> np.ndarray:
    vectorizer = _vectorizer(params, preprocessor=_pass_through, tokenizer=_pass_through)
    classifier = _classifier(params, multilabel, random_state, n_jobs=1)
    with _quiet_fit_warnings():
        classifier.fit(vectorizer.fit_transform(train_tokens), train_target)
    raw = classifier.decision_function(vectorizer.transform(test_tokens))
    if multilabel:
        return raw
    decision = np.full((len(test_tokens), n_labels), -10.0)  # classes absent from this fold
    if raw.ndim == 1:
        raw = np.column_stack([-raw, raw])
    decision[:, classifier.classes_] = raw
    return decision


def _cv_score(decision: np.ndarray, y_matrix: np.ndarray, multilabel: bool) -> float:
    """Out-of-fold quality of the full decision rule the model will use.

    For multi-label data that includes calibration, per-tag thresholds and the abstain
    score, fitted on the same out-of-fold values: slightly optimistic, equally so for every
    candidate, which is what a comparison needs.
    """
    if not multilabel:
        return float(np.mean(decision.argmax(axis=1) == y_matrix.argmax(axis=1)))
    _, probabilities, thresholds, abstain = _decision_rule(decision, y_matrix, multilabel)
    predicted = apply_rule(probabilities, thresholds, abstain)
    true_positives = np.logical_and(predicted, y_matrix == 1).sum()
    denominator = predicted.sum() + y_matrix.sum()
    return float(2 * true_positives / denominator) if denominator else 0.0


def _decision_rule(
    decision: np.ndarray, y_matrix: np.ndarray, multilabel: bool
) -> tuple[np.ndarray, np.ndarray, np.ndarray, float]:
    """Calibration, calibrated probabilities, per-tag thresholds and the abstain score.

    Single-label data always gets its best tag, so thresholds and abstain do not apply.
    """
    calibration = fit_calibration(decision, y_matrix)
    probabilities = sigmoid(decision * calibration[:, 0] + calibration[:, 1])
    if not multilabel:
        return calibration, probabilities, np.full(decision.shape[1], 0.5), 0.0
    thresholds = choose_thresholds(probabilities, y_matrix)
    abstain = choose_abstain_score(probabilities, y_matrix, thresholds)
    return calibration, probabilities, thresholds, abstain


class _quiet_fit_warnings(warnings.catch_warnings):
    """Silence the two warnings that cross-validation on rare labels raises by design."""

    def __enter__(self) -> Any:
        result = super().__enter__()
        warnings.filterwarnings("ignore", message=r"Label .* is present in all training examples")
        warnings.filterwarnings("ignore", category=ConvergenceWarning)
        return result


def with_params(options: TrainingOptions, params: dict[str, Any]) -> TrainingOptions:
    """Options that skip the search and fit with parameters chosen earlier."""
    return replace(options, fixed_params=params)


__all__ = [
    "SearchSpace",
    "TrainingOptions",
    "TrainingReport",
    "build_pipeline",
    "fit_model",
    "with_params",
]
