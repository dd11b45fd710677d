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
