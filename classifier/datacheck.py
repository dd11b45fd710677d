"""Quality checks of a labelled data folder (train/ and test/ beside taxonomy.json).

Near-duplicates inflate held-out scores (the same story on both sides of the split) and make
a topic look better covered than it is, so they fail the check, as do invalid records, texts
whose length does not fit their format, text that is not English (the default model reads
English only, and the service flags other languages), and data that misses the coverage
plan's floors.
"""

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from scipy.sparse import csr_matrix
from sklearn.feature_extraction.text import TfidfVectorizer

from classifier import coverage
from classifier.coverage import FORMAT_WORDS
from classifier.data import NO_TOPIC, Example, duplicate_key, load_corpus
from classifier.language import detect
from classifier.taxonomy import load_taxonomy
from classifier.text import normalise, split_paragraphs, tokenize, word_count

NEAR_DUPLICATE_COSINE = 0.9
COMMON_FEATURES = 256  # the most frequent words, kept out of the sparse product
BLOCK_ROWS = 1000
TOPICAL_PARAGRAPH_WORDS = (8, 160)


@dataclass(frozen=True)
class Floors:
    """The coverage plan's floors and ceilings; zero floors check nothing."""

    per_topic: int = 0  # examples per top-level topic
    per_subtopic: int = 0  # examples per level-2 topic
    region_share: float = 0.0  # of all examples, per region
    opening_share: float = 1.0  # at most this share of examples may open with the same words


@dataclass
class DataCheckReport:
    """Counts for people to read and problems that make the check fail."""

    counts: dict[str, dict[str, int]]
    labels_per_example: dict[int, int]
    examples: dict[str, int]
    coverage: coverage.CoverageReport
    problems: list[str] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return not self.problems


def check_data_folder(folder: str | Path, floors: Floors | None = None) -> DataCheckReport:
    """Validate train/ and test/ strictly, count labels, and look for near-duplicates."""
    folder, floors = Path(folder), floors or Floors()
    taxonomy = load_taxonomy(folder / "taxonomy.json")
    splits = {
        name: load_corpus([folder / name], taxonomy=taxonomy, strict=True)
        for name in ("train", "test")
    }
    everything = splits["train"].examples + splits["test"].examples
    counts: dict[str, dict[str, int]] = {}
    for name, corpus in splits.items():
        per_label = Counter(
            label
            for e in corpus.examples
            for label in (taxonomy.with_ancestors(e.labels) or (NO_TOPIC,))
        )
        for label in [*taxonomy.labels, NO_TOPIC]:
            counts.setdefault(label, {})[name] = per_label.get(label, 0)
    measured = coverage.measure(everything, taxonomy)
    report = DataCheckReport(
        counts=counts,
        labels_per_example=dict(sorted(Counter(len(e.labels) for e in everything).items())),
        examples={name: len(corpus.examples) for name, corpus in splits.items()},
        coverage=measured,
    )
    report.problems.extend(_split_overlap(splits["train"].examples, splits["test"].examples))
    report.problems.extend(_lengths(everything))
    report.problems.extend(_not_english(everything))
    report.problems.extend(near_duplicates(everything))
    for label in taxonomy.at_level(1):
        total = sum(counts[label].values())
        if total < floors.per_topic:
            report.problems.append(f"{label}: {total} examples, fewer than {floors.per_topic}")
    report.problems.extend(
        coverage.problems(
            measured,
            taxonomy,
            min_per_subtopic=floors.per_subtopic,
            min_region_share=floors.region_share,
            max_opening_share=floors.opening_share,
        )
    )
    return report


def _split_overlap(train: list[Example], test: list[Example]) -> list[str]:
    seen = {duplicate_key(e.text): e.source for e in train}
    return [
        f"{e.source}: same text as {seen[duplicate_key(e.text)]} in train"
        for e in test
        if duplicate_key(e.text) in seen
    ]


def _lengths(examples: list[Example]) -> list[str]:
    """Texts must fit their format; without one, topical paragraphs must be news-paragraph
    sized, and a piece may open with a short headline."""
    low, high = TOPICAL_PARAGRAPH_WORDS
    problems = []
    for example in examples:
        kind = example.meta("format")
        if kind in FORMAT_WORDS:
            least, most = FORMAT_WORDS[kind]
            words = word_count(example.text)
            if not least <= words <= most:
                problems.append(f"{example.source}: a {kind} of {words} words ({least}-{most})")
            continue
        if not example.labels:
            continue
        paragraphs = split_paragraphs(example.text)
        for position, paragraph in enumerate(paragraphs):
            words = word_count(paragraph.text)
            is_headline = position == 0 and len(paragraphs) > 1 and words < low
            if not is_headline and not low <= words <= high:
                problems.append(
                    f"{example.source}: a paragraph of {words} words (expected {low}-{high})"
                )
    return problems


def _not_english(examples: list[Example]) -> list[str]:
    return [f"{e.source}: not English" for e in examples if detect(e.text) != "en"]


def near_duplicates(examples: list[Example], threshold: float = NEAR_DUPLICATE_COSINE) -> list[str]:
    """Pairs of examples whose TF-IDF cosine similarity exceeds the threshold."""
    texts = [e.text for e in examples]
    return [
        f"{examples[first].source} and {examples[second].source} are near-duplicates "
        f"(cosine {cosine:.2f})"
        for first, second, cosine in similar_pairs(texts, len(texts), threshold, later_only=True)
    ]


def tfidf_rows(texts: list[str]) -> csr_matrix:
    """Unit-length TF-IDF rows of the texts, as the near-duplicate check compares them."""
    vectorizer = TfidfVectorizer(
        preprocessor=normalise,
        tokenizer=tokenize,
        token_pattern=None,
        lowercase=False,
        sublinear_tf=True,
    )
    return vectorizer.fit_transform(texts)


def similar_pairs(
    texts: list[str],
    rows: int,
    threshold: float = NEAR_DUPLICATE_COSINE,
    *,
    later_only: bool = False,
) -> Iterator[tuple[int, int, float]]:
    """(i, j, cosine) for each of the first `rows` texts and every other text it is too close
    to; TF-IDF over all the texts, compared a block of rows at a time to bound memory. With
    `later_only`, only pairs with j > i: a set compared with itself needs each pair once.

    Most of the cost was the few words that nearly every text holds (the number token is in
    most of them): every pair shares them, so the product held nearly every pair. Those
    COMMON_FEATURES columns are left out of the sparse product and added back exactly for the
    pairs that could still pass: their part of a cosine is at most the product of the two
    texts' norms over them (Cauchy-Schwarz). Two texts that share no other word can only pass
    when both norms reach the threshold (neither exceeds 1); those few are compared in full."""
    if len(texts) < 2:
        return
    matrix = tfidf_rows(texts).astype(np.float32).tocsr()
    frequency = np.bincount(matrix.indices, minlength=matrix.shape[1])
    is_common = np.zeros(matrix.shape[1], dtype=bool)
    is_common[np.argsort(frequency)[::-1][:COMMON_FEATURES]] = True
    common = matrix[:, np.flatnonzero(is_common)].toarray()
    rare = matrix[:, np.flatnonzero(~is_common)].tocsr()
    norms = np.sqrt((common * common).sum(axis=1))
    found: set[tuple[int, int]] = set()
    for start in range(0, rows, BLOCK_ROWS):
        first_column = start if later_only else 0
        product = (rare[start : min(start + BLOCK_ROWS, rows)] @ rare[first_column:].T).tocoo()
        row, column = product.row + start, product.col + first_column
        hopeful = product.data + norms[row] * norms[column] > threshold
        row, column = row[hopeful], column[hopeful]
        cosine = product.data[hopeful] + np.einsum("ij,ij->i", common[row], common[column])
        close = cosine > threshold
        for i, j, value in zip(row[close], column[close], cosine[close], strict=True):
            if j > i if later_only else j != i:
                found.add((int(i), int(j)))
                yield int(i), int(j), float(value)
    heavy = np.flatnonzero(norms >= threshold)
    heavy_rows = heavy[heavy < rows]
    for start in range(0, len(heavy_rows), BLOCK_ROWS):  # few on news; blocks bound the worst
        block = heavy_rows[start : start + BLOCK_ROWS]
        product = (matrix[block] @ matrix[heavy].T).tocoo()
        close = product.data > threshold
        for a, b, value in zip(
            product.row[close], product.col[close], product.data[close], strict=True
        ):
            i, j = int(block[a]), int(heavy[b])
            if (j > i if later_only else j != i) and (i, j) not in found:
                yield i, j, float(value)


def format_report(report: DataCheckReport) -> list[str]:
    """Plain-text lines of the report for the CLI."""
    lines = [f"{'label':42} {'train':>6} {'test':>6} {'total':>6}"]
    for label, split_counts in report.counts.items():
        train, test = split_counts.get("train", 0), split_counts.get("test", 0)
        lines.append(f"{label:42} {train:6d} {test:6d} {train + test:6d}")
    lines.append("")
    lines.append(
        "labels per example: "
        + ", ".join(f"{k}: {v}" for k, v in report.labels_per_example.items())
    )
    lines.append("examples: " + ", ".join(f"{k} {v}" for k, v in report.examples.items()))
    for axis in coverage.AXES:
        shares = report.coverage.per_axis[axis]
        lines.append(
            f"{axis}: "
            + ", ".join(f"{value} {n}" for value, n in sorted(shares.items(), key=lambda x: -x[1]))
        )
    return lines
