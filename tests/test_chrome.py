"""The rules that recognise site chrome, one by one, and the lines they must leave alone."""

import pytest

from classifier.chrome import (
    chrome_units,
    function_share,
    headlinese,
    headlinese_tails,
    is_call_to_action,
    is_caption,
    is_headline_like,
    is_menu,
    is_ticker,
    title_case,
)


@pytest.mark.parametrize(
    "text",
    [
        "Sensex 81,234.56 + 487.20 Nifty 24,812.35 + 167.35",
        "Dow 38,412.10 -0.4% Nasdaq 15,902.33 +1.2% FTSE 100 8,120.5 +0.3%",
    ],
)
def test_tickers(text):
    assert is_ticker(text)


@pytest.mark.parametrize(
    "text",
    [
        "Oracle shares rose 15 cents - 1.1% - on Nasdaq.",
        "Growth was scaled back to 4.0% from 4.4% this year and 2.1% from 2.8%",
        "Arsenal 2 Chelsea 1",
    ],
)
def test_prose_and_scores_with_figures_are_not_tickers(text):
    assert not is_ticker(text)


@pytest.mark.parametrize(
    "text",
    [
        "Click here for the latest gold prices",
        "Download the app on Google Play and the App Store",
        "Advertisement",
        "Sign up",
        "Also read: Five things to know",
    ],
)
def test_calls_to_action(text):
    assert is_call_to_action(text)


@pytest.mark.parametrize(
    "text",
    [
        "Banks sign up to the government's rescue plan for small lenders",
        "The newspaper said it would read more into the figures next week than analysts expected, "
        "and click here was not a phrase its editors liked.",
        "Fly Jet Blue for Terra chips and Delta for Biscoff cookies.",
    ],
)
def test_prose_that_mentions_furniture_is_not_a_call_to_action(text):
    assert not is_call_to_action(text)


def words(text: str) -> list[str]:
    return text.split()


def test_captions_menus_and_headline_shapes():
    assert is_caption("Photo: Reuters") and is_caption("(Representational image) A crowded street")
    assert not is_caption("Photographers crowded the red carpet on Sunday.")
    assert is_menu("Home | News | Sport | Business | Weather")
    assert not is_menu("He said | she said")
    assert is_headline_like("Minister resigns over expenses claims")
    assert not is_headline_like("The minister resigned on Tuesday.")
    assert not is_headline_like("Leeds 2 Spurs 1 (Kane 54)")
    assert title_case(words("Biden Waffles On Potential Senate Subpoena"))
    assert not title_case(words("Biden waffles on a potential Senate subpoena"))
    assert headlinese(words("Adani Ports Q2 profit jumps 20% Gold rate today"))
    assert not headlinese(words("The minister said on Tuesday that he would not resign"))


def test_page_level_runs_and_repeats():
    story = (
        "The council approved the new tram line on Tuesday after a long debate, and work on "
        "the first section will begin in the spring."
    )
    page = [
        "Tram line approved",
        story,
        "Gold hits record high",
        "Minister resigns over expenses",
        "Storm warning issued for coast",
        "Click here",
        "Click here",
        "Click here",
    ]
    assert chrome_units(page) == [False, False, True, True, True, True, True, True]
    assert chrome_units(["Gold hits record", "Minister resigns", "Storm warning issued"]) == [
        False,
        False,
        False,
    ]  # a page of nothing but headlines is a list in its own right


# Each rule at the edge of its limits: one word, figure or separator either side of where the
# rule changes its answer, so that a limit moved by one turns a test red.


def test_a_ticker_needs_six_tokens_half_of_them_figures_and_capitalised_names():
    assert is_ticker("Dow 38,412 Nasdaq 15,902 FTSE 8,120")  # 6 tokens, 3 figures
    assert not is_ticker("Dow 38,412 Nasdaq 15,902 8,120")  # 5 tokens
    assert not is_ticker("Dow 38,412 Nasdaq 15,902 FTSE 8,120 Close")  # 3 figures of 7
    assert is_ticker("Dow 38,412 Nasdaq 15,902 FTSE 8,120 +0.3%")  # 4 figures of 7
    assert not is_ticker("Dow 38,412 nasdaq 15,902 FTSE 8,120")  # a lower-case name: prose
    assert not is_ticker("38,412 15,902")  # figures alone, too few to be a row of prices


def test_calls_to_action_and_furniture_at_their_word_limits():
    assert is_call_to_action("Our newsletter lands in inboxes daily")  # 6 words of furniture
    assert not is_call_to_action("Our newsletter lands in your inbox daily")
    # a sign-up prompt is a call to action at any length up to the limit below
    assert is_call_to_action("Sign up for our free daily newsletter today")
    fourteen = "Click here for the latest gold and silver prices in your city this morning"
    assert len(fourteen.split()) == 14 and is_call_to_action(fourteen)
    assert not is_call_to_action(fourteen + " too")


def test_menus_need_two_separators_and_at_most_forty_words():
    assert not is_menu("Home | News")
    assert is_menu("Home | News | Sport")
    items = " | ".join(["Home"] * 20)  # 20 items and 19 separators: 39 words
    assert is_menu(items) and is_menu(items + " Extra")
    assert not is_menu(items + " Extra Words")


def test_headline_like_lines_are_three_to_twenty_words_mostly_without_figures():
    assert is_headline_like("Minister resigns today")
    assert not is_headline_like("Minister resigns")
    twenty = " ".join(["Minister"] * 20)
    assert is_headline_like(twenty) and not is_headline_like(twenty + " again")
    assert is_headline_like("Rates rise 2 3 in the biggest jump since spring")  # 2 of 10
    assert not is_headline_like("Rates rise 2 3 4 in the biggest jump since")  # 3 of 10


def test_function_share_counts_words_with_letters_only():
    assert function_share(["The", "cat", "sat", "on", "the", "mat"]) == 0.5
    assert (
        function_share(['"The', "cat", "2024", "--"]) == 0.5
    )  # quotes stripped, no-letter words left out
    assert function_share(["2024", "--"]) == 0.0
    assert function_share([]) == 0.0


def test_title_case_needs_more_than_three_quarters_capitalised():
    assert not title_case(words("Storm Hits the Coast"))  # 3 of 4
    assert title_case([*words("Storm Hits The Coast Tonight"), "of"])  # 5 of 6
    assert not title_case(["2024", "--"])


def test_headlinese_is_few_function_words_or_mostly_capitals():
    assert headlinese(words("gold rate hits record high today"))  # no function words
    assert not headlinese(words("the rate of gold is up"))
    assert headlinese(words("Gold Rate today Up"))  # 3 of 4 capitalised
    assert not headlinese(words("the Rate of Gold was up"))
    assert not headlinese(["2024", "--"])
    assert not headlinese(words("the gold rate hits record"))  # function words: exactly 0.2
    assert not headlinese(words("Gold Rate Hits the record"))  # capitals: exactly 0.6


def test_headlinese_tails_answer_for_every_tail_of_the_sentence():
    tokens = words("Tariffs were raised on Monday by the ministry, Gold Rate Today: Sensex Up 2%")
    assert headlinese_tails(tokens) == [headlinese(tokens[k:]) for k in range(len(tokens))]
    assert headlinese_tails(tokens)[0] is False and headlinese_tails(tokens)[-4] is True
    assert headlinese_tails([]) == []


def test_repeats_are_chrome_from_the_third_time_on():
    story = "The council approved the new tram line on Tuesday after a long and heated debate."
    link = "Our reporters explain what the tram means for you."  # a sentence: not headline-like
    assert chrome_units([story, link, link]) == [False, False, False]
    assert chrome_units([story, link, link, link]) == [False, True, True, True]


def test_menus_and_calls_to_action_are_looked_for_in_units_of_up_to_forty_words():
    story = "The council approved the new tram line on Tuesday after a long and heated debate."
    menu = " | ".join(["Home"] * 20) + " Extra"
    assert len(menu.split()) == 40
    assert chrome_units([story, menu]) == [False, True]


def test_a_run_of_headlines_is_chrome_from_three_lines_and_only_beside_prose():
    prose = "The council approved the new tram line on Tuesday after a long debate about cost."
    assert len(prose.split()) == 15
    two = ["Gold hits record high", "Minister resigns over expenses"]
    three = [*two, "Storm warning issued for coast"]
    assert chrome_units([prose, *two]) == [False, False, False]
    assert chrome_units([prose, *three]) == [False, True, True, True]
    short_prose = prose.replace(" about cost.", " today.")
    assert len(short_prose.split()) == 14  # too short to be a story
    assert chrome_units([short_prose, *three]) == [False, False, False, False]
    shortest = ["Gold hits record", "Minister resigns today", "Storm warning issued"]
    assert chrome_units([prose, *shortest]) == [False, True, True, True]
    longest = [" ".join([word] * 20) for word in ("Gold", "Minister", "Storm")]
    assert chrome_units([prose, *longest]) == [False, True, True, True]
