import json

import pytest

from classifier.errors import TaxonomyError
from classifier.taxonomy import Taxonomy, load_taxonomy


def test_default_taxonomy_is_iptc_media_topics_at_two_levels(taxonomy):
    top = taxonomy.at_level(1)
    assert len(top) == 17 and top[0] == "arts, culture, entertainment and media"
    assert len(taxonomy.at_level(2)) == 122
    assert all(topic.scope for topic in taxonomy.topics)
    assert all(taxonomy.level(label) == 2 for label in taxonomy.at_level(2))
    assert {taxonomy.root(label) for label in taxonomy.at_level(2)} == set(top)
    assert all(topic.id.startswith("medtop:") for topic in taxonomy.topics)


def test_hierarchy_lookups(taxonomy):
    assert taxonomy.resolve("medtop:20000574") == "election"
    assert taxonomy.parent("election") == "politics" and taxonomy.parent("politics") is None
    assert taxonomy.ancestors("election") == ["politics"]
    assert taxonomy.root("election") == "politics"
    assert "election" in taxonomy.children("politics") and taxonomy.children("election") == []
    assert taxonomy.with_ancestors(["election", "sport event", "politics"]) == (
        "election",
        "politics",
        "sport event",
        "sport",
    )


def test_any_depth_and_a_flat_taxonomy_work():
    deep = Taxonomy.from_dict(
        {
            "topics": [
                {"id": "a", "label": "A"},
                {"id": "b", "label": "B", "parent": "a"},
                {"id": "c", "label": "C", "parent": "b"},
            ]
        }
    )
    assert deep.ancestors("C") == ["B", "A"] and deep.level("C") == 3 and deep.root("C") == "A"
    flat = Taxonomy.from_dict({"topics": [{"id": "x", "label": "X"}]})
    assert not flat.is_hierarchical and flat.at_level(1) == ["X"]


@pytest.mark.parametrize(
    ("topics", "message"),
    [
        ([{"id": "a", "label": "A", "parent": "zz"}], "names parent 'zz'"),
        (
            [{"id": "a", "label": "A", "parent": "b"}, {"id": "b", "label": "B", "parent": "a"}],
            "its own ancestor",
        ),
        ([{"id": "a", "label": "A", "parent": 3}], "'parent' that is not an id"),
    ],
)
def test_broken_hierarchies_are_refused(topics, message):
    with pytest.raises(TaxonomyError, match=message):
        Taxonomy.from_dict({"topics": topics})


def test_resolve_accepts_label_or_id(taxonomy):
    assert taxonomy.resolve("politics") == "politics"
    assert taxonomy.resolve("medtop:11000000") == "politics"
    assert taxonomy.resolve("Politics") is None


def test_duplicate_topics_are_refused():
    data = {"topics": [{"id": "a", "label": "x"}, {"id": "b", "label": "x"}]}
    with pytest.raises(TaxonomyError, match="'x' twice"):
        Taxonomy.from_dict(data)


def test_malformed_file_names_the_file(tmp_path):
    path = tmp_path / "taxonomy.json"
    path.write_text(json.dumps({"topics": [{"id": "a"}]}))
    with pytest.raises(TaxonomyError, match=r"taxonomy.json: topic #1 needs"):
        load_taxonomy(path)
    path.write_text("{not json")
    with pytest.raises(TaxonomyError, match="not a valid UTF-8 JSON"):
        load_taxonomy(path)


def test_round_trip_through_dict(taxonomy):
    assert Taxonomy.from_dict(taxonomy.to_dict()) == taxonomy
