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
import json
import shutil
import sys
import tempfile
import time
import traceback
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from annif_rival import (
    ANNIF_ANALYZER,
    ANNIF_BACKENDS,
    ANNIF_LANGUAGE,
    ANNIF_SUGGEST_LIMIT,
    ANNIF_TRAIN_JOBS,
    Annif,
    bench_annif,
)
from fasttext_rival import (
    FASTTEXT_GRID,
    FASTTEXT_LOSS,
    FASTTEXT_PARAMS,
    FASTTEXT_THRESHOLD,
    bench_fasttext,
    fasttext_child_train,
)
from http_rival import HTTP_CONCURRENCY, HTTP_WORKERS, run_http
from rivals_common import (
    DATASETS,
    DEFAULT_OUT,
    NLTK_DIR,
    THRESHOLD_GRID,
    VALIDATION_FRACTION,
    VALIDATION_SEED,
    WARMUP_CALLS,
    load_corpus,
    log,
    machine,
    versions,
)
from sklearn_rival import bench_sklearn_baseline

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


def parse_args(argv: list[str] | None) -> argparse.Namespace:
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
    return parser.parse_args(argv)


def run_settings(mode: dict) -> dict:
    """The settings of this run, as recorded in the results."""
    return {
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
    }


def corpus_jobs(
    corpus: dict,
    work: Path,
    mode: dict,
    args: argparse.Namespace,
    annif_runner: Annif | None,
    problems: list,
    models: dict,
) -> list[tuple[str, Callable[[], dict]]]:
    """(system, job) pairs for one corpus; the scikit-learn job leaves its model in `models`."""
    name = corpus["name"]
    jobs = []
    if not args.skip_fasttext:
        jobs.append(("fasttext", lambda: bench_fasttext(corpus, work, mode)))
    if annif_runner is not None:
        try:
            annif_runner.load_vocab(name, corpus["labels"])
            for backend in ANNIF_BACKENDS:
                jobs.append(
                    (
                        f"annif-{backend}",
                        lambda b=backend: bench_annif(annif_runner, b, corpus, work, mode),
                    )
                )
        except Exception as err:
            problems.append(f"annif load-vocab {name}: {err}")
            log(f"Annif vocabulary for {name} failed: {err}")
    if name == "bbc":

        def baseline() -> dict:
            record, models["sklearn"] = bench_sklearn_baseline(corpus, work, mode)
            return record

        jobs.append(("sklearn-tfidf-linearsvc", baseline))
    return jobs


def run_jobs(jobs: list, name: str, results: dict, out: Path) -> None:
    """Each job's record (or its error) into the results, written after every job."""
    for system, job in jobs:
        try:
            record = job()
            results["records"].append(record)
            m = record["metrics"]
            log(
                f"{system} {name}: acc {m.get('accuracy')} micro-F1 {m['micro_f1']} "
                f"macro-F1 {m['macro_f1']} train {record['timings']['train_seconds']} s"
            )
        except Exception as err:
            traceback.print_exc()
            results["records"].append({"system": system, "corpus": name, "error": str(err)})
            results["problems"].append(f"{system} {name}: {err}")
        write_results(out, results)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
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
        "settings": run_settings(mode),
        "records": records,
        "http": http_records,
        "problems": problems,
    }

    annif_runner = None if args.skip_annif else Annif(work)
    models: dict[str, Path] = {}
    bbc = None
    for name in mode["corpora"]:
        corpus = load_corpus(name)
        if name == "bbc":
            bbc = corpus
        log(
            f"{name}: {len(corpus['train'])} train, {len(corpus['test'])} test documents, "
            f"{len(corpus['labels'])} labels"
        )
        jobs = corpus_jobs(corpus, work, mode, args, annif_runner, problems, models)
        run_jobs(jobs, name, results, args.out)

    if not args.skip_http and bbc is not None:
        http_annif = (
            annif_runner
            if (annif_runner is not None and "bbc-svc" in annif_runner._loaded)
            else None
        )
        http_records.extend(run_http(http_annif, models.get("sklearn"), bbc, work, mode, problems))

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
