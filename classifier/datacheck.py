"""Quality checks of a labelled data folder (train/ and test/ beside taxonomy.json).

Near-duplicates inflate held-out scores (the same story on both sides of the split) and make
a topic look better covered than it is, so they fail the check, as do invalid records.
"""

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer

from classifier.data import NO_TOPIC, Example, duplicate_key, load_corpus
from classifier.taxonomy import load_taxonomy
from classifier.text import normalise, split_paragraphs, tokenize, word_count

NEAR_DUPLICATE_COSINE = 0.9
TOPICAL_PARAGRAPH_WORDS = (8, 150)


@dataclass
class DataCheckReport:
    """Counts for people to read and problems that make the check fail."""

    counts: dict[str, dict[str, int]]
    labels_per_example: dict[int, int]
    examples: dict[str, int]
    problems: list[str] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return not self.problems


def check_data_folder(folder: str | Path, *, min_per_topic: int = 0) -> DataCheckReport:
    """Validate train/ and test/ strictly, count labels, and look for near-duplicates."""
    folder = Path(folder)
    taxonomy = load_taxonomy(folder / "taxonomy.json")
    splits = {
        name: load_corpus([folder / name], taxonomy=taxonomy, strict=True)
        for name in ("train", "test")
    }
    counts: dict[str, dict[str, int]] = {}
    for name, corpus in splits.items():
        per_label = Counter(label for e in corpus.examples for label in (e.labels or (NO_TOPIC,)))
        for label in [*taxonomy.labels, NO_TOPIC]:
            counts.setdefault(label, {})[name] = per_label.get(label, 0)
    everything = splits["train"].examples + splits["test"].examples
    report = DataCheckReport(
        counts=counts,
        labels_per_example=dict(sorted(Counter(len(e.labels) for e in everything).items())),
        examples={name: len(corpus.examples) for name, corpus in splits.items()},
    )
    report.problems.extend(_split_overlap(splits["train"].examples, splits["test"].examples))
    report.problems.extend(_paragraph_lengths(everything))
    report.problems.extend(near_duplicates(everything))
    for label in taxonomy.labels:
        total = sum(counts[label].values())
        if total < min_per_topic:
            report.problems.append(f"{label}: {total} examples, fewer than {min_per_topic}")
    return report


def _split_overlap(train: list[Example], test: list[Example]) -> list[str]:
    seen = {duplicate_key(e.text): e.source for e in train}
    return [
        f"{e.source}: same text as {seen[duplicate_key(e.text)]} in train"
        for e in test
        if duplicate_key(e.text) in seen
    ]


def _paragraph_lengths(examples: list[Example]) -> list[str]:
    """Topical paragraphs must be news-paragraph sized; a piece may open with a short headline."""
    low, high = TOPICAL_PARAGRAPH_WORDS
    problems = []
    for example in examples:
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


def near_duplicates(examples: list[Example], threshold: float = NEAR_DUPLICATE_COSINE) -> list[str]:
    """Pairs of examples whose TF-IDF cosine similarity exceeds the threshold."""
    if len(examples) < 2:
        return []
    vectorizer = TfidfVectorizer(
        preprocessor=normalise,
        tokenizer=tokenize,
        token_pattern=None,
        lowercase=False,
        sublinear_tf=True,
    )
    matrix = vectorizer.fit_transform([e.text for e in examples])
    problems = []
    block = 2000  # bounded memory: one block of rows against all rows at a time
    for start in range(0, len(examples), block):
        similarity = (matrix[start : start + block] @ matrix.T).toarray()
        rows, columns = np.nonzero(similarity > threshold)
        for row, column in zip(rows, columns, strict=True):
            first, second = start + row, column
            if first < second:
                problems.append(
                    f"{examples[first].source} and {examples[second].source} are near-duplicates "
                    f"(cosine {similarity[row, column]:.2f})"
                )
    return problems


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
    return lines
