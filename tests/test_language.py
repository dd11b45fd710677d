"""The English check: other languages and scripts flagged, English of every length kept."""

import json

import pytest

from classifier.language import detect
from tests.conftest import PROJECT, TRAINING_DATA

SAMPLES = [
    json.loads(line)
    for line in (PROJECT / "tests" / "data" / "languages.jsonl").read_text().splitlines()
]


@pytest.mark.parametrize(
    "sample", SAMPLES, ids=[f"{s['language']}-{i}" for i, s in enumerate(SAMPLES)]
)
def test_our_samples_in_seven_languages(sample):
    assert detect(sample["text"]) == ("en" if sample["language"] == "en" else "other")


def test_no_english_example_of_ours_is_flagged():
    texts = [
        json.loads(line)["text"]
        for path in sorted((TRAINING_DATA / "test").glob("*.jsonl"))
        for line in path.read_text(encoding="utf-8").splitlines()
    ]
    assert len(texts) > 500
    assert [t for t in texts if detect(t) != "en"] == []


def test_edges():
    assert detect("") == "en" and detect("2024 3-1 +0.5%") == "en"
    assert detect("东京股市周二收盘上涨\uff0c日经指数升至历史新高") == "other"


@pytest.mark.parametrize(
    "text",
    [
        "Crowds pack Paseo de la Reforma for Dia de Muertos parade",
        "Pilgrims carry Senor de los Milagros past Plaza de Armas, Lima",
        "Vicente Fox (Alianza por el Cambio) wins; PRI loses Los Pinos",
    ],
)
def test_english_news_keeps_spanish_names_with_their_joining_words(text):
    assert detect(text) == "en"


def test_joining_words_count_again_outside_a_name_or_in_a_run_too_long_for_one():
    spanish = (
        "El presidente de la República visitó Lima con los ministros de Economía y de Salud "
        "para la firma del acuerdo"
    )
    assert detect(spanish) == "other"
    # three joiners between capitalised words are a sentence, not part of one name
    assert detect("Lima de la de Cusco y el de Arequipa") == "other"
    # a name needs a capitalised word on each side of its joiners
    assert detect("nada de Lima y nada de Cusco") == "other"
    assert detect("Lima de nada y Cusco de nada") == "other"


@pytest.mark.parametrize(
    "text",
    [
        "EARNINGS SURPRISES\nAlamo Semiconductor: 31c vs 22c est.\nLiberty Brands: 88c vs 74c "
        "est.\nCrescent Gas: 43c vs 51c est.\nBrazos Telecom: 27c vs 26c est.",
        "GHANA INFLATION (December, y/y)\n2014: 17.0% y/y\n2015: 17.7% y/y\n2016: 15.4% y/y",
    ],
)
def test_english_tables_with_estimates_and_year_on_year_rates(text):
    # "est." and "y/y" are French and Spanish function words in form only
    assert detect(text) == "en"
