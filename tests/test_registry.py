import json

import pytest

from classifier import registry
from classifier.errors import ModelError, ModelVerificationError
from classifier.registry import MANIFEST_FILE, MODEL_FILE, load, publish, resolve


@pytest.fixture
def registry_with_one_model(registry, quick_model):
    return registry, quick_model.model_dir.name


def test_manifest_records_what_a_reproduction_needs(quick_model):
    manifest = json.loads((quick_model.model_dir / MANIFEST_FILE).read_text())
    assert manifest["version"] == quick_model.model_dir.name
    assert len(manifest["model_file"]["sha256"]) == 64
    assert len(manifest["training_data"]["sha256"]) == 64
    assert manifest["training_data"]["size_bytes"] > 0
    assert set(manifest["libraries"]) >= {"python", "scikit-learn", "numpy"}
    assert "politics" in manifest["labels"]
    assert manifest["training"]["options"]["random_state"] == 0
    metrics = json.loads((quick_model.model_dir / "metrics.json").read_text())
    assert {"micro_f1", "macro_f1", "per_label"} <= set(metrics)


def test_registry_resolves_current_and_loads(registry_with_one_model):
    root, version = registry_with_one_model
    assert resolve(root) == root / version
    model, manifest = load(root)
    assert manifest["version"] == version and model.labels


def test_corrupted_model_file_is_refused(registry_with_one_model):
    root, version = registry_with_one_model
    with (root / version / MODEL_FILE).open("r+b") as handle:
        handle.seek(100)
        handle.write(b"\x00corrupt\x00")
    with pytest.raises(ModelVerificationError, match="does not match the manifest"):
        load(root)


def test_library_version_mismatch_is_refused(registry_with_one_model):
    root, version = registry_with_one_model
    manifest_path = root / version / MANIFEST_FILE
    manifest = json.loads(manifest_path.read_text())
    manifest["libraries"]["scikit-learn"] = "0.24.2"
    manifest_path.write_text(json.dumps(manifest))
    with pytest.raises(ModelVerificationError, match=r"scikit-learn 0.24.2.*retrain"):
        load(root)


def test_publish_is_atomic_and_leaves_the_old_model_current_on_failure(
    registry_with_one_model, monkeypatch
):
    root, version = registry_with_one_model
    model, _ = load(root)

    def crash(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(registry, "_write_json", crash)
    with pytest.raises(OSError, match="disk full"):
        publish(model, root, manifest={}, metrics={})
    assert resolve(root) == root / version
    assert [p.name for p in root.iterdir() if p.name.startswith(".")] == []
    assert len(registry.list_versions(root)) == 1


def test_publish_then_set_current_switches_versions(registry_with_one_model):
    root, old = registry_with_one_model
    model, _ = load(root)
    new_dir = publish(model, root, manifest={}, metrics={"micro_f1": 1.0})
    assert resolve(root) == new_dir
    registry.set_current(root, old)
    assert resolve(root) == root / old
    assert [m["version"] for m in registry.list_versions(root)] == sorted([old, new_dir.name])


def test_missing_model_says_how_to_get_one(tmp_path):
    with pytest.raises(ModelError, match="make train"):
        resolve(tmp_path)
