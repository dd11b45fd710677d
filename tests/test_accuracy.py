"""Held-out quality of the shipped default model, and its behaviour on whole pages.

The floors sit just under what we measured (see the issue notes and BENCHMARKS.md), so a
change that makes the model worse fails here.
"""

import pytest

from classifier.registry import load
from tests.conftest import PROJECT, shared_file

pytestmark = pytest.mark.slow

# Set on the 29,070 held-out examples of the wave-23 split through the serving path, each
# floor 1.4 to 1.5 points under what was measured then (in the comments). The split grows with
# every wave: on the 31,786 of wave 28 (make train, 2026-12-06) the model scores 0.912, 0.820,
# 0.819 and 0.674, still 0.9 to 1.6 points above the floors, which were left where they are.
ACCURACY_FLOOR = 0.896  # measured 0.911: the top tag is one of the example's topics
MAIN_TOPIC_FLOOR = 0.808  # measured 0.823: the top tag is the example's main topic
MICRO_F1_FLOOR = 0.808  # measured 0.823
LEVEL_TWO_MICRO_F1_FLOOR = 0.665  # measured 0.680 (subtopics)


def test_held_out_quality_of_the_default_model(default_model):
    metrics = default_model.metrics
    assert metrics["micro_f1"] >= MICRO_F1_FLOOR
    assert metrics["top1_accuracy"] >= ACCURACY_FLOOR
    assert metrics["top1_main"] >= MAIN_TOPIC_FLOOR
    assert metrics["level2"]["micro_f1"] >= LEVEL_TWO_MICRO_F1_FLOOR


@pytest.fixture(scope="module")
def model(default_model):
    return load(default_model.model_dir)[0]


def _paragraph_labels(model, text):
    result = model.tag(text)
    return result, [(text[p.start : p.end], [t.label for t in p.tags]) for p in result.paragraphs]


def test_seed_page_story_related_stories_and_boilerplate(model):
    text = shared_file("examples/seed-article.txt").read_text(encoding="utf-8")
    result, paragraphs = _paragraph_labels(model, text)
    assert {t.label for t in result.tags[:2]} <= {"politics", "conflict, war and peace"}
    story = [labels for paragraph, labels in paragraphs[:8]]
    assert all(labels and labels[0] in {"politics", "conflict, war and peace"} for labels in story)
    boilerplate = [labels for paragraph, labels in paragraphs[8:11]]
    assert boilerplate == [[], [], []]
    related = [labels for paragraph, labels in paragraphs[11:]]
    assert all(labels and labels[0] == "environment" for labels in related)


def test_our_sample_page_is_sport_with_economy_in_the_footer(model):
    text = (PROJECT / "examples" / "sample-article.txt").read_text(encoding="utf-8")
    result, paragraphs = _paragraph_labels(model, text)
    assert result.tags[0].label == "sport"
    by_text = dict(paragraphs)
    for boilerplate in (
        "Share this article",
        "Advertisement",
        "Most read",
        "Sign up to our morning newsletter",
    ):
        assert by_text[boilerplate] == [], boilerplate
    assert (
        "economy, business and finance"
        in by_text[next(p for p in by_text if p.startswith("The central bank kept"))]
    )
    assert "sport" in by_text[next(p for p in by_text if p.startswith("Harbour City reached"))]
