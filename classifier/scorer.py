"""The lean tagging path: the fitted Pipeline's arithmetic without its per-call overhead.

A Pipeline call validates input, builds a CSR matrix and runs a sparse product for one
document, which costs far more than the arithmetic itself. Here each text becomes a list of
(feature index, count) pairs in plain Python, and all texts of an article then go through
numpy together: one gather from a dense weight matrix and one segmented sum. Scores equal the
Pipeline's up to floating-point summation order; tests hold the two paths together.
"""

from collections import Counter
from collections.abc import Sequence
from itertools import pairwise, repeat

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer

from classifier.text import normalise, tokenize


class LinearScorer:
    """Decision values of a TF-IDF + linear model, for one text or a batch of texts."""

    def __init__(self, vectorizer: TfidfVectorizer, weights: np.ndarray, intercept: np.ndarray):
        if vectorizer.norm != "l2" or not vectorizer.use_idf:
            raise ValueError("the lean path expects an l2-normalised TF-IDF vectorizer")
        self.vocabulary: dict[str, int] = vectorizer.vocabulary_
        self.idf = np.asarray(vectorizer.idf_, dtype=np.float64)
        self.ngram_range: tuple[int, int] = vectorizer.ngram_range
        self.sublinear_tf = bool(vectorizer.sublinear_tf)
        self.weights = np.ascontiguousarray(weights, dtype=np.float64)
        self.intercept = np.asarray(intercept, dtype=np.float64)
        self._terms: np.ndarray | None = None  # index -> term, built on the first explanation

    def grams(self, text: str) -> Counter[str]:
        """The text's n-grams, counted, exactly as the vectorizer forms them."""
        tokens = tokenize(normalise(text))
        low, high = self.ngram_range
        grams: list[str] = tokens if low == 1 else []
        if low <= 2 <= high:
            grams = grams + [f"{a} {b}" for a, b in pairwise(tokens)]
        for n in range(max(low, 3), high + 1):
            grams = grams + [" ".join(tokens[i : i + n]) for i in range(len(tokens) - n + 1)]
        return Counter(grams)

    def _sparse_rows(self, texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(row, feature index, TF-IDF value) triples of the texts, rows l2-normalised."""
        keys: list[str] = []
        counts: list[int] = []
        lengths = []
        for text in texts:
            counted = self.grams(text)
            keys += counted
            counts += counted.values()
            lengths.append(len(counted))
        # Vocabulary look-ups in one C-level pass; -1 marks an n-gram the model never saw.
        indices = np.fromiter(map(self.vocabulary.get, keys, repeat(-1)), np.intp, len(keys))
        rows = np.repeat(np.arange(len(texts)), lengths)
        known = indices >= 0
        indices, rows = indices[known], rows[known]
        tf = np.array(counts, dtype=np.float64)[known]
        if self.sublinear_tf:
            tf = np.log(tf) + 1.0
        values = tf * self.idf[indices]
        norms = np.sqrt(np.bincount(rows, weights=values * values, minlength=len(texts)))
        values /= norms[rows]
        return rows, indices, values

    def decisions(self, texts: Sequence[str]) -> np.ndarray:
        """Decision values of many texts (rows), as the linear model's decision_function."""
        rows, indices, values = self._sparse_rows(texts)
        result = np.tile(self.intercept, (len(texts), 1))
        if len(rows):
            starts = np.flatnonzero(np.r_[True, rows[1:] != rows[:-1]])
            result[rows[starts]] += np.add.reduceat(self.weights[indices] * values[:, None], starts)
        return result

    def contributions(self, text: str, column: int, top_n: int) -> list[tuple[str, float]]:
        """The terms that raise one label's decision value most, with their share of it."""
        _, indices, values = self._sparse_rows([text])
        if not len(indices):
            return []
        if self._terms is None:
            self._terms = np.empty(len(self.vocabulary), dtype=object)
            for term, index in self.vocabulary.items():
                self._terms[index] = term
        weights = values * self.weights[indices, column]
        order = np.argsort(-weights)[:top_n]
        return [(str(self._terms[indices[i]]), float(weights[i])) for i in order if weights[i] > 0]
