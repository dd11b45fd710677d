"""Topic tagging for news: the public API that the CLI, the service and the benchmarks use."""

from classifier.data import NO_TOPIC, Corpus, Example, load_corpus
from classifier.errors import (
    DataError,
    ModelError,
    ModelVerificationError,
    TaggerError,
    TaxonomyError,
)
from classifier.model import ArticleTags, ParagraphTags, Tag, TopicModel
from classifier.tagger import Tagger
from classifier.taxonomy import Taxonomy, Topic, load_taxonomy

__all__ = [
    "NO_TOPIC",
    "ArticleTags",
    "Corpus",
    "DataError",
    "Example",
    "ModelError",
    "ModelVerificationError",
    "ParagraphTags",
    "Tag",
    "Tagger",
    "TaggerError",
    "Taxonomy",
    "TaxonomyError",
    "Topic",
    "TopicModel",
    "load_corpus",
    "load_taxonomy",
]
