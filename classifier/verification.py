"""Checks a model file passes before a byte of it is unpickled.

joblib and pickle run code while loading, so only a file we can vouch for is loaded: its
sha256 must match the manifest written beside it; with a deployment key, an HMAC-SHA256 over
the manifest and the file's digest must match too, which an attacker who can rewrite both files
cannot forge; and the file must be one complete compressed stream, so that a file with bytes
appended or cut cannot send the decompressor allocating until the kernel kills the process.
"""

import hashlib
import hmac
import zlib
from pathlib import Path

from classifier.errors import ModelVerificationError

SIGNATURE_FILE = "signature"
_DOMAIN = b"topic-tagger model signature v1\0"  # what the key signs, and nothing else
_CHUNK = 1 << 20
MAX_UNCOMPRESSED = 4 << 30  # a model that inflates past this is refused as a bomb


def file_sha256(path: Path) -> str:
    """Hex sha256 of a file, read in chunks."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(_CHUNK), b""):
            digest.update(chunk)
    return digest.hexdigest()


def signature(key: str, manifest: bytes, model_sha256: str) -> str:
    """HMAC-SHA256 of the manifest's bytes and the model file's digest."""
    message = _DOMAIN + manifest + b"\0" + model_sha256.encode()
    return hmac.new(key.encode(), message, hashlib.sha256).hexdigest()


def sign(model_dir: Path, manifest: bytes, model_sha256: str, key: str) -> None:
    """Write the signature file of a model directory."""
    (model_dir / SIGNATURE_FILE).write_text(signature(key, manifest, model_sha256) + "\n")


def check_signature(model_dir: Path, manifest: bytes, model_sha256: str, key: str) -> None:
    """Refuse a model whose signature is missing or was not made with this key."""
    path = model_dir / SIGNATURE_FILE
    try:
        found = path.read_text(encoding="ascii").strip()
    except FileNotFoundError:
        raise ModelVerificationError(
            f"{model_dir}: not signed, and TOPIC_TAGGER_MODEL_KEY is set: only signed models "
            "are loaded (train with the key set)"
        ) from None
    except (OSError, UnicodeDecodeError) as error:
        raise ModelVerificationError(f"{path}: unreadable signature ({error})") from error
    if not hmac.compare_digest(found, signature(key, manifest, model_sha256)):
        raise ModelVerificationError(
            f"{model_dir}: signature does not match (changed after signing, or signed with "
            "another key), so it will not be loaded"
        )


_AFTER_THE_END = "bytes after the end of the model data"


def check_stream(path: Path) -> None:
    """The file must be exactly one complete zlib stream (joblib's compressed format)."""
    inflater = zlib.decompressobj()
    inflated = 0
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(_CHUNK), b""):
            data = chunk
            while data:
                if inflater.eof:
                    raise ModelVerificationError(f"{path}: {_AFTER_THE_END}")
                try:
                    inflated += len(inflater.decompress(data, _CHUNK))
                except zlib.error as error:
                    raise ModelVerificationError(f"{path}: not a model file ({error})") from error
                if inflated > MAX_UNCOMPRESSED:
                    raise ModelVerificationError(f"{path}: inflates past {MAX_UNCOMPRESSED} bytes")
                if inflater.unused_data:  # the stream ended inside this chunk
                    raise ModelVerificationError(f"{path}: {_AFTER_THE_END}")
                data = inflater.unconsumed_tail
    if not inflater.eof:
        raise ModelVerificationError(f"{path}: the model data is cut short")
