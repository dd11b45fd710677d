"""The scikit-learn TF-IDF + LinearSVC pipeline behind the Flask baseline, on BBC."""

from __future__ import annotations

import sys
from pathlib import Path

from rivals_common import (
    HERE,
    even_sample,
    log,
    run_measured,
    score,
    summarize_runs,
    time_calls,
    tree_bytes,
)


def bench_sklearn_baseline(corpus: dict, work: Path, mode: dict) -> tuple[dict, Path]:
    import joblib

    folder = work / "flask-baseline"
    folder.mkdir(exist_ok=True)
    train_path = corpus["files"]["train"]
    model_path = folder / "pipeline.joblib"
    runs = []
    for repeat in range(mode["repeats"]):
        log(f"scikit-learn baseline {corpus['name']}: training {repeat + 1}/{mode['repeats']}")
        runs.append(
            run_measured(
                [sys.executable, HERE / "flask_baseline.py", "train", train_path, model_path],
                folder / "train.log",
            )
        )
    pipeline = joblib.load(model_path)

    def tag(text: str) -> list[str]:
        return [str(pipeline.predict([text])[0])]

    predicted = [[str(p)] for p in pipeline.predict([d["text"] for d in corpus["test"]])]
    metrics = score([d["labels"] for d in corpus["test"]], predicted, corpus["labels"], False)
    texts = [d["text"] for d in even_sample(corpus["test"], mode["latency_docs"])]
    latency = time_calls(tag, texts, mode["repeats"])
    record = {
        "system": "sklearn-tfidf-linearsvc",
        "corpus": corpus["name"],
        "settings": {
            "pipeline": "TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True) + LinearSVC()",
            "note": "the model behind the Flask baseline service; scikit-learn defaults otherwise",
        },
        "metrics": metrics,
        "timings": {**summarize_runs(runs), "latency_per_document": latency},
        "model": tree_bytes(model_path),
    }
    return record, model_path
