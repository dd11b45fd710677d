"""Pages cut into units: paragraphs kept whole, flattened pages cut, chrome flagged."""

import random
import re
import signal
from itertools import pairwise

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from classifier.chrome import (
    CALLS_TO_ACTION,
    SENTENCE_END,
    count_figures,
    figure_flags,
    is_ticker,
    may_call_to_action,
)
from classifier.segment import (
    CALL_REACH,
    MIN_CHROME_RUN,
    MIN_PROSE_WORDS,
    OWN_HEADLINE_WORDS,
    RUN_ON_WORDS,
    TICKER_TOKENS,
    TITLE_RUN_WORDS,
    UNPUNCTUATED_RUN,
    Segmenter,
    _furniture_tokens,
    _may_hold_furniture,
    _prose_end,
    _prose_start,
    _prose_tail,
    _split_headlines,
    _tail_start,
    _title_case_headlines,
    _title_case_run,
    _with_own_headline,
    train_sentence_splitter,
)

LEDE = (
    "India's selectors on Monday named three uncapped batters for the Test series against "
    "England, signalling a generational change in the national side. Captain Rohit Sharma said "
    "the young players had earned their places with heavy scoring in the Ranji Trophy."
)
HEADLINES = (
    "Metal stocks rally as copper hits two-year high STT hike to hit F&O traders "
    "Air India and Airbus in joint venture for pilot training Retail investors pour record "
    "sums into SIPs"
)
TICKER = "Sensex 81,234.56 + 487.20 Nifty 24,812.35 + 167.35 Gold 72,450 + 120"


def units(text: str):
    return units_with(Segmenter(), text)


def units_with(segmenter: Segmenter, text: str):
    return [(text[u.start : u.end], u.chrome) for u in segmenter.units(text)]


def test_a_page_with_breaks_keeps_its_paragraphs_whole():
    page = f"Selectors pick three new batters\n\n{LEDE}\n\nThe squad flies out on Friday."
    assert [text for text, _ in units(page)] == page.split("\n\n")
    assert [chrome for _, chrome in units(page)] == [False, False, False]


def test_a_flattened_page_is_cut_and_its_chrome_flagged():
    page = f"{LEDE} {TICKER} Click here for prices {HEADLINES} Click here for prices"
    found = units(page)
    assert [text for text, chrome in found if not chrome] == [LEDE]
    assert [text for text, chrome in found if chrome] == [
        f"{TICKER} Click here for prices",
        HEADLINES,
        "Click here for prices",
    ]


def test_headlines_run_into_the_lede_mostly_set_apart():
    page = f"Gold rate today Sensex ends 487 points higher Nifty reclaims 24,800 {LEDE}"
    found = units(page)
    prose = " ".join(text for text, chrome in found if not chrome)
    assert LEDE in prose and len(prose) < len(LEDE) + 30


TITLE_CASE_SENTENCE = (
    "Star Quits Hit Show After Ten Seasons Fans Rally Behind Late Night Host Chef Opens New "
    "Restaurant In Brooklyn Why Everyone Is Talking About The Final Episode."
)


def test_a_long_sentence_of_title_case_headlines_after_the_story_is_chrome():
    page = f"{LEDE} Click here for prices {TITLE_CASE_SENTENCE}"
    assert len(TITLE_CASE_SENTENCE.split()) >= 25
    found = units(page)
    assert [text for text, chrome in found if not chrome] == [LEDE]
    assert (TITLE_CASE_SENTENCE, True) in found


@pytest.mark.parametrize(
    "sentence",
    [
        # old wire copy in capitals is prose, however capitalised
        "ABOUT 3,314 HEAD OF CATTLE WERE AUCTIONED IN LINIERS CATTLE MARKET AGAINST 13,952 ON "
        "WEDNESDAY AND 9,217 LAST THURSDAY WHEN TRADE WAS SLOW AND PRICES FELL SHARPLY.",
        # a list of names is a line-up or a list of companies, not headlines
        "The nine banks are Oversea-Chinese Banking Corp Ltd, United Overseas Bank Ltd, Banque "
        "Paribas, Bangkok Bank Ltd, Citibank N.A., Standard Chartered Bank Ltd, Algemene Bank "
        "Nederland and Deutsche Bank AG.",
    ],
)
def test_capitalised_prose_and_lists_of_names_are_not_title_case_headlines(sentence):
    page = f"{LEDE} Click here for prices {sentence}"
    found = units(page)
    assert [text for text, chrome in found if chrome] == ["Click here for prices"]


def test_title_case_headlines_stop_at_half_the_words_shouted_or_one_in_ten_listed():
    # ten title-case words: four (then five) in capitals; none (then one) before a comma or
    # a semicolon
    words = ["Storm", "Hits", "Coast", "As", "Towns", "Count", "Cost", "Of", "Floods", "Tonight"]
    assert _title_case_headlines(words)
    assert _title_case_headlines([w.upper() if k < 4 else w for k, w in enumerate(words)])
    assert not _title_case_headlines([w.upper() if k < 5 else w for k, w in enumerate(words)])
    for mark in (",", ";"):
        assert not _title_case_headlines(
            [f"{w}{mark}" if k == 3 else w for k, w in enumerate(words)]
        )
    assert _title_case_headlines([f"{w}:" if k == 3 else w for k, w in enumerate(words)])
    assert _title_case_headlines([*words, "Minister,", *words[1:]])  # one in twenty: headlines


def test_a_lede_cut_short_keeps_its_prose_and_loses_the_headlines_it_runs_into():
    cut_short = (
        "The council approved the new tram line on Tuesday after a long debate about the cost of "
        "the first section"
    )
    page = f"{TICKER} Click here for prices {cut_short} {HEADLINES} Click here for prices"
    found = units(page)
    assert [text for text, chrome in found if not chrome] == [cut_short]
    headlines_alone = f"{HEADLINES} Gold rate today Sensex ends 487 points higher"
    assert all(chrome for _, chrome in units(f"{LEDE} Click here for prices {headlines_alone}")[1:])


def words(text: str) -> list[str]:
    return text.split()


OPENING = words("The council approved plans for tram lines yesterday")  # 2 of 8 function words


def test_a_cut_short_sentence_ends_its_prose_at_a_run_of_six_headline_words_or_more():
    # prose just at the share of function words that prose needs, in the opening and before the cut
    assert _prose_end([*OPENING, *words("Gold Hits Record High Storm Warning")]) == 8
    assert _prose_end([*OPENING, *words("and then Gold Hits Record High Storm")]) is None  # five
    assert _prose_end(["the", *OPENING[1:], *words("Gold Hits Record High Storm Warning")]) == 8
    assert _prose_end([*words("Gold Hits Record High"), *OPENING]) is None  # opens as headlines
    # a name inside the opening is no cut, even with a long run of headlines after it
    named = words("The Prime Minister said on Tuesday that the government would raise the")
    run = words(TITLE_CASE_HEADLINES)
    assert _prose_end([*named, *run]) == len(named)


TITLE_WORDS = words(
    "Star Quits Hit Show After Ten Seasons Fans Rally Behind Late Night Host Chef Opens New "
    "Restaurant In Brooklyn Why Everyone Is Talking About It Now"
)


def test_title_case_headlines_allow_a_few_capitals_and_commas_but_not_many():
    assert len(TITLE_WORDS) == 26 and _title_case_headlines(TITLE_WORDS)
    shouted = [w.upper() if k % 2 else w for k, w in enumerate(TITLE_WORDS)]  # 13 of 26
    assert not _title_case_headlines(shouted)
    assert _title_case_headlines([w.upper() if k < 12 else w for k, w in enumerate(TITLE_WORDS)])
    assert _title_case_headlines([w.upper() if k < 1 else w for k, w in enumerate(TITLE_WORDS)])
    for mark in (",", ";"):
        one = [f"{w}{mark}" if k == 3 else w for k, w in enumerate(TITLE_WORDS[:20])]
        two = [f"{w}{mark}" if k in (3, 9) else w for k, w in enumerate(TITLE_WORDS[:20])]
        assert _title_case_headlines(one) and not _title_case_headlines(two)  # 1 and 2 of 20


def test_offsets_index_the_text_as_given():
    page = f"  {HEADLINES} {LEDE}\r\n\r\n{TICKER}\nRead more  "
    for unit in Segmenter().units(page):
        assert page[unit.start : unit.end] == unit.text


def test_page_level_rules_flag_lists_tickers_and_repeats():
    page = "\n".join(
        [
            "Cup final: Harbour City beat Northfield 3-1",
            LEDE,
            "Gold hits record high",
            "Storm warning for the coast",
            "Minister resigns over expenses",
            TICKER,
            "Share this article",
            "Home | News | Sport | Business",
            "Photo: Reuters",
        ]
    )
    flags = [chrome for _, chrome in units(page)]
    assert flags == [False, False, True, True, True, True, True, True, True]


def test_a_results_table_without_prose_is_not_chrome():
    table = "Premier League\nArsenal 2 Chelsea 1\nLiverpool 3 Everton 0\nLeeds 1 Spurs 1"
    assert [chrome for _, chrome in units(table)] == [False, False, False, False]


def test_sentence_boundaries_learned_from_our_text_know_abbreviations():
    text = "The U.S. economy grew. Mr. Smith said so. " * 50
    line = "Mr. Smith said the U.S. Navy would sail. Officials agreed."
    # the abbreviations are all in the second text: small data is learned from whole
    trained = Segmenter(train_sentence_splitter(["Rain fell. It stopped.", text]))
    assert [line[s:e] for s, e in trained._sentences.span_tokenize(line)] == [
        "Mr. Smith said the U.S. Navy would sail.",
        "Officials agreed.",
    ]
    assert len(list(Segmenter()._sentences.span_tokenize(line))) == 4  # untrained: cut at "Mr."


@pytest.mark.parametrize(("limit_words", "learns_odd"), [(200, True), (199, False)])
def test_sentence_training_past_its_word_limit_takes_an_even_spread(limit_words, learns_odd):
    # 20 texts of 10 words: 200 words fit a limit of 200; a limit of 199 takes every other
    # text, the even ones, so only their abbreviation is learned.
    even = "Gen. Harlow told the crew to sail out at dawn."
    odd = "Sgt. Okafor asked the city mayor for much more time."
    texts = [even if k % 2 == 0 else odd for k in range(20)]
    learned = train_sentence_splitter(texts, limit_words=limit_words).abbrev_types
    assert "gen" in learned
    assert ("sgt" in learned) is learns_odd


# Shortcuts that skip the token-by-token search must never skip a line where it finds something.
_PIECES = [
    "Sensex",
    "81,234",
    "+4.5%",
    "(12)",
    "-",
    "$5",
    "rose",
    "the",
    "click here",
    "Read More",
    "Google Play",
    "watch the video",
    "for",
    "gold",
    "prices",
    "1.2",
    "in",
    "Nifty",
    "said",
]


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(_PIECES), min_size=1, max_size=60))
def test_the_furniture_shortcut_never_hides_furniture(pieces):
    line = " ".join(pieces)
    tokens = [(m.start(), m.end()) for m in re.finditer(r"\S+", line)]
    if any(_furniture_tokens(line, tokens)):
        assert _may_hold_furniture(line)
    assert count_figures(line) == sum(figure_flags(line.split()))
    if CALLS_TO_ACTION.search(line):
        assert may_call_to_action(line)


@pytest.mark.parametrize(
    ("stretch", "ticker"),
    [
        ("81,234 Sensex Nifty 24,100 Gold +1.5", True),  # three figures across six tokens
        ("81,234 Sensex Nifty Bank 24,100 Gold +1.5", False),  # the same across seven
    ],
)
def test_the_shortcut_sees_a_ticker_as_wide_as_the_window(stretch, ticker):
    line = f"{'word ' * 20}{stretch}{' word' * 20}"
    tokens = [(m.start(), m.end()) for m in re.finditer(r"\S+", line)]
    assert any(_furniture_tokens(line, tokens)) == ticker
    assert _may_hold_furniture(line) == ticker


def test_the_shortcut_lets_prose_with_scattered_figures_through_untouched():
    prose = "Sales rose 4 per cent in 2004, the firm said, and 300 jobs will go by March " * 3
    assert not _may_hold_furniture(prose)
    assert _may_hold_furniture("Markets today: Sensex 81,234 +487.20 Nifty 24,100 +167.35 and more")


def test_title_case_headlines_with_colons_and_commas_are_cut_from_the_lede():
    page = (
        "Report: Star Quits Hit Show After Three Seasons, Fans Stunned Senate Votes To Extend "
        "Farm Bill Through March City councillors voted on Tuesday to close the last public "
        "library branch in the eastern suburbs, citing a budget gap of four million dollars."
    )
    units = Segmenter().units(page)
    assert any(u.chrome and u.text.startswith("Report: Star Quits") for u in units)
    assert all(u.chrome for u in units if "Fans Stunned" in u.text)
    assert any(not u.chrome and "City councillors voted" in u.text for u in units)


_ENDINGS = ["said.", "ended.]", "Why?", "No!", "(see page)", "Yes.", "and"]
_SENTENCES = st.tuples(
    st.lists(st.sampled_from(["word", "word", "word", "Mr.", "U.S."]), max_size=40),
    st.sampled_from(_ENDINGS),
).map(lambda sentence: " ".join([*sentence[0], sentence[1]]))
_SPLITTER = Segmenter(train_sentence_splitter(["Mr. Smith of the U.S. Navy said so. " * 40]))


def _unpunctuated_by_every_sentence(segmenter: Segmenter, line: str) -> bool:
    """The plain rule: some sentence of the whole line, long enough, never ends."""
    return any(
        len(words) >= UNPUNCTUATED_RUN and not SENTENCE_END.search(words[-1])
        for words in (line[s:e].split() for s, e in segmenter._sentences.span_tokenize(line))
    )


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_SENTENCES, min_size=1, max_size=12))
@example(["Yes.", "word " * 40 + "and"])  # a last sentence longer than the tail
@example(["word " * 35 + "said.", "word and"])  # a tail of two sentences, the last one short
def test_sentences_looked_for_in_the_tail_only_give_the_whole_line_verdict(sentences):
    line = " ".join(sentences)
    assert _SPLITTER._has_unpunctuated_run(line) == _unpunctuated_by_every_sentence(_SPLITTER, line)


TITLE_CASE_HEADLINES = (
    "Pop Star Cancels World Tour Dates To Focus On Her Health Late-Night Host Mocks "
    "Senator Over Viral Video Of Airport Meltdown Streaming Giant Raises Prices Again For "
    "Ad-Free Plan"
)
HEADLINE_AND_SUMMARY = (
    "City Council Votes To Close Eastern Library Branch Councillors said on Tuesday that a "
    "budget gap of four million dollars left them no choice but to shut the last branch."
)


def test_title_case_headlines_on_a_page_with_furniture_are_cut_before_the_story():
    page = f"{TITLE_CASE_HEADLINES} {HEADLINE_AND_SUMMARY} Watch the video {TITLE_CASE_HEADLINES}"
    voting = [u.text for u in Segmenter().units(page) if not u.chrome]
    assert len(voting) == 1
    assert "Councillors said on Tuesday" in voting[0]
    assert "Pop Star Cancels" not in voting[0] and "Mocks Senator" not in voting[0]


def test_headlines_fused_to_a_later_sentence_are_cut_from_it_too():
    # a headline that ends with a full stop makes the story's sentence the second of its stretch
    page = (
        f"{TITLE_CASE_HEADLINES} Why We Still Need Libraries. {TITLE_CASE_HEADLINES} "
        f"{HEADLINE_AND_SUMMARY} Watch the video {TITLE_CASE_HEADLINES}"
    )
    voting = [u.text for u in Segmenter().units(page) if not u.chrome]
    assert any("Councillors said on Tuesday" in text for text in voting)
    # the headlines before the story's own (its last twelve words) are chrome
    assert not any("Pop Star Cancels" in text or "Mocks Senator" in text for text in voting)


def test_a_story_headline_fused_with_its_lede_stays_with_it_without_furniture():
    line = f"{TITLE_CASE_HEADLINES} {HEADLINE_AND_SUMMARY}"
    assert [u.chrome for u in Segmenter().units(line)] == [False]


TITLE_LINE = "Star Quits Show To Focus On Family As Fans Rally Behind Her"
PROSE_LINE = "The singer said on Monday that she would take a year away from the stage."
TITLE_RUN, PROSE = TITLE_LINE.split(), PROSE_LINE.split()


def test_a_title_case_run_of_twelve_words_before_prose_is_headlines_on_a_page_with_furniture():
    assert _prose_start(TITLE_RUN + PROSE, title_case_runs=True) == len(TITLE_RUN)
    assert _prose_start(TITLE_RUN[1:] + PROSE, title_case_runs=True) is None  # a name, maybe
    assert _prose_start(TITLE_RUN + PROSE) is None  # no furniture: the story's own headline
    sentence_case = [w.lower() if k else w for k, w in enumerate(TITLE_RUN)]
    assert _prose_start(sentence_case + PROSE, title_case_runs=True) is None


def test_the_tail_of_a_line_starts_at_its_last_words():
    line = "  Parliament  passed the bill on Tuesday"
    assert _tail_start(line, 2) == line.index("on Tuesday")
    assert _tail_start(line, 5) == line.index("passed")
    assert _tail_start("passed the bill", 3) == 0  # no more words than asked for: all of it
    assert _tail_start("passed the bill", 4) == 0


def test_a_title_case_run_must_end_on_a_word_that_is_not_lower_case():
    run = TITLE_RUN[:TITLE_RUN_WORDS]
    assert _title_case_run(run) and not _title_case_run(run[1:])
    # a lower-case last word is prose begun, even when the run is title case before it
    assert not _title_case_run([*run, "today"])
    # an ordinal or a figure is no lower-case word: the run may end on it
    assert _title_case_run([*run, "2nd"])


_PAGE_PIECES = [
    LEDE,
    HEADLINES,
    TICKER,
    "Click here for prices",
    "Watch the video",
    TITLE_CASE_HEADLINES,
    HEADLINE_AND_SUMMARY,
    f"{HEADLINES} {LEDE}",
]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(
        st.tuples(st.sampled_from(_PAGE_PIECES), st.sampled_from([" ", "\n", "\n\n", " \n\n  "])),
        min_size=1,
        max_size=14,
    )
)
def test_every_unit_of_any_page_indexes_it_in_reading_order(pieces):
    page = "  " + "".join(piece + gap for piece, gap in pieces)
    units = Segmenter().units(page)
    assert units
    for unit in units:
        assert page[unit.start : unit.end] == unit.text and unit.text.strip() == unit.text
        assert type(unit.chrome) is bool
    assert all(a.end <= b.start for a, b in pairwise(units))


def test_prose_sentences_are_regrouped_into_units_of_at_most_sixty_words():
    def sentence(words: int) -> str:
        return " ".join(["Officials"] + ["word"] * (words - 2) + ["ended."])

    sentences = " ".join(sentence(n) for n in (30, 31, 20, 20, 20))
    units = Segmenter().units(f"Click here for prices {sentences}")
    # 30 + 31 is one word too many; 31 + 20 fits; 31 + 20 + 20 does not
    assert [u.text.count(" ") + 1 for u in units if not u.chrome] == [30, 51, 40]


SENTENCE_CASE_HEADLINES = [
    "Pompeii gets a digital make-over",
    "Rapper tops the album chart again",
    "Council delays vote on new bridge",
    "Striker out for a month with knee injury",
    "Storm leaves thousands without power",
    "Ministers split over rail fares",
    "Film festival opens with a comedy",
]
QUESTION_HEADLINE = "Will the budget win over voters?"


# Punkt learns from this text that these words are written in lower case mid-sentence too.
_COMMON_WORDS_SPLITTER = Segmenter(
    train_sentence_splitter(
        ["Officials in Maryland said the students left before the police closed the road. " * 30]
    )
)
STORY_SENTENCE = (
    "Students in Maryland must complete 75 hours of service to earn a diploma, officials said."
)


def test_a_run_on_sentence_of_run_on_length_is_cut_where_its_prose_begins():
    # Sentence-case headlines fused into a story's sentence read like prose to every count of
    # words; only the length of the "sentence" Punkt finds gives them away.
    story = STORY_SENTENCE.split()
    for words, is_cut in ((RUN_ON_WORDS, True), (RUN_ON_WORDS - 1, False)):
        run = " ".join(" ".join(SENTENCE_CASE_HEADLINES * 3).split()[: words - len(story)])
        page = f"{LEDE} Click here for prices {run} {STORY_SENTENCE}"
        found = units_with(_COMMON_WORDS_SPLITTER, page)
        run_words = run.split()
        headlines, own = run_words[:-OWN_HEADLINE_WORDS], run_words[-OWN_HEADLINE_WORDS:]
        expected = (
            [(" ".join(headlines), True), (f"{' '.join(own)} {STORY_SENTENCE}", False)]
            if is_cut
            else [(f"{run} {STORY_SENTENCE}", False)]
        )
        assert found[-len(expected) :] == expected, words
        assert found[0] == (LEDE, False)


def test_a_run_on_sentence_with_no_prose_tail_still_votes():
    # lines of other stories whose last one ends with a question mark: no word in them opens
    # prose, and marking such runs chrome lost more stories than it dropped headlines
    run = " ".join(" ".join(SENTENCE_CASE_HEADLINES * 3).split()[:RUN_ON_WORDS])
    page = f"{LEDE} Click here for prices {run} {QUESTION_HEADLINE}"
    found = units_with(_COMMON_WORDS_SPLITTER, page)
    assert found[-1] == (f"{run} {QUESTION_HEADLINE}", False)


PROSE_TAIL_HEAD = [
    "Pompeii",
    "gets",
    "a",
    "digital",
    "make-over",
    "Rapper",
    "tops",
    "the",
    "album",
    "chart",
    "again",
]
PROSE_TAIL = [
    "Students",
    "in",
    "Maryland",
    "must",
    "complete",
    "75",
    "hours",
    "of",
    "service",
    "to",
    "earn",
    "a",
    "diploma.",
]
COMMON = frozenset({"students", "the", "police"})


def test_the_prose_tail_opens_at_a_capitalised_word_also_written_in_lower_case():
    head = PROSE_TAIL_HEAD
    assert _prose_tail(head + PROSE_TAIL, COMMON) == len(head)
    assert _prose_tail(head + PROSE_TAIL, frozenset({"the", "police"})) is None  # a name
    assert _prose_tail([*head[:-1], "again,", *PROSE_TAIL], COMMON) is None  # a clause goes on
    # after a capitalised word it may be part of a name, unless it is a function word
    assert _prose_tail([*head, "Maryland", *PROSE_TAIL], COMMON) is None
    the_tail = ["The", "students", *PROSE_TAIL[1:]]
    assert _prose_tail([*head, "Maryland", *the_tail], COMMON) == len(head) + 1
    titled = [w.capitalize() for w in PROSE_TAIL]
    assert _prose_tail(head + titled, COMMON) is None  # a title-case tail is more headlines
    terse = ["Students", "protest", "fees", "rise", "campus", "chaos", "erupts", "Maryland."]
    assert _prose_tail(head + terse, COMMON) is None  # so is one with few function words


def test_a_lede_cut_short_between_runs_of_headlines_keeps_its_prose_and_loses_both_runs():
    # sentence-case headlines that do not open as prose, with too many function words to read
    # as a run of headlines by their count
    before = "Rapper tops album chart again Council delays vote on the new bridge over the river"
    # the lede's first word to open prose starts it, not a later one ("Police")
    lede = (
        "Students in Maryland must complete 75 hours of service under rules Police enforce in "
        "every county of the state for all who want to graduate in the"
    )
    after = "Mariners Trade Randy Johnson To Astros At Deadline"
    line = f"{before} {lede} {after}"
    parts = [(line[a:b], chrome) for (a, b), chrome in _split_headlines(line, 0, len(line), COMMON)]
    assert parts == [(before, True), (lede, False), (after, True)]
    # the page's first prose: a lede cut short after another story's would not vote
    page = f"Click here for prices {line}"
    # as the segmenter sees it, the last twelve words of the run before are the lede's headline
    own = before.split()[-OWN_HEADLINE_WORDS:]
    assert units_with(_COMMON_WORDS_SPLITTER, page)[-3:] == [
        (" ".join(before.split()[:-OWN_HEADLINE_WORDS]), True),
        (f"{' '.join(own)} {lede}", False),
        (after, True),
    ]
    # without the words Punkt learned, nothing in sentence-case headlines says where prose
    # opens, and the line reads as prose as a whole: it votes whole rather than lose the lede
    unaided = _split_headlines(line, 0, len(line))
    assert [(line[a:b], chrome) for (a, b), chrome in unaided] == [(line, False)]
    # title-case headlines give themselves away without them
    titled = "Rapper Tops Album Chart Again As Council Delays Vote On New Bridge"
    line = f"{titled} {lede} {after}"
    unaided = _split_headlines(line, 0, len(line))
    assert [(line[a:b], chrome) for (a, b), chrome in unaided] == [
        (titled, True),
        (lede, False),
        (after, True),
    ]


def test_common_words_are_those_punkt_saw_in_lower_case_mid_sentence():
    common = _COMMON_WORDS_SPLITTER._common_words
    assert {"students", "police", "the"} <= common
    assert "maryland" not in common and "officials" not in common  # capitalised wherever seen


def test_the_prose_tail_is_the_last_one_and_leaves_room_for_a_sentence_on_both_sides():
    head, tail = PROSE_TAIL_HEAD, PROSE_TAIL
    later = ["Police", "said", "the", "road", "was", "closed", "for", "hours."]
    assert _prose_tail(head + tail + later, COMMON) == len(head) + len(tail)
    short = tail[:MIN_PROSE_WORDS]
    assert _prose_tail(head + short, COMMON) == len(head)
    assert _prose_tail(head + short[:-1], COMMON) is None
    assert _prose_tail(head[-MIN_CHROME_RUN:] + tail, COMMON) == MIN_CHROME_RUN
    assert _prose_tail(head[1 - MIN_CHROME_RUN :] + tail, COMMON) is None


def test_sign_up_and_follow_prompts_are_calls_to_action_but_prose_about_signing_up_is_not():
    prompts = [
        "Follow us on Facebook, X and Instagram",
        "Follow us on YouTube & TikTok",
        "Sign up for breaking news alerts",
        "Subscribe to our newsletter",
    ]
    for prompt in prompts:
        page = f"{LEDE} {prompt} {LEDE}"
        assert [text for text, chrome in units(page) if chrome] == [prompt], prompt
    prose = "Residents can sign up for the vaccine online, the health department said on Friday."
    assert CALLS_TO_ACTION.search(prose) is None


MARKET_HEADLINES = "Sensex slumps 800 points Rupee hits record low"


def test_headlines_fused_to_a_paragraph_are_cut_off_exactly_where_its_prose_begins():
    # eight words of headlines and the lede's 22-word first sentence: 30, the fewest looked at
    page = f"Intro line here.\n\n{MARKET_HEADLINES} {LEDE}"
    units = Segmenter().units(page)
    assert [(u.text, u.chrome) for u in units] == [
        ("Intro line here.", False),
        (MARKET_HEADLINES, True),
        (LEDE, False),
    ]
    assert all(page[u.start : u.end] == u.text for u in units)


def _furniture_by_every_window(line: str) -> list[bool]:
    """The furniture rule as written, with no sliding count: each call-to-action phrase and
    the lower-case words after it, up to a sentence end; every window of tokens that is a
    ticker, its figures and the names right before them."""
    spans = [(m.start(), m.end()) for m in re.finditer(r"\S+", line)]
    words = [line[a:b] for a, b in spans]
    flags = [False] * len(words)
    for match in CALLS_TO_ACTION.finditer(line):
        inside = [k for k, (a, b) in enumerate(spans) if b > match.start() and a < match.end()]
        for k in inside:
            flags[k] = True
        for k in range(inside[-1] + 1, min(inside[-1] + 1 + CALL_REACH, len(words))):
            if words[k][:1].isupper():
                break
            flags[k] = True
            if SENTENCE_END.search(words[k]):
                break
    figures = [*figure_flags(words), False]
    for k in range(len(words) - TICKER_TOKENS + 1):
        if is_ticker(" ".join(words[k : k + TICKER_TOKENS])):
            for i in range(k, k + TICKER_TOKENS):
                flags[i] = flags[i] or figures[i] or figures[i + 1]
    return flags


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from([*_PIECES, "Sensex", "Gold", "prices.", "Markets"]), max_size=60))
@example(["click here", "for", "the", "gold", "prices", "rose", "in", "the", "said"])
def test_the_furniture_search_finds_what_every_window_finds(pieces):
    line = " ".join(pieces)
    tokens = [(m.start(), m.end()) for m in re.finditer(r"\S+", line)]
    assert _furniture_tokens(line, tokens) == _furniture_by_every_window(line)


@pytest.fixture
def deadline():
    """Fails the test instead of hanging the suite: for inputs that once took the square of
    their length (a page at the service's 1 MB limit then took minutes)."""

    def expired(signum: int, frame: object) -> None:
        raise TimeoutError("segmenting took more than 60 s")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.alarm(60)
    yield
    signal.alarm(0)
    signal.signal(signal.SIGALRM, previous)


def test_a_megabyte_of_unpunctuated_text_with_links_is_cut_without_hanging(deadline):
    # One sentence that never ends, as a scraper flattens a page of links: about 150,000
    # words, prose and "Click here" links mixed. Each link used to rescan the line from the
    # start, and each capitalised word to re-read the rest of the sentence.
    rng = random.Random(3)
    prose = ["the", "minister", "said", "on", "Monday", "that", "water", "in", "Council"]
    page = " ".join(
        "Click here" if rng.random() < 0.1 else rng.choice(prose) for _ in range(150_000)
    )
    units = Segmenter().units(page)
    links = [m.start() for m in re.finditer("Click here", page)]
    chrome = [(u.start, u.end) for u in units if u.chrome]
    assert len(links) > 10_000
    assert all(any(s <= link < e for s, e in chrome) for link in links[:: len(links) // 50])
    assert units[-1].end <= len(page)


def _parts(line: str, *pieces: tuple[str, bool]) -> list[tuple[tuple[int, int], bool]]:
    """Spans of `pieces` laid end to end in `line`, each with its chrome flag."""
    spans, start = [], 0
    for text, chrome in pieces:
        start = line.index(text, start)
        spans.append(((start, start + len(text)), chrome))
        start += len(text)
    return spans


def test_the_last_twelve_words_of_headlines_run_into_prose_go_with_the_prose():
    headlines = " ".join(f"word{k}" for k in range(OWN_HEADLINE_WORDS + 3))
    prose, after = "The council met on Monday.", "More headlines here"
    line = f"{headlines} {prose} {after}"
    parts = _parts(line, (headlines, True), (prose, False), (after, True))
    given = [(line[a:b], chrome) for (a, b), chrome in _with_own_headline(line, parts)]
    words = headlines.split()
    assert given == [
        (" ".join(words[:3]), True),
        (" ".join([*words[3:], *prose.split()]), False),
        (after, True),  # headlines after the prose are not its own
    ]


def test_a_run_of_twelve_words_or_fewer_before_prose_stays_chrome_whole():
    headlines = " ".join(f"word{k}" for k in range(OWN_HEADLINE_WORDS))
    line = f"{headlines} The council met on Monday."
    parts = _parts(line, (headlines, True), ("The council met on Monday.", False))
    assert _with_own_headline(line, parts) == parts


def test_only_chrome_followed_by_prose_gives_words_away():
    run = " ".join(f"word{k}" for k in range(OWN_HEADLINE_WORDS + 5))
    line = f"{run} {run}"
    for flags in ((True, True), (False, False), (False, True)):
        parts = _parts(line, (run, flags[0]), (run, flags[1]))
        assert _with_own_headline(line, parts) == parts, flags


def test_a_story_headline_after_other_headlines_votes_with_its_sentence():
    own = "Maryland schools add 75 hours of community service to their diploma rules"
    assert len(own.split()) == OWN_HEADLINE_WORDS
    run = " ".join(SENTENCE_CASE_HEADLINES)
    page = f"{LEDE} Click here for prices {run} {own} {STORY_SENTENCE}"
    found = units_with(_COMMON_WORDS_SPLITTER, page)
    assert found[-2:] == [(run, True), (f"{own} {STORY_SENTENCE}", False)]


def test_a_piece_that_ends_no_sentence_after_the_lede_is_chrome():
    # a call to action and a ticker cut other stories' headlines apart; the piece before the
    # ticker stops mid-headline and must not vote beside the story
    fragment = "Striker out for a month with knee injury Storm leaves thousands without"
    page = f"{LEDE} Click here for prices {fragment} {TICKER} Click here for prices"
    found = units(page)
    assert found[0] == (LEDE, False)
    assert (fragment, True) in found
    assert [text for text, chrome in found if not chrome] == [LEDE]


def test_a_finished_sentence_after_the_lede_still_votes():
    other = "The squad flies out on Friday for the first Test in Leeds."
    page = f"{LEDE} Click here for prices {other} {TICKER} Click here for prices"
    assert [text for text, chrome in units(page) if not chrome] == [LEDE, other]


def test_a_lede_cut_short_still_votes_when_it_comes_first():
    # feeds cut the story's opening at a word limit: the first prose of a page votes unfinished,
    # even with no headlines after it to show where it ends
    cut_short = (
        "Flood water rose through the night across three districts of Assam on Tuesday as the "
        "Brahmaputra burst its banks, forcing thousands of families onto higher ground and "
        "cutting the main highway to the eastern towns near"
    )
    page = f"{cut_short} Click here for prices {TICKER} Click here for prices"
    assert [text for text, chrome in units(page) if not chrome] == [cut_short]


def test_an_unfinished_run_of_headlines_stays_chrome():
    # as long as a cut-short lede, but with too few function words to read as one
    run = (
        "Pompeii gets digital make-over Rapper tops album chart again Council delays vote on new "
        "bridge Striker out for month with knee injury Storm leaves thousands without power"
    )
    # and title-case headlines, whatever their function words
    titled = (
        "Mayor Says The City Will Fight For Its Share Of The Rail Fund As The Council Meets "
        "On The Plan And Voters Go To The Polls In The Spring For The First Time In Years"
    )
    for line in (run, titled):
        assert all(chrome for _, chrome in _split_headlines(line, 0, len(line)))
        page = f"Click here for prices {line} Click here for prices"
        assert all(chrome for _, chrome in units(page))
