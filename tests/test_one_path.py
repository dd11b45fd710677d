"""One path from evaluation to serving: `eval`, `tag FILE.jsonl` and HTTP agree exactly."""

import json

import pytest

from classifier.cli import main
from classifier.evaluate import score_predictions
from tests.conftest import write_jsonl


@pytest.fixture(scope="module")
def held_out(quick_corpora, tmp_path_factory):
    _, test = quick_corpora
    examples = test.examples
    path = write_jsonl(
        tmp_path_factory.mktemp("held-out") / "test.jsonl",
        [
            {"id": f"t{i}", "text": e.text, "labels": list(e.labels) or ["none"]}
            for i, e in enumerate(examples)
        ],
    )
    return path, examples


def test_eval_equals_tagging_through_the_cli_and_over_http(
    quick_model, held_out, client, capsys, taxonomy
):
    path, examples = held_out
    model = str(quick_model.model_dir)
    assert main(["eval", "--model", model, str(path), "--json"]) == 0
    reported = json.loads(capsys.readouterr().out)
    assert reported["served_as"].startswith("paragraphs scored, boilerplate skipped")

    assert main(["tag", "--model", model, str(path)]) == 0
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    from_cli = [[t["label"] for t in line["tags"]] for line in lines]

    from_http = []
    for start in range(0, len(examples), 5):
        documents = [
            {"id": start + i, "text": e.text} for i, e in enumerate(examples[start : start + 5])
        ]
        body = client.post("/v1/tag/batch", json={"documents": documents}).get_json()
        from_http += [[t["label"] for t in r.get("tags", [])] for r in body["results"]]

    gold = [taxonomy.roots(e.labels) for e in examples]  # top tags are level-1 topics
    labels = reported["per_label"].keys()
    for predicted in (from_cli, from_http):
        again = score_predictions(gold, predicted, list(labels))
        assert again["micro_f1"] == reported["micro_f1"]
        assert again["top1_main"] == reported["top1_main"]
    assert from_cli == from_http
