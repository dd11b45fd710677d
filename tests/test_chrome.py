"""The rules that recognise site chrome, one by one, and the lines they must leave alone."""

import pytest

from classifier.chrome import (
    chrome_units,
    headlinese,
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
