"""Rivals served over HTTP (Annif's BBC svc project, the Flask + scikit-learn baseline), each
on a loopback port of its own, measured with load.py."""

from __future__ import annotations

import json
import os
import urllib.parse
from pathlib import Path

import load
from annif_rival import Annif
from rivals_common import BIN, HERE, log, median, rounded
from servers import Server, free_port, post_once, process_tree_rss_mb

HTTP_WORKERS = 2
HTTP_CONCURRENCY = (2, 4)


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
