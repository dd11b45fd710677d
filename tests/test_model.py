"""The model's one tagging path: lean scores, paragraphs, boilerplate, roll-up and options."""

import json

import numpy as np
import pytest

from classifier.data import load_corpus
from classifier.model import TopicModel
from classifier.options import TagOptions
from classifier.registry import load
from classifier.rollup import combine_paragraphs
from classifier.train import TrainingOptions, fit_model
from tests.conftest import PROJECT, TRAINING_DATA

STORY = (PROJECT / "examples" / "sample-article.txt").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def model(quick_model) -> TopicModel:
    return load(quick_model.model_dir)[0]


@pytest.fixture(scope="module")
def held_out_texts() -> list[str]:
    lines = []
    for path in sorted((TRAINING_DATA / "test").glob("*.jsonl")):
        lines.extend(path.read_text(encoding="utf-8").splitlines()[:3])
    return [json.loads(line)["text"] for line in lines]


def test_lean_path_scores_equal_the_pipeline_scores(model, held_out_texts):
    texts = [*held_out_texts, "", "Share This Article", "zzzz unknownword qqqq"]
    np.testing.assert_allclose(
        model.scores(texts), model.reference_scores(texts), rtol=1e-9, atol=1e-12
    )


def test_level_one_weights_are_stored_in_single_precision(model):
    """Double precision made the default model's file twice the size for no change in tags."""
    linear = model.pipeline[-1]
    stored = {estimator.coef_.dtype for estimator in getattr(linear, "estimators_", [linear])}
    assert stored == {np.dtype(np.float32)}


def test_a_batch_tags_exactly_as_one_document_at_a_time(model, held_out_texts):
    texts = [*held_out_texts, STORY, "", "Share This Article"]
    for options in (TagOptions(), TagOptions(top_k=2), TagOptions(threshold=0.2)):
        batch = model.tag_documents(texts, options)
        for together, alone in zip(batch, [model.tag(t, options) for t in texts], strict=True):
            assert together.tags == alone.tags and together.paragraphs == alone.paragraphs
            assert (together.scores is None) == (alone.scores is None)
            if alone.scores is not None:
                np.testing.assert_allclose(together.scores, alone.scores, rtol=1e-12)
        quiet = model.tag_documents(texts, options, paragraphs=False)
        assert [r.tags for r in quiet] == [r.tags for r in batch]
        assert all(r.paragraphs == [] for r in quiet)


def test_tags_are_probabilities_best_first_with_iptc_codes(model, held_out_texts):
    for result in model.tag_documents(held_out_texts):
        scores = [t.score for t in result.tags]
        assert scores == sorted(scores, reverse=True) and all(0 <= s <= 1 for s in scores)
        assert all(t.id and t.id.startswith("medtop:") for t in result.tags)


def test_explicit_threshold_and_top_k(model):
    assert model.tag(STORY, TagOptions(threshold=1.0)).tags == []
    everything = model.tag(STORY, TagOptions(threshold=0.0)).tags
    assert len(everything) == len(model.labels)
    two = model.tag(STORY, TagOptions(threshold=0.0, top_k=2)).tags
    assert two == everything[:2]
    assert model.tag(STORY, TagOptions(top_k=1)).tags == model.tag(STORY).tags[:1]


@pytest.mark.parametrize(
    "boilerplate",
    ["Share This Article", "Related Articles", "Read Full Article:", "Advertisement"],
)
def test_boilerplate_gets_no_topic_and_is_skipped(model, boilerplate):
    result = model.tag(boilerplate)
    assert result.tags == [] and [p.skipped for p in result.paragraphs] == [True]


def test_the_article_rolls_up_only_its_topical_paragraphs(model):
    result = model.tag(STORY)
    skipped = [STORY[p.start : p.end] for p in result.paragraphs if p.skipped]
    assert "Share this article" in skipped and "Advertisement" in skipped
    voting = [p for p in result.paragraphs if not p.skipped]
    texts = [STORY[p.start : p.end] for p in voting]
    rows = model.scores(texts)
    lengths = np.array([t.count(" ") + 1 for t in texts], float)
    np.testing.assert_allclose(result.scores, combine_paragraphs(rows, lengths, "lead"))


def test_a_repeated_paragraph_votes_once(model):
    paragraphs = STORY.split("\n\n")
    repeated = "\n\n".join([*paragraphs, paragraphs[2]])
    first, second = model.tag(STORY), model.tag(repeated)
    np.testing.assert_allclose(first.scores, second.scores)
    assert len(second.paragraphs) == len(first.paragraphs) + 1


def test_a_blank_document_gets_nothing(model):
    for text in ("", "  \n\n \t"):
        result = model.tag(text)
        assert result.tags == [] and result.paragraphs == [] and result.scores is None


def test_single_label_data_trains_as_multiclass(small_corpus_file):
    examples = load_corpus([small_corpus_file]).examples
    options = TrainingOptions(fixed_params={"ngram_range": (1, 1), "min_df": 1, "C": 1.0}, folds=3)
    model, report = fit_model(examples, options=options)
    assert report.mode == "multiclass" and not model.multilabel
    texts = [e.text for e in examples[:10]]
    assert all(len(r.tags) == 1 for r in model.tag_documents(texts))
    np.testing.assert_allclose(
        model.scores(texts), model.reference_scores(texts), rtol=1e-9, atol=1e-12
    )
    article = "\n\n".join(texts[:3])
    full, quick = model.tag(article), model.tag(article, paragraphs=False)
    assert quick.tags == full.tags and quick.paragraphs == [] and len(full.paragraphs) == 3
    np.testing.assert_allclose(full.scores, model.scores([article])[0])


def test_two_label_data_works_in_the_lean_path(small_corpus_file):
    examples = [e for e in load_corpus([small_corpus_file]).examples if e.labels[0] != "sport"]
    options = TrainingOptions(fixed_params={"ngram_range": (1, 2), "min_df": 1, "C": 1.0}, folds=3)
    model, _ = fit_model(examples, options=options)
    assert model.labels == ["economy, business and finance", "science and technology"]
    texts = [e.text for e in examples[:5]]
    np.testing.assert_allclose(model.scores(texts), model.reference_scores(texts), rtol=1e-9)


def test_the_language_is_the_storys_not_the_site_chrome(model):
    chrome = "Click here for the latest gold and silver prices " * 20
    story = (
        "Le gouvernement a présenté mardi une réforme des retraites qui repousse l'âge légal "
        "de départ, et les syndicats ont appelé à une grève nationale dans les transports."
    )
    french, english = model.tag_documents([f"{chrome}\n\n{story}", chrome + STORY])
    assert (french.language, french.tags) == ("other", [])
    assert english.language == "en" and english.tags
    asked = model.tag_documents([f"{chrome}\n\n{story}"], TagOptions(any_language=True))[0]
    assert asked.language == "other"
    np.testing.assert_array_equal(asked.scores, french.scores)  # scored all the same
