"""gunicorn's sync workers against gthread workers with keep-alive (issue 14).

    .venv/bin/python bench/workers.py [--model models] [--runs 3] [--seconds 8] [--no-write]

Our service on the default model, 2 workers, served three ways in turns: sync workers (one
connection per request: the client reconnects every time, as gunicorn closes it), and gthread
workers with 2 and 4 threads each (connections kept alive). Each is loaded with 1, 2, 4 and 8
client threads sending the same 400-word article to POST /v1/tag; the plain Flask baseline
(`bench/rivals/flask_baseline.py`, sync workers as its docs suggest) runs in the same turns, so
the figures are ratios measured together. Medians of the runs.
"""

import argparse
import json
import os
import statistics
import sys
import tempfile
from pathlib import Path

from common import PROJECT, dataset, git_revision, machine, read_jsonl, today, write_section

sys.path.insert(0, str(Path(__file__).parent / "rivals"))
import flask_baseline
from load import measure
from servers import Server, free_port

CLIENTS = (1, 2, 4, 8)
SETUPS = {"sync (threads 1)": 1, "gthread, 2 threads": 2, "gthread, 4 threads": 4}
ARTICLE_WORDS = 400


def article() -> str:
    """A BBC test article cut to about ARTICLE_WORDS words."""
    text = next(d["text"] for d in read_jsonl(dataset("bbc-news-test.jsonl")))
    return " ".join(text.split(" ")[:ARTICLE_WORDS])


def serve_command(model: str, threads: int, port: int) -> list[str]:
    python = str(PROJECT / ".venv" / "bin" / "python")
    return [
        python, "-m", "service.cli", "serve", "--port", str(port), "--model", model,
        "--workers", "2", "--threads", str(threads), "--reload-seconds", "0",
    ]  # fmt: skip


def load_figures(url: str, body: bytes, seconds: float) -> dict[int, dict]:
    headers = {"Content-Type": "application/json"}
    return {
        clients: measure(
            url, body, headers, concurrency=clients, requests=50_000,
            max_seconds=seconds, warmup=40,
        )
        for clients in CLIENTS
    }  # fmt: skip


def one_run(model: str, body: bytes, seconds: float, logs: Path) -> dict[str, dict[int, dict]]:
    """Every setup once, in turns, each loaded at every client count."""
    figures = {}
    data_dir = tempfile.mkdtemp(prefix="workers-bench-")
    env = {**os.environ, "TOPIC_TAGGER_DATA_DIR": data_dir}
    for name, threads in SETUPS.items():
        port = free_port()
        command = serve_command(model, threads, port)
        with Server(command, env, logs / "workers-server.log", "/readyz", port):
            figures[name] = load_figures(f"http://127.0.0.1:{port}/v1/tag", body, seconds)
    port = free_port()
    baseline = [
        str(PROJECT / ".venv" / "bin" / "gunicorn"), "-w", "2", "-b", f"127.0.0.1:{port}",
        "--chdir", str(PROJECT / "bench" / "rivals"), "flask_baseline:app",
    ]  # fmt: skip
    baseline_env = {**env, "FLASK_BASELINE_MODEL": str(baseline_model(logs))}
    with Server(baseline, baseline_env, logs / "workers-server.log", "/health", port):
        figures["plain Flask + scikit-learn, sync"] = load_figures(
            f"http://127.0.0.1:{port}/tag", json.dumps({"text": article()}).encode(), seconds
        )
    return figures


def baseline_model(folder: Path) -> Path:
    """The plain baseline's pipeline on BBC train, made once (the file bench/speed.py uses)."""
    path = folder / "flask-baseline-bbc.joblib"
    if not path.exists():
        flask_baseline.train(str(dataset("bbc-news-train.jsonl")), str(path))
    return path


def median_table(runs: list[dict[str, dict[int, dict]]]) -> list[str]:
    lines = [
        "| server | clients | requests/s | p50 ms | p99 ms | connections opened | errors |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for name in runs[0]:
        for clients in CLIENTS:
            cells = [run[name][clients] for run in runs]
            rps = statistics.median(c["requests_per_second"] for c in cells)
            p50 = statistics.median(c["latency_ms"]["p50"] for c in cells)
            p99 = statistics.median(c["latency_ms"]["p99"] for c in cells)
            opened = statistics.median(c["connections_opened"] for c in cells)
            errors = sum(c["errors"] for c in cells)
            lines.append(
                f"| {name} | {clients} | {rps:,.0f} | {p50:.2f} | {p99:.2f} | {opened:,.0f} "
                f"| {errors} |"
            )
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default=str(PROJECT / "models"))
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--seconds", type=float, default=8.0, help="per client count")
    parser.add_argument("--no-write", action="store_true", help="print only")
    args = parser.parse_args()
    logs = PROJECT / "bench" / "results"
    logs.mkdir(exist_ok=True)
    body = json.dumps({"text": article(), "paragraphs": False}).encode()
    runs = [one_run(args.model, body, args.seconds, logs) for _ in range(args.runs)]
    report = "\n".join(
        [
            "## Sync or gthread workers (issue 14)",
            "",
            f"`.venv/bin/python bench/workers.py` on {today()}, commit {git_revision()}; "
            f"{machine()}. 2 workers each; a {ARTICLE_WORDS}-word article to `POST /v1/tag` "
            f"(ours without paragraphs in the answer); {args.seconds:.0f} s per client count; "
            f"medians of {args.runs} runs, the servers measured in turns. Clients, servers and "
            "everything else share the machine's 2 cores.",
            "",
            *median_table(runs),
        ]
    )
    print(report)
    if not args.no_write:
        write_section("workers", report)


if __name__ == "__main__":
    main()
