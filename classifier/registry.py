"""Versioned model directories: publish atomically, verify before loading, point at the current one.

A registry is a folder of version directories plus a CURRENT file naming the live one:

    models/CURRENT                     "20261125T143000Z-1a2b3c"
    models/20261125T143000Z-1a2b3c/    model.joblib, manifest.json, metrics.json

A version is written under a hidden staging name and renamed into place, and CURRENT is
replaced with os.replace, so a crash at any moment leaves either the old or the new model
live, never a half-written one. joblib files can run code when loaded, so a file is loaded
only after it passes every check in classifier/verification.py.
"""

import json
import os
import platform
import secrets
import shutil
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import joblib
import numpy
import scipy
import sklearn

from classifier.errors import ModelError, ModelVerificationError
from classifier.model import TopicModel
from classifier.verification import SIGNATURE_FILE, check_signature, check_stream, file_sha256, sign

MODEL_FILE = "model.joblib"
MANIFEST_FILE = "manifest.json"
METRICS_FILE = "metrics.json"
CURRENT_FILE = "CURRENT"
HISTORY_FILE = "HISTORY"  # one JSON line per promotion, for rollback
FORMAT_VERSION = 1


def library_versions() -> dict[str, str]:
    """Versions that must match between the trainer and the loader of a model file."""
    return {
        "python": platform.python_version(),
        "scikit-learn": sklearn.__version__,
        "numpy": numpy.__version__,
        "scipy": scipy.__version__,
        "joblib": joblib.__version__,
    }


def publish(
    model: TopicModel,
    root: str | Path,
    *,
    manifest: dict[str, Any],
    metrics: dict[str, Any],
    make_current: bool = True,
    key: str | None = None,
) -> Path:
    """Write a new version under root and (by default) make it current; returns its directory.

    With a key, the version is signed (classifier/verification.py)."""
    root = Path(root)
    root.mkdir(parents=True, exist_ok=True)
    created = datetime.now(UTC)
    version = f"{created:%Y%m%dT%H%M%SZ}-{secrets.token_hex(3)}"
    staging = Path(tempfile.mkdtemp(prefix=f".staging-{version}-", dir=root))
    try:
        joblib.dump(model, staging / MODEL_FILE, compress=3)
        sync_to_disk(staging / MODEL_FILE)
        full_manifest = {
            "format_version": FORMAT_VERSION,
            "version": version,
            "created_at": created.isoformat(timespec="seconds"),
            "model_file": {
                "name": MODEL_FILE,
                "sha256": file_sha256(staging / MODEL_FILE),
                "size_bytes": (staging / MODEL_FILE).stat().st_size,
            },
            "libraries": library_versions(),
            "labels": model.labels,
            **manifest,
        }
        _write_json(staging / MANIFEST_FILE, full_manifest)
        if key is not None:
            manifest_bytes = (staging / MANIFEST_FILE).read_bytes()
            sign(staging, manifest_bytes, full_manifest["model_file"]["sha256"], key)
            sync_to_disk(staging / SIGNATURE_FILE)
        _write_json(staging / METRICS_FILE, metrics)
        sync_to_disk(staging)
        target = root / version
        staging.rename(target)
        sync_to_disk(root)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    if make_current:
        set_current(root, version, key=key)
    return target


def set_current(root: str | Path, version: str, *, key: str | None = None) -> None:
    """Point CURRENT at an existing, verified version, atomically."""
    root = Path(root)
    verify(root / version, key=key)
    pointer = root / f".{CURRENT_FILE}.{secrets.token_hex(4)}"
    pointer.write_text(version + "\n", encoding="utf-8")
    sync_to_disk(pointer)
    os.replace(pointer, root / CURRENT_FILE)
    sync_to_disk(root)
    with (root / HISTORY_FILE).open("a", encoding="utf-8") as history:
        entry = {"version": version, "at": datetime.now(UTC).isoformat(timespec="seconds")}
        history.write(json.dumps(entry) + "\n")
        history.flush()
        os.fsync(history.fileno())


def current_version(root: str | Path) -> str | None:
    """The version CURRENT names, or None in a registry with no current model."""
    try:
        return resolve(root).name
    except ModelError:
        return None


def rollback(root: str | Path, *, key: str | None = None) -> str:
    """Make current the newest once-promoted version older than the current one; returns it."""
    root = Path(root)
    current = current_version(root)
    history_path = root / HISTORY_FILE
    lines = history_path.read_text(encoding="utf-8").splitlines() if history_path.exists() else []
    promoted = {json.loads(line)["version"] for line in lines if line.strip()}
    # Version names start with their UTC creation time, so name order is age order.
    earlier = sorted((v for v in promoted if current is None or v < current), reverse=True)
    earlier = [v for v in earlier if (root / v).is_dir()]
    if not earlier:
        raise ModelError(f"{root}: no earlier version to roll back to")
    set_current(root, earlier[0], key=key)
    return earlier[0]


def resolve(path: str | Path) -> Path:
    """A model directory itself, or the current version of a registry folder."""
    path = Path(path)
    if (path / MANIFEST_FILE).is_file():
        return path
    pointer = path / CURRENT_FILE
    if pointer.is_file():
        version = pointer.read_text(encoding="utf-8").strip()
        if not version or "/" in version or version.startswith("."):
            raise ModelError(f"{pointer}: does not name a version")
        return path / version
    raise ModelError(f"{path}: no model here (train one with `make train` or `topic-tagger train`)")


def read_manifest(model_dir: str | Path) -> dict[str, Any]:
    """The manifest of a model directory, or a ModelError saying why it cannot be read."""
    path = Path(model_dir) / MANIFEST_FILE
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as error:
        raise ModelError(f"{path}: missing; {model_dir} is not a model directory") from error
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ModelVerificationError(f"{path}: unreadable manifest ({error})") from error
    if not isinstance(manifest, dict) or manifest.get("format_version") != FORMAT_VERSION:
        raise ModelVerificationError(f"{path}: not a format {FORMAT_VERSION} manifest")
    return manifest


def read_metrics(model_dir: str | Path) -> dict[str, Any]:
    """Held-out metrics written at training time ({} if the file is missing)."""
    path = Path(model_dir) / METRICS_FILE
    if not path.is_file():
        return {}
    try:
        metrics = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ModelVerificationError(f"{path}: unreadable metrics ({error})") from error
    return metrics if isinstance(metrics, dict) else {}


def verify(model_dir: str | Path, *, key: str | None = None) -> dict[str, Any]:
    """Every check a model must pass before it is unpickled: its signature (with a key), its
    checksum, its file's integrity, and the library versions it was trained with."""
    model_dir = Path(model_dir)
    manifest = read_manifest(model_dir)
    expected = manifest.get("model_file", {})
    model_path = model_dir / Path(str(expected.get("name", MODEL_FILE))).name
    if not model_path.is_file():
        raise ModelVerificationError(f"{model_path}: model file missing")
    actual = file_sha256(model_path)
    if key is not None:
        check_signature(model_dir, (model_dir / MANIFEST_FILE).read_bytes(), actual, key)
    if actual != expected.get("sha256"):
        raise ModelVerificationError(
            f"{model_path}: sha256 {actual[:12]}… does not match the manifest; the file is "
            "corrupt or was changed after training, so it will not be loaded"
        )
    trained = manifest.get("libraries", {})
    here = library_versions()
    for name in ("scikit-learn", "numpy"):
        if trained.get(name) != here[name]:
            raise ModelVerificationError(
                f"{model_dir}: trained with {name} {trained.get(name)}, this environment has "
                f"{here[name]}; retrain the model (`make train`) or install that version"
            )
    if str(trained.get("python", "")).rsplit(".", 1)[0] != here["python"].rsplit(".", 1)[0]:
        raise ModelVerificationError(
            f"{model_dir}: trained with Python {trained.get('python')}, "
            f"this is {here['python']}; retrain the model (`make train`)"
        )
    check_stream(model_path)
    return manifest


def load(path: str | Path, *, key: str | None = None) -> tuple[TopicModel, dict[str, Any]]:
    """Resolve, verify, then load; returns the model and its manifest."""
    model_dir = resolve(path)
    manifest = verify(model_dir, key=key)
    model = joblib.load(model_dir / Path(manifest["model_file"]["name"]).name)
    if not isinstance(model, TopicModel):
        raise ModelVerificationError(f"{model_dir}: the model file does not hold a TopicModel")
    return model, manifest


def list_versions(root: str | Path) -> list[dict[str, Any]]:
    """Manifests of every complete version under root, oldest first."""
    root = Path(root)
    if not root.is_dir():
        return []
    manifests = []
    for child in sorted(root.iterdir()):
        if child.is_dir() and not child.name.startswith(".") and (child / MANIFEST_FILE).is_file():
            manifests.append(read_manifest(child))
    return manifests


def _write_json(path: Path, data: Any) -> None:
    path.write_text(json.dumps(data, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    sync_to_disk(path)


def sync_to_disk(path: Path) -> None:
    """Flush a file or directory to disk so a rename after it cannot expose missing data."""
    descriptor = os.open(path, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
