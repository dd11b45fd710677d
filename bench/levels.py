"""Level 1 against level 1 + 2: what subtopics cost in quality and speed (issue 11).

    .venv/bin/python bench/levels.py [--model models] [--no-write]

Two models are trained in this run on training_data/train with the default model's
hyperparameters: the hierarchical one (what `make train` ships) and one that only knows the
17 level-1 topics. Both are scored on training_data/test through the path that serves, so the
level-1 figures show whether learning subtopics costs the top level anything. Speed: the
shipped model tags the same 400-word articles at depth 1 and at depth 2, and the level-1-only
model at depth 1 (what depth 1 cost before subtopics), in turns, on one core; medians.
"""

import argparse
import statistics

from common import PROJECT, git_revision, machine, today, write_section
from timing import call_latencies, pin_to_one_core

from classifier import Tagger, TagOptions, TopicModel, load_corpus, load_taxonomy
from classifier.data import Example
from classifier.taxonomy import Taxonomy
from classifier.train import TrainingOptions, fit_model
from classifier.workflow import evaluate_model

DATA = PROJECT / "training_data"
ARTICLE_WORDS = 400


def level_one_only(taxonomy: Taxonomy) -> Taxonomy:
    """The same taxonomy without its subtopics."""
    top = [topic for topic in taxonomy.topics if topic.parent is None]
    return Taxonomy(f"{taxonomy.name} (level 1)", tuple(top))


def as_level_one(examples: list[Example], taxonomy: Taxonomy) -> list[Example]:
    return [Example(e.text, taxonomy.roots(e.labels), e.id, e.source, e.metadata) for e in examples]


def articles(examples: list[Example], count: int) -> list[str]:
    """Articles of about ARTICLE_WORDS words, glued from held-out paragraphs of one topic each."""
    texts, current, words = [], [], 0
    for example in examples:
        if not example.labels:
            continue
        current.append(example.text)
        words += len(example.text.split())
        if words >= ARTICLE_WORDS:
            texts.append("\n\n".join(current))
            current, words = [], 0
            if len(texts) == count:
                break
    return texts


def quality(args: argparse.Namespace) -> tuple[dict, dict, dict, TopicModel]:
    taxonomy = load_taxonomy(DATA / "taxonomy.json")
    train = load_corpus([DATA / "train"], taxonomy=taxonomy).examples
    test = load_corpus([DATA / "test"], taxonomy=taxonomy, deduplicate=False).examples
    params = Tagger.load(args.model).model.params
    fixed = {key: value for key, value in params.items() if key != "random_state"}
    options = TrainingOptions(fixed_params=fixed, rollup="lead")
    both, _ = fit_model(train, taxonomy=taxonomy, options=options)
    flat = level_one_only(taxonomy)
    top, _ = fit_model(as_level_one(train, taxonomy), taxonomy=flat, options=options)
    test_top = as_level_one(test, taxonomy)
    return fixed, evaluate_model(both, test), evaluate_model(top, test_top), top


def speed(args: argparse.Namespace, level_one: TopicModel) -> dict[str, float]:
    """Median milliseconds per article: the shipped model at depth 1 and 2, and the
    level-1-only model at depth 1, measured in turns."""
    pin_to_one_core()
    shipped = Tagger.load(args.model).model
    texts = articles(load_corpus([DATA / "test"], taxonomy=shipped.taxonomy).examples, 300)
    calls = {
        "level 1 only": lambda t: level_one.tag(t, TagOptions(depth=1)),
        "depth 1": lambda t: shipped.tag(t, TagOptions(depth=1)),
        "depth 2": lambda t: shipped.tag(t, TagOptions(depth=2)),
    }
    runs: dict[str, list[float]] = {name: [] for name in calls}
    for _ in range(args.runs):
        for name, call in calls.items():
            [times] = call_latencies(call, texts, warmup=20)
            runs[name].append(statistics.median(times) * 1e3)
    return {name: statistics.median(values) for name, values in runs.items()}


def row(name: str, metrics: dict) -> str:
    return (
        f"| {name} | {metrics['micro_f1']:.3f} | {metrics['macro_f1']:.3f} "
        f"| {metrics['top1_main']:.3f} |"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default="models")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--no-write", action="store_true", help="print only")
    args = parser.parse_args()
    params, both, top, level_one = quality(args)
    ms = speed(args, level_one)
    depth1, depth2, before = ms["depth 1"], ms["depth 2"], ms["level 1 only"]
    level2, hierarchical = both["level2"], both["hierarchical"]
    lines = [
        "## Level 1 and level 2 (issue 11)",
        "",
        f"`.venv/bin/python bench/levels.py` on {today()}, commit {git_revision()}; "
        f"{machine()}. Both models trained in this run on training_data/train with {params}; "
        f"scored on training_data/test ({both['documents']} documents) through the path "
        "that serves.",
        "",
        "| model, level | micro-F1 | macro-F1 | top-1 is the main topic |",
        "| --- | ---: | ---: | ---: |",
        row("level-1-only model, level 1", top),
        row("hierarchical model, level 1", both),
        row("hierarchical model, level 2", level2),
        f"| hierarchical model, each tag with its ancestors | {hierarchical['micro_f1']:.3f} "
        f"| {hierarchical['macro_f1']:.3f} | - |",
        "",
        f"Speed, the shipped model, {ARTICLE_WORDS}-word articles, one core, median of "
        f"{args.runs} runs of 300: depth 1 {depth1:.3f} ms, depth 2 {depth2:.3f} ms per "
        f"article ({depth2 / depth1:.2f}x; goal at most 1.5x); the level-1-only model "
        f"{before:.3f} ms at depth 1, so depth 1 costs {depth1 / before:.2f}x what it cost "
        "without subtopics.",
    ]
    print("\n".join(lines))
    if not args.no_write:
        write_section("levels", "\n".join(lines))


if __name__ == "__main__":
    main()
