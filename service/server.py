"""Run the app under gunicorn: the production server (Flask's own server is for tests only)."""

import os
import secrets
import shutil
import tempfile
from dataclasses import replace
from typing import Any

from gunicorn.app.base import BaseApplication
from prometheus_client import multiprocess

from service import create_app
from service.config import Settings


class _GunicornApp(BaseApplication):  # type: ignore[misc]
    def __init__(self, settings: Settings, options: dict[str, Any]):
        self.settings = settings
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self) -> Any:
        return create_app(self.settings)


def _worker_exit(server: Any, worker: Any) -> None:
    """Drop a dead worker's live gauges so /metrics does not report it forever."""
    multiprocess.mark_process_dead(worker.pid)


def serve(settings: Settings, host: str, port: int) -> None:
    """Serve until interrupted; metrics from all workers meet in a private temporary folder."""
    if settings.secret_key is None and settings.token is None:
        # Nothing to sign in to, but the workers must agree on the key that signs the editors'
        # page's CSRF tokens: one made here, before the fork, is shared by all of them.
        settings = replace(settings, secret_key=secrets.token_urlsafe(48))
    metrics_dir = tempfile.mkdtemp(prefix="topic-tagger-metrics-")
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = metrics_dir
    options = {
        "bind": f"{host}:{port}",
        "workers": settings.workers,
        "worker_class": "sync" if settings.threads == 1 else "gthread",
        "threads": settings.threads,
        "keepalive": 5,  # seconds an idle connection stays open (gthread workers only)
        "timeout": 30,
        "graceful_timeout": 30,
        "limit_request_line": 8190,
        "limit_request_fields": 100,
        "child_exit": _worker_exit,
        "accesslog": None,
        "errorlog": "-",
        "loglevel": "info",
        "proc_name": "topic-tagger",
    }
    try:
        _GunicornApp(settings, options).run()
    finally:
        shutil.rmtree(metrics_dir, ignore_errors=True)
