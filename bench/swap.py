"""Latency while a new model is promoted under load (issue 6).

    .venv/bin/python bench/swap.py [--runs 3]

A registry holding the default model is served by gunicorn (2 workers, checking for a new
model every second). Four clients tag without pause; after a few seconds a new version is
published and made current. We count failed requests and compare p99 latency in the five
seconds after the promotion with the seconds before it.
"""

import argparse
import http.client
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from common import PROJECT, git_revision, machine, today, write_section

from classifier.registry import load, publish, resolve, set_current

CLIENTS = 4
PORT = 8821


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * q))] if ordered else float("nan")


def client(stop: threading.Event, samples: list[tuple[float, float, bool]], body: bytes) -> None:
    while not stop.is_set():
        started = time.perf_counter()
        try:
            connection = http.client.HTTPConnection("127.0.0.1", PORT, timeout=10)
            connection.request("POST", "/v1/tag", body, {"Content-Type": "application/json"})
            response = connection.getresponse()
            response.read()
            ok = response.status == 200
            connection.close()
        except OSError:
            ok = False
        samples.append((started, time.perf_counter() - started, ok))


def wait_ready() -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", PORT, timeout=1)
            connection.request("GET", "/readyz")
            if connection.getresponse().status == 200:
                return
        except OSError:
            time.sleep(0.2)
    raise SystemExit("bench: the service did not start")


def one_run(source: Path, article: str) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as folder:
        registry = Path(folder) / "models"
        registry.mkdir()
        model_dir = resolve(source)
        shutil.copytree(model_dir, registry / model_dir.name)
        set_current(registry, model_dir.name)
        command = [
            sys.executable,
            "-m",
            "service.cli",
            "serve",
            "--port",
            str(PORT),
            "--model",
            str(registry),
        ]
        server = subprocess.Popen(
            command,
            cwd=PROJECT,
            env={"TOPIC_TAGGER_RELOAD_SECONDS": "1", "PATH": "/usr/bin:/bin"},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            wait_ready()
            samples: list[tuple[float, float, bool]] = []
            stop = threading.Event()
            body = json.dumps({"text": article, "paragraphs": False}).encode()
            threads = [
                threading.Thread(target=client, args=(stop, samples, body)) for _ in range(CLIENTS)
            ]
            for thread in threads:
                thread.start()
            time.sleep(4)
            model, _ = load(registry)
            promoted_at = time.perf_counter()
            publish(model, registry, manifest={"note": "bench/swap.py"}, metrics={})
            time.sleep(6)
            stop.set()
            for thread in threads:
                thread.join()
        finally:
            server.terminate()
            server.wait(timeout=30)
    before = [latency for at, latency, ok in samples if ok and at < promoted_at]
    during = [latency for at, latency, ok in samples if ok and promoted_at <= at < promoted_at + 5]
    return {
        "requests": len(samples),
        "failed": sum(not ok for _, _, ok in samples),
        "p50_before": percentile(before, 0.5) * 1e3,
        "p99_before": percentile(before, 0.99) * 1e3,
        "p50_swap": percentile(during, 0.5) * 1e3,
        "p99_swap": percentile(during, 0.99) * 1e3,
        "max_swap": max(during) * 1e3,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--model", default=str(PROJECT / "models"))
    args = parser.parse_args()
    article = (PROJECT / "examples" / "sample-article.txt").read_text(encoding="utf-8")
    runs = [one_run(Path(args.model), article) for _ in range(args.runs)]
    median = {key: statistics.median(run[key] for run in runs) for key in runs[0]}
    failed = sum(run["failed"] for run in runs)
    report = "\n".join(
        [
            "## Promotion under load (issue 6)",
            "",
            f"`.venv/bin/python bench/swap.py` on {today()}, commit {git_revision()}; {machine()}. "
            f"{CLIENTS} clients tag `examples/sample-article.txt` without pause against 2 gunicorn "
            "workers that check for a new model every second; 4 s in, a new version is published and "
            f"made current. Medians of {args.runs} runs (ms).",
            "",
            "| requests per run | failed (all runs) | p50 before | p99 before | p50 in the 5 s after | p99 in the 5 s after | worst in the 5 s after |",
            "| ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
            f"| {median['requests']:.0f} | {failed} | {median['p50_before']:.2f} | {median['p99_before']:.2f} | "
            f"{median['p50_swap']:.2f} | {median['p99_swap']:.2f} | {median['max_swap']:.1f} |",
        ]
    )
    print(report)
    write_section("swap", report)


if __name__ == "__main__":
    main()
