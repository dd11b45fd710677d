"""`topic-tagger tag-archive`: parse, delegate to classifier/archive.py, print the summary."""

import argparse
import os
import sys
from contextlib import nullcontext
from typing import Any

from classifier.cli_registry import model_key
from classifier.cluster import ClusterError, dask_client
from classifier.errors import OptionError
from classifier.options import TagOptions


def add_archive_command(commands: Any) -> None:
    """Add `tag-archive` to the main parser."""
    archive = commands.add_parser(
        "tag-archive",
        help="tag every record of JSONL, JSONL.gz or Parquet archives into Parquet, on Dask",
        description="Resumable: run it again to finish a killed run. Without --scheduler it "
        "runs on a LocalCluster of one worker process per core.",
    )
    archive.add_argument("inputs", nargs="+", metavar="INPUT", help="file, folder, glob or URL")
    archive.add_argument("--out", required=True, help="output folder (created; resumed if there)")
    archive.add_argument(
        "--model",
        default=os.environ.get("TOPIC_TAGGER_MODEL_DIR") or "models",
        help="model or registry folder, the same path on every worker (default: models)",
    )
    archive.add_argument("--scheduler", help="address of a Dask scheduler, tcp://HOST:8786")
    archive.add_argument("--workers", type=int, help="LocalCluster workers (default: cores)")
    archive.add_argument(
        "--partition-lines", type=int, default=50_000, help="lines per partition (default 50000)"
    )
    archive.add_argument("--top-k", type=int, default=None, help="at most this many tags (1-100)")
    archive.add_argument("--threshold", type=float, default=None, help="one bar for every tag")
    archive.add_argument("--depth", type=int, default=1, help="2: also subtopics (default 1)")
    archive.add_argument("--any-language", action="store_true", help="tag non-English text too")


def run_tag_archive(args: argparse.Namespace) -> int:
    options = TagOptions(args.top_k, args.threshold, args.depth, args.any_language)
    if args.scheduler and args.workers is not None:
        raise OptionError("--workers sizes the embedded cluster; a --scheduler has its own")
    archive = _archive_module()
    plan = archive.plan_archive(
        args.inputs,
        args.out,
        args.model,
        options=options,
        key=model_key(),
        lines_per_partition=args.partition_lines,
    )
    if plan.summary.skipped:
        _stderr(f"{plan.summary.skipped} of {plan.partitions} partitions already complete")
    with dask_client(args.scheduler, args.workers) if plan.pending else nullcontext() as client:
        summary = archive.run_archive(plan, client)
    print(
        f"{summary.documents} documents: {summary.tagged} tagged, {summary.refused} refused; "
        f"{summary.docs_per_second:.1f} docs/s; model {summary.model} (loaded "
        f"{summary.model_loads}x); {summary.written} partitions written, {summary.skipped} "
        f"already complete; output in {summary.out}"
    )
    return 1 if summary.refused else 0


def _archive_module() -> Any:
    """classifier.archive, which needs pyarrow and fsspec: the archive extra."""
    try:
        from classifier import archive
    except ImportError as error:
        raise ClusterError(
            f"tag-archive needs pip install 'topic-tagger[archive]' ({error})"
        ) from error
    return archive


def _stderr(message: str) -> None:
    print(message, file=sys.stderr, flush=True)
