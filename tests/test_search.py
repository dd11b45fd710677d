"""The search's candidates: their order and what each kind of data is searched over."""

from classifier.search import SearchSpace, ranking_score


def test_each_character_candidate_follows_its_words_only_twin():
    candidates = SearchSpace().candidates()
    for before, after in zip(candidates[::2], candidates[1::2], strict=True):
        assert "characters" not in before
        assert after == {**before, "characters": (4, 4)}


def test_single_label_data_is_not_searched_over_secondary_weights():
    space = SearchSpace()
    multilabel, single = space.candidates(True), space.candidates(False)
    assert len(multilabel) == 2 * len(single) == 2 * 2 * 2 * 4 * 2
    assert all("secondary_weight" not in params for params in single)
    assert len({str(sorted(params.items())) for params in single}) == len(single)


def test_characters_must_win_by_more_than_fold_noise():
    words = {"ngram_range": (1, 2), "min_df": 2, "C": 1.0}
    characters = {**words, "characters": (4, 4)}
    assert ranking_score(0.9101, characters) < ranking_score(0.9100, words)
    assert ranking_score(0.9119, characters) < ranking_score(0.9100, words)
    assert ranking_score(0.9125, characters) > ranking_score(0.9100, words)
    assert ranking_score(0.9100, words) == 0.9100
