"""The lean tagging path: the fitted Pipeline's arithmetic without its per-call overhead.

A Pipeline call validates input, builds a CSR matrix and runs a sparse product per call,
which costs far more than the arithmetic itself. Here a whole batch of texts is turned into
(row, feature, TF-IDF value) triples with numpy: each word maps to its unigram column through
a memoised dictionary, bigrams become integer codes looked up in a sorted table, and counting,
weighting and normalising happen once for the batch. Scores equal the Pipeline's up to
floating-point summation order; tests hold the two paths together.

A model trained with character n-grams beside the words (a FeatureUnion) gets their columns
the same way, n-gram strings counted per text in one pass over the batch, appended to the word
columns as the union appends them.
"""

from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from itertools import pairwise, repeat

import numpy as np
from scipy.sparse import csr_matrix, hstack
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.pipeline import FeatureUnion

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

    def __init__(
        self,
        features: TfidfVectorizer | FeatureUnion,
        weights: np.ndarray,
        intercept: np.ndarray,
    ):
        vectorizer, characters = _word_and_character_parts(features)
        self.characters = CharacterFeatures(characters) if characters is not None else None
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
        values = tfidf_values(rows, indices, counts, self.idf, self.sublinear_tf, len(texts))
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
        return counted_grams(map(self.grams, texts), self.vocabulary)

    def features(self, texts: Sequence[str]) -> csr_matrix:
        """The TF-IDF rows of the texts, as the Pipeline's first step transforms them."""
        words = sorted_rows_matrix(*self._sparse_rows(texts), len(texts), len(self.vocabulary))
        if self.characters is None:
            return words
        return hstack([words, self.characters.features(texts)], format="csr")

    def decisions(self, texts: Sequence[str] | csr_matrix) -> np.ndarray:
        """Decision values of many texts (rows), as the linear model's decision_function."""
        features = texts if isinstance(texts, csr_matrix) else self.features(texts)
        return np.asarray(features @ self.weights) + self.intercept

    def contributions(self, text: str, column: int, top_n: int) -> list[tuple[str, float]]:
        """The terms that raise one label's decision value most, with their share of it."""
        row = self.features([text])
        if not row.nnz:
            return []
        if self._terms is None:
            self._terms = self._all_terms()
        weights = row.data * self.weights[row.indices, column]
        order = np.argsort(-weights)[:top_n]
        return [
            (str(self._terms[row.indices[i]]), float(weights[i])) for i in order if weights[i] > 0
        ]

    def _all_terms(self) -> np.ndarray:
        """Column -> term: the word n-grams, then the character n-grams as the union has them."""
        vocabularies = [self.vocabulary]
        if self.characters is not None:
            vocabularies.append(self.characters.vocabulary)
        terms = np.empty(sum(map(len, vocabularies)), dtype=object)
        offset = 0
        for vocabulary in vocabularies:
            for term, index in vocabulary.items():
                terms[offset + index] = term
            offset += len(vocabulary)
        return terms


def _word_and_character_parts(
    features: TfidfVectorizer | FeatureUnion,
) -> tuple[TfidfVectorizer, TfidfVectorizer | None]:
    """The word vectorizer, and the character one when the model has it beside the words."""
    if not isinstance(features, FeatureUnion):
        return features, None
    parts = dict(features.transformer_list)
    if list(parts) != ["words", "characters"]:
        raise ValueError(f"the lean path expects words then characters, not {list(parts)}")
    return parts["words"], parts["characters"]


class CharacterFeatures:
    """A char_wb TfidfVectorizer's transform, without its per-call validation and copies."""

    def __init__(self, vectorizer: TfidfVectorizer):
        if vectorizer.analyzer != "char_wb" or vectorizer.norm != "l2" or not vectorizer.use_idf:
            raise ValueError("the lean path expects l2-normalised char_wb TF-IDF")
        self.vocabulary: dict[str, int] = vectorizer.vocabulary_
        self.idf = np.asarray(vectorizer.idf_, dtype=np.float64)
        self.low, self.high = vectorizer.ngram_range
        self.sublinear_tf = bool(vectorizer.sublinear_tf)
        self.preprocess = vectorizer.build_preprocessor()

    def grams(self, text: str) -> Counter[str]:
        """The text's character n-grams, counted, cut as the char_wb analyzer cuts them.

        Each word is padded with one space on each side; a padded word no longer than n gives
        one n-gram, itself, and no longer ones.
        """
        grams: list[str] = []
        for word in self.preprocess(text).split():
            padded = f" {word} "
            size = len(padded)
            for n in range(self.low, self.high + 1):
                if size <= n:
                    grams.append(padded)
                    break
                grams += [padded[i : i + n] for i in range(size - n + 1)]
        return Counter(grams)

    def features(self, texts: Sequence[str]) -> csr_matrix:
        """The TF-IDF rows of the texts, as the vectorizer's transform gives them."""
        rows, indices, counts = counted_grams(map(self.grams, texts), self.vocabulary)
        values = tfidf_values(rows, indices, counts, self.idf, self.sublinear_tf, len(texts))
        return sorted_rows_matrix(rows, indices, values, len(texts), len(self.vocabulary))


def counted_grams(
    counted_texts: Iterable[Counter[str]], vocabulary: dict[str, int]
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(row, column, count) of every known n-gram of each text, sorted by row, then column."""
    keys: list[str] = []
    counts: list[int] = []
    lengths = []
    for counted in counted_texts:
        keys += counted
        counts += counted.values()
        lengths.append(len(counted))
    indices = np.fromiter(map(vocabulary.get, keys, repeat(-1)), np.intp, len(keys))
    rows = np.repeat(np.arange(len(lengths)), lengths)
    known = indices >= 0
    rows, indices = rows[known], indices[known]
    # in the order the vectorised word path gives, so that both sum in the same order
    order = np.argsort(rows * len(vocabulary) + indices)
    return rows[order], indices[order], np.array(counts, dtype=np.float64)[known][order]


def tfidf_values(
    rows: np.ndarray,
    indices: np.ndarray,
    counts: np.ndarray,
    idf: np.ndarray,
    sublinear_tf: bool,
    n_texts: int,
) -> np.ndarray:
    """TF-IDF values of counted n-grams, each row l2-normalised, as TfidfTransformer does."""
    tf = np.log(counts) + 1.0 if sublinear_tf else counts
    values = tf * idf[indices]
    norms = np.sqrt(np.bincount(rows, weights=values * values, minlength=n_texts))
    values /= norms[rows]
    return values


def sorted_rows_matrix(
    rows: np.ndarray, indices: np.ndarray, values: np.ndarray, n_texts: int, width: int
) -> csr_matrix:
    """A CSR matrix of triples sorted by row: the row pointers are a cumulative count."""
    pointers = np.zeros(n_texts + 1, dtype=np.int64)
    np.cumsum(np.bincount(rows, minlength=n_texts), out=pointers[1:])
    return csr_matrix((values, indices, pointers), shape=(n_texts, width))


def _column_lookup(vocabulary: dict[str, int]) -> Callable[[str], int]:
    def column_of(word: str) -> int:
        stem = stem_of(word)
        return vocabulary.get(stem, _UNKNOWN) if stem else _STOP

    return column_of
