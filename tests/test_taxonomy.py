import json

import pytest

from classifier.errors import TaxonomyError
from classifier.taxonomy import Taxonomy, load_taxonomy


def test_default_taxonomy_is_the_17_iptc_top_level_topics(taxonomy):
    assert len(taxonomy.topics) == 17
    assert taxonomy.topics[0].id == "medtop:01000000"
    assert taxonomy.topics[-1].label == "weather"
    assert all(topic.scope for topic in taxonomy.topics)


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
