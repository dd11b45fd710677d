"""Topic tagging for news: the public API that the CLI, the service and the benchmarks use."""

from typing import Any

from classifier.data import NO_TOPIC, Corpus, Example, load_corpus
from classifier.errors import (
    DataError,
    ModelError,
    ModelVerificationError,
    OptionError,
    TaggerError,
    TaxonomyError,
)
from classifier.explain import Evidence, explain_tags, surface_forms
from classifier.extract import main_text
from classifier.labelstore import LabelConflict, LabelStore, LabelStoreError, open_label_store
from classifier.model import TopicModel
from classifier.options import TOP_K_MAX, TagOptions, check_depth, check_threshold, check_top_k
from classifier.registry import current_version, list_versions, read_metrics, rollback, set_current
from classifier.registry import resolve as resolve_model
from classifier.results import ArticleTags, ParagraphTags, Tag
from classifier.reviewqueue import QueueItem, ReviewQueue, queue_id
from classifier.tagger import Tagger
from classifier.taxonomy import Taxonomy, Topic, load_taxonomy
from classifier.uncertainty import Ranked, margins, rank_by_margin

__all__ = [
    "NO_TOPIC",
    "TOP_K_MAX",
    "ArticleTags",
    "Corpus",
    "DataError",
    "Evidence",
    "Example",
    "LabelConflict",
    "LabelStore",
    "LabelStoreError",
    "ModelError",
    "ModelVerificationError",
    "OptionError",
    "ParagraphTags",
    "QueueItem",
    "Ranked",
    "ReviewQueue",
    "Tag",
    "TagOptions",
    "Tagger",
    "TaggerError",
    "Taxonomy",
    "TaxonomyError",
    "Topic",
    "TopicModel",
    "check_depth",
    "check_threshold",
    "check_top_k",
    "cli_main",
    "current_version",
    "explain_tags",
    "list_versions",
    "load_corpus",
    "load_taxonomy",
    "main_text",
    "margins",
    "open_label_store",
    "queue_id",
    "rank_by_margin",
    "read_metrics",
    "resolve_model",
    "rollback",
    "set_current",
    "surface_forms",
]


def cli_main(argv: Any = None, extra_commands: Any = None) -> int:
    """Run the `topic-tagger` command line; imported on call, so importing us stays light."""
    from classifier.cli import main

    return main(argv, extra_commands)
