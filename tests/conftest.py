"""Shared fixtures: real corpora written to temporary folders and real trained models."""

import json
import shutil
from pathlib import Path

import pytest

from classifier.data import load_corpus
from classifier.registry import set_current
from classifier.taxonomy import load_taxonomy
from classifier.train import TrainingOptions
from classifier.workflow import TrainingResult, train_and_publish

PROJECT = Path(__file__).resolve().parent.parent
TRAINING_DATA = PROJECT / "training_data"
SHARED = PROJECT.parent / "shared"


def write_jsonl(path: Path, records: list[dict]) -> Path:
    """Write records as JSON Lines and return the path."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


def shared_file(relative: str) -> Path:
    """A file from ../shared/, or skip the test with the reason when it is absent."""
    path = SHARED / relative
    if not path.is_file():
        pytest.skip(f"{path} is absent (../shared/ exists only on developer and CI machines)")
    return path


@pytest.fixture(scope="session")
def taxonomy():
    return load_taxonomy(TRAINING_DATA / "taxonomy.json")


@pytest.fixture(scope="session")
def default_model(tmp_path_factory, taxonomy) -> TrainingResult:
    """The shipped default model, trained exactly as `make train` does (search included)."""
    train = load_corpus([TRAINING_DATA / "train"], taxonomy=taxonomy, strict=True)
    test = load_corpus(
        [TRAINING_DATA / "test"], taxonomy=taxonomy, deduplicate=False, keep_empty_text=True
    )
    out = tmp_path_factory.mktemp("models")
    options = TrainingOptions(rollup="lead")
    return train_and_publish(train, out, test_corpus=test, taxonomy=taxonomy, options=options)


@pytest.fixture
def registry(default_model, tmp_path) -> Path:
    """A registry of its own whose current model is a copy of the default model."""
    root = tmp_path / "models"
    root.mkdir()
    shutil.copytree(default_model.model_dir, root / default_model.model_dir.name)
    set_current(root, default_model.model_dir.name)
    return root


@pytest.fixture(scope="session")
def small_corpus_file(tmp_path_factory) -> Path:
    """A small single-label corpus in the documented format, drawn from our training data."""
    records = []
    for name in ("sport", "economy-business-finance", "science-technology"):
        lines = (TRAINING_DATA / "train" / f"{name}.jsonl").read_text(encoding="utf-8").splitlines()
        for line in lines[:60]:
            record = json.loads(line)
            records.append(
                {"id": record["id"], "text": record["text"], "labels": record["labels"][:1]}
            )
    return write_jsonl(tmp_path_factory.mktemp("corpus") / "small.jsonl", records)
