"""Start the real service (`topic-tagger serve`, gunicorn) on a free localhost port for tests."""

import os
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import requests

from tests.conftest import PROJECT


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass(frozen=True)
class Service:
    """A running service: its base URL and the gunicorn master's pid."""

    url: str
    pid: int

    def worker_pids(self) -> list[int]:
        children = Path(f"/proc/{self.pid}/task/{self.pid}/children").read_text().split()
        return [int(pid) for pid in children]


@contextmanager
def running_service(
    model_dir: Path, env: dict[str, str] | None = None, workers: int = 2
) -> Iterator[Service]:
    """Yield a gunicorn-served app on a free port; stop it (and its workers) afterwards."""
    port = free_port()
    environment = {k: v for k, v in os.environ.items() if not k.startswith("TOPIC_TAGGER_")}
    environment.update(env or {})
    command = [sys.executable, "-m", "service.cli", "serve", "--port", str(port)]
    command += ["--model", str(model_dir), "--workers", str(workers)]
    with tempfile.TemporaryFile(mode="w+") as log:
        process = subprocess.Popen(
            command, cwd=PROJECT, env=environment, stdout=subprocess.DEVNULL, stderr=log
        )
        base = f"http://127.0.0.1:{port}"
        try:
            _wait_ready(base, process, log)
            yield Service(base, process.pid)
        finally:
            process.terminate()
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def _wait_ready(base: str, process: subprocess.Popen, log: IO[str]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            log.seek(0)
            raise RuntimeError(f"service exited with {process.returncode}: {log.read()}")
        try:
            if requests.get(f"{base}/readyz", timeout=1).status_code == 200:
                return
        except (requests.ConnectionError, requests.Timeout):  # not listening, or still busy
            pass
        time.sleep(0.1)
    raise RuntimeError("service did not become ready within 60 s")
