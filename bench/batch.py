"""Documents per second per core: batches of 100 against one at a time, beside fastText.

    .venv/bin/python bench/batch.py [--runs 3]

The default model tags 400-word articles built from BBC test paragraphs, pinned to one core,
through the path that serves them (`tag_documents`): one document per call, then 100 per call.
fastText, trained on the same training data in the rivals' virtualenv, tags the same articles
one predict call each, in the same run. The tags of the two paths must be identical.
"""

import argparse
import json
import subprocess
import tempfile
from pathlib import Path

from common import PROJECT, dataset, git_revision, machine, read_jsonl, today, write_section
from timing import items_per_second, median_of, pin_to_one_core

from classifier import Tagger, load_corpus, load_taxonomy

RIVALS_PYTHON = PROJECT / "bench" / ".rivals" / "venv" / "bin" / "python"
WORDS = 400
DOCUMENTS = 1000
BATCH = 100


def articles(count: int, words: int) -> list[str]:
    """Articles of about `words` words: BBC test paragraphs in order, cut at paragraph ends."""
    paragraphs = [
        p for doc in read_jsonl(dataset("bbc-news-test.jsonl")) for p in doc["text"].split("\n\n")
    ]
    result, current, size, k = [], [], 0, 0
    while len(result) < count:
        paragraph = paragraphs[k % len(paragraphs)]
        k += 1
        current.append(paragraph)
        size += len(paragraph.split())
        if size >= words:
            result.append("\n\n".join(current))
            current, size = [], 0
    return result


class FastTextRate:
    """fastText's per-document rate on one core, one pass per call, from the rivals' venv."""

    def __init__(self, texts: list[str], work: Path):
        self.work = work
        taxonomy = load_taxonomy(PROJECT / "training_data" / "taxonomy.json")
        corpus = load_corpus([PROJECT / "training_data" / "train"], taxonomy=taxonomy)
        lines = []
        for example in corpus.examples:
            label = example.labels[0] if example.labels else "none"
            lines.append(f"__label__{label.replace(' ', '_')} {' '.join(example.text.split())}")
        (work / "train.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
        (work / "texts.json").write_text(json.dumps(texts), encoding="utf-8")

    def __call__(self) -> float:
        script = PROJECT / "bench" / "rivals" / "fasttext_rate.py"
        files = [self.work / name for name in ("train.txt", "texts.json", "model.bin", "out.json")]
        subprocess.run([str(RIVALS_PYTHON), str(script), *map(str, files)], check=True)
        return float(json.loads(files[-1].read_text())["docs_per_second"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--model", default=str(PROJECT / "models"))
    args = parser.parse_args()
    core = pin_to_one_core()
    tagger = Tagger.load(args.model)
    texts = articles(DOCUMENTS, WORDS)

    def alone(batch: list[str]) -> None:
        for text in batch:
            tagger.tag(text, paragraphs=False)

    def together(batch: list[str]) -> None:
        tagger.tag_documents(batch, paragraphs=False)

    with tempfile.TemporaryDirectory() as folder:
        fasttext_pass = FastTextRate(texts, Path(folder)) if RIVALS_PYTHON.exists() else None
        runs = []
        for _ in range(args.runs):  # ours and fastText take turns, so both meet the same load
            ours = (items_per_second(alone, texts, 1), items_per_second(together, texts, BATCH))
            runs.append((*ours, fasttext_pass() if fasttext_pass else 0.0))
    one, many, fasttext = median_of(runs)
    same = [r.tags for r in tagger.tag_documents(texts, paragraphs=False)] == [
        tagger.tag(t, paragraphs=False).tags for t in texts
    ]
    mean_words = sum(len(t.split()) for t in texts) / len(texts)
    lines = [
        "## Batch tagging throughput (issue 16)",
        "",
        f"`.venv/bin/python bench/batch.py` on {today()}, commit {git_revision()}, model "
        f"{tagger.version}; {machine()}; pinned to core {core}. Medians of {args.runs} runs of "
        f"{len(texts)} articles ({mean_words:.0f} words on average, BBC test paragraphs), ours and "
        "fastText measured in turns.",
        "",
        "| path | documents per second, one core | vs one at a time |",
        "| --- | ---: | ---: |",
        f"| ours, one document per call (`tag`) | {one:,.0f} | 1.00x |",
        f"| ours, {BATCH} documents per call (`tag_documents`, as `/v1/tag/batch` and `tag FILE.jsonl`) | {many:,.0f} | {many / one:.2f}x |",
    ]
    if fasttext:
        lines.append(
            f"| fastText 0.10 (fasttext-numpy2), one predict call per document | {fasttext:,.0f} | {fasttext / one:.2f}x |"
        )
        lines += [
            "",
            f"Batches against fastText per document: **{many / fasttext:.2f}x** (goal: ahead, > 1x).",
        ]
    else:
        lines += ["", "fastText not measured: run `bash bench/rivals/setup.sh` first."]
    lines += [
        "",
        f"Tags of the batch path identical to one at a time on all {len(texts)} articles: **{'yes' if same else 'NO'}**.",
    ]
    report = "\n".join(lines)
    print(report)
    write_section("batch", report)


if __name__ == "__main__":
    main()
