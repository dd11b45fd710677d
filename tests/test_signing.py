"""Signed models: with a key, only a model signed with it loads; tampering never reaches pickle."""

import hashlib
import json
import shutil

import pytest

from classifier.cli import main
from classifier.errors import ModelVerificationError
from classifier.registry import MANIFEST_FILE, MODEL_FILE, load, publish
from classifier.verification import SIGNATURE_FILE
from tests.test_api import assert_error

KEY = "k" * 40
OTHER_KEY = "o" * 40


@pytest.fixture
def signed(registry):
    """A registry whose current model is the quick model, signed with KEY."""
    model, _ = load(registry)
    version = publish(model, registry, manifest={"note": "signed"}, metrics={}, key=KEY)
    assert (version / SIGNATURE_FILE).is_file()
    return registry, version


def tamper(version, cut: int = 0):
    """One byte appended to the model file (or `cut` bytes cut off), the manifest matching it."""
    path = version / MODEL_FILE
    data = path.read_bytes()
    path.write_bytes(data[: len(data) - cut] if cut else data + b"\0")
    manifest = json.loads((version / MANIFEST_FILE).read_text())
    manifest["model_file"]["sha256"] = hashlib.sha256(path.read_bytes()).hexdigest()
    manifest["model_file"]["size_bytes"] = path.stat().st_size
    (version / MANIFEST_FILE).write_text(json.dumps(manifest))


def test_a_signed_model_loads_with_its_key_and_without_one(signed):
    registry, version = signed
    assert load(registry, key=KEY)[1]["version"] == version.name
    assert load(registry)[1]["version"] == version.name


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda v: (v / SIGNATURE_FILE).unlink(), "not signed"),
        (lambda v: (v / SIGNATURE_FILE).write_text("0" * 64), "signature does not match"),
        (tamper, "signature does not match"),
    ],
)
def test_a_key_refuses_a_missing_or_wrong_signature(signed, change, message):
    registry, version = signed
    change(version)
    with pytest.raises(ModelVerificationError, match=message):
        load(registry, key=KEY)


def test_another_key_is_refused(signed):
    registry, _ = signed
    with pytest.raises(ModelVerificationError, match="signature does not match"):
        load(registry, key=OTHER_KEY)


def test_appended_bytes_are_refused_before_unpickling_even_without_a_key(signed):
    registry, version = signed
    tamper(version)
    with pytest.raises(ModelVerificationError, match="bytes after the end of the model data"):
        load(registry)


def test_a_cut_short_model_file_is_refused_before_unpickling(signed):
    registry, version = signed
    tamper(version, cut=10)
    with pytest.raises(ModelVerificationError, match="the model data is cut short"):
        load(registry)


def test_a_keyed_service_keeps_serving_when_an_unsigned_model_is_promoted(signed, make_client):
    registry, version = signed
    client = make_client(registry, token="t" * 20, model_key=KEY)
    assert client.get("/v1/model").get_json()["version"] == version.name
    unsigned = publish(load(registry)[0], registry, manifest={}, metrics={}, make_current=False)
    (registry / "CURRENT").write_text(unsigned.name)  # promoted by hand, bypassing checks
    body = assert_error(
        client.post("/v1/model/reload", headers={"Authorization": "Bearer " + "t" * 20}),
        409,
        "reload_refused",
    )
    assert "not signed" in body["detail"]
    ready = client.get("/readyz").get_json()
    assert ready["model"] == version.name and "not signed" in ready["detail"]
    assert client.post("/v1/tag", json={"text": "Rates rose."}).get_json()["model"] == version.name


@pytest.mark.slow
def test_the_cli_signs_when_training_and_checks_when_tagging(
    quick_corpora, tmp_path, monkeypatch, capsys
):
    from tests.conftest import write_jsonl

    data = write_jsonl(
        tmp_path / "train.jsonl",
        [{"text": e.text, "labels": list(e.labels) or ["none"]} for e in quick_corpora[0].examples],
    )
    out = tmp_path / "models"
    params = '{"C": 1.0, "ngram_range": [1, 1], "min_df": 2}'
    monkeypatch.setenv("TOPIC_TAGGER_MODEL_KEY", KEY)
    assert main(["train", str(data), "--out", str(out), "--params", params, "--folds", "2"]) == 0
    version = out / (out / "CURRENT").read_text().strip()
    assert (version / SIGNATURE_FILE).is_file()
    story = tmp_path / "story.txt"
    story.write_text("The striker scored twice as the champions won the league.")
    assert main(["tag", "--model", str(out), str(story)]) == 0
    monkeypatch.setenv("TOPIC_TAGGER_MODEL_KEY", OTHER_KEY)
    capsys.readouterr()
    assert main(["tag", "--model", str(out), str(story)]) == 2
    assert "signature does not match" in capsys.readouterr().err
    shutil.rmtree(out)
