"""`topic-tagger models ...` and `topic-tagger labels ...`: the registry and the label store."""

import argparse
import json
import os
import sys
from pathlib import Path
from typing import Any

from classifier.errors import TaggerError
from classifier.labelstore import default_location, open_label_store
from classifier.registry import current_version, list_versions, read_metrics, rollback, set_current


def add_registry_commands(commands: Any) -> None:
    """Add the `models` and `labels` command groups to the main parser."""
    models = commands.add_parser("models", help="list, promote or roll back model versions")
    models.add_argument("action", choices=["list", "promote", "rollback"])
    models.add_argument("version", nargs="?", help="the version to promote")
    models.add_argument(
        "--models",
        default=os.environ.get("TOPIC_TAGGER_MODEL_DIR") or "models",
        help="model registry folder (default: TOPIC_TAGGER_MODEL_DIR or models)",
    )
    labels = commands.add_parser("labels", help="read the label store")
    labels.add_argument("action", choices=["export", "count"])
    labels.add_argument("--label-store", help="SQLite path or PostgreSQL URL")
    labels.add_argument("--out", help="write JSON Lines here instead of stdout")


KEY_VARIABLE = "TOPIC_TAGGER_MODEL_KEY"  # models are signed and checked with it when set


def model_key() -> str | None:
    """The deployment's signing key, from the environment only (a flag would be visible)."""
    key = os.environ.get(KEY_VARIABLE) or None
    if key is not None and len(key) < 32:
        raise TaggerError(f"{KEY_VARIABLE} must be at least 32 characters")
    return key


def run_models(args: argparse.Namespace) -> int:
    root = Path(args.models)
    if args.action == "list":
        current = current_version(root)
        for manifest in list_versions(root):
            version = manifest["version"]
            metrics = read_metrics(root / version)
            score = f"micro_f1 {metrics['micro_f1']:.4f}" if "micro_f1" in metrics else ""
            marker = "*" if version == current else " "
            print(f"{marker} {version}  {manifest.get('created_at', '')}  {score}")
        return 0
    if args.action == "promote":
        if not args.version:
            raise TaggerError("models promote needs a VERSION (see `topic-tagger models list`)")
        if not (root / args.version).is_dir():
            raise TaggerError(f"{root}: no version {args.version!r}")
        set_current(root, args.version, key=model_key())
        print(f"current model: {args.version}")
        return 0
    print(f"current model: {rollback(root, key=model_key())}")
    return 0


def run_labels(args: argparse.Namespace) -> int:
    with open_label_store(args.label_store or default_location()) as store:
        if args.action == "count":
            print(store.count())
            return 0
        lines = (json.dumps(x.to_record(), ensure_ascii=False) + "\n" for x in store.iter_all())
        if args.out:
            with Path(args.out).open("w", encoding="utf-8") as out:
                out.writelines(lines)
        else:
            sys.stdout.writelines(lines)
    return 0
