"""The label API over HTTP (Flask's test client) on both stores: auth, idempotency, paging."""

import pytest

from classifier.labelstore import open_label_store
from tests.conftest import TOKEN
from tests.test_api import AUTH, assert_error

ROUTES = [
    ("post", "/v1/labels", {"text": "Rates rose.", "labels": ["politics"]}),
    ("post", "/v1/labels/batch", {"labels": [{"text": "Rates rose.", "labels": ["politics"]}]}),
    ("get", "/v1/labels", None),
]


def store_of(client):
    return client.application.extensions["label_store"]


@pytest.mark.parametrize(("method", "path", "body"), ROUTES)
def test_every_label_route_needs_the_token(store_client, method, path, body):
    call = getattr(store_client, method)
    assert_error(call(path, json=body), 401, "unauthorized")
    wrong = {"Authorization": "Bearer wrong-token-wrong-token"}
    assert_error(call(path, json=body, headers=wrong), 401, "unauthorized")
    assert call(path, json=body, headers=AUTH).status_code in (200, 201)


def test_a_label_is_stored_and_a_replay_stores_nothing(store_client):
    body = {"text": "The mayor opened the fair.", "labels": ["politics"], "source": "desk"}
    first = store_client.post("/v1/labels", json=body, headers=AUTH)
    assert first.status_code == 201 and first.get_json()["created"] is True
    replay = store_client.post("/v1/labels", json=body, headers=AUTH)
    assert replay.status_code == 201 and replay.get_json() == {**first.get_json(), "created": False}
    assert store_of(store_client).count() == 1


def test_a_reused_client_id_with_other_content_is_409_and_stores_nothing(store_client):
    body = {"text": "Share this article", "labels": ["none"], "id": "c-1"}
    assert store_client.post("/v1/labels", json=body, headers=AUTH).status_code == 201
    other = {**body, "text": "Something else entirely"}
    detail = assert_error(
        store_client.post("/v1/labels", json=other, headers=AUTH), 409, "id_conflict"
    )
    assert "c-1" in detail["detail"]
    batch = {"labels": [{"text": "A new one.", "labels": ["sport"], "id": "c-2"}, other]}
    assert_error(
        store_client.post("/v1/labels/batch", json=batch, headers=AUTH), 409, "id_conflict"
    )
    assert store_of(store_client).get("c-2") is None and store_of(store_client).count() == 1


def test_labels_resolve_by_name_or_code_and_unknown_ones_are_refused(store_client):
    body = {"text": "Storm warning issued.", "labels": ["medtop:17000000"], "id": "w"}
    assert store_client.post("/v1/labels", json=body, headers=AUTH).status_code == 201
    assert store_of(store_client).get("w").labels == ("weather",)
    bad = {"text": "Rates rose.", "labels": ["sprot"]}
    detail = assert_error(
        store_client.post("/v1/labels", json=bad, headers=AUTH), 422, "unknown_label"
    )
    assert "sprot" in detail["detail"]
    batch = {"labels": [{"text": "ok", "labels": ["sport"]}, bad]}
    detail = assert_error(
        store_client.post("/v1/labels/batch", json=batch, headers=AUTH), 422, "unknown_label"
    )
    assert detail["detail"].startswith("labels[1]:") and store_of(store_client).count() == 1


@pytest.mark.parametrize(
    "body",
    [
        {"text": "", "labels": ["sport"]},
        {"text": "a", "labels": []},
        {"text": "a", "labels": ["sport"], "colour": "red"},
        {"text": "a", "labels": "sport"},
    ],
)
def test_malformed_labels_are_422(store_client, body):
    assert_error(store_client.post("/v1/labels", json=body, headers=AUTH), 422, "validation_error")


def test_a_batch_over_the_limit_is_refused(store_client):
    batch = {"labels": [{"text": f"t{i}", "labels": ["sport"]} for i in range(6)]}
    assert_error(
        store_client.post("/v1/labels/batch", json=batch, headers=AUTH), 422, "batch_too_large"
    )


def test_pages_follow_insertion_order_with_after_and_limit(store_client):
    batch = {
        "labels": [{"text": f"Story {i}.", "labels": ["sport"], "id": f"s{i}"} for i in range(5)]
    }
    assert store_client.post("/v1/labels/batch", json=batch, headers=AUTH).status_code == 201
    seen, after = [], 0
    while after is not None:
        page = store_client.get(f"/v1/labels?after={after}&limit=2", headers=AUTH).get_json()
        assert len(page["labels"]) <= 2
        seen += [label["id"] for label in page["labels"]]
        after = page["next"]
    assert seen == [f"s{i}" for i in range(5)]
    whole = store_client.get("/v1/labels?limit=5", headers=AUTH).get_json()
    assert whole["next"] == whole["labels"][-1]["seq"]  # a full page may have more after it
    assert store_client.get(f"/v1/labels?after={whole['next']}", headers=AUTH).get_json() == {
        "labels": [],
        "next": None,
    }
    first = whole["labels"][0]
    assert set(first) == {"id", "text", "labels", "source", "created_at", "seq"}


@pytest.mark.parametrize(
    "query",
    [
        "after=-1",
        "after=9223372036854775808",
        "limit=0",
        "limit=1001",
        "after=x",
        "limit=2.5",
        "colour=red",
    ],
)
def test_bad_paging_parameters_are_422(store_client, query):
    assert_error(store_client.get(f"/v1/labels?{query}", headers=AUTH), 422, "validation_error")


def test_an_unreachable_store_is_503_not_500(make_client, registry):
    client = make_client(registry, token=TOKEN, database_url="postgresql://nobody@127.0.0.1:1/x")
    body = {"text": "Rates rose.", "labels": ["politics"]}
    assert_error(client.post("/v1/labels", json=body, headers=AUTH), 503, "store_unavailable")
    assert_error(client.get("/v1/labels", headers=AUTH), 503, "store_unavailable")


def test_labels_posted_over_http_are_what_export_finds(store_client, tmp_path):
    body = {"text": "Share this article", "labels": ["none"], "id": "n1"}
    store_client.post("/v1/labels", json=body, headers=AUTH)
    location = store_of(store_client)
    with open_label_store(getattr(location, "url", None) or location.path) as store:
        assert [label.to_record() for label in store.iter_all()] == [
            {"id": "n1", "text": "Share this article", "labels": ["none"]}
        ]
