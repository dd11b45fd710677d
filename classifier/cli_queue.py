"""`topic-tagger queue add FILE.jsonl | count`: fill the review queue from an archive, count it.

Records are read as `topic-tagger tag FILE.jsonl` reads them (classifier/documents.py): an
id (optional: a hash of the text stands in), and exactly one of text or html. Each refused
record gets one line on stderr, and the exit status is 1 if any was refused.
"""

import argparse
import sys
from pathlib import Path
from typing import Any

from classifier.documents import Refused, read_jsonl_documents
from classifier.errors import TaggerError
from classifier.labelstore import default_location, open_label_store
from classifier.reviewqueue import ADDED, CONFLICT, ReviewQueue, queue_id

_BATCH = 500  # records per transaction


def add_queue_commands(commands: Any) -> None:
    """Add the `queue` command group to the main parser."""
    queue = commands.add_parser("queue", help="add texts to the review queue, or count them")
    queue.add_argument("action", choices=["add", "count"])
    queue.add_argument("file", nargs="?", help="JSON Lines: {id?, text or html} a line (add)")
    queue.add_argument("--label-store", help="SQLite path or PostgreSQL URL (default: see README)")
    queue.add_argument("--source", help="who or what queued them (default: the file's name)")


def run_queue(args: argparse.Namespace) -> int:
    with open_label_store(args.label_store or default_location()) as store:
        queue = ReviewQueue(store)
        if args.action == "count":
            print(queue.count())
            return 0
        if not args.file:
            raise TaggerError("queue add needs a FILE.jsonl of {id?, text or html} records")
        return _add_file(queue, Path(args.file), args.source or Path(args.file).name)


def _add_file(queue: ReviewQueue, path: Path, source: str) -> int:
    added = present = refused = 0
    batch: list[tuple[str, str, str | None]] = []
    places: list[str] = []

    def flush() -> None:
        nonlocal added, present, refused
        for outcome, item, place in zip(queue.add(batch), batch, places, strict=True):
            if outcome == CONFLICT:
                refused += 1
                _say(f"refused: {place}: id {item[0]!r} is queued with another text")
            elif outcome == ADDED:
                added += 1
            else:
                present += 1
        batch.clear()
        places.clear()

    for document in read_jsonl_documents(path):
        if isinstance(document, Refused) or not document.text.strip():
            refused += 1
            reason = document.reason if isinstance(document, Refused) else "no text to review"
            _say(f"refused: {document.source}: {reason}")
            continue
        batch.append((queue_id(document.text, document.id), document.text, source))
        places.append(document.source)
        if len(batch) == _BATCH:
            flush()
    if batch:
        flush()
    _say(f"{added} queued, {present} already in the queue, {refused} refused")
    return 1 if refused else 0


def _say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)
