"""Service settings from TOPIC_TAGGER_* environment variables, with safe defaults."""

import os
from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from typing import Any

PREFIX = "TOPIC_TAGGER_"
LABELS_FILE = "labels.sqlite3"


class ConfigError(ValueError):
    """An environment variable that cannot be used; the message names it."""


@dataclass(frozen=True)
class Settings:
    """Everything the app factory needs; the environment only overrides these defaults."""

    model_dir: str = "models"
    token: str | None = None  # no token: write and admin endpoints are disabled
    protect_reads: bool = False  # with a token set, also require it to read
    max_body_bytes: int = 1_000_000
    max_batch: int = 100
    workers: int = 2
    data_dir: str = "data"  # the SQLite label store lives here
    database_url: str | None = None  # PostgreSQL instead, for several hosts sharing labels
    reload_seconds: int = 2  # how often each worker looks for a newly promoted model

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, **overrides: Any) -> "Settings":
        """Read TOPIC_TAGGER_<FIELD> variables; explicit overrides win over the environment."""
        environ = os.environ if environ is None else environ
        values: dict[str, Any] = {}
        for field in fields(cls):
            raw = environ.get(PREFIX + field.name.upper())
            if raw is not None and raw != "":
                values[field.name] = _parse(field.name, raw, field.type)
        settings = replace(cls(), **values, **{k: v for k, v in overrides.items() if v is not None})
        settings.check()
        return settings

    @property
    def label_store_location(self) -> str:
        return self.database_url or os.path.join(self.data_dir, LABELS_FILE)

    def check(self) -> None:
        """Refuse settings that would make the service unsafe or unusable."""
        if self.max_body_bytes < 1024:
            raise ConfigError(f"{PREFIX}MAX_BODY_BYTES must be at least 1024")
        if self.max_batch < 1:
            raise ConfigError(f"{PREFIX}MAX_BATCH must be at least 1")
        if self.reload_seconds < 0:
            raise ConfigError(f"{PREFIX}RELOAD_SECONDS must be 0 (off) or more")
        if self.workers < 1:
            raise ConfigError(f"{PREFIX}WORKERS must be at least 1")
        if self.token is not None and len(self.token) < 16:
            raise ConfigError(f"{PREFIX}TOKEN must be at least 16 characters")
        if self.protect_reads and self.token is None:
            raise ConfigError(f"{PREFIX}PROTECT_READS needs {PREFIX}TOKEN to be set")


def _parse(name: str, raw: str, kind: Any) -> Any:
    variable = PREFIX + name.upper()
    if kind in (bool, "bool"):
        if raw.lower() in ("1", "true", "yes", "on"):
            return True
        if raw.lower() in ("0", "false", "no", "off"):
            return False
        raise ConfigError(f"{variable} must be true or false, not {raw!r}")
    if kind in (int, "int"):
        try:
            return int(raw)
        except ValueError:
            raise ConfigError(f"{variable} must be a whole number, not {raw!r}") from None
    return raw
