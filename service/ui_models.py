"""The Models page: versions with their held-out figures, per-tag F1, the main-topic confusion
matrix, what the training data covered, promotion and rollback, and the retraining backlog.

Promotion and rollback are the registry's own operations, as `topic-tagger models promote |
rollback` runs them (with the service's model key), and this worker loads the result at once;
the others follow within reload_seconds, as after the CLI.
"""

from collections.abc import Callable
from pathlib import Path
from typing import Any

from flask import Blueprint, current_app, flash, redirect, request, url_for
from werkzeug import Response

from classifier import (
    LabelStoreError,
    TaggerError,
    current_version,
    list_versions,
    read_metrics,
    rollback,
    set_current,
)
from service.holder import ModelHolder
from service.queue import guarded, review_queue
from service.ui_access import PageError, render, writes

blueprint = Blueprint("models", __name__, url_prefix="/models")
NO_TAG = "(no tag)"
HEAT_LEVELS = 5  # shades of the confusion matrix's cells in ui.css


def _holder() -> ModelHolder:
    return current_app.extensions["model_holder"]


@blueprint.get("")
def models_page() -> str:
    root = _holder().model_dir
    current = current_version(root)
    versions = [_summary(root, manifest, current) for manifest in reversed(list_versions(root))]
    chosen = request.args.get("version") or current
    shown = next((v for v in versions if v["version"] == chosen), versions[0] if versions else None)
    return render(
        "models.html",
        versions=versions,
        shown=shown,
        confusion=confusion_table(shown["metrics"]) if shown else None,
        waiting=guarded(review_queue().count),
        new_labels=_labels_since(next((v for v in versions if v["current"]), None)),
        error=_holder().error,
    )


@blueprint.post("/promote")
@writes
def promote() -> Response:
    version = request.form.get("version", "")
    root = _holder().model_dir
    if not version or version.startswith(".") or not (root / version).is_dir():
        raise PageError(404, "No such version", f"{root} holds no version {version!r}.")

    def make_current() -> str:
        set_current(root, version, key=_holder().key)
        return version

    _registry_operation(make_current)
    return redirect(url_for(".models_page"), 303)


@blueprint.post("/rollback")
@writes
def roll_back() -> Response:
    root = _holder().model_dir
    _registry_operation(lambda: rollback(root, key=_holder().key))
    return redirect(url_for(".models_page"), 303)


def _registry_operation(operation: Callable[[], str]) -> None:
    """Run promote or rollback, then load the new current model into this worker now."""
    try:
        version = operation()
    except (TaggerError, OSError) as error:
        raise PageError(409, "Refused", str(error)) from None
    if _holder().load():
        flash(f"Current model: {version}. Every worker serves it within a few seconds.")
    else:
        flash(f"Current model: {version}, but it was refused: {_holder().error}")


def _summary(root: Path, manifest: dict[str, Any], current: str | None) -> dict[str, Any]:
    version = manifest["version"]
    metrics = read_metrics(root / version)
    return {
        "version": version,
        "created_at": manifest.get("created_at", ""),
        "current": version == current,
        "metrics": metrics,
        "training_data": manifest.get("training_data") or {},
        "per_label": sorted(
            (metrics.get("per_label") or {}).items(), key=lambda item: -item[1]["support"]
        ),
    }


def _labels_since(current: dict[str, Any] | None) -> int | None:
    """Labels stored since the current model was made: what the next `make train` adds."""
    if current is None or not current["created_at"]:
        return None
    try:
        return int(current_app.extensions["label_store"].count_since(current["created_at"]))
    except LabelStoreError:
        return None


def confusion_table(metrics: dict[str, Any]) -> dict[str, Any] | None:
    """The recorded main-topic confusion as rows of cells with a shade per row share."""
    counts: dict[str, dict[str, int]] | None = metrics.get("confusion_main")
    if not counts:
        return None
    seen = set(counts) | {label for row in counts.values() for label in row}
    labels = sorted(seen - {NO_TAG}) + ([NO_TAG] if NO_TAG in seen else [])
    rows = []
    for gold in labels:
        row = counts.get(gold, {})
        total = sum(row.values())
        cells = [
            {
                "count": row.get(guess, 0),
                "heat": -(-HEAT_LEVELS * row.get(guess, 0) // total) if total else 0,
                "hit": guess == gold,
            }
            for guess in labels
        ]
        rows.append({"label": gold, "total": total, "cells": cells})
    return {"labels": labels, "rows": [row for row in rows if row["total"]]}
