"""The review queue: its store on SQLite and PostgreSQL, its order, its API and its CLI."""

import numpy as np
import pytest

from classifier import ReviewQueue, Tagger, margins, open_label_store, queue_id, rank_by_margin
from classifier.cli import main
from classifier.reviewqueue import ADDED, CONFLICT, PRESENT
from service.openapi import build_spec
from tests.conftest import TOKEN, write_jsonl
from tests.test_api import AUTH, HTML_PAGE, STORY, assert_error

# Usually far from every threshold and tie, and close to one; the tests ask the model which.
CLEAR = "Scientists said the flood defences failed after heavy rain."
UNSURE = "The school's choir performed at the hospital on Sunday."


def least_sure_first(model_dir, named: dict[str, str]) -> list[str]:
    """The ids in the order their texts' margins under the model put them: the queue's order."""
    model = Tagger.load(model_dir).model
    ids = list(named)
    texts = [named[i] for i in ids]
    values = margins(model, texts, model.tag_documents(texts))
    return [ids[k] for k in np.argsort(values, kind="stable")]


@pytest.fixture
def queue(store_location):
    store = open_label_store(store_location)
    yield ReviewQueue(store)
    store.close()


def test_items_are_added_once_and_a_reused_id_is_a_conflict(queue):
    assert queue.add([("a", "First text.", "desk"), ("b", "Second text.", None)]) == [ADDED] * 2
    assert queue.add([("a", "First text.", "desk"), ("b", "Not the same.", None)]) == [
        PRESENT,
        CONFLICT,
    ]
    assert queue.get("b").text == "Second text." and queue.get("a").source == "desk"
    assert queue.count() == 2 and queue.get("nope") is None


def test_waiting_items_come_oldest_first_and_a_reviewed_one_leaves(queue):
    for name in ("one", "two", "three"):
        queue.add([(name, f"Text {name}.", None)])
    assert [item.id for item in queue.waiting()] == ["one", "two", "three"]
    assert queue.mark_reviewed("two") is True and queue.mark_reviewed("two") is False
    assert [item.id for item in queue.waiting()] == ["one", "three"] and queue.count() == 2
    assert queue.get("two").reviewed_at is not None
    assert queue.add([("two", "Text two.", None)]) == [PRESENT]  # reviewed stays reviewed
    assert [item.id for item in queue.waiting(limit=1)] == ["one"]


def test_the_queue_lives_beside_the_labels_in_one_store(store_location):
    with open_label_store(store_location) as store:
        ReviewQueue(store).add([("q", "Queued text.", None)])
        store.add([("A label.", ("sport",), None, None)])
    with open_label_store(store_location) as store:
        assert ReviewQueue(store).count() == 1 and store.count() == 1
        assert store.count_since("2000-01-01T00:00:00+00:00") == 1
        assert store.count_since("2999-01-01T00:00:00+00:00") == 0


def test_queue_ids_hash_the_text_unless_given():
    assert queue_id("Some text.") == queue_id("Some  text.") != queue_id("Other text.")
    assert queue_id("Some text.", 7) == "7" and queue_id("x", "mine") == "mine"


def test_the_least_sure_texts_come_first(quick_model):
    model = Tagger.load(quick_model.model_dir).model
    texts = [CLEAR, UNSURE, STORY]
    results = model.tag_documents(texts)
    values = margins(model, texts, results)
    scores = results[0].scores
    best = int(scores.argmax())
    expected = min(
        abs(scores[best] - model.thresholds[best]), np.sort(scores)[-1] - np.sort(scores)[-2]
    )
    assert values[0] == pytest.approx(expected)
    ranked = rank_by_margin(model, texts)
    assert [r.margin for r in ranked] == sorted(values.tolist())
    assert [r.index for r in ranked] == np.argsort(values, kind="stable").tolist()


# -- the API ---------------------------------------------------------------------------------


def test_posted_documents_are_queued_with_one_entry_each(store_client):
    documents = [
        {"id": "s", "text": CLEAR},
        {"id": 2, "html": HTML_PAGE},
        {"id": "bad"},
        "not an object",
    ]
    response = store_client.post("/v1/queue", json={"documents": documents}, headers=AUTH)
    assert response.status_code == 201
    results = response.get_json()["results"]
    assert results[0] == {"id": "s", "queue_id": "s", "added": True}
    assert results[1]["added"] is True and results[1]["queue_id"] == "2"
    assert results[2]["error"]["error"] == "validation_error" and results[2]["id"] == "bad"
    assert results[3]["error"]["error"] == "validation_error" and results[3]["id"] is None
    queued = store_client.application.extensions["review_queue"].get("2")
    assert "Harbour City" in queued.text and "Cookie settings" not in queued.text
    again = [{"id": "s", "text": CLEAR}, {"id": 2, "text": "Another text."}]
    results = store_client.post("/v1/queue", json={"documents": again}, headers=AUTH).get_json()
    assert results["results"][0]["added"] is False
    assert results["results"][1]["error"]["error"] == "id_conflict"


def test_get_offers_the_least_sure_first_and_reviewed_items_leave(store_client, registry):
    named = {"clear": CLEAR, "unsure": UNSURE, "story": STORY}
    documents = [{"id": key, "text": text} for key, text in named.items()]
    store_client.post("/v1/queue", json={"documents": documents}, headers=AUTH)
    page = store_client.get("/v1/queue?limit=5", headers=AUTH).get_json()
    assert page["waiting"] == 3 and page["model"]
    order = least_sure_first(registry, named)
    assert [item["id"] for item in page["items"]] == order
    assert [item["margin"] for item in page["items"]] == sorted(i["margin"] for i in page["items"])
    assert set(page["items"][0]) == {"id", "text", "source", "added_at", "margin", "tags"}
    store_client.application.extensions["review_queue"].mark_reviewed(order[0])
    page = store_client.get("/v1/queue?limit=1", headers=AUTH).get_json()
    assert [item["id"] for item in page["items"]] == order[1:2] and page["waiting"] == 2


def test_the_queue_needs_the_token_to_write_and_to_read(store_client, make_client, registry):
    body = {"documents": [{"id": 1, "text": "Rates rose."}]}
    assert_error(store_client.post("/v1/queue", json=body), 401, "unauthorized")
    assert_error(store_client.get("/v1/queue"), 401, "unauthorized")
    closed = make_client(registry)
    assert_error(closed.post("/v1/queue", json=body), 403, "disabled")
    assert_error(closed.get("/v1/queue"), 403, "disabled")


BAD_QUEUE_BODIES = [
    ({"data": b'{"documents": ', "content_type": "application/json"}, 400, "malformed_json"),
    ({"data": b"documents=1", "content_type": "text/plain"}, 415, "unsupported_media_type"),
    ({"json": {"documents": []}}, 422, "validation_error"),
    ({"json": {"documents": [{"id": 1, "text": "a"}], "colour": "red"}}, 422, "validation_error"),
    ({"json": {"documents": [{"id": i, "text": "a"} for i in range(6)]}}, 422, "batch_too_large"),
    ({"json": {"documents": [{"id": 1, "text": "word " * 210_000}]}}, 413, "payload_too_large"),
]


@pytest.mark.parametrize(("kwargs", "status", "code"), BAD_QUEUE_BODIES)
def test_bad_queue_bodies_get_a_clear_4xx(store_client, kwargs, status, code):
    assert_error(store_client.post("/v1/queue", headers=AUTH, **kwargs), status, code)


@pytest.mark.parametrize("query", ["limit=0", "limit=101", "limit=x", "after=3"])
def test_bad_queue_queries_are_422(store_client, query):
    assert_error(store_client.get(f"/v1/queue?{query}", headers=AUTH), 422, "validation_error")


def test_no_store_or_no_model_is_503(make_client, registry, tmp_path):
    unreachable = make_client(
        registry, token=TOKEN, database_url="postgresql://nobody@127.0.0.1:1/x"
    )
    body = {"documents": [{"id": 1, "text": "Rates rose."}]}
    assert_error(unreachable.post("/v1/queue", json=body, headers=AUTH), 503, "store_unavailable")
    assert_error(unreachable.get("/v1/queue", headers=AUTH), 503, "store_unavailable")
    no_model = make_client(tmp_path / "empty", token=TOKEN)
    assert_error(no_model.get("/v1/queue", headers=AUTH), 503, "model_unavailable")


def test_every_error_status_of_the_queue_in_the_openapi_document_is_exercised_here():
    exercised = {
        ("/v1/queue", "post"): {"400", "401", "403", "413", "415", "422", "503"},
        ("/v1/queue", "get"): {"401", "403", "422", "503"},
    }
    spec = build_spec(1_000_000, 5)
    for (path, method), statuses in exercised.items():
        documented = {s for s in spec["paths"][path][method]["responses"] if s >= "400"}
        assert documented == statuses, (path, method)
    schema = spec["components"]["schemas"]["QueueRequest"]
    assert schema["properties"]["documents"]["maxItems"] == 5


# -- the command line ------------------------------------------------------------------------


def test_queue_add_reads_an_archive_and_refuses_bad_lines_one_by_one(tmp_path, capsys):
    archive = write_jsonl(
        tmp_path / "archive.jsonl",
        [
            {"id": "a1", "text": CLEAR, "section": "sport"},
            {"html": HTML_PAGE},
            {"id": "a3"},
            {"id": "a4", "text": "   "},
        ],
    )
    store = str(tmp_path / "labels.sqlite3")
    assert main(["queue", "add", str(archive), "--label-store", store]) == 1
    err = capsys.readouterr().err
    assert "archive.jsonl:3: give exactly one of 'text' or 'html'" in err
    assert "archive.jsonl:4: no text to review" in err
    assert "2 queued, 0 already in the queue, 2 refused" in err
    assert main(["queue", "count", "--label-store", store]) == 0
    assert capsys.readouterr().out.strip() == "2"
    clean = write_jsonl(tmp_path / "clean.jsonl", [{"id": "a1", "text": CLEAR}])
    assert main(["queue", "add", str(clean), "--label-store", store]) == 0
    assert "0 queued, 1 already in the queue, 0 refused" in capsys.readouterr().err
