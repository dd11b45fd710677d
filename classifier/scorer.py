"""The lean tagging path: the fitted Pipeline's arithmetic without its per-call overhead.

A Pipeline call validates input, builds a CSR matrix and runs a sparse product per call,
which costs far more than the arithmetic itself. Here a whole batch of texts is turned into
(row, feature, TF-IDF value) triples with numpy: each word maps to its unigram column through
a memoised dictionary, bigrams become integer codes looked up in a sorted table, and counting,
weighting and normalising happen once for the batch. Scores equal the Pipeline's up to
floating-point summation order; tests hold the two paths together.
"""

from collections import Counter
from collections.abc import Callable, Sequence
from itertools import pairwise, repeat

import numpy as np
from scipy.sparse import csr_matrix
from sklearn.feature_extraction.text import TfidfVectorizer

from classifier.hashindex import HashIndex
from classifier.text import normalise, stem_of, tokenize
from classifier.wordcodes import WordCodes

# Below these sizes Python per text is faster than numpy's fixed cost per call: one article
# goes word by word, a batch of them goes through the vectorised path (same results).
_BATCH_CHARS = 20_000
_STOP = -2  # a stop word: it takes no place in the sequence n-grams are formed from
_UNKNOWN = -1  # outside the vocabulary: it takes a place, and no n-gram through it is known


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
        # word -> unigram column, _UNKNOWN or _STOP; a lookup that does not hold the scorer, so a
        # replaced model is freed at once rather than by the next full garbage collection
        self._words = WordCodes(_column_lookup(self.vocabulary))
        self._bigrams = self._bigram_table()

    def _bigram_table(self) -> tuple[HashIndex, np.ndarray] | None:
        """An index of bigram codes (first column * width + second column), and their columns.

        None where the vectorised path does not apply: n-grams other than 1-2, or a bigram
        whose words are not unigram features (only possible with pruning other than min_df).
        """
        if self.ngram_range not in ((1, 1), (1, 2)):
            return None
        width = len(self.vocabulary)
        codes, columns = [], []
        self._opens_bigram = np.zeros(width, dtype=bool)
        for term, column in self.vocabulary.items():
            first, space, second = term.partition(" ")
            if not space:
                continue
            if first not in self.vocabulary or second not in self.vocabulary:
                return None
            self._opens_bigram[self.vocabulary[first]] = True
            codes.append(self.vocabulary[first] * width + self.vocabulary[second])
            columns.append(column)
        return HashIndex(np.array(codes, dtype=np.uint64)), np.array(columns, dtype=np.int64)

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
        if self._bigrams is None or sum(map(len, texts)) < _BATCH_CHARS:
            rows, indices, counts = self._counted_by_grams(texts)
        else:
            rows, indices, counts = self._counted_by_codes(texts)
        tf = np.log(counts) + 1.0 if self.sublinear_tf else counts
        values = tf * self.idf[indices]
        norms = np.sqrt(np.bincount(rows, weights=values * values, minlength=len(texts)))
        values /= norms[rows]
        return rows, indices, values

    def _counted_by_codes(self, texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Counts of every known unigram and bigram per text, in numpy, sorted by row."""
        assert self._bigrams is not None
        codes, rows = self._words.encode(texts)
        placed = codes != _STOP
        codes, rows = codes[placed], rows[placed]
        known = codes >= 0
        features, owners = [codes[known]], [rows[known]]
        if self.ngram_range[1] == 2 and len(codes) > 1:
            index, columns = self._bigrams
            opens = np.zeros(len(codes), dtype=bool)
            opens[known] = self._opens_bigram[codes[known]]
            pair = opens[:-1] & known[1:] & (rows[:-1] == rows[1:])
            wanted = codes[:-1][pair] * len(self.vocabulary) + codes[1:][pair]
            at = index.find(wanted.astype(np.uint64))
            found = at >= 0
            features.append(columns[at[found]])
            owners.append(rows[:-1][pair][found])
        width = len(self.vocabulary)
        keys, counts = np.unique(
            np.concatenate(owners) * width + np.concatenate(features), return_counts=True
        )
        return keys // width, keys % width, counts.astype(np.float64)

    def _counted_by_grams(self, texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The general path for any n-gram range: n-gram strings counted per text."""
        keys: list[str] = []
        counts: list[int] = []
        lengths = []
        for text in texts:
            counted = self.grams(text)
            keys += counted
            counts += counted.values()
            lengths.append(len(counted))
        indices = np.fromiter(map(self.vocabulary.get, keys, repeat(-1)), np.intp, len(keys))
        rows = np.repeat(np.arange(len(texts)), lengths)
        known = indices >= 0
        rows, indices = rows[known], indices[known]
        # in the order the vectorised path gives, so that both sum in the same order
        order = np.argsort(rows * len(self.vocabulary) + indices)
        return rows[order], indices[order], np.array(counts, dtype=np.float64)[known][order]

    def features(self, texts: Sequence[str]) -> csr_matrix:
        """The TF-IDF rows of the texts, as the vectorizer's transform gives them."""
        rows, indices, values = self._sparse_rows(texts)
        # rows are sorted, so the CSR row pointers are a cumulative count: no sorting needed
        pointers = np.zeros(len(texts) + 1, dtype=np.int64)
        np.cumsum(np.bincount(rows, minlength=len(texts)), out=pointers[1:])
        return csr_matrix((values, indices, pointers), shape=(len(texts), len(self.vocabulary)))

    def decisions(self, texts: Sequence[str] | csr_matrix) -> np.ndarray:
        """Decision values of many texts (rows), as the linear model's decision_function."""
        features = texts if isinstance(texts, csr_matrix) else self.features(texts)
        return np.asarray(features @ self.weights) + self.intercept

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


def _column_lookup(vocabulary: dict[str, int]) -> Callable[[str], int]:
    def column_of(word: str) -> int:
        stem = stem_of(word)
        return vocabulary.get(stem, _UNKNOWN) if stem else _STOP

    return column_of
