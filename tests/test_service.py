"""The HTTP service end to end through a real gunicorn on a free localhost port.

Every endpoint and error is covered fast through Flask's test client (test_api.py); these
tests check what only a real server shows: the process starts from the CLI, workers share
metrics, and bodies cross a real socket.
"""

import pytest
import requests

from tests.conftest import PROJECT, TOKEN
from tests.servers import running_service

pytestmark = pytest.mark.slow
STORY = (PROJECT / "examples" / "sample-article.txt").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def service(quick_model, tmp_path_factory):
    env = {
        "TOPIC_TAGGER_TOKEN": TOKEN,
        "TOPIC_TAGGER_MAX_BATCH": "5",
        "TOPIC_TAGGER_DATA_DIR": str(tmp_path_factory.mktemp("e2e-labels")),
    }
    with running_service(quick_model.model_dir, env) as running:
        yield running.url


def test_tag_and_batch_over_a_real_socket(service):
    single = requests.post(f"{service}/v1/tag", json={"text": STORY}, timeout=10).json()
    assert single["tags"][0]["label"] == "sport"
    documents = [{"id": "a", "text": STORY}, {"id": "b", "text": " "}]
    batch = requests.post(f"{service}/v1/tag/batch", json={"documents": documents}, timeout=10)
    results = batch.json()["results"]
    assert results[0]["tags"] == single["tags"] and results[1]["error"]
    too_big = requests.post(f"{service}/v1/tag", json={"text": "word " * 210_000}, timeout=10)
    assert too_big.status_code == 413 and too_big.json()["error"] == "payload_too_large"


def test_metrics_add_up_across_workers(service):
    def model_requests() -> float:
        text = requests.get(f"{service}/metrics", timeout=5).text
        return sum(
            float(line.rsplit(" ", 1)[1])
            for line in text.splitlines()
            if line.startswith("topic_tagger_requests_total{")
            and 'endpoint="/v1/model"' in line
            and 'status="200"' in line
        )

    before = model_requests()
    for _ in range(20):
        requests.get(f"{service}/v1/model", timeout=5)
    # Several scrapes, answered by whichever worker: each must see all 20 requests.
    assert {model_requests() - before for _ in range(6)} == {20.0}
    text = requests.get(f"{service}/metrics", timeout=5).text
    assert "topic_tagger_request_duration_seconds_bucket" in text
    assert "topic_tagger_model_info{" in text


def test_labels_and_reload_through_the_server(service):
    headers = {"Authorization": f"Bearer {TOKEN}"}
    body = {"text": "The mayor opened the fair.", "labels": ["politics"], "id": "e2e-1"}
    stored = requests.post(f"{service}/v1/labels", json=body, headers=headers, timeout=10)
    assert stored.status_code == 201 and stored.json()["id"] == "e2e-1"
    page = requests.get(f"{service}/v1/labels", headers=headers, timeout=10).json()
    assert [label["id"] for label in page["labels"]] == ["e2e-1"]
    reload = requests.post(f"{service}/v1/model/reload", headers=headers, timeout=10)
    assert reload.status_code == 200 and reload.json()["version"]
