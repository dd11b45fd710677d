from classifier import coverage
from classifier.data import Example
from classifier.taxonomy import load_taxonomy
from tests.conftest import TRAINING_DATA

TAXONOMY = load_taxonomy(TRAINING_DATA / "taxonomy.json")


def example(text: str, labels: tuple[str, ...], region: str, era: str = "2020s") -> Example:
    metadata = (("region", region), ("era", era), ("format", "brief"))
    return Example(text, labels, metadata=metadata)


def found(examples: list[Example], **floors: float) -> list[str]:
    limits = {"min_per_subtopic": 0, "min_region_share": 0.0, "max_opening_share": 1.0}
    report = coverage.measure(examples, TAXONOMY)
    return coverage.problems(report, TAXONOMY, **{**limits, **floors})


def test_a_subtopic_under_its_floor_is_named_with_its_count():
    examples = [example(f"Polls close in district {n}", ("election",), "us") for n in range(3)]
    problems = found(examples, min_per_subtopic=3)
    assert not any(p.startswith("election:") for p in problems)
    assert "government: 0 examples, fewer than 3" in problems


def test_a_thin_region_is_reported_with_its_share():
    examples = [example(f"Senate vote number {n}", ("election",), "us") for n in range(9)]
    examples.append(example("Lok Sabha session opens", ("election",), "india-south-asia"))
    problems = found(examples, min_region_share=0.15)
    assert problems == ["region india-south-asia: 10.0% of examples, under 15%"]


def test_a_repeated_opening_is_reported_past_its_share():
    examples = [example(f"Breaking news today: item {n}", ("election",), "us") for n in range(3)]
    examples.append(example("Another story entirely", ("election",), "us"))
    assert found(examples, max_opening_share=0.5) == [
        "3 examples open with 'breaking news today', more than 50.0% of them"
    ]
    assert found(examples, max_opening_share=0.75) == []


def test_an_axis_value_outside_the_plan_is_refused():
    examples = [example("Polls close early", ("election",), "canada", era="1980s")]
    problems = found(examples)
    assert any(p.startswith("region 'canada' on 1 examples is not one of us,") for p in problems)
    assert any(p.startswith("era '1980s' on 1 examples") for p in problems)


def test_level_one_counts_include_their_subtopics():
    examples = [
        example("Polls close", ("election",), "us"),
        example("Cabinet meets", ("government",), "europe"),
    ]
    report = coverage.measure(examples, TAXONOMY)
    assert report.per_topic["politics"]["all"] == 2
    assert report.per_topic["politics"]["region:europe"] == 1
