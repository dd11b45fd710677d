"""Crashes at the worst moments: a killed trainer, a killed worker during label writes."""

import os
import signal
import subprocess
import sys
import threading
import time

import pytest
import requests

from classifier.labelstore import open_label_store
from classifier.registry import current_version, list_versions, load
from tests.conftest import PROJECT, TRAINING_DATA
from tests.servers import running_service
from tests.test_labelstore import POSTGRES_URL, reset_postgres

TOKEN = "fault-token-0123456789abcdef"


def test_killing_the_trainer_at_any_moment_leaves_the_current_model_intact(registry):
    before = current_version(registry)
    command = [
        sys.executable,
        "-m",
        "service.cli",
        "train",
        str(TRAINING_DATA / "train"),
        "--taxonomy",
        str(TRAINING_DATA / "taxonomy.json"),
        "--out",
        str(registry),
        "--budget",
        "1",
        "--folds",
        "2",
        "--force",
    ]
    # Kill at spread-out moments: tokenising, searching, fitting, and publishing.
    for delay in (0.3, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0):
        trainer = subprocess.Popen(
            command, cwd=PROJECT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        time.sleep(delay)
        trainer.send_signal(signal.SIGKILL)
        trainer.wait()
        current = current_version(registry)
        assert current is not None
        model, manifest = load(registry)  # verifies the checksum of whatever is current
        assert model.labels and manifest["version"] == current
        if current != before:  # the kill came after an atomic promotion: a complete model
            before = current
    versions = {m["version"] for m in list_versions(registry)}
    assert current_version(registry) in versions


@pytest.fixture(params=["sqlite", "postgresql"])
def label_env(request, tmp_path):
    if request.param == "sqlite":
        return {"TOPIC_TAGGER_DATA_DIR": str(tmp_path / "data")}, str(
            tmp_path / "data" / "labels.sqlite3"
        )
    if not POSTGRES_URL:
        pytest.skip(
            "TOPIC_TAGGER_TEST_DATABASE_URL is not set (.ci/run starts a PostgreSQL server)"
        )
    reset_postgres(POSTGRES_URL)
    return {"TOPIC_TAGGER_DATABASE_URL": POSTGRES_URL}, POSTGRES_URL


def test_killing_a_worker_loses_no_acknowledged_label(default_model, label_env):
    env, location = label_env
    acknowledged: list[str] = []
    lock = threading.Lock()
    with running_service(default_model.model_dir, {"TOPIC_TAGGER_TOKEN": TOKEN, **env}) as service:

        def client(number: int) -> None:
            headers = {"Authorization": f"Bearer {TOKEN}"}
            for i in range(60):
                body = {
                    "text": f"Client {number} correction {i}.",
                    "labels": ["sport"],
                    "id": f"c{number}-{i}",
                }
                for _ in range(5):  # a client retries a failed request; the id makes it harmless
                    try:
                        response = requests.post(
                            f"{service.url}/v1/labels", json=body, headers=headers, timeout=10
                        )
                    except requests.RequestException:
                        continue
                    if response.status_code == 201:
                        with lock:
                            acknowledged.append(response.json()["id"])
                        break

        clients = [threading.Thread(target=client, args=(n,)) for n in range(4)]
        for thread in clients:
            thread.start()
        time.sleep(0.5)
        os.kill(service.worker_pids()[0], signal.SIGKILL)
        for thread in clients:
            thread.join()
    with open_label_store(location) as store:
        stored = [label.id for label in store.iter_all()]
    assert len(acknowledged) > 200
    assert set(acknowledged) <= set(stored)
    assert len(stored) == len(set(stored))
