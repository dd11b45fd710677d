"""Tagging speed in-process and over HTTP, beside a plain Flask + scikit-learn baseline.

    .venv/bin/python bench/speed.py [--quick] [--runs 3]

Everything is measured in this one run on this machine: the same articles, the same number
of gunicorn workers, the same load generator (bench/rivals/load.py) for every service.
Reported figures are medians over the runs.
"""

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

from common import PROJECT, dataset, git_revision, machine, read_jsonl, today, write_section
from timing import latency_ms, median_of

sys.path.insert(0, str(Path(__file__).parent / "rivals"))
import flask_baseline
from load import measure

from classifier import Tagger

RESULTS = PROJECT / "bench" / "results"
WORKERS = 2


def pick_articles(lengths: tuple[int, ...]) -> dict[int, str]:
    """BBC test articles nearest each target length in words (never used to train)."""
    articles = [doc["text"] for doc in read_jsonl(dataset("bbc-news-test.jsonl"))]
    return {n: min(articles, key=lambda text: abs(len(text.split()) - n)) for n in lengths}


def train_models(quick: bool) -> tuple[Path, Path, Path]:
    """Our model on BBC, the baseline pipeline on BBC, and the default model (made if absent)."""
    RESULTS.mkdir(parents=True, exist_ok=True)
    bbc_models = RESULTS / "models-bbc"
    cli = [str(PROJECT / ".venv" / "bin" / "topic-tagger")]
    if not (bbc_models / "CURRENT").exists():
        subprocess.run(
            [
                *cli,
                "train",
                str(dataset("bbc-news-train.jsonl")),
                "--out",
                str(bbc_models),
                "--budget",
                "30" if quick else "120",
                "--force",
            ],
            check=True,
            stdout=subprocess.DEVNULL,
        )
    baseline = RESULTS / "flask-baseline-bbc.joblib"
    if not baseline.exists():
        flask_baseline.train(str(dataset("bbc-news-train.jsonl")), str(baseline))
    default = PROJECT / "models"
    if not (default / "CURRENT").exists():
        subprocess.run(["make", "-C", str(PROJECT), "model"], check=True, stdout=subprocess.DEVNULL)
    return bbc_models, baseline, default


def in_process(
    articles: dict[int, str], models: tuple[Path, Path, Path], runs: int, repeats: int
) -> list[str]:
    import joblib

    bbc_models, baseline_path, default = models
    ours_bbc = Tagger.load(bbc_models).model
    ours_default = Tagger.load(default).model
    baseline = joblib.load(baseline_path)
    rows = []
    for words, text in articles.items():
        systems = {
            "ours, default model (paragraphs + roll-up)": lambda text: ours_default.tag(text),
            "ours, BBC model, whole document (lean path)": lambda text: ours_bbc.tag(
                text, paragraphs=False
            ),
            "ours, BBC model, article with paragraphs": lambda text: ours_bbc.tag(text),
            "ours, BBC model through its full Pipeline": lambda text: ours_bbc.reference_scores(
                [text]
            ),
            "plain scikit-learn Pipeline.predict (BBC)": lambda text: baseline.predict([text]),
        }
        for name, call in systems.items():
            p50, p99 = median_of([latency_ms(call, text, repeats) for _ in range(runs)])
            rows.append(f"| {words} | {name} | {p50:.3f} | {p99:.3f} |")
    return rows


def start(command: list[str], env: dict[str, str], health: str) -> subprocess.Popen:
    process = subprocess.Popen(
        command,
        env={**os.environ, **env},
        cwd=PROJECT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    import urllib.request

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(health, timeout=1) as response:
                if response.status == 200:
                    return process
        except OSError:
            time.sleep(0.2)
    process.kill()
    raise SystemExit(f"bench: {command} did not start")


HTTP_RESULTS: dict[str, dict[str, float]] = {}
HTTP_ARTICLE = "tech/290"  # the article bench/rivals/run_rivals.py sends to Annif and the baseline


def http_article() -> str:
    return next(
        d["text"] for d in read_jsonl(dataset("bbc-news-test.jsonl")) if d["id"] == HTTP_ARTICLE
    )


def over_http(
    article: str, models: tuple[Path, Path, Path], runs: int, seconds: float
) -> list[str]:
    bbc_models, baseline_path, default = models
    python = str(PROJECT / ".venv" / "bin" / "python")
    body = json.dumps({"text": article}).encode()
    our_body = json.dumps({"text": article, "paragraphs": False}).encode()
    services = [
        (
            "ours, default model",
            [
                python,
                "-m",
                "service.cli",
                "serve",
                "--port",
                "8811",
                "--model",
                str(default),
                "--workers",
                str(WORKERS),
            ],
            {},
            8811,
            "/v1/tag",
            "/readyz",
            our_body,
        ),
        (
            "ours, BBC model",
            [
                python,
                "-m",
                "service.cli",
                "serve",
                "--port",
                "8812",
                "--model",
                str(bbc_models),
                "--workers",
                str(WORKERS),
            ],
            {},
            8812,
            "/v1/tag",
            "/readyz",
            our_body,
        ),
        (
            "plain Flask + scikit-learn (BBC)",
            [
                str(PROJECT / ".venv" / "bin" / "gunicorn"),
                "-w",
                str(WORKERS),
                "-b",
                "127.0.0.1:8813",
                "--chdir",
                str(PROJECT / "bench" / "rivals"),
                "flask_baseline:app",
            ],
            {"FLASK_BASELINE_MODEL": str(baseline_path)},
            8813,
            "/tag",
            "/health",
            body,
        ),
    ]
    rows = []
    headers = {"Content-Type": "application/json"}
    for name, command, env, port, path, health, payload in services:
        process = start(command, env, f"http://127.0.0.1:{port}{health}")
        try:
            url = f"http://127.0.0.1:{port}{path}"
            figures = []
            for _ in range(runs):
                single, two, four = (
                    measure(
                        url,
                        payload,
                        headers,
                        concurrency=c,
                        requests=50_000,
                        max_seconds=seconds,
                        warmup=30,
                    )
                    for c in (1, 2, 4)
                )
                figures.append(
                    (
                        single["latency_ms"]["p50"],
                        single["latency_ms"]["p99"],
                        two["requests_per_second"],
                        four["requests_per_second"],
                        four["latency_ms"]["p50"],
                        four["errors"] + two["errors"],
                    )
                )
            p50, p99, rps2, rps4, p50_4, errors = median_of(figures)
            HTTP_RESULTS[name] = {
                "p50_ms": p50,
                "p99_ms": p99,
                "rps_2": rps2,
                "rps_4": rps4,
                "errors": errors,
            }
            rows.append(
                f"| {name} | {p50:.2f} | {p99:.2f} | {rps2:.0f} | {rps4:.0f} | {p50_4:.2f} | {errors:.0f} |"
            )
        finally:
            process.terminate()
            process.wait(timeout=30)
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--quick", action="store_true", help="fewer repeats, for a one-minute check"
    )
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    runs = 1 if args.quick else args.runs
    models = train_models(args.quick)
    articles = pick_articles((100, 400, 1000))
    inproc = in_process(articles, models, runs, 300 if args.quick else 2000)
    article = http_article()
    http = over_http(article, models, runs, 2.0 if args.quick else 10.0)
    command = "`.venv/bin/python bench/speed.py" + (" --quick`" if args.quick else "`")
    report = "\n".join(
        [
            "## Tagging speed (issues 4 and 5)",
            "",
            f"{command} on {today()}, commit {git_revision()}; {machine()}. Medians of {runs} run(s).",
            "",
            "In-process, one article per call (ms):",
            "",
            "| words | system | p50 | p99 |",
            "| ---: | --- | ---: | ---: |",
            *inproc,
            "",
            f"Over HTTP, BBC test article {HTTP_ARTICLE} ({len(article.split())} words, the one the rivals get), "
            f"gunicorn with {WORKERS} sync workers for every service, load from bench/rivals/load.py on the same "
            f"machine, {2 if args.quick else 10} s per level (ms, requests/s):",
            "",
            "| service | p50, 1 client | p99, 1 client | req/s, 2 clients | req/s, 4 clients | p50, 4 clients | errors |",
            "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
            *http,
        ]
    )
    print(report)
    if not args.quick:
        (RESULTS / "speed.json").write_text(json.dumps({"http": HTTP_RESULTS}, indent=2))
    write_section("speed-quick" if args.quick else "speed", report)


if __name__ == "__main__":
    main()
