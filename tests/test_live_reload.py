"""A running service picks up promoted models without a restart and refuses broken ones."""

import threading
import time

import pytest
import requests

from classifier.registry import MODEL_FILE, publish
from classifier.registry import load as load_model
from tests.servers import running_service

pytestmark = pytest.mark.slow
ARTICLE = "The central bank raised interest rates as inflation climbed to a ten-year high."


def versions_seen(url: str, tries: int = 12) -> set[str]:
    """Versions reported by whichever workers answer a few requests."""
    return {requests.get(f"{url}/v1/model", timeout=5).json()["version"] for _ in range(tries)}


def wait_for(predicate, seconds: float = 20.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.2)
    return False


def test_promotion_under_load_drops_no_request(registry):
    env = {"TOPIC_TAGGER_RELOAD_SECONDS": "1"}
    with running_service(registry, env) as service:
        old = versions_seen(service.url)
        failures, answered = [], []
        stop = threading.Event()

        def client() -> None:
            session = requests.Session()
            while not stop.is_set():
                try:
                    response = session.post(
                        f"{service.url}/v1/tag", json={"text": ARTICLE}, timeout=10
                    )
                    (answered if response.status_code == 200 else failures).append(
                        response.status_code
                    )
                except requests.RequestException as error:
                    failures.append(repr(error))

        clients = [threading.Thread(target=client) for _ in range(3)]
        for thread in clients:
            thread.start()
        time.sleep(1.0)
        model, _ = load_model(registry)
        new = publish(model, registry, manifest={"note": "promoted under load"}, metrics={}).name
        switched = wait_for(lambda: versions_seen(service.url) == {new})
        time.sleep(1.0)
        stop.set()
        for thread in clients:
            thread.join()
    assert old != {new} and switched, "every worker serves the promoted model within seconds"
    assert failures == [] and len(answered) > 50


def test_a_corrupt_promoted_model_is_refused_and_the_old_one_serves(registry):
    with running_service(registry, {"TOPIC_TAGGER_RELOAD_SECONDS": "1"}) as service:
        [old] = versions_seen(service.url)
        model, _ = load_model(registry)
        broken = publish(model, registry, manifest={}, metrics={}, make_current=False)
        (broken / MODEL_FILE).write_bytes(b"not a model")  # corrupted after it was published
        (registry / "CURRENT").write_text(broken.name)  # promoted by hand, bypassing checks

        def refusal_reported() -> bool:
            ready = requests.get(f"{service.url}/readyz", timeout=5).json()
            return broken.name in ready.get("detail", "")

        assert wait_for(refusal_reported)
        # Each worker's watcher checks every second; one worker may answer many requests in a
        # row, so give every watcher a few turns before asking all of them.
        time.sleep(3.0)
        assert all(refusal_reported() for _ in range(6))
        for _ in range(6):
            info = requests.get(f"{service.url}/v1/model", timeout=5).json()
            assert info["version"] == old and "sha256" in info.get("warning", "")
        response = requests.post(f"{service.url}/v1/tag", json={"text": ARTICLE}, timeout=5)
        assert response.status_code == 200 and response.json()["model"] == old
