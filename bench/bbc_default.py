"""Top-1 accuracy of the shipped default model on every BBC News article (never trained on BBC).

    .venv/bin/python bench/bbc_default.py [--model models]

BBC's five categories map onto IPTC Media Topics; an article counts as right when its best
article-level tag is the mapped topic.
"""

import argparse
import sys
import time
from collections import Counter

from common import dataset, git_revision, machine, read_jsonl, today, write_section

from classifier import Tagger

BBC_TO_IPTC = {
    "business": "economy, business and finance",
    "entertainment": "arts, culture, entertainment and media",
    "politics": "politics",
    "sport": "sport",
    "tech": "science and technology",
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default="models")
    parser.add_argument(
        "--no-write", action="store_true", help="print only; leave BENCHMARKS.md alone"
    )
    args = parser.parse_args()
    tagger = Tagger.load(args.model)
    articles = read_jsonl(dataset("bbc-news-train.jsonl")) + read_jsonl(
        dataset("bbc-news-test.jsonl")
    )
    hits, top2, totals, confusion = Counter(), Counter(), Counter(), Counter()
    started = time.perf_counter()
    for article in articles:
        expected = BBC_TO_IPTC[article["labels"][0]]
        result = tagger.tag(article["text"])
        best = result.tags[0].label if result.tags else "(no tag)"
        labels = tagger.model.labels
        ranked = [] if result.scores is None else [labels[k] for k in result.scores.argsort()[::-1]]
        totals[expected] += 1
        hits[expected] += best == expected
        top2[expected] += expected in ranked[:2]
        if best != expected:
            confusion[(article["labels"][0], best)] += 1
    seconds = time.perf_counter() - started
    accuracy = sum(hits.values()) / len(articles)
    lines = [
        "## Default model on BBC News (issue 3)",
        "",
        f"`.venv/bin/python bench/bbc_default.py` on {today()}, commit {git_revision()}, model "
        f"{tagger.version}; {machine()}.",
        "",
        f"All {len(articles)} BBC articles (train and test files; the default model never saw "
        "BBC), "
        f"tagged as whole pages with the paragraph roll-up `{tagger.model.rollup}`: "
        f"**top-1 accuracy {accuracy:.3f}** ({seconds:.1f} s in all).",
        "",
        "| BBC category | IPTC topic | articles | recall (top-1) | in our top 2 |",
        "| --- | --- | ---: | ---: | ---: |",
    ]
    for bbc, topic in BBC_TO_IPTC.items():
        lines.append(
            f"| {bbc} | {topic} | {totals[topic]} | {hits[topic] / totals[topic]:.3f} | {top2[topic] / totals[topic]:.3f} |"
        )
    lines += [
        "",
        f"The BBC category is among our two best tags for {sum(top2.values()) / len(articles):.3f} of articles (for information; the goal is top-1).",
        "",
        "Most frequent confusions (BBC category -> our best tag): "
        + ", ".join(f"{bbc} -> {tag} ({n})" for (bbc, tag), n in confusion.most_common(6))
        + ".",
    ]
    report = "\n".join(lines)
    print(report)
    if not args.no_write:
        write_section("bbc-default", report)


if __name__ == "__main__":
    sys.exit(main())
