"""Quality, training time, model size and memory on BBC News and Reuters-21578 (issue 5).

    .venv/bin/python bench/quality.py [--quick] [--runs 3]

Our classifier is trained through the real CLI (`topic-tagger train`, hyperparameters chosen
by cross-validation on the train file only) and scored with `topic-tagger eval` on the test
file. Beside it, in the same run, a plain scikit-learn pipeline (TF-IDF word 1-2 grams,
sublinear tf, LinearSVC with defaults; multi-label: every label scoring above 0, else the
best one). The rival tools are measured by bench/rivals/ in the same `make bench`.
"""

import argparse
import json
import resource
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

from common import PROJECT, dataset, git_revision, machine, read_jsonl, today, write_section
from timing import call_latencies, p50_p99_ms

from classifier import Tagger

CLI = str(PROJECT / ".venv" / "bin" / "topic-tagger")
RESULTS = PROJECT / "bench" / "results"
CORPORA = {"BBC News": "bbc-news", "Reuters-21578 R90": "reuters21578-modapte"}


def run_cli(args: list[str]) -> tuple[str, float, int]:
    """Run the CLI; returns stdout, wall seconds and the child's peak RSS in MiB."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    started = time.perf_counter()
    result = subprocess.run([CLI, *args], capture_output=True, text=True, check=True)
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return result.stdout, seconds, max(peak, before) // 1024


def ours(stem: str, budget: float, work: Path) -> dict:
    train, test = dataset(f"{stem}-train.jsonl"), dataset(f"{stem}-test.jsonl")
    searched = work / f"{stem}-searched"
    _, search_seconds, search_peak = run_cli(
        ["train", str(train), "--test", str(test), "--out", str(searched), "--budget", str(budget)]
    )
    version = (searched / "CURRENT").read_text().strip()
    manifest = json.loads((searched / version / "manifest.json").read_text())
    params = manifest["training"]["params"]
    fixed = work / f"{stem}-fixed"
    _, fixed_seconds, fixed_peak = run_cli(
        [
            "train",
            str(train),
            "--test",
            str(test),
            "--out",
            str(fixed),
            "--params",
            json.dumps(params),
        ]
    )
    metrics = json.loads(run_cli(["eval", "--model", str(searched), str(test), "--json"])[0])
    model = Tagger.load(searched).model
    p50, p99 = per_document_ms(lambda text: model.tag(text, paragraphs=False), timing_texts(stem))
    return {
        "p50_ms": p50,
        "p99_ms": p99,
        "accuracy": metrics.get("accuracy"),
        "micro_f1": metrics["micro_f1"],
        "macro_f1": metrics["macro_f1"],
        "search_seconds": search_seconds,
        "train_seconds": fixed_seconds,
        "model_mb": manifest["model_file"]["size_bytes"] / 2**20,
        "peak_mb": max(search_peak, fixed_peak),
        "params": params,
    }


def plain_sklearn(stem: str) -> dict:
    """The reference pipeline, trained and scored in this process (timed on its own)."""
    import joblib
    import numpy as np
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.multiclass import OneVsRestClassifier
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import MultiLabelBinarizer
    from sklearn.svm import LinearSVC

    from classifier.evaluate import score_predictions

    train = read_jsonl(dataset(f"{stem}-train.jsonl"))
    test = read_jsonl(dataset(f"{stem}-test.jsonl"))
    multilabel = any(len(doc["labels"]) != 1 for doc in train)
    binarizer = MultiLabelBinarizer().fit([doc["labels"] for doc in train])
    started = time.perf_counter()
    if multilabel:
        pipeline = make_pipeline(
            TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True), OneVsRestClassifier(LinearSVC())
        )
        pipeline.fit([d["text"] for d in train], binarizer.transform([d["labels"] for d in train]))
        decision = pipeline.decision_function([d["text"] for d in test])
        chosen = decision > 0
        chosen[np.arange(len(test)), decision.argmax(axis=1)] |= ~chosen.any(axis=1)
        predicted = [[binarizer.classes_[k] for k in np.flatnonzero(row)] for row in chosen]
    else:
        pipeline = make_pipeline(
            TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True), LinearSVC()
        )
        pipeline.fit([d["text"] for d in train], [d["labels"][0] for d in train])
        predicted = [[label] for label in pipeline.predict([d["text"] for d in test])]
    seconds = time.perf_counter() - started
    call = pipeline.decision_function if multilabel else pipeline.predict
    p50, p99 = per_document_ms(lambda text: call([text]), timing_texts(stem))
    metrics = score_predictions([d["labels"] for d in test], predicted, list(binarizer.classes_))
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "model.joblib"
        joblib.dump(pipeline, path, compress=3)
        size = path.stat().st_size / 2**20
    return {
        "accuracy": metrics.get("accuracy"),
        "micro_f1": metrics["micro_f1"],
        "macro_f1": metrics["macro_f1"],
        "train_seconds": seconds,
        "model_mb": size,
        "p50_ms": p50,
        "p99_ms": p99,
    }


def per_document_ms(call, texts: list[str]) -> tuple[float, float]:
    """p50 and p99 of tagging one document per call, as the rivals are timed."""
    [times] = call_latencies(call, texts, warmup=20)
    return p50_p99_ms(times)


def timing_texts(stem: str) -> list[str]:
    """All BBC test documents, or 500 evenly spaced Reuters test documents (as the rivals)."""
    texts = [d["text"] for d in read_jsonl(dataset(f"{stem}-test.jsonl"))]
    step = max(1, len(texts) // 500)
    return texts[::step][:500] if len(texts) > 500 else texts


def fmt(value: float | None, digits: int = 3) -> str:
    return "-" if value is None else f"{value:.{digits}f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="BBC only, one run, short search")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    runs = 1 if args.quick else args.runs
    corpora = {"BBC News": "bbc-news"} if args.quick else CORPORA
    rows, records = [], {}
    for name, stem in corpora.items():
        with tempfile.TemporaryDirectory() as folder:
            results = [
                ours(stem, 30 if args.quick else 120, Path(folder) / str(i)) for i in range(runs)
            ]
        plain = [plain_sklearn(stem) for _ in range(runs)]
        med = {
            k: statistics.median(r[k] for r in results)
            for k in ("search_seconds", "train_seconds", "model_mb", "peak_mb", "p50_ms", "p99_ms")
        }
        first = results[
            0
        ]  # quality is deterministic (fixed seeds): every run gives the same figures
        rows.append(
            f"| {name} | ours (`topic-tagger`) | {fmt(first['accuracy'])} | {fmt(first['micro_f1'])} | {fmt(first['macro_f1'])} "
            f"| {med['train_seconds']:.1f} | {med['search_seconds']:.0f} | {med['model_mb']:.1f} | {med['peak_mb']:.0f} "
            f"| {med['p50_ms']:.3f} / {med['p99_ms']:.3f} |"
        )
        p = plain[0]
        rows.append(
            f"| {name} | plain scikit-learn pipeline | {fmt(p['accuracy'])} | {fmt(p['micro_f1'])} | {fmt(p['macro_f1'])} "
            f"| {statistics.median(r['train_seconds'] for r in plain):.1f} | - | {p['model_mb']:.1f} | - "
            f"| {statistics.median(r['p50_ms'] for r in plain):.3f} / {statistics.median(r['p99_ms'] for r in plain):.3f} |"
        )
        rows.append(
            f"| {name} | (ours: chosen hyperparameters) | {json.dumps(first['params'])} | | | | | | | |"
        )
        records[stem] = {"ours": {**first, **med}, "plain_sklearn": p}
    report = "\n".join(
        [
            "## Quality and training cost (issue 5)",
            "",
            f"`.venv/bin/python bench/quality.py{' --quick' if args.quick else ''}` on {today()}, commit {git_revision()}; {machine()}. "
            f"Training seconds are medians of {runs} run(s) with the chosen hyperparameters (`--params`); search seconds "
            "include the cross-validated search (budget 120 s) and the final fit. Peak memory is the training process's maximum RSS.",
            "",
            "| corpus | system | accuracy | micro-F1 | macro-F1 | train s | search s | model MB | peak MB | tag one doc p50 / p99 ms |",
            "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
            *rows,
        ]
    )
    print(report)
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / ("quality-quick.json" if args.quick else "quality.json")).write_text(
        json.dumps(records, indent=2)
    )
    write_section("quality-quick" if args.quick else "quality", report)


if __name__ == "__main__":
    main()
