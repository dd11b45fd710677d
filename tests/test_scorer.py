"""The lean scorer's two roads (word by word, and a whole batch in numpy) agree exactly."""

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from classifier.registry import load
from classifier.text import split_paragraphs, words
from classifier.wordcodes import WordCodes
from tests.conftest import PROJECT

# Letters, digits, the joining punctuation in every arrangement, spaces, newlines, and
# characters above ASCII that are and are not letters (é, ß, £, curly quotes, ligatures).
ALPHABET = "abcAB019'.-  \n\t_,;:!?\"()€£é ßüñİ\u2019\u2013\ufb01\u00ad\u00a0\x00\x01"
TEXTS = st.lists(st.text(alphabet=ALPHABET, max_size=60), min_size=1, max_size=8)
STORY = (PROJECT / "examples" / "sample-article.txt").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def scorer(quick_model):
    return load(quick_model.model_dir)[0]._scorer


@given(texts=TEXTS)
@settings(max_examples=300, deadline=None)
def test_batch_word_codes_equal_the_tokenizers_words(texts):
    coder = WordCodes(lambda word: hash(word) % 1000)
    codes, rows = coder.encode(texts)
    expected = [(k, hash(w) % 1000) for k, text in enumerate(texts) for w in words(text)]
    assert list(zip(rows.tolist(), codes.tolist(), strict=True)) == expected


@given(texts=TEXTS)
@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
def test_both_roads_count_the_same_features(scorer, texts):
    by_words = scorer._counted_by_grams(texts)
    by_codes = scorer._counted_by_codes(texts)
    for ours, theirs in zip(by_words, by_codes, strict=True):
        np.testing.assert_array_equal(ours, theirs)


def test_both_roads_on_real_paragraphs(scorer):
    paragraphs = [p.text for p in split_paragraphs(STORY)] * 3
    for ours, theirs in zip(
        scorer._counted_by_grams(paragraphs), scorer._counted_by_codes(paragraphs), strict=True
    ):
        np.testing.assert_array_equal(ours, theirs)


def test_a_word_learned_once_keeps_its_code():
    asked = []

    def code_of(word: str) -> int:
        asked.append(word)
        return len(word)

    coder = WordCodes(code_of)
    first = coder.encode(["the internationalisation of markets", "markets"])[0]
    again = coder.encode(["markets", "the internationalisation of markets"])[0]
    assert first.tolist() == [3, 20, 2, 7, 7] and again.tolist() == [7, 3, 20, 2, 7]
    assert sorted(asked) == ["internationalisation", "markets", "of", "the"]


def test_a_replaced_model_is_freed_without_the_cycle_collector(quick_model):
    """A reload must not leave the old model's arrays behind until a full collection runs:
    the scorer once sat in a reference cycle, and each promotion kept a model's worth of memory
    (bench/soak.py)."""
    import gc
    import weakref

    model, _ = load(quick_model.model_dir)
    model.tag("Shares rose after the results.")
    freed = weakref.ref(model._scorer)
    gc.disable()
    try:
        del model
        assert freed() is None
    finally:
        gc.enable()
