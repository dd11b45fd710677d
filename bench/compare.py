"""One side-by-side table of every system, from the result files of this `make bench` run.

    .venv/bin/python bench/compare.py

Reads bench/results/quality.json and speed.json (ours and the plain scikit-learn pipeline)
and rivals.json (fastText, Annif, the Flask baseline). Only figures measured in the same
`make bench` run are put side by side; the dates of each file are printed with the table.
"""

import json
from pathlib import Path

from common import PROJECT, write_section

RESULTS = PROJECT / "bench" / "results"
CORPUS_KEYS = {"bbc": "bbc-news", "reuters": "reuters21578-modapte"}
RIVAL_NAMES = {
    "fasttext": "fastText supervised",
    "annif-tfidf": "Annif 1.4 tfidf",
    "annif-svc": "Annif 1.4 svc",
    "annif-omikuji": "Annif 1.4 omikuji",
}


def load(name: str) -> dict:
    path = RESULTS / name
    if not path.exists():
        raise SystemExit(f"bench: {path} is missing; run `make bench`")
    return json.loads(path.read_text())


def cell(value: float | None, digits: int = 3) -> str:
    return "-" if value is None else f"{value:.{digits}f}"


def quality_rows(quality: dict, rivals: dict) -> list[str]:
    rows = []
    for short, stem in CORPUS_KEYS.items():
        ours, plain = quality[stem]["ours"], quality[stem]["plain_sklearn"]
        rows.append(
            f"| {short} | **ours** | {cell(ours.get('accuracy'))} | {cell(ours['micro_f1'])} | {cell(ours['macro_f1'])} "
            f"| {ours['train_seconds']:.1f} | {ours['p50_ms']:.3f} / {ours['p99_ms']:.3f} | {ours['model_mb']:.1f} |"
        )
        rows.append(
            f"| {short} | plain scikit-learn | {cell(plain.get('accuracy'))} | {cell(plain['micro_f1'])} | {cell(plain['macro_f1'])} "
            f"| {plain['train_seconds']:.1f} | {plain['p50_ms']:.3f} / {plain['p99_ms']:.3f} | {plain['model_mb']:.1f} |"
        )
        for record in rivals["records"]:
            if record["corpus"] != short or record["system"] not in RIVAL_NAMES:
                continue
            metrics, timings = record["metrics"], record["timings"]
            latency = timings["latency_per_document"]
            rows.append(
                f"| {short} | {RIVAL_NAMES[record['system']]} | {cell(metrics.get('accuracy') if short == 'bbc' else None)} "
                f"| {cell(metrics['micro_f1'])} | {cell(metrics['macro_f1'])} | {timings['train_seconds']:.1f} "
                f"| {latency['p50_ms']:.3f} / {latency['p99_ms']:.3f} | {record['model']['total_bytes'] / 2**20:.1f} |"
            )
    return rows


def http_rows(speed: dict, rivals: dict) -> list[str]:
    rows = []
    for name, figures in speed["http"].items():
        rows.append(
            f"| {name} (speed.py) | {figures['p50_ms']:.2f} | {figures['p99_ms']:.2f} | {figures['rps_2']:.0f} | {figures['rps_4']:.0f} |"
        )
    for record in rivals["http"]:
        levels = {level["concurrency"]: level for level in record["levels"]}
        two, four = levels.get(2, {}), levels.get(4, {})
        rows.append(
            f"| {record['system']} (rivals) | {two.get('p50_ms', float('nan')):.2f} (2 clients) | "
            f"{two.get('p99_ms', float('nan')):.2f} (2 clients) | {two.get('requests_per_second', 0):.0f} | "
            f"{four.get('requests_per_second', 0):.0f} |"
        )
    return rows


def main() -> None:
    quality, speed, rivals = load("quality.json"), load("speed.json"), load("rivals.json")
    stamps = {
        name: Path(RESULTS / name).stat().st_mtime
        for name in ("quality.json", "speed.json", "rivals.json")
    }
    spread_minutes = (max(stamps.values()) - min(stamps.values())) / 60
    report = "\n".join(
        [
            "## Side by side (issue 5)",
            "",
            f"`make bench` (`.venv/bin/python bench/compare.py` joins its result files); the three files were written "
            f"within {spread_minutes:.0f} minutes of each other, on the machine named in the sections below. Rivals: "
            f"{', '.join(f'{k} {v}' for k, v in rivals.get('versions', {}).items() if k in ('annif', 'fasttext-numpy2', 'scikit-learn'))}.",
            "",
            "Quality on the test files and cost (train s: training with fixed settings; latency: one document per call, in-process, ms):",
            "",
            "| corpus | system | BBC accuracy | micro-F1 | macro-F1 | train s | p50 / p99 ms | model MB |",
            "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |",
            *quality_rows(quality, rivals),
            "",
            "Over HTTP, 2 gunicorn workers each, the same BBC article (tech/290), the same load generator:",
            "",
            "| service | p50 ms | p99 ms | req/s, 2 clients | req/s, 4 clients |",
            "| --- | ---: | ---: | ---: | ---: |",
            *http_rows(speed, rivals),
        ]
    )
    print(report)
    write_section("compare", report)


if __name__ == "__main__":
    main()
