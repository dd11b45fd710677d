import json

import numpy as np
import pytest

from classifier.data import load_corpus
from classifier.model import TopicModel
from classifier.registry import load
from classifier.train import TrainingOptions, fit_model
from tests.conftest import PROJECT, TRAINING_DATA


@pytest.fixture(scope="module")
def model(default_model) -> TopicModel:
    return load(default_model.model_dir)[0]


@pytest.fixture(scope="module")
def held_out_texts() -> list[str]:
    lines = []
    for path in sorted((TRAINING_DATA / "test").glob("*.jsonl")):
        lines.extend(path.read_text(encoding="utf-8").splitlines()[:5])
    return [json.loads(line)["text"] for line in lines]


def test_lean_path_scores_equal_the_pipeline_scores(model, held_out_texts):
    texts = [*held_out_texts, "", "Share This Article", "zzzz unknownword qqqq"]
    reference = model.reference_scores(texts)
    lean = np.vstack([model.scores(text) for text in texts])
    np.testing.assert_allclose(lean, reference, rtol=1e-9, atol=1e-12)


def test_scores_are_probabilities_and_tags_are_sorted(model, held_out_texts):
    for text in held_out_texts[:20]:
        scores = model.scores(text)
        assert np.all((scores >= 0) & (scores <= 1))
        tags = model.select(scores)
        assert [t.score for t in tags] == sorted((t.score for t in tags), reverse=True)


def test_every_tag_carries_its_iptc_code(model, held_out_texts):
    tags = model.select(model.scores(held_out_texts[0]))
    assert tags and all(tag.id and tag.id.startswith("medtop:") for tag in tags)


def test_explicit_threshold_and_top_k(model, held_out_texts):
    scores = model.scores(held_out_texts[0])
    assert model.select(scores, threshold=1.01) == []
    everything = model.select(scores, threshold=0.0)
    assert len(everything) == len(model.labels)
    assert len(model.select(scores, threshold=0.0, top_k=2)) == 2


@pytest.mark.parametrize(
    "boilerplate",
    ["Share This Article", "Related Articles", "Read Full Article:", "Advertisement"],
)
def test_boilerplate_gets_no_topic(model, boilerplate):
    assert model.select(model.scores(boilerplate)) == []


def test_article_skips_boilerplate_and_counts_repeated_paragraphs_once(model):
    story = (PROJECT / "examples" / "sample-article.txt").read_text(encoding="utf-8")
    doubled = story + "\n\n" + story.split("\n\n")[2]
    first, second = model.tag_article(story), model.tag_article(doubled)
    assert [t.label for t in first.tags] == [t.label for t in second.tags]
    skipped = [story[p.start : p.end] for p in first.paragraphs if p.skipped]
    assert "Share this article" in skipped


def test_single_label_data_trains_as_multiclass(small_corpus_file):
    examples = load_corpus([small_corpus_file]).examples
    options = TrainingOptions(fixed_params={"ngram_range": (1, 1), "min_df": 1, "C": 1.0}, folds=3)
    model, report = fit_model(examples, options=options)
    assert report.mode == "multiclass" and not model.multilabel
    for example in examples[:10]:
        tags = model.predict([example.text])[0]
        assert len(tags) == 1
    reference = model.reference_scores([e.text for e in examples[:10]])
    lean = np.vstack([model.scores(e.text) for e in examples[:10]])
    np.testing.assert_allclose(lean, reference, rtol=1e-9, atol=1e-12)
    article = "\n\n".join(e.text for e in examples[:3])
    full, quick = model.tag_article(article), model.tag_article(article, paragraphs_wanted=False)
    assert quick.tags == full.tags and quick.paragraphs == [] and len(full.paragraphs) == 3


def test_two_label_data_works_in_the_lean_path(small_corpus_file):
    examples = [e for e in load_corpus([small_corpus_file]).examples if e.labels[0] != "sport"]
    options = TrainingOptions(fixed_params={"ngram_range": (1, 2), "min_df": 1, "C": 1.0}, folds=3)
    model, _ = fit_model(examples, options=options)
    assert model.labels == ["economy, business and finance", "science and technology"]
    texts = [e.text for e in examples[:5]]
    np.testing.assert_allclose(
        np.vstack([model.scores(t) for t in texts]), model.reference_scores(texts), rtol=1e-9
    )
