"""Cross-validated hyperparameter search, and the estimators it builds.

Only training data is seen here. Each candidate's out-of-fold decision values also give the
calibration, per-tag thresholds and abstain score the final model will use.
"""

import time
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from itertools import product
from typing import Any

import numpy as np
from joblib import Parallel, delayed
from scipy.sparse import hstack
from sklearn.exceptions import ConvergenceWarning
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.model_selection import KFold, StratifiedKFold
from sklearn.pipeline import FeatureUnion
from sklearn.svm import LinearSVC

from classifier.evaluate import micro_f1
from classifier.linear import WeightedOneVsRest
from classifier.selection import decide
from classifier.text import character_text
from classifier.thresholds import (
    calibrate,
    choose_abstain_score,
    choose_thresholds,
    fit_calibration,
)

Progress = Callable[[str], None]
# (calibration, calibrated out-of-fold probabilities, per-tag thresholds, abstain score)
Rule = tuple[np.ndarray, np.ndarray, np.ndarray, float]
CHARACTER_MIN_DF = 3
CHARACTER_MARGIN = 0.002  # what a candidate with characters must gain over one without
ESTIMATE_SAMPLE = 500  # texts whose character n-grams are counted to estimate a fit's cost


@dataclass(frozen=True)
class SearchSpace:
    """Hyperparameters tried, most promising first, so a short budget still tries the best."""

    c_values: tuple[float, ...] = (1.0, 2.0, 0.5, 4.0)
    ngram_ranges: tuple[tuple[int, int], ...] = ((1, 2), (1, 1))
    min_dfs: tuple[int, ...] = (2, 1)
    # How much a secondary label counts beside a main one (multi-label data only). On our
    # data 0.5 raised main-topic top-1 on a validation split of train (0.754 -> 0.759) with
    # micro-F1 up too; data whose label order means nothing (Reuters) may prefer 1.
    secondary_weights: tuple[float, ...] = (0.5, 1.0)
    # Character n-grams beside the words (char_wb). 4-grams alone kept the whole gain of 2-5
    # grams on Reuters (bench/levers.py --characters); in this search they gain 0.3 micro-F1
    # on Reuters and nothing on BBC or our data (BENCHMARKS.md). They cost far more to fit
    # and to serve, so each is tried right after its words-only twin, only when the twin's
    # time says it fits the budget left.
    characters: tuple[tuple[int, int], ...] = ((4, 4),)

    def candidates(self, multilabel: bool = True) -> list[dict[str, Any]]:
        """The grid in trying order; single-label data has no secondary labels to weight."""
        weights: tuple[float | None, ...] = self.secondary_weights if multilabel else (None,)
        grid = product(self.ngram_ranges, self.min_dfs, self.c_values, weights)
        candidates: list[dict[str, Any]] = []
        for ngrams, min_df, c, weight in grid:
            words = {"ngram_range": ngrams, "min_df": min_df, "C": c}
            if weight is not None:
                words["secondary_weight"] = weight
            candidates.append(words)
            candidates += [{**words, "characters": chars} for chars in self.characters]
        return candidates


@dataclass(frozen=True)
class FoldPlan:
    """How the search splits and runs: folds, parallel jobs, seed."""

    folds: int
    n_jobs: int
    random_state: int


def make_vectorizer(
    params: dict[str, Any], preprocessor: Callable, tokenizer: Callable
) -> TfidfVectorizer:
    """Word n-gram TF-IDF with sublinear tf; text handling comes from our own functions."""
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


def make_character_vectorizer(ngram_range: Sequence[int]) -> TfidfVectorizer:
    """Character n-grams within word boundaries, cut from normalised lower-cased text.

    min_df 3 as measured on Reuters: it halves the features of min_df 1 for the same gain.
    """
    return TfidfVectorizer(
        analyzer="char_wb",
        preprocessor=character_text,
        ngram_range=(ngram_range[0], ngram_range[1]),
        min_df=CHARACTER_MIN_DF,
        sublinear_tf=True,
        dtype=np.float64,
    )


def feature_step(
    words: TfidfVectorizer, characters: TfidfVectorizer | None
) -> TfidfVectorizer | FeatureUnion:
    """The Pipeline's first step: the words alone, or words and characters side by side."""
    if characters is None:
        return words
    return FeatureUnion([("words", words), ("characters", characters)])


def make_classifier(
    params: dict[str, Any], multilabel: bool, random_state: int, n_jobs: int
) -> Any:
    """A linear SVM; one per tag for multi-label data (secondary labels weighted as asked)."""
    if not multilabel:
        return LinearSVC(C=params["C"], max_iter=5000, random_state=random_state)
    return WeightedOneVsRest(
        C=params["C"],
        secondary_weight=params.get("secondary_weight", 1.0),
        random_state=random_state,
        n_jobs=n_jobs,
    )


def pass_through(document: Any) -> Any:
    """Pre-tokenised documents go through the vectorizer untouched during the search."""
    return document


class CrossValidatedSearch:
    """Cross-validated search over the candidates, within the time budget.

    The vocabulary and IDF weights are fitted once per vectorizer setting on all training
    texts and shared by the folds: they use no labels, and refitting them per fold would
    multiply the cost of the search for a difference in the estimates that is negligible.
    Folds run in threads, since liblinear releases the GIL.
    """

    def __init__(
        self,
        texts: Sequence[str],
        tokens: list[list[str]],
        y_matrix: np.ndarray,
        target: np.ndarray,
        multilabel: bool,
        plan: FoldPlan,
        say: Progress,
        main: np.ndarray | None = None,
    ):
        self.texts, self.tokens, self.y_matrix, self.target = texts, tokens, y_matrix, target
        self.main, self.multilabel, self.plan, self.say = main, multilabel, plan, say
        self.tried: list[dict[str, Any]] = []
        self._words: dict[tuple[Any, ...], tuple[TfidfVectorizer, Any]] = {}
        self._characters: dict[tuple[int, ...], tuple[TfidfVectorizer, Any]] = {}
        self._sampled_values: dict[tuple[int, ...], float] = {}

    def features(
        self, params: dict[str, Any]
    ) -> tuple[TfidfVectorizer, TfidfVectorizer | None, Any]:
        """The fitted word and character vectorizers and the feature matrix (each cached)."""
        key = (tuple(params["ngram_range"]), params["min_df"])
        if key not in self._words:
            vectorizer = make_vectorizer(params, preprocessor=pass_through, tokenizer=pass_through)
            self._words[key] = (vectorizer, vectorizer.fit_transform(self.tokens))
        words, word_features = self._words[key]
        if not params.get("characters"):
            return words, None, word_features
        span = tuple(params["characters"])
        if span not in self._characters:
            vectorizer = make_character_vectorizer(span)
            self._characters[span] = (vectorizer, vectorizer.fit_transform(self.texts))
        characters, character_features = self._characters[span]
        return words, characters, hstack([word_features, character_features], format="csr")

    def run(
        self, candidates: list[dict[str, Any]], started: float, budget_seconds: float
    ) -> tuple[float, dict[str, Any], Rule]:
        """Score each candidate out of fold; return the best score, parameters and rule."""
        best: tuple[float, dict[str, Any], Rule] | None = None
        for params in candidates:
            spent = time.perf_counter() - started
            if self.tried and spent > budget_seconds:
                self.say(
                    f"search budget of {budget_seconds:.0f}s spent after {len(self.tried)} tries"
                )
                break
            estimate = self._estimated_seconds(params)
            if self.tried and estimate is not None and spent + estimate > budget_seconds:
                self.say(f"candidate {params} skipped: about {estimate:.0f}s, beyond the budget")
                continue
            tick = time.perf_counter()
            decision = self._out_of_fold_decision(params)
            rule = decision_rule(decision, self.y_matrix, self.multilabel)
            score = _cv_score(decision, self.y_matrix, self.multilabel, rule)
            seconds = round(time.perf_counter() - tick, 2)
            self.tried.append({**params, "cv_score": round(score, 4), "seconds": seconds})
            self.say(f"candidate {params}: {score:.4f}")
            if best is None or ranking_score(score, params) > ranking_score(best[0], best[1]):
                best = (score, params, rule)
        assert best is not None
        return best

    def _estimated_seconds(self, params: dict[str, Any]) -> float | None:
        """A character candidate's cost, from its words-only twin's time, before building it.

        Fitting time grows with the stored feature values, so the twin's time is scaled by
        the values the characters add, counted on a sample of the texts. It errs high, which is
        the safe side for a budget: it said 36 s and 59 s where Reuters took 30 s and 33 s,
        and 460 s where our data took 274 s. None when there is nothing to estimate from (no
        characters, or the twin was not tried).
        """
        if not params.get("characters"):
            return None
        twin = {key: value for key, value in params.items() if key != "characters"}
        timed = [t["seconds"] for t in self.tried if _same_params(t, twin)]
        if not timed:
            return None
        _, _, word_features = self.features(twin)
        added = self._character_values(tuple(params["characters"]))
        return timed[0] * (1 + added / max(word_features.nnz, 1))

    def _character_values(self, span: tuple[int, ...]) -> float:
        """How many values characters of this span add to the matrix, from a sample (cached)."""
        if span not in self._sampled_values:
            sample = np.random.default_rng(self.plan.random_state).choice(
                len(self.texts), size=min(len(self.texts), ESTIMATE_SAMPLE), replace=False
            )
            counter = make_character_vectorizer(span).set_params(min_df=1)
            sampled = counter.fit_transform([self.texts[k] for k in sample]).nnz
            self._sampled_values[span] = sampled * len(self.texts) / len(sample)
        return self._sampled_values[span]

    def _out_of_fold_decision(self, params: dict[str, Any]) -> np.ndarray:
        _, _, features = self.features(params)
        n_labels = self.y_matrix.shape[1]
        return out_of_fold_decision(
            features, self.target, n_labels, params, self.multilabel, self.plan, self.main
        )


def ranking_score(score: float, params: dict[str, Any]) -> float:
    """The score a candidate is ranked by: characters must win by more than fold noise.

    They cost several times more to fit and about 1.5 times more to tag, so a gain within
    the noise between folds (about 0.002 micro-F1 on Reuters) does not pay for them.
    """
    return score - CHARACTER_MARGIN if params.get("characters") else score


def _same_params(tried: dict[str, Any], params: dict[str, Any]) -> bool:
    """Whether a tried candidate (with its score and time) had exactly these parameters."""
    settings = {k: v for k, v in tried.items() if k not in ("cv_score", "seconds")}
    return settings == params


def out_of_fold_decision(
    features: Any,
    target: np.ndarray,
    n_labels: int,
    params: dict[str, Any],
    multilabel: bool,
    plan: FoldPlan,
    main: np.ndarray | None = None,
) -> np.ndarray:
    """Decision values of every example from a model that never saw it (k-fold).

    `main` marks each example's main topic (multi-label data), for weighting secondary labels.
    """
    seed = plan.random_state
    folds = _folds(target, multilabel, plan)
    jobs = (
        delayed(_fit_fold)(features, target, train, test, params, multilabel, n_labels, seed, main)
        for train, test in folds
    )
    decision = np.zeros((features.shape[0], n_labels))
    results = Parallel(n_jobs=plan.n_jobs, prefer="threads")(jobs)
    for (_, test), fold_decision in zip(folds, results, strict=True):
        decision[test] = fold_decision
    return decision


def _folds(
    target: np.ndarray, multilabel: bool, plan: FoldPlan
) -> list[tuple[np.ndarray, np.ndarray]]:
    if multilabel:
        splitter: Any = KFold(plan.folds, shuffle=True, random_state=plan.random_state)
        return list(splitter.split(target))
    smallest = int(np.bincount(target).min())
    n_splits = max(2, min(plan.folds, smallest))
    if smallest < 2:
        splitter = KFold(plan.folds, shuffle=True, random_state=plan.random_state)
    else:
        splitter = StratifiedKFold(n_splits, shuffle=True, random_state=plan.random_state)
    return list(splitter.split(np.zeros(len(target)), target))


def _fit_fold(
    features: Any,
    target: np.ndarray,
    train: np.ndarray,
    test: np.ndarray,
    params: dict[str, Any],
    multilabel: bool,
    n_labels: int,
    random_state: int,
    main: np.ndarray | None,
) -> np.ndarray:
    classifier = make_classifier(params, multilabel, random_state, n_jobs=1)
    extra = {"main": main[train]} if multilabel and main is not None else {}
    with quiet_fit_warnings():
        classifier.fit(features[train], target[train], **extra)
    raw = classifier.decision_function(features[test])
    if multilabel:
        return raw
    decision = np.full((len(test), n_labels), -10.0)  # classes absent from this fold
    if raw.ndim == 1:
        raw = np.column_stack([-raw, raw])
    decision[:, classifier.classes_] = raw
    return decision


def _cv_score(decision: np.ndarray, y_matrix: np.ndarray, multilabel: bool, rule: Rule) -> float:
    """Out-of-fold quality of the full decision rule the model will use.

    For multi-label data that includes calibration, per-tag thresholds and the abstain
    score, fitted on the same out-of-fold values: slightly optimistic, equally so for every
    candidate, which is what a comparison needs.
    """
    if not multilabel:
        return float(np.mean(decision.argmax(axis=1) == y_matrix.argmax(axis=1)))
    _, probabilities, thresholds, abstain = rule
    return micro_f1(y_matrix, decide(probabilities, thresholds, abstain, multilabel=True))


def decision_rule(decision: np.ndarray, y_matrix: np.ndarray, multilabel: bool) -> Rule:
    """Calibration, calibrated probabilities, per-tag thresholds and the abstain score.

    Single-label data always gets its best tag, so thresholds and abstain do not apply.
    """
    calibration = fit_calibration(decision, y_matrix)
    probabilities = calibrate(decision, calibration)
    if not multilabel:
        return calibration, probabilities, np.full(decision.shape[1], 0.5), 0.0
    thresholds = choose_thresholds(probabilities, y_matrix)
    abstain = choose_abstain_score(probabilities, y_matrix, thresholds)
    return calibration, probabilities, thresholds, abstain


class quiet_fit_warnings(warnings.catch_warnings):
    """Silence the two warnings that cross-validation on rare labels raises by design."""

    def __enter__(self) -> Any:
        result = super().__enter__()
        warnings.filterwarnings("ignore", message=r"Label .* is present in all training examples")
        warnings.filterwarnings("ignore", category=ConvergenceWarning)
        return result
