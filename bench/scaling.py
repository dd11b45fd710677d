"""How cost grows: tagging latency against article length, training time against corpus size.

    .venv/bin/python bench/scaling.py [--quick]

Articles of 100 to 10,000 words are built by joining BBC test paragraphs; corpora of 1k to
100k paragraphs by resampling (with replacement) the paragraphs of the BBC training file.
Both are plotted on log-log axes beside a line of slope 1 (linear growth).
"""

import argparse
import random
import statistics
import time

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
from common import PROJECT, dataset, git_revision, machine, read_jsonl, today, write_section
from timing import call_latencies

from classifier import Example, Tagger
from classifier.train import TrainingOptions, fit_model

SEED = 3
PARAMS = {"ngram_range": (1, 2), "min_df": 2, "C": 2.0}


def paragraphs_of(name: str) -> list[tuple[str, str]]:
    """(paragraph, label) pairs of a BBC file; paragraphs of fewer than 8 words are skipped."""
    pairs = []
    for doc in read_jsonl(dataset(name)):
        for paragraph in doc["text"].split("\n\n"):
            if len(paragraph.split()) >= 8:
                pairs.append((paragraph, doc["labels"][0]))
    return pairs


def article_of(words: int, pool: list[str], rng: random.Random) -> str:
    parts, total = [], 0
    while total < words:
        paragraph = rng.choice(pool)
        parts.append(paragraph)
        total += len(paragraph.split())
    return "\n\n".join(parts)


def latency_curve(lengths: list[int], repeats: int) -> dict[str, list[float]]:
    rng = random.Random(SEED)
    pool = [text for text, _ in paragraphs_of("bbc-news-test.jsonl")]
    default = Tagger.load(PROJECT / "models").model
    curves: dict[str, list[float]] = {"default model, paragraphs + roll-up": []}
    for words in lengths:
        article = article_of(words, pool, rng)
        [times] = call_latencies(default.tag, [article] * repeats, warmup=10)
        curves["default model, paragraphs + roll-up"].append(statistics.median(times) * 1e3)
    return curves


def training_curve(sizes: list[int]) -> list[float]:
    rng = random.Random(SEED)
    pool = paragraphs_of("bbc-news-train.jsonl")
    seconds = []
    for size in sizes:
        sample = [
            Example(text, (label,)) for text, label in (rng.choice(pool) for _ in range(size))
        ]
        started = time.perf_counter()
        fit_model(sample, options=TrainingOptions(fixed_params=PARAMS))
        seconds.append(time.perf_counter() - started)
    return seconds


def plot(xs: list[int], ys: list[float], xlabel: str, ylabel: str, title: str, path: str) -> None:
    figure, axes = plt.subplots(figsize=(6, 4))
    axes.loglog(xs, ys, "o-", label="measured")
    axes.loglog(xs, [ys[0] * x / xs[0] for x in xs], "--", color="grey", label="linear (slope 1)")
    axes.set_xlabel(xlabel)
    axes.set_ylabel(ylabel)
    axes.set_title(title)
    axes.legend()
    axes.grid(True, which="both", alpha=0.3)
    figure.tight_layout()
    figure.savefig(PROJECT / "bench" / path, dpi=100)
    plt.close(figure)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    lengths = [100, 300, 1000, 3000, 10000]
    sizes = [1000, 3000, 10000] if args.quick else [1000, 3000, 10000, 30000, 100000]
    latency = latency_curve(lengths, 50 if args.quick else 300)
    training = training_curve(sizes)
    [(name, values)] = latency.items()
    plot(
        lengths,
        values,
        "article length (words)",
        "p50 latency (ms)",
        f"Tagging: {name}",
        "latency-vs-length.png",
    )
    plot(
        sizes,
        training,
        "training paragraphs",
        "seconds",
        "Training with fixed hyperparameters",
        "training-vs-size.png",
    )
    report = "\n".join(
        [
            "## How cost grows (issue 5)",
            "",
            f"`.venv/bin/python bench/scaling.py{' --quick' if args.quick else ''}` on {today()}, commit {git_revision()}; {machine()}.",
            "",
            "![latency against article length](bench/latency-vs-length.png) ![training time against corpus size](bench/training-vs-size.png)",
            "",
            "| article words | " + " | ".join(str(n) for n in lengths) + " |",
            "| --- | " + " | ".join("---:" for _ in lengths) + " |",
            "| p50 ms, default model | " + " | ".join(f"{v:.2f}" for v in values) + " |",
            "",
            "| training paragraphs | " + " | ".join(f"{n:,}" for n in sizes) + " |",
            "| --- | " + " | ".join("---:" for _ in sizes) + " |",
            "| seconds (5-fold calibration + final fit, BBC paragraphs, params "
            + str(PARAMS)
            + ") | "
            + " | ".join(f"{s:.1f}" for s in training)
            + " |",
        ]
    )
    print(report)
    write_section("scaling", report)


if __name__ == "__main__":
    main()
