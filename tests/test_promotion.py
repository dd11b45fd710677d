"""Retraining with stored labels, the quality gate, and the models commands."""

import pytest

from classifier.cli import main
from classifier.data import merge_corrections
from classifier.labelstore import open_label_store
from classifier.registry import current_version, list_versions, load
from classifier.train import TrainingOptions
from classifier.workflow import train_and_publish

pytestmark = pytest.mark.slow  # each test trains models

FAST = TrainingOptions(
    fixed_params={"ngram_range": (1, 1), "min_df": 2, "C": 2.0}, folds=3, rollup="lead"
)
CORRECTED = "Crowds packed the quay as the harbour festival's tall ships sailed in at dawn."
# The editor's call is one no model makes from these words (the festival is the port's
# biggest earner, so this desk files it under economy): the test cannot pass by luck.
CORRECTION = "economy, business and finance"


@pytest.fixture(scope="module")
def corpora(quick_corpora):
    return quick_corpora


def test_a_worse_model_is_refused_and_the_report_says_why(registry, corpora, taxonomy):
    train, test = corpora
    before = current_version(registry)
    weak = train.__class__(train.examples[::8], sha256="subset")
    result = train_and_publish(weak, registry, test_corpus=test, taxonomy=taxonomy, options=FAST)
    assert not result.promoted
    assert result.decision.startswith("refused: micro_f1") and "--force" in result.decision
    assert current_version(registry) == before
    assert result.model_dir.name in {m["version"] for m in list_versions(registry)}
    forced = train_and_publish(
        weak, registry, test_corpus=test, taxonomy=taxonomy, options=FAST, force=True
    )
    assert forced.promoted and current_version(registry) == forced.model_dir.name


def test_retraining_with_a_correction_changes_that_tag(registry, corpora, taxonomy, tmp_path):
    train, test = corpora
    model, _ = load(registry)
    before = [t.label for t in model.tag(CORRECTED).tags]
    assert CORRECTION not in before[:1]
    with open_label_store(tmp_path / "labels.sqlite3") as store:
        store.add([(CORRECTED, (CORRECTION,), "editor", None)])
        merged = merge_corrections(train, store.examples(), taxonomy)
    result = train_and_publish(
        merged, registry, test_corpus=test, taxonomy=taxonomy, options=FAST, tolerance=0.05
    )
    assert result.promoted, result.decision
    after, _ = load(registry)
    assert after.tag(CORRECTED).tags[0].label == CORRECTION


def test_models_list_promote_and_rollback(registry, corpora, taxonomy, capsys):
    train, test = corpora
    first = current_version(registry)
    second = train_and_publish(
        train, registry, test_corpus=test, taxonomy=taxonomy, options=FAST, force=True
    )
    assert current_version(registry) == second.model_dir.name
    assert main(["models", "list", "--models", str(registry)]) == 0
    listing = capsys.readouterr().out
    assert f"* {second.model_dir.name}" in listing and first in listing
    assert main(["models", "rollback", "--models", str(registry)]) == 0
    assert current_version(registry) == first
    assert main(["models", "promote", second.model_dir.name, "--models", str(registry)]) == 0
    assert current_version(registry) == second.model_dir.name
    assert main(["models", "promote", "nope", "--models", str(registry)]) == 2
