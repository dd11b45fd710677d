"""Level-2 tags: nested only under level-1 tags that are returned, chosen by their own rule,
the same one document at a time or in a batch, in the library, over HTTP and in the CLI."""

import json
import pickle

import numpy as np
import pytest

from classifier.cli import main
from classifier.data import load_corpus
from classifier.errors import OptionError
from classifier.model import TopicModel
from classifier.options import TagOptions
from classifier.registry import load, publish
from classifier.train import TrainingOptions, fit_model
from tests.conftest import PROJECT, TRAINING_DATA

STORY = (PROJECT / "examples" / "sample-article.txt").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def model(quick_model) -> TopicModel:
    return load(quick_model.model_dir)[0]


@pytest.fixture(scope="module")
def texts() -> list[str]:
    """A few held-out examples of every topic, our sample page, and texts that get nothing."""
    lines = []
    for path in sorted((TRAINING_DATA / "test").glob("*.jsonl")):
        lines.extend(path.read_text(encoding="utf-8").splitlines()[:4])
    return [json.loads(line)["text"] for line in lines] + [STORY, "", "Share This Article"]


def _every_tag(result):
    return result.tags + [tag for paragraph in result.paragraphs for tag in paragraph.tags]


def test_the_quick_model_learns_subtopics_and_reports_the_rest(model, taxonomy):
    assert model.depths == (1, 2)
    parts = model.subtopics
    assert len(parts.labels) > 40
    for label, parent in zip(parts.labels, parts.parents, strict=True):
        assert taxonomy.root(label) == model.labels[parent] != label
    for label, count in parts.unlearned.items():  # too few examples: named with the count
        assert taxonomy.root(label) != label and 0 <= count < 5


def test_depth_two_keeps_the_level_one_tags_and_nests_subtopics_under_them(model, taxonomy, texts):
    shallow = model.tag_documents(texts)
    deep = model.tag_documents(texts, TagOptions(depth=2))
    nested = 0
    for one, two in zip(shallow, deep, strict=True):
        strip = [[(t.label, t.score) for t in p.tags] for p in one.paragraphs]
        assert strip == [[(t.label, t.score) for t in p.tags] for p in two.paragraphs]
        assert [(t.label, t.score) for t in one.tags] == [(t.label, t.score) for t in two.tags]
        assert all(tag.subtopics is None for tag in _every_tag(one))
        for tag in _every_tag(two):
            assert all(taxonomy.root(sub.label) == tag.label for sub in tag.subtopics)
            assert all(
                sub.id.startswith("medtop:") and sub.subtopics is None for sub in tag.subtopics
            )
            scores = [sub.score for sub in tag.subtopics]
            assert scores == sorted(scores, reverse=True) and all(0 <= s <= 1 for s in scores)
            nested += len(tag.subtopics)
    assert nested > len(texts)


def test_subtopics_follow_the_level_two_rule_of_their_parent(model, texts):
    """Every subtopic over its own threshold, or else the best alone; none when even the best
    is under the parent's abstain score. Scores of all subtopics come from a threshold-0 run."""
    parts = model.subtopics
    own_threshold = dict(zip(parts.labels, parts.thresholds, strict=True))
    chosen_runs = model.tag_documents(texts, TagOptions(depth=2))
    scored_runs = model.tag_documents(texts, TagOptions(depth=2, threshold=0.0))
    checked = 0
    for chosen, scored in zip(chosen_runs, scored_runs, strict=True):
        pairs = [(chosen.tags, scored.tags)] + [
            (p.tags, q.tags) for p, q in zip(chosen.paragraphs, scored.paragraphs, strict=True)
        ]
        for shown, every in pairs:
            all_scores = {tag.label: {s.label: s.score for s in tag.subtopics} for tag in every}
            for tag in shown:
                scores = all_scores[tag.label]  # best first, as the rule ranks them
                best = next(iter(scores), None)
                passed = [label for label in scores if scores[label] >= own_threshold[label]]
                abstain = parts.abstain[model.labels.index(tag.label)]
                expected = [] if best is None or scores[best] < abstain else passed or [best]
                assert [sub.label for sub in tag.subtopics] == expected
                checked += len(expected)
    assert checked > len(texts)


def test_threshold_and_top_k_apply_to_subtopics_too(model):
    parts = model.subtopics
    everything = model.tag(STORY, TagOptions(depth=2, threshold=0.0))
    for tag in everything.tags:
        columns = parts.columns_under(model.labels.index(tag.label))
        assert sorted(sub.label for sub in tag.subtopics) == sorted(
            parts.labels[c] for c in columns
        )
    two = model.tag(STORY, TagOptions(depth=2, threshold=0.0, top_k=2))
    for wide, narrow in zip(everything.tags, two.tags, strict=False):
        assert narrow.subtopics == wide.subtopics[:2]
    strict = model.tag(STORY, TagOptions(depth=2, threshold=0.5))
    assert all(sub.score >= 0.5 for tag in _every_tag(strict) for sub in tag.subtopics)


def test_a_batch_at_depth_two_equals_each_document_alone(model, texts):
    for options in (
        TagOptions(depth=2),
        TagOptions(depth=2, top_k=1),
        TagOptions(depth=2, threshold=0.3),
    ):
        batch = model.tag_documents(texts, options)
        alone = [model.tag(text, options) for text in texts]
        assert [(r.tags, r.paragraphs) for r in batch] == [(r.tags, r.paragraphs) for r in alone]
        quiet = model.tag_documents(texts, options, paragraphs=False)
        assert [r.tags for r in quiet] == [r.tags for r in batch]
    assert (
        model.tag_documents([], TagOptions(depth=2)) == []
    )  # a batch whose every item was refused


@pytest.fixture(scope="module")
def flat_model(small_corpus_file) -> TopicModel:
    """A model of level-1 labels only: it has no subtopics to give."""
    examples = load_corpus([small_corpus_file]).examples
    options = TrainingOptions(fixed_params={"ngram_range": (1, 1), "min_df": 1, "C": 1.0}, folds=3)
    return fit_model(examples, options=options)[0]


def test_a_level_one_model_refuses_depth_two_clearly(flat_model):
    assert flat_model.depths == (1,) and flat_model.subtopics is None
    with pytest.raises(OptionError, match="depth 2 needs a model trained with subtopics"):
        flat_model.tag(STORY, TagOptions(depth=2))
    assert flat_model.tag(STORY, TagOptions(depth=1)).tags


def test_depth_two_over_http_in_single_and_batch_requests(client):
    deep = client.post("/v1/tag", json={"text": STORY, "depth": 2}).get_json()
    shallow = client.post("/v1/tag", json={"text": STORY}).get_json()
    assert [t["label"] for t in deep["tags"]] == [t["label"] for t in shallow["tags"]]
    assert all("subtopics" not in t for t in shallow["tags"])
    first = deep["tags"][0]["subtopics"]
    assert first and all({"label", "id", "score"} <= set(sub) for sub in first)
    assert any(t.get("subtopics") for p in deep["paragraphs"] for t in p["tags"])
    batch = client.post(
        "/v1/tag/batch", json={"documents": [{"id": 1, "text": STORY}], "depth": 2}
    ).get_json()["results"]
    single = client.post("/v1/tag", json={"text": STORY, "depth": 2, "paragraphs": False})
    assert batch[0]["tags"] == single.get_json()["tags"]
    refused = client.post("/v1/tag/batch", json={"documents": [1, [None]], "depth": 2})
    assert refused.status_code == 200  # every item refused alone, nothing left to tag
    assert [r["error"]["error"] for r in refused.get_json()["results"]] == ["validation_error"] * 2


def test_depth_out_of_range_or_without_subtopics_is_a_422(
    client, make_client, flat_model, tmp_path
):
    for depth in (0, 3, "2"):
        response = client.post("/v1/tag", json={"text": STORY, "depth": depth})
        assert response.status_code == 422
        assert response.get_json()["error"] == "validation_error"
    publish(flat_model, tmp_path / "flat", manifest={}, metrics={})
    flat_client = make_client(tmp_path / "flat")
    response = flat_client.post("/v1/tag", json={"text": STORY, "depth": 2})
    assert response.status_code == 422
    assert "depth 2 needs a model trained with subtopics" in response.get_json()["detail"]
    assert flat_client.get("/v1/model").get_json()["depths"] == [1]


def test_model_info_lists_the_hierarchy(client, model):
    info = client.get("/v1/model").get_json()
    assert info["depths"] == [1, 2]
    listed = {sub["label"] for tag in info["tags"] for sub in tag.get("subtopics") or []}
    assert listed == set(model.subtopics.labels)
    for tag in info["tags"]:
        assert all(sub["id"].startswith("medtop:") for sub in tag.get("subtopics") or [])


def test_the_cli_tags_at_depth_two(registry, tmp_path, capsys):
    article = tmp_path / "story.txt"
    article.write_text(STORY, encoding="utf-8")
    assert main(["tag", "--model", str(registry), "--depth", "2", str(article)]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["tags"][0]["subtopics"]
    assert main(["tag", "--model", str(registry), "--depth", "3", str(article)]) != 0
    assert "depth must be 1 or 2" in capsys.readouterr().err


def test_level_two_scores_of_the_lean_path_equal_the_pipelines(model, texts):
    features = model.features(texts)
    np.testing.assert_allclose(
        model.subtopic_scores(features),
        model.reference_subtopic_scores(texts),
        rtol=1e-9,
        atol=1e-12,
    )


def test_subtopic_weights_are_saved_in_half_precision_and_scored_in_double(model, tmp_path):
    # half precision keeps the model file small; double in memory, since a product of
    # double features with narrower weights would copy the weights on every call
    stored = model.subtopics.__getstate__()["weights"][-1]
    assert stored.dtype == np.float16 and stored.size == model.subtopics.weights.nnz
    reloaded = load(publish(model, tmp_path, manifest={}, metrics={}).parent)[0]
    assert reloaded.subtopics.weights.dtype == np.float32
    assert reloaded._subtopic_weights.dtype == np.float64
    np.testing.assert_array_equal(
        reloaded._subtopic_weights.toarray(), model._subtopic_weights.toarray()
    )


def test_a_freshly_fitted_model_scores_subtopics_exactly_as_after_saving(
    quick_corpora, quick_options, taxonomy, texts
):
    # weights are rounded when fitted, so what training evaluates is what serves
    fitted, _ = fit_model(quick_corpora[0].examples, taxonomy=taxonomy, options=quick_options)
    reloaded = pickle.loads(pickle.dumps(fitted))
    features = fitted.features(texts)
    np.testing.assert_array_equal(
        reloaded.subtopic_scores(features), fitted.subtopic_scores(features)
    )
