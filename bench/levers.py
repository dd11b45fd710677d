"""Quality levers of issue 14 by cross-validation on Reuters train only (never the test file).

    .venv/bin/python bench/levers.py [--characters]

Each lever changes how one tag's linear SVM is fitted; every one is scored out of fold (5
folds) through the full decision rule the model uses (calibration, per-tag thresholds,
abstain score), on the same word 1-2 gram TF-IDF features the search picks for Reuters.
With --characters the SVM stays plain and the features change instead: character n-grams
(`char_wb`) beside the word n-grams, in cheaper settings than the 2-5 grams first measured,
to see whether any fits the training budget.
Figures go to BENCHMARKS.md's table of what was tried, by hand: they decide whether a lever
is worth building into the search, not a published result.
"""

import argparse
import time
from collections.abc import Callable

import numpy as np
from common import dataset, read_jsonl
from scipy.sparse import hstack
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.metrics import f1_score
from sklearn.model_selection import KFold
from sklearn.preprocessing import MultiLabelBinarizer
from sklearn.svm import LinearSVC

from classifier.search import decision_rule, make_vectorizer, pass_through
from classifier.selection import decide
from classifier.text import normalise, tokenize

FOLDS = 5
RARE = 20  # tags with fewer training positives than this count as rare

Fit = Callable[[object, np.ndarray, object], np.ndarray]


def svm(train, y, test, C=1.0, weights=None) -> np.ndarray:
    fitted = LinearSVC(C=C, max_iter=5000, random_state=0, class_weight=weights).fit(train, y)
    return fitted.decision_function(test)


def rare_tag_weights(train, y, test) -> np.ndarray:
    positives = int(y.sum())
    weights = {1: min(5.0, RARE / positives)} if positives < RARE else None
    return svm(train, y, test, weights=weights)


def log_count_ratio(train, y) -> np.ndarray:
    """NB-SVM's r: how much likelier each feature is among the tag's positives (alpha 1)."""
    p = 1.0 + np.asarray(train[y == 1].sum(axis=0)).ravel()
    q = 1.0 + np.asarray(train[y == 0].sum(axis=0)).ravel()
    return np.log((p / p.sum()) / (q / q.sum()))


def nb_svm(C: float, beta: float | None = None) -> Fit:
    """Features scaled by r (or by 1 + beta (|r| - 1), nearer the plain features)."""

    def fit(train, y, test) -> np.ndarray:
        r = log_count_ratio(train, y)
        scale = r if beta is None else 1.0 + beta * (np.abs(r) - 1.0)
        return svm(train.multiply(scale).tocsr(), y, test.multiply(scale).tocsr(), C=C)

    return fit


def out_of_fold(features, y_matrix: np.ndarray, fit: Fit) -> np.ndarray:
    decision = np.zeros(y_matrix.shape)
    for train, test in KFold(FOLDS, shuffle=True, random_state=0).split(y_matrix):
        for k in range(y_matrix.shape[1]):
            y = y_matrix[train, k]
            if y.min() == y.max():  # a tag absent from (or everywhere in) this fold's training
                decision[test, k] = 10.0 if y[0] else -10.0
            else:
                decision[test, k] = fit(features[train], y, features[test])
    return decision


# char_wb settings beside the word n-grams: (n-gram range, min_df, most features kept)
CHARACTER_SETTINGS = {
    "char_wb 2-5": ((2, 5), 1, None),
    "char_wb 3-5, min_df 3": ((3, 5), 3, None),
    "char_wb 3-5, min_df 3, 50,000 most frequent": ((3, 5), 3, 50_000),
    "char_wb 4 only, min_df 3": ((4, 4), 3, None),
}


def report(name: str, features, y_matrix: np.ndarray, fit: Fit, started: float) -> None:
    decision = out_of_fold(features, y_matrix, fit)
    _, probabilities, thresholds, abstain = decision_rule(decision, y_matrix, True)
    chosen = decide(probabilities, thresholds, abstain, multilabel=True)
    micro = f1_score(y_matrix, chosen, average="micro")
    macro = f1_score(y_matrix, chosen, average="macro", zero_division=0)
    seconds = time.perf_counter() - started
    print(
        f"{name}: {features.shape[1]} features, micro-F1 {micro:.4f}, macro-F1 {macro:.4f} "
        f"({seconds:.0f} s)",
        flush=True,
    )


def character_levers(texts: list[str], words, y_matrix: np.ndarray) -> None:
    """Word n-grams alone, then with each character setting (its time includes building them)."""
    report("words only", words, y_matrix, svm, time.perf_counter())
    for name, (ngram_range, min_df, most) in CHARACTER_SETTINGS.items():
        started = time.perf_counter()
        characters = TfidfVectorizer(
            analyzer="char_wb",
            ngram_range=ngram_range,
            min_df=min_df,
            max_features=most,
            sublinear_tf=True,
        ).fit_transform(texts)
        report(f"words + {name}", hstack([words, characters]).tocsr(), y_matrix, svm, started)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--characters", action="store_true", help="character n-gram settings")
    args = parser.parse_args()
    documents = [d for d in read_jsonl(dataset("reuters21578-modapte-train.jsonl")) if d["labels"]]
    y_matrix = MultiLabelBinarizer().fit_transform([d["labels"] for d in documents])
    texts = [normalise(d["text"]) for d in documents]
    tokens = [tokenize(text) for text in texts]
    vectorizer = make_vectorizer({"ngram_range": (1, 2), "min_df": 2}, pass_through, pass_through)
    features = vectorizer.fit_transform(tokens).tocsr()
    print(f"Reuters train: {features.shape[0]} documents, {y_matrix.shape[1]} tags, {FOLDS} folds")
    if args.characters:
        character_levers(texts, features, y_matrix)
        return
    levers: dict[str, Fit] = {
        "plain SVM, C=1": svm,
        "rare-tag class weights": rare_tag_weights,
        "NB-SVM, C=1": nb_svm(1.0),
        "NB-SVM, C=0.5": nb_svm(0.5),
        "NB-SVM, C=4": nb_svm(4.0),
        "NB-SVM interpolated, beta 0.1": nb_svm(1.0, beta=0.1),
        "NB-SVM interpolated, beta 0.25": nb_svm(1.0, beta=0.25),
    }
    for name, fit in levers.items():
        report(name, features, y_matrix, fit, time.perf_counter())


if __name__ == "__main__":
    main()
