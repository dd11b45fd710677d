"""The lean tagging path: the fitted Pipeline's arithmetic without its per-call overhead.

A Pipeline call validates input, builds a CSR matrix and runs a sparse product for one
document, which costs far more than the arithmetic itself. Here a document becomes a handful
of (feature index, weight) pairs and one gather from a dense weight matrix. Scores equal the
Pipeline's up to floating-point summation order; tests hold the two paths together.
"""

from collections import Counter

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer

from classifier.text import normalise, tokenize


class LinearScorer:
    """Decision values of a TF-IDF + linear model for one text at a time."""

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

    def features(self, text: str) -> tuple[np.ndarray, np.ndarray]:
        """Return the document's feature indices and their TF-IDF weights (l2-normalised)."""
        tokens = tokenize(normalise(text))
        low, high = self.ngram_range
        grams: list[str] = tokens if low == 1 else []
        for n in range(max(low, 2), high + 1):
            grams = grams + [" ".join(tokens[i : i + n]) for i in range(len(tokens) - n + 1)]
        lookup = self.vocabulary.get
        indices = []
        counts = []
        for gram, count in Counter(grams).items():
            index = lookup(gram)
            if index is not None:
                indices.append(index)
                counts.append(count)
        if not indices:
            return np.zeros(0, dtype=np.intp), np.zeros(0)
        index_array = np.array(indices, dtype=np.intp)
        tf = np.array(counts, dtype=np.float64)
        if self.sublinear_tf:
            tf = np.log(tf) + 1.0
        values = tf * self.idf[index_array]
        values /= np.sqrt(values @ values)
        return index_array, values

    def contributions(self, text: str, column: int, top_n: int) -> list[tuple[str, float]]:
        """The terms that raise one label's decision value most, with their share of it."""
        indices, values = self.features(text)
        if not len(indices):
            return []
        if self._terms is None:
            self._terms = np.empty(len(self.vocabulary), dtype=object)
            for term, index in self.vocabulary.items():
                self._terms[index] = term
        weights = values * self.weights[indices, column]
        order = np.argsort(-weights)[:top_n]
        return [(str(self._terms[indices[i]]), float(weights[i])) for i in order if weights[i] > 0]

    def decision(self, text: str) -> np.ndarray:
        """One decision value per label, as the linear model's decision_function gives."""
        indices, values = self.features(text)
        return values @ self.weights[indices] + self.intercept
