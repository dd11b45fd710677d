"""Service settings: defaults, then TOPIC_TAGGER_* environment variables, then command-line flags.

A flag overrides its environment variable. Every value is checked the same way wherever it
comes from, and a bad one is refused with one sentence that names where it came from, before
the server starts.
"""

import os
from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from typing import Any

PREFIX = "TOPIC_TAGGER_"
LABELS_FILE = "labels.sqlite3"
# Secrets come from the environment only: a flag would show in the process list.
SECRETS = ("token", "model_key", "secret_key")


class ConfigError(ValueError):
    """A setting that cannot be used; the message names the variable or flag."""


@dataclass(frozen=True)
class Settings:
    """Everything the app factory needs; the environment and flags only override these."""

    model_dir: str = "models"
    token: str | None = None  # no token: write and admin endpoints are disabled
    protect_reads: bool = False  # with a token set, also require it to read
    max_body_bytes: int = 1_000_000
    max_batch: int = 100
    workers: int = 2
    # Threads per worker: 1 runs gunicorn's sync workers (a connection per request); more runs
    # gthread workers, which keep connections alive (bench/workers.py measures both).
    threads: int = 1
    data_dir: str = "data"  # the SQLite label store lives here
    database_url: str | None = None  # PostgreSQL instead, for several hosts sharing labels
    reload_seconds: int = 2  # how often each worker looks for a newly promoted model
    model_key: str | None = None  # HMAC key: only models signed with it are loaded
    # The editors' page: its session cookie is sent over HTTPS only unless this is false
    # (plain-http development and tests), and is signed with secret_key (default: a key
    # derived from the token, so every worker and host agrees without another secret).
    cookie_secure: bool = True
    secret_key: str | None = None

    @classmethod
    def from_env(
        cls, environ: Mapping[str, str] | None = None, **flags: str | int | bool | None
    ) -> "Settings":
        """Defaults, then the environment, then flags (None: not given), each value checked."""
        environ = os.environ if environ is None else environ
        values: dict[str, Any] = {}
        for field in fields(cls):
            raw = environ.get(PREFIX + field.name.upper())
            if raw is not None and raw != "":
                values[field.name] = _parse(PREFIX + field.name.upper(), raw, field.type)
        for name, value in flags.items():
            if value is None:
                continue
            if name in SECRETS or name not in {f.name for f in fields(cls)}:
                raise ConfigError(f"{name} cannot be given as a flag")
            kind = next(f.type for f in fields(cls) if f.name == name)
            flag = "--" + name.replace("_", "-")
            values[name] = _parse(flag, value, kind) if isinstance(value, str) else value
        settings = replace(cls(), **values)
        settings.check()
        return settings

    @property
    def label_store_location(self) -> str:
        return self.database_url or os.path.join(self.data_dir, LABELS_FILE)

    def check(self) -> None:
        """Refuse settings that would make the service unsafe or unusable."""
        if self.max_body_bytes < 1024:
            raise ConfigError(f"{_named('max_body_bytes')} must be at least 1024")
        if self.max_batch < 1:
            raise ConfigError(f"{_named('max_batch')} must be at least 1")
        if self.reload_seconds < 0:
            raise ConfigError(f"{_named('reload_seconds')} must be 0 (off) or more")
        if self.workers < 1:
            raise ConfigError(f"{_named('workers')} must be at least 1")
        if not 1 <= self.threads <= 64:
            raise ConfigError(f"{_named('threads')} must be between 1 and 64")
        if self.token is not None and len(self.token) < 16:
            raise ConfigError(f"{PREFIX}TOKEN must be at least 16 characters")
        if self.model_key is not None and len(self.model_key) < 32:
            raise ConfigError(f"{PREFIX}MODEL_KEY must be at least 32 characters")
        if self.secret_key is not None and len(self.secret_key) < 32:
            raise ConfigError(f"{PREFIX}SECRET_KEY must be at least 32 characters")
        if self.protect_reads and self.token is None:
            raise ConfigError(f"{_named('protect_reads')} needs {PREFIX}TOKEN to be set")
        if self.database_url is not None and not self.database_url.startswith(
            ("postgresql://", "postgres://")
        ):
            raise ConfigError(f"{_named('database_url')} must be a postgresql:// URL")


def _named(name: str) -> str:
    """How a setting is given: its flag or its environment variable."""
    return f"--{name.replace('_', '-')} / {PREFIX}{name.upper()}"


def _parse(source: str, raw: str, kind: Any) -> Any:
    if kind in (bool, "bool"):
        if raw.lower() in ("1", "true", "yes", "on"):
            return True
        if raw.lower() in ("0", "false", "no", "off"):
            return False
        raise ConfigError(f"{source} must be true or false, not {raw!r}")
    if kind in (int, "int"):
        try:
            return int(raw)
        except ValueError:
            raise ConfigError(f"{source} must be a whole number, not {raw!r}") from None
    return raw
