"""Character n-grams beside the words: trained, saved, served and searched for."""

import time

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.preprocessing import MultiLabelBinarizer

from classifier.cli import main
from classifier.registry import load
from classifier.scorer import CharacterFeatures
from classifier.search import CrossValidatedSearch, FoldPlan, make_character_vectorizer
from classifier.text import normalise, tokenize
from classifier.train import TrainingOptions, top_level
from classifier.workflow import train_and_publish

WORDS = {"ngram_range": (1, 2), "min_df": 2, "C": 1.0, "secondary_weight": 0.5}
WITH_CHARACTERS = {**WORDS, "characters": (4, 4)}


@pytest.fixture(scope="module")
def character_model(tmp_path_factory, taxonomy, quick_corpora):
    """A model with character 4-grams beside the words, published and loaded back."""
    train, test = quick_corpora
    options = TrainingOptions(fixed_params=WITH_CHARACTERS, folds=3, rollup="lead")
    out = tmp_path_factory.mktemp("character-models")
    result = train_and_publish(train, out, test_corpus=test, taxonomy=taxonomy, options=options)
    return load(result.model_dir)[0]


@pytest.fixture(scope="module")
def texts(quick_corpora) -> list[str]:
    return [example.text for example in quick_corpora[1].examples[:300]]


# Letters, spaces of several kinds (runs of them too), short and long words, characters that
# normalising folds, and characters above ASCII.
ALPHABET = "abcAB1 .-'\n\t\x0b\x1c\x85\u2003\u3000\u00a0é\u2019\ufb01"
TEXTS = st.lists(st.text(alphabet=ALPHABET, max_size=40), min_size=1, max_size=6)
FITTED_ON = ["a ab abc abcd abcde", "Bab cab é 1-1 a.b", "ab\u2003cd\x85ef \ufb01n", "a b c"]


@pytest.mark.parametrize("span", [(4, 4), (2, 5), (1, 3)])
@given(texts=TEXTS)
@settings(max_examples=80, deadline=None)
def test_character_rows_equal_the_vectorizers(span, texts):
    vectorizer = make_character_vectorizer(span).set_params(min_df=1).fit(FITTED_ON + texts)
    lean = CharacterFeatures(vectorizer).features(texts)
    expected = vectorizer.transform(texts)
    np.testing.assert_allclose(lean.toarray(), expected.toarray(), rtol=1e-12, atol=1e-15)


def test_the_lean_path_keeps_the_pipelines_scores_at_both_levels(character_model, texts):
    words = character_model.pipeline[0].transformer_list[0][1]
    assert character_model.features(texts[:1]).shape[1] > len(words.vocabulary_)
    assert sum(map(len, texts)) > 20_000  # the batch goes through the vectorised word path
    for batch in (texts, texts[:1]):
        np.testing.assert_allclose(
            character_model.scores(batch),
            character_model.reference_scores(batch),
            rtol=1e-9,
            atol=1e-12,
        )
        np.testing.assert_allclose(
            character_model.subtopic_scores(character_model.features(batch)),
            character_model.reference_subtopic_scores(batch),
            rtol=1e-9,
            atol=1e-12,
        )


def test_an_explanation_can_name_character_n_grams(character_model, texts):
    characters = character_model.pipeline[0].transformer_list[1][1].vocabulary_
    named = set()
    for text in texts[:40]:
        best = character_model.scores([text])[0].argmax()
        label = character_model.labels[best]
        named |= {term for term, _ in character_model.explain(text, [label], 30)[label]}
    assert named & set(characters)


def _search(corpus, messages: list[str]) -> CrossValidatedSearch:
    examples = corpus.examples[::3]
    y_matrix = MultiLabelBinarizer().fit_transform([top_level(e.labels, None) for e in examples])
    tokens = [tokenize(normalise(e.text)) for e in examples]
    plan = FoldPlan(folds=3, n_jobs=1, random_state=0)
    texts = [e.text for e in examples]
    return CrossValidatedSearch(texts, tokens, y_matrix, y_matrix, True, plan, messages.append)


def test_a_character_candidate_runs_when_its_estimate_fits_the_budget(quick_corpora):
    search = _search(quick_corpora[0], [])
    search.run([WORDS, WITH_CHARACTERS], time.perf_counter(), budget_seconds=1e6)
    assert [t.get("characters") for t in search.tried] == [None, (4, 4)]


def test_a_character_candidate_beyond_the_budget_is_skipped_and_said(quick_corpora):
    messages: list[str] = []
    search = _search(quick_corpora[0], messages)
    search.run([WORDS], time.perf_counter(), budget_seconds=1e6)
    words_seconds = search.tried[0]["seconds"]
    estimate = search._estimated_seconds(WITH_CHARACTERS)
    assert estimate > 2 * words_seconds  # the characters add more values than the words hold
    del messages[:]
    _, chosen, _ = search.run([WITH_CHARACTERS, WORDS], time.perf_counter(), estimate / 2)
    assert chosen == WORDS and len(search.tried) == 2
    assert any("skipped" in message and "characters" in message for message in messages)


def test_the_cli_trains_with_characters_given_as_json(small_corpus_file, tmp_path):
    params = '{"C": 1, "ngram_range": [1, 1], "min_df": 1, "characters": [3, 4]}'
    code = main(["train", str(small_corpus_file), "--out", str(tmp_path), "--params", params])
    assert code == 0
    model = load(tmp_path)[0]
    assert model.pipeline[0].transformer_list[1][1].ngram_range == (3, 4)
