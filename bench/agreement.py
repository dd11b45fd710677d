"""How far two of our writers agree when they label the same texts blind (issues 9 and 11).

    .venv/bin/python bench/agreement.py [--no-write]

After each wave of new training data, a second writer labels a random 2% sample of it without
seeing the first writer's labels; `training_data/blind/wave-N.jsonl` keeps those second labels.
Set against the labels the data holds now, they say how consistent the labels are: the main
level-1 topic (the issue 9 goal is 90% the same), and micro-F1 of one writer's labels against the
other's at each level, the ceiling that a model trained and scored on such labels meets.
"""

import argparse
import json

from common import PROJECT, git_revision, machine, today, write_section

from classifier import load_corpus, load_taxonomy
from classifier.evaluate import score_predictions
from classifier.taxonomy import Taxonomy

DATA = PROJECT / "training_data"
NO_TOPIC = "none"


def levels(labels: list[str], taxonomy: Taxonomy) -> tuple[set[str], set[str]]:
    """The level-1 and level-2 topics among the labels (boilerplate has neither)."""
    known = [taxonomy.resolve(label) for label in labels if label != NO_TOPIC]
    topics = [label for label in known if label]
    return {taxonomy.root(t) for t in topics}, {t for t in topics if taxonomy.level(t) == 2}


def pair_f1(pairs: list[tuple[set[str], set[str]]]) -> float:
    """Micro-F1 of the second sets against the first."""
    first, second = [sorted(a) for a, _ in pairs], [sorted(b) for _, b in pairs]
    labels = sorted({label for row in second for label in row})
    return score_predictions(first, second, labels=labels)["micro_f1"]


def main_topic(labels: list[str], taxonomy: Taxonomy) -> tuple[str, str]:
    """The main label's level-1 topic and the main label itself (resolved)."""
    if not labels or labels[0] == NO_TOPIC:
        return NO_TOPIC, NO_TOPIC
    main = taxonomy.resolve(labels[0]) or labels[0]
    return taxonomy.root(main), main


def roots(labels: list[str], taxonomy: Taxonomy) -> set[str]:
    return levels(labels, taxonomy)[0] | {main_topic(labels, taxonomy)[0]}


def agreement(pairs: list[tuple[list[str], list[str]]], taxonomy: Taxonomy) -> dict[str, float]:
    same_root = among = same_main = topical = 0
    for first, second in pairs:
        (root_a, main_a), (root_b, main_b) = (
            main_topic(first, taxonomy),
            main_topic(second, taxonomy),
        )
        same_root += root_a == root_b
        among += root_a in roots(second, taxonomy) or root_b in roots(first, taxonomy)
        if main_a != NO_TOPIC:
            topical += 1
            same_main += main_a == main_b
    sets = [(levels(a, taxonomy), levels(b, taxonomy)) for a, b in pairs]
    return {
        "examples": len(pairs),
        "same_root": same_root / len(pairs),
        "among": among / len(pairs),
        "level1_f1": pair_f1([(a[0], b[0]) for a, b in sets]),
        "level2_f1": pair_f1([(a[1], b[1]) for a, b in sets]),
        "same_main": same_main / max(topical, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()
    taxonomy = load_taxonomy(DATA / "taxonomy.json")
    corpus = load_corpus([DATA / "train", DATA / "test"], taxonomy=taxonomy).examples
    held = {e.id: list(e.labels) for e in corpus}
    waves = sorted(DATA.glob("blind/wave-*.jsonl"), key=lambda p: int(p.stem.split("-")[1]))
    rows, every = [], []
    for path in waves:
        second = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
        pairs = [(held[r["id"]], r["labels"]) for r in second if r["id"] in held]
        every += pairs
        rows.append((path.stem.replace("-", " "), agreement(pairs, taxonomy)))
    rows.append(("all", agreement(every, taxonomy)))
    lines = [
        "## Blind relabelling: how far two writers agree (issues 9 and 11)",
        "",
        f"`.venv/bin/python bench/agreement.py` on {today()}, commit {git_revision()}; {machine()}.",
        "The second writer's labels (`training_data/blind/`) against the labels the data holds "
        "now (after the clear mistakes the check found were fixed).",
        "",
        "| sample | examples | same main level-1 topic | main among the other's labels "
        "| level-1 micro-F1 | level-2 micro-F1 | same main level-2 topic |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for name, figures in rows:
        lines.append(
            f"| {name} | {figures['examples']} | {figures['same_root']:.3f} "
            f"| {figures['among']:.3f} | {figures['level1_f1']:.3f} "
            f"| {figures['level2_f1']:.3f} | {figures['same_main']:.3f} |"
        )
    print("\n".join(lines))
    if not args.no_write:
        write_section("agreement", "\n".join(lines))


if __name__ == "__main__":
    main()
