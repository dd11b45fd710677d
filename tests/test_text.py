from classifier import text
from classifier.text import NUMBER_TOKEN, normalise, split_paragraphs, stem, tokenize, word_count


def test_normalise_folds_typographic_variants():
    assert (
        normalise("don\u2019t \u201cstop\u201d \u2014 \ufb01nal\r\nline")
        == 'don\'t "stop" - final\nline'
    )


def test_normalise_removes_control_characters():
    assert normalise("a\x00b\x07c") == "a b c"


def test_split_paragraphs_offsets_index_the_original_text():
    raw = "Headline \u2019here\u2019\r\n\r\n  First paragraph.\n \t\nSecond one.\n"
    paragraphs = split_paragraphs(raw)
    assert [p.text for p in paragraphs] == [
        "Headline \u2019here\u2019",
        "First paragraph.",
        "Second one.",
    ]
    for paragraph in paragraphs:
        assert raw[paragraph.start : paragraph.end] == paragraph.text


def test_split_paragraphs_keeps_single_newlines_inside_a_paragraph():
    assert [p.text for p in split_paragraphs("one\ntwo\n\nthree")] == ["one\ntwo", "three"]


def test_split_paragraphs_of_blank_text_is_empty():
    assert split_paragraphs(" \n\n \t ") == []


def test_tokenize_stems_drops_stop_words_and_folds_numbers():
    tokens = tokenize(normalise("The runners were running 3.5 km in 2004, and they won."))
    assert tokens == ["runner", "run", NUMBER_TOKEN, "km", NUMBER_TOKEN, "won"]


def test_tokenize_keeps_abbreviations_and_alphanumeric_names():
    assert tokenize("U.S. Covid-19 cases and COP26 talks") == [
        "u.s",
        "covid-19",
        "case",
        "cop26",
        "talk",
    ]


def test_stem_is_memoised():
    text._stem_cache.pop("elections", None)
    assert stem("elections") == "elect"
    assert text._stem_cache["elections"] == "elect"
    assert stem("the") is None


def test_word_count_counts_words_not_tokens():
    assert word_count("The U.S. economy grew 3.5% in 2004.") == 7
