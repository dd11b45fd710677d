import json
import shutil

import numpy as np
import pytest

from classifier.cli import main
from classifier.data import Example
from classifier.datacheck import (
    Floors,
    check_data_folder,
    near_duplicates,
    similar_pairs,
    tfidf_rows,
)
from tests.conftest import TRAINING_DATA

PLAN = Floors(per_topic=150, per_subtopic=150, region_share=0.08, opening_share=0.005)


@pytest.mark.slow
def test_shipped_training_data_passes_the_check():
    report = check_data_folder(TRAINING_DATA, PLAN)
    assert report.problems == []
    assert report.examples["test"] / (report.examples["train"] + report.examples["test"]) > 0.18


def test_near_duplicates_are_found():
    text = (
        "The housing minister resigned on Tuesday after weeks of pressure over the cladding "
        "scandal, telling colleagues in a letter that the row had become a distraction from "
        "the government's plan to build 300,000 homes a year."
    )
    examples = [
        Example(text, ("politics",), source="a:1"),
        Example(text.replace("Tuesday", "Wednesday"), ("politics",), source="a:2"),
        Example(
            "Rain is expected across the north with gusts of 60mph.", ("weather",), source="a:3"
        ),
    ]
    problems = near_duplicates(examples)
    assert len(problems) == 1 and problems[0].startswith("a:1 and a:2 are near-duplicates")


def test_check_fails_on_a_test_example_copied_from_train(tmp_path, capsys):
    # a slice of the shipped data with the floors off, so that the leak is the only problem
    folder = tmp_path / "data"
    (folder / "train").mkdir(parents=True)
    (folder / "test").mkdir()
    shutil.copy(TRAINING_DATA / "taxonomy.json", folder)
    for split, keep in (("train", 300), ("test", 80)):
        lines = (TRAINING_DATA / split / "sport.jsonl").read_text().splitlines()[:keep]
        (folder / split / "sport.jsonl").write_text("\n".join(lines) + "\n")
    no_floors = ["--min-per-topic", "0", "--min-per-subtopic", "0", "--min-region-share", "0"]
    command = ["check-data", str(folder), *no_floors, "--max-opening-share", "1"]
    assert main(command) == 0
    capsys.readouterr()
    first = (folder / "train" / "sport.jsonl").read_text().splitlines()[0]
    with (folder / "test" / "sport.jsonl").open("a") as handle:
        handle.write(json.dumps({**json.loads(first), "id": "copied"}) + "\n")
    copied_at = (
        f"test/sport.jsonl:{len((folder / 'test' / 'sport.jsonl').read_text().splitlines())}"
    )
    assert main(command) == 1
    problems = [line for line in capsys.readouterr().err.splitlines() if "problem:" in line]
    # the leak, and the same pair again as near-duplicates; nothing else
    assert all(copied_at in problem for problem in problems)
    assert any("same text as" in problem for problem in problems)


def test_check_fails_on_an_example_that_is_not_english(tmp_path):
    folder = tmp_path / "data"
    (folder / "train").mkdir(parents=True)
    (folder / "test").mkdir()
    shutil.copy(TRAINING_DATA / "taxonomy.json", folder)
    lines = (TRAINING_DATA / "train" / "sport.jsonl").read_text().splitlines()[:50]
    french = {
        **json.loads(lines[0]),
        "id": "en-francais",
        "text": "Le club a remporté le match de samedi devant ses supporters, et l'entraîneur "
        "a dit que la saison n'est pas encore finie pour les joueurs.",
        "format": "brief",
    }
    (folder / "train" / "sport.jsonl").write_text("\n".join([*lines, json.dumps(french)]) + "\n")
    (folder / "test" / "sport.jsonl").write_text("")
    report = check_data_folder(folder)
    assert len(report.problems) == 1
    assert report.problems[0].endswith(f"train/sport.jsonl:{len(lines) + 1}: not English")


def test_similar_pairs_equals_the_full_cosine_matrix_when_common_words_decide():
    # Zipf-like texts: a few hundred words are in most texts (the columns left out of the
    # sparse product), and some pairs share nothing else, so only the added-back part and
    # the full comparison of texts made of common words can find them.
    rng = np.random.default_rng(0)
    vocabulary = [f"w{n}" for n in range(3000)]
    weights = 1 / np.arange(1, 3001)
    texts = [
        " ".join(rng.choice(vocabulary, size=rng.integers(3, 30), p=weights / weights.sum()))
        for _ in range(1500)
    ]
    texts += [text + " w2999" for text in texts[:15]]  # close pairs that share rare words
    texts += [" ".join(vocabulary[:4]), " ".join(vocabulary[:4] + vocabulary[:3])]
    matrix = tfidf_rows(texts)
    cosine = (matrix @ matrix.T).toarray()
    for threshold in (0.5, 0.9):
        expected = {(i, j) for i, j in zip(*np.nonzero(cosine > threshold), strict=True) if j > i}
        found = {(i, j) for i, j, _ in similar_pairs(texts, len(texts), threshold, later_only=True)}
        assert found == expected and len(expected) >= 10
        assert (len(texts) - 2, len(texts) - 1) in found  # common words only: compared in full


def test_similar_pairs_finds_each_close_pair_across_blocks_in_both_modes():
    # 1,100 texts span two blocks of rows; the planted copies sit within and across them
    words = [f"word{n}" for n in range(400)]
    texts = [
        " ".join(words[(i * 7 + k * 13) % 400] for k in range(12)) + f" id{i}" for i in range(1100)
    ]
    planted = {(5, 1050), (995, 1003), (10, 20)}
    for first, second in planted:
        texts[second] = texts[first].replace(f"id{first}", "")
    every = {(i, j) for i, j, _ in similar_pairs(texts, len(texts))}
    once = [(i, j) for i, j, _ in similar_pairs(texts, len(texts), later_only=True)]
    assert planted <= set(once)
    assert sorted(once) == sorted((i, j) for i, j in every if i < j)
    assert every == {(j, i) for i, j in every}
    # a check of new texts against old ones asks about its first rows only
    assert {(i, j) for i, j, _ in similar_pairs(texts, 1000)} == {p for p in every if p[0] < 1000}
