"""Both label-store backends, against real SQLite files and a real PostgreSQL server."""

import json

import pytest

from classifier.cli import main
from classifier.data import Corpus, Example, merge_corrections
from classifier.errors import DataError
from classifier.labelstore import LabelConflict, label_id, open_label_store


@pytest.fixture
def store(store_location):
    opened = open_label_store(store_location)
    yield opened
    opened.close()


def test_add_replay_and_read_back(store):
    [(first, created)] = store.add(
        [("Rates rose again.", ("economy, business and finance",), "desk", None)]
    )
    assert created and first == label_id("Rates rose again.", ["economy, business and finance"])
    assert store.add([("Rates rose again.", ("economy, business and finance",), "desk", None)]) == [
        (first, False)
    ]
    stored = store.get(first)
    assert stored.text == "Rates rose again." and stored.labels == (
        "economy, business and finance",
    )
    assert stored.source == "desk" and store.count() == 1


def test_client_id_reused_for_other_content_is_a_conflict(store):
    store.add([("Share this", (), None, "x1")])
    with pytest.raises(LabelConflict, match="x1"):
        store.add([("Something else", (), None, "x1")])


def test_a_batch_is_stored_whole_or_not_at_all(store):
    store.add([("Share this", (), None, "x1")])
    with pytest.raises(LabelConflict):
        store.add([("A new label", ("politics",), None, "x2"), ("Something else", (), None, "x1")])
    assert store.get("x2") is None and store.count() == 1


def test_pages_follow_insertion_order(store):
    store.add([(f"text {i}", ("sport",), None, f"id-{i}") for i in range(7)])
    first = store.page(0, 3)
    second = store.page(first[-1].seq, 3)
    last = store.page(second[-1].seq, 3)
    assert [x.id for x in first + second + last] == [f"id-{i}" for i in range(7)]
    assert store.page(last[-1].seq, 3) == []


def test_latest_label_of_a_text_wins_as_training_example(store):
    store.add([("The mayor opened the fair.", ("politics",), None, "a")])
    store.add([("The mayor  opened the fair.", ("human interest",), None, "b")])
    [example] = store.examples()
    assert example.labels == ("human interest",)


def test_export_writes_the_training_format(store_location, store, tmp_path, capsys):
    store.add(
        [
            ("Share this article", (), None, "n1"),
            ("Storm warning issued.", ("weather",), None, None),
        ]
    )
    out = tmp_path / "labels.jsonl"
    assert main(["labels", "export", "--label-store", store_location, "--out", str(out)]) == 0
    records = [json.loads(line) for line in out.read_text().splitlines()]
    assert records[0] == {"id": "n1", "text": "Share this article", "labels": ["none"]}
    assert records[1]["labels"] == ["weather"]
    assert main(["labels", "count", "--label-store", store_location]) == 0
    assert capsys.readouterr().out.strip() == "2"


def test_stored_label_overrides_the_shipped_label_of_the_same_text(taxonomy):
    shipped = Corpus(
        [
            Example("The mayor opened the fair.", ("politics",)),
            Example("Rates rose.", ("economy, business and finance",)),
        ],
        sha256="x",
    )
    merged = merge_corrections(
        shipped, [Example("the mayor opened the fair.", ("human interest",), "c1")], taxonomy
    )
    assert sorted(e.labels for e in merged.examples) == [
        ("economy, business and finance",),
        ("human interest",),
    ]
    assert merged.sha256 != shipped.sha256
    with pytest.raises(DataError, match="not in"):
        merge_corrections(shipped, [Example("x", ("sprot",), "c2", "label store:c2")], taxonomy)
