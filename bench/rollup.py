"""Choose how paragraph scores roll up into article tags, on validation data carved from train.

    .venv/bin/python bench/rollup.py

The fixed test split is never used here: a model is fitted on 80% of training_data/train and
every roll-up is scored on the other 20%, in two ways:
- articles: validation items of two or more paragraphs, scored against their main (first) label;
- pages: each such article followed by boilerplate lines and two paragraphs of a different
  topic as a "related stories" footer, as scraped pages arrive; the main label must still win.
"""

import random
import sys
from collections.abc import Sequence

from common import PROJECT, git_revision, machine, today, write_section
from sklearn.model_selection import train_test_split

from classifier import Example, load_corpus, load_taxonomy
from classifier.model import TopicModel
from classifier.rollup import ROLLUP_CHOICES
from classifier.text import split_paragraphs
from classifier.train import TrainingOptions, fit_model

SEED = 7


def build_pages(
    articles: Sequence[Example], singles: Sequence[Example], boilerplate: Sequence[Example]
) -> list[tuple[str, str]]:
    """(page text, main label) pairs: story, then boilerplate, then an off-topic footer."""
    rng = random.Random(SEED)
    pages = []
    for article in articles:
        main = article.labels[0]
        others = [e for e in singles if main not in e.labels]
        footer = rng.sample(others, 2)
        noise = rng.sample(list(boilerplate), 3)
        parts = [article.text, *(e.text for e in noise), *(e.text for e in footer)]
        pages.append(("\n\n".join(parts), main))
    return pages


def top1(model: TopicModel, items: Sequence[tuple[str, str]]) -> float:
    hits = 0
    for text, main in items:
        tags = model.tag(text, paragraphs=False).tags
        hits += bool(tags) and tags[0].label == main
    return hits / len(items)


def main() -> None:
    taxonomy = load_taxonomy(PROJECT / "training_data" / "taxonomy.json")
    examples = load_corpus(
        [PROJECT / "training_data" / "train"], taxonomy=taxonomy, strict=True
    ).examples
    first = [e.labels[0] if e.labels else "" for e in examples]
    fit_part, validation = train_test_split(
        examples, test_size=0.2, random_state=SEED, stratify=first
    )
    model, report = fit_model(
        fit_part, taxonomy=taxonomy, options=TrainingOptions(budget_seconds=60)
    )
    articles = [e for e in validation if e.labels and len(split_paragraphs(e.text)) >= 2]
    singles = [e for e in validation if e.labels and len(split_paragraphs(e.text)) == 1]
    boilerplate = [e for e in validation if not e.labels]
    article_items = [(e.text, e.labels[0]) for e in articles]
    pages = build_pages(articles, singles, boilerplate)
    rows = []
    for rollup in ROLLUP_CHOICES:
        model.rollup = rollup
        rows.append((rollup, top1(model, article_items), top1(model, pages)))
    best = max(rows, key=lambda row: (row[2], row[1]))
    lines = [
        "## Paragraph roll-up (issue 3)",
        "",
        f"`.venv/bin/python bench/rollup.py` on {today()}, commit {git_revision()}; {machine()}.",
        "",
        f"Model fitted on 80% of `training_data/train` ({len(fit_part)} examples, params "
        f"{report.params}); scored on the other 20%: {len(articles)} multi-paragraph articles, and "
        "the same articles as scraped pages (3 boilerplate lines and 2 off-topic paragraphs "
        "appended). Top-1 = the article's main (first) label is the best tag. The test split is "
        "not used.",
        "",
        "| roll-up | articles top-1 | pages top-1 |",
        "| --- | ---: | ---: |",
        *(f"| {name} | {a:.3f} | {p:.3f} |" for name, a, p in rows),
        "",
        f"Chosen: **{best[0]}** (best on pages, then on articles); `make train` uses it.",
    ]
    report_text = "\n".join(lines)
    print(report_text)
    if "--no-write" not in sys.argv:
        write_section("rollup", report_text)


if __name__ == "__main__":
    main()
