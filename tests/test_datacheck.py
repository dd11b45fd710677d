import json
import shutil

import pytest

from classifier.cli import main
from classifier.data import Example
from classifier.datacheck import Floors, check_data_folder, near_duplicates
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


@pytest.mark.slow
def test_check_fails_on_a_test_example_copied_from_train(tmp_path, capsys):
    folder = tmp_path / "data"
    shutil.copytree(TRAINING_DATA, folder, ignore=shutil.ignore_patterns("drafts"))
    first = (folder / "train" / "sport.jsonl").read_text().splitlines()[0]
    with (folder / "test" / "sport.jsonl").open("a") as handle:
        handle.write(json.dumps({**json.loads(first), "id": "copied"}) + "\n")
    assert main(["check-data", str(folder)]) == 1
    assert "same text as" in capsys.readouterr().err
