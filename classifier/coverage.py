"""What labelled data covers: topics crossed with region, era and format, and how varied it is.

Real news a model never saw is won by breadth, so the default data is planned as a grid
(training_data/coverage/README.md) and checked against it: every subtopic filled, no region
left thin, no opening phrase repeated until the model learns the phrase instead of the topic.
"""

import re
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from classifier.data import Example
from classifier.taxonomy import Taxonomy

AXES = ("region", "era", "format")
# The values each axis may take (training_data/coverage/README.md); formats are FORMAT_WORDS'.
REGIONS = (
    "us",
    "uk-ireland",
    "india-south-asia",
    "asia-pacific",
    "europe",
    "middle-east-africa",
    "latin-america",
    "global-online",
)
ERAS = ("1990s", "2000s", "2010s", "2020s")
# Words allowed in each format: a "brief" of 300 words would teach the wrong shape.
FORMAT_WORDS = {
    "headline": (3, 25),
    "brief": (10, 75),
    "paragraph": (30, 160),
    "article": (75, 700),
    "listing": (12, 300),
    "boilerplate": (1, 80),
}
ALLOWED = {"region": REGIONS, "era": ERAS, "format": tuple(FORMAT_WORDS)}
UNKNOWN = "(unset)"
_OPENING_WORDS = 3
_WORD = re.compile(r"[\w'\u2019-]+")
_NAME = re.compile(r"\b[A-Z][a-zA-Z]+(?:\s+[A-Z][a-zA-Z]+)*")  # capitalised word runs


@dataclass
class CoverageReport:
    """Counts along every axis, and the variety of each top-level topic's text."""

    examples: int
    per_topic: dict[str, Counter] = field(default_factory=dict)  # topic -> axis:value -> n
    per_axis: dict[str, Counter] = field(default_factory=dict)  # axis -> value -> n
    variety: dict[str, tuple[int, int]] = field(default_factory=dict)  # (word types, names)
    openings: Counter = field(default_factory=Counter)


def measure(examples: Sequence[Example], taxonomy: Taxonomy) -> CoverageReport:
    """Count examples per level-2 (and level-1) topic, region, era and format."""
    report = CoverageReport(len(examples), per_axis={axis: Counter() for axis in AXES})
    words: dict[str, set[str]] = defaultdict(set)
    names: dict[str, set[str]] = defaultdict(set)
    for example in examples:
        cells = [f"{axis}:{example.meta(axis) or UNKNOWN}" for axis in AXES]
        for axis, cell in zip(AXES, cells, strict=True):
            report.per_axis[axis][cell.split(":", 1)[1]] += 1
        for label in taxonomy.with_ancestors(example.labels) if example.labels else ("none",):
            counts = report.per_topic.setdefault(label, Counter())
            counts.update(["all", *cells])
        for root in taxonomy.roots(example.labels):
            words[root].update(w.lower() for w in _WORD.findall(example.text))
            names[root].update(_NAME.findall(example.text))
        report.openings[opening(example.text)] += 1
    report.variety = {root: (len(words[root]), len(names[root])) for root in words}
    return report


def opening(text: str) -> str:
    """The first three words, lower-cased: what must not open too many examples."""
    return " ".join(w.lower() for w in _WORD.findall(text)[:_OPENING_WORDS])


def problems(
    report: CoverageReport,
    taxonomy: Taxonomy,
    *,
    min_per_subtopic: int,
    min_region_share: float,
    max_opening_share: float,
) -> list[str]:
    """What the data misses against the plan's floors and ceilings."""
    found = []
    for axis, allowed in ALLOWED.items():
        for value, n in sorted(report.per_axis[axis].items()):
            if value not in (*allowed, UNKNOWN):
                found.append(f"{axis} {value!r} on {n} examples is not one of {', '.join(allowed)}")
    if taxonomy.is_hierarchical:
        for label in taxonomy.at_level(2):
            n = report.per_topic.get(label, Counter())["all"]
            if n < min_per_subtopic:
                found.append(f"{label}: {n} examples, fewer than {min_per_subtopic}")
    regions = report.per_axis["region"]
    if sum(n for value, n in regions.items() if value != UNKNOWN):
        for region, n in sorted(regions.items()):
            if region != UNKNOWN and n < min_region_share * report.examples:
                found.append(
                    f"region {region}: {n / report.examples:.1%} of examples, "
                    f"under {min_region_share:.0%}"
                )
    ceiling = max_opening_share * report.examples
    for words, n in report.openings.most_common():
        if n <= ceiling:
            break
        found.append(f"{n} examples open with {words!r}, more than {max_opening_share:.1%} of them")
    return found


def format_table(report: CoverageReport, taxonomy: Taxonomy) -> list[str]:
    """The coverage table as Markdown: one row per topic, one column per region/era/format."""
    columns = [(axis, value) for axis in AXES for value in sorted(report.per_axis[axis]) if value]
    header = [
        "topic",
        "level",
        "examples",
        *(value if value != UNKNOWN else f"{axis} unset" for axis, value in columns),
    ]
    lines = [
        f"{report.examples} examples. Counts are examples that carry the topic among their "
        "labels (a level-1 topic counts those of its subtopics).",
        "",
        "| " + " | ".join(header) + " |",
        "| --- | ---: | ---: | " + " | ".join("---:" for _ in columns) + " |",
        "| all | - | "
        + str(report.examples)
        + " | "
        + " | ".join(str(report.per_axis[axis][value]) for axis, value in columns)
        + " |",
    ]
    for label in [*taxonomy.labels, "none"]:
        counts = report.per_topic.get(label, Counter())
        level = taxonomy.level(label) if label != "none" else "-"
        cells = [str(counts[f"{axis}:{value}"]) for axis, value in columns]
        lines.append(f"| {label} | {level} | {counts['all']} | " + " | ".join(cells) + " |")
    lines += ["", "| level-1 topic | distinct word types | distinct capitalised names |"]
    lines += ["| --- | ---: | ---: |"]
    for root, (types, names) in sorted(report.variety.items()):
        lines.append(f"| {root} | {types} | {names} |")
    return lines
