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
from tests.conftest import PROJECT, TRAINING_DATA, postgres_url, reset_postgres, write_jsonl
from tests.servers import running_service

pytestmark = pytest.mark.slow

TOKEN = "fault-token-0123456789abcdef"


def test_killing_the_trainer_at_any_moment_leaves_the_current_model_intact(
    registry, quick_corpora, tmp_path
):
    """kill -9 at spread-out moments: before a promotion nothing changes, after it the new
    version is complete; never a half-written model, and a later run still trains and promotes."""
    first = current_version(registry)
    data = write_jsonl(
        tmp_path / "train.jsonl",
        [{"text": e.text, "labels": list(e.labels) or ["none"]} for e in quick_corpora[0].examples],
    )
    command = [
        sys.executable,
        "-m",
        "service.cli",
        "train",
        str(data),
        "--taxonomy",
        str(TRAINING_DATA / "taxonomy.json"),
        "--out",
        str(registry),
        "--params",
        '{"C": 1.0, "ngram_range": [1, 1], "min_df": 2}',
        "--folds",
        "2",
        "--force",
    ]
    outcomes = []
    for delay in (0.3, 1.0, 2.0, 3.0, 5.0, 7.0, 9.0, 12.0):
        before = current_version(registry)
        trainer = subprocess.Popen(
            command, cwd=PROJECT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        time.sleep(delay)
        trainer.send_signal(signal.SIGKILL)
        trainer.wait()
        model, manifest = load(registry)  # verifies the checksum of whatever is current
        assert model.labels and manifest["version"] == current_version(registry)
        outcomes.append("kept" if manifest["version"] == before else "promoted")
    assert "kept" in outcomes, "no kill landed before promotion: the delays are too long"
    listed = [m["version"] for m in list_versions(registry)]
    assert not any(v.startswith(".") for v in listed)  # staging folders are never versions
    finished = subprocess.run(command, cwd=PROJECT, capture_output=True, text=True)
    assert finished.returncode == 0, finished.stderr
    assert current_version(registry) not in (first, *listed)


@pytest.fixture(params=["sqlite", "postgresql"])
def label_env(request, tmp_path):
    if request.param == "sqlite":
        return {"TOPIC_TAGGER_DATA_DIR": str(tmp_path / "data")}, str(
            tmp_path / "data" / "labels.sqlite3"
        )
    url = postgres_url()
    reset_postgres(url)
    return {"TOPIC_TAGGER_DATABASE_URL": url}, url


def test_killing_a_worker_loses_no_acknowledged_label(quick_model, label_env):
    env, location = label_env
    acknowledged: list[str] = []
    lock = threading.Lock()
    with running_service(quick_model.model_dir, {"TOPIC_TAGGER_TOKEN": TOKEN, **env}) as service:

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
