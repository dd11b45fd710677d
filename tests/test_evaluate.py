import pytest

from classifier.evaluate import score_predictions


def test_single_label_accuracy_and_f1():
    gold = [["a"], ["a"], ["b"], ["c"]]
    predicted = [["a"], ["b"], ["b"], []]
    metrics = score_predictions(gold, predicted, labels=["a", "b", "c"])
    assert metrics["accuracy"] == 0.5
    # micro: tp=2, fp=1, fn=2 -> P=2/3, R=1/2, F1=4/7
    assert metrics["micro_f1"] == pytest.approx(4 / 7)
    assert metrics["per_label"]["a"] == {
        "precision": 1.0,
        "recall": 0.5,
        "f1": pytest.approx(2 / 3),
        "support": 2,
    }
    assert metrics["per_label"]["c"]["f1"] == 0.0
    # macro over labels with gold support: (2/3 + 2/3 + 0) / 3
    assert metrics["macro_f1"] == pytest.approx(4 / 9)


def test_multilabel_has_no_accuracy_but_exact_match():
    metrics = score_predictions([["a", "b"], ["b"]], [["a", "b"], ["a"]], labels=["a", "b"])
    assert "accuracy" not in metrics
    assert metrics["exact_match"] == 0.5
    assert metrics["top1_accuracy"] == 0.5
    assert metrics["micro_precision"] == pytest.approx(2 / 3)
    assert metrics["micro_recall"] == pytest.approx(2 / 3)


def test_labels_the_model_never_predicts_still_count_in_macro_all():
    metrics = score_predictions([["a"]], [["a"]], labels=["a", "z"])
    assert metrics["macro_f1"] == 1.0
    assert metrics["macro_f1_all_labels"] == 0.5


def test_predictions_outside_the_label_set_are_ignored_not_crashing():
    metrics = score_predictions([["a"]], [["unknown", "a"]], labels=["a"])
    assert metrics["micro_f1"] == 1.0


def test_top1_accuracy_rewards_no_tag_for_no_topic_text():
    metrics = score_predictions([[], ["a"], []], [[], ["a", "b"], ["a"]], labels=["a", "b"])
    assert metrics["top1_accuracy"] == pytest.approx(2 / 3)
