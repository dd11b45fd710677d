"""Shared fixtures: real corpora written to temporary folders and real trained models.

Two models: `quick_model`, trained in seconds on a share of the shipped data with fixed
hyperparameters, serves every test of behaviour that does not depend on quality; the
`default_model`, trained exactly as `make train` trains it, serves the quality tests, which are
marked slow.
"""

import hashlib
import json
import os
import shutil
from pathlib import Path

import pytest

from classifier.data import Corpus, load_corpus
from classifier.registry import set_current
from classifier.taxonomy import load_taxonomy
from classifier.train import TrainingOptions
from classifier.workflow import TrainingResult, train_and_publish
from service import create_app
from service.config import Settings

PROJECT = Path(__file__).resolve().parent.parent
TRAINING_DATA = PROJECT / "training_data"
SHARED = PROJECT.parent / "shared"
QUICK_PARAMS = {"ngram_range": (1, 2), "min_df": 2, "C": 1.0}
QUICK_SIZES = (1600, 500)  # train and test examples of the quick model, evenly spread
TOKEN = "test-token-0123456789abcdef"
POSTGRES_URL = os.environ.get("TOPIC_TAGGER_TEST_DATABASE_URL")


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


def postgres_url() -> str:
    """The test database, or a skip that says why; under CI a missing database is a failure."""
    if POSTGRES_URL:
        return POSTGRES_URL
    reason = "TOPIC_TAGGER_TEST_DATABASE_URL is not set (.ci/run starts a PostgreSQL server)"
    if os.environ.get("TOPIC_TAGGER_REQUIRE_POSTGRES"):
        pytest.fail(reason)
    pytest.skip(reason)


def reset_postgres(url: str) -> None:
    import psycopg

    with psycopg.connect(url, autocommit=True) as connection:
        connection.execute("DROP TABLE IF EXISTS labels")
        connection.execute("DROP TABLE IF EXISTS queue")


@pytest.fixture(scope="session")
def taxonomy():
    return load_taxonomy(TRAINING_DATA / "taxonomy.json")


@pytest.fixture(scope="session")
def shipped_corpora(taxonomy) -> tuple[Corpus, Corpus]:
    """The shipped train and test splits, loaded as `make train` loads them."""
    train = load_corpus([TRAINING_DATA / "train"], taxonomy=taxonomy, strict=True)
    test = load_corpus(
        [TRAINING_DATA / "test"], taxonomy=taxonomy, deduplicate=False, keep_empty_text=True
    )
    return train, test


@pytest.fixture(scope="session")
def quick_corpora(shipped_corpora) -> tuple[Corpus, Corpus]:
    """A share of each split: enough to tag sensibly, small enough to train in seconds."""
    return tuple(
        _every_nth(corpus, max(1, len(corpus.examples) // size))
        for corpus, size in zip(shipped_corpora, QUICK_SIZES, strict=True)
    )


def _every_nth(corpus: Corpus, step: int) -> Corpus:
    examples = corpus.examples[::step]
    digest = hashlib.sha256(corpus.sha256.encode() + f"every {step}".encode()).hexdigest()
    size = sum(len(e.text.encode()) for e in examples)
    return Corpus(examples, sha256=digest, size_bytes=size, files=corpus.files)


@pytest.fixture(scope="session")
def quick_options() -> TrainingOptions:
    return TrainingOptions(fixed_params=QUICK_PARAMS, folds=3, rollup="lead")


@pytest.fixture(scope="session")
def quick_model(tmp_path_factory, taxonomy, quick_corpora, quick_options) -> TrainingResult:
    """A small default-style model (IPTC tags, paragraph roll-up) trained in seconds."""
    train, test = quick_corpora
    out = tmp_path_factory.mktemp("quick-models")
    return train_and_publish(train, out, test_corpus=test, taxonomy=taxonomy, options=quick_options)


@pytest.fixture(scope="session")
def default_model(tmp_path_factory, taxonomy, shipped_corpora) -> TrainingResult:
    """The shipped default model, trained exactly as `make train` does (search included)."""
    train, test = shipped_corpora
    out = tmp_path_factory.mktemp("models")
    options = TrainingOptions(rollup="lead")
    return train_and_publish(train, out, test_corpus=test, taxonomy=taxonomy, options=options)


@pytest.fixture
def registry(quick_model, tmp_path) -> Path:
    """A registry of its own whose current model is a copy of the quick model."""
    root = tmp_path / "models"
    root.mkdir()
    shutil.copytree(quick_model.model_dir, root / quick_model.model_dir.name)
    set_current(root, quick_model.model_dir.name)
    return root


@pytest.fixture
def make_client(tmp_path):
    """Flask test clients of apps built by the factory, each with its own state."""
    apps = []

    def build(model_dir: Path, **settings) -> object:
        defaults = {"data_dir": str(tmp_path / "data"), "reload_seconds": 0}
        app = create_app(Settings(model_dir=str(model_dir), **{**defaults, **settings}))
        apps.append(app)
        return app.test_client()

    yield build
    for app in apps:
        app.extensions["label_store"].close()


@pytest.fixture
def client(make_client, registry):
    """A test client with a token set, over a registry of its own."""
    return make_client(registry, token=TOKEN, max_batch=5)


@pytest.fixture(scope="session")
def small_corpus_file(tmp_path_factory) -> Path:
    """A small single-label corpus of level-1 topics, drawn from our training data."""
    taxonomy = load_taxonomy(TRAINING_DATA / "taxonomy.json")
    records = []
    for name in ("sport", "economy-business-finance", "science-technology"):
        lines = (TRAINING_DATA / "train" / f"{name}.jsonl").read_text(encoding="utf-8").splitlines()
        for line in lines[:60]:
            record = json.loads(line)
            records.append(
                {
                    "id": record["id"],
                    "text": record["text"],
                    "labels": [taxonomy.root(record["labels"][0])],
                }
            )
    return write_jsonl(tmp_path_factory.mktemp("corpus") / "small.jsonl", records)


@pytest.fixture(params=["sqlite", "postgresql"])
def store_location(request, tmp_path):
    """A label store's location in each engine: a SQLite file, and an emptied PostgreSQL."""
    if request.param == "sqlite":
        return str(tmp_path / "labels.sqlite3")
    url = postgres_url()
    reset_postgres(url)
    return url


@pytest.fixture(params=["sqlite", "postgresql"])
def store_client(request, make_client, registry):
    """A client with a token whose label store is a fresh SQLite file or a fresh PostgreSQL."""
    settings = {"token": TOKEN, "max_batch": 5}
    if request.param == "postgresql":
        url = postgres_url()
        reset_postgres(url)
        settings["database_url"] = url
    return make_client(registry, **settings)
