"""Durable storage of editors' labels: SQLite (embedded default) or PostgreSQL (shared).

A label is accepted only once it is committed: SQLite runs in WAL mode with full synchronous
commits, PostgreSQL commits synchronously. Every label has an id that doubles as its
idempotency key (the client's id, or a hash of text and labels), so a retried request stores
nothing twice.
"""

import hashlib
import json
import os
import sqlite3
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from classifier.data import NO_TOPIC, Example, duplicate_key
from classifier.errors import TaggerError


class LabelStoreError(TaggerError):
    """The store cannot be opened or written, or a label conflicts with a stored one."""


class LabelConflict(LabelStoreError):
    """An id is reused for a different text or label set."""


@dataclass(frozen=True, slots=True)
class StoredLabel:
    """One stored correction: text, its labels ([] is no topic) and where it came from."""

    id: str
    text: str
    labels: tuple[str, ...]
    source: str | None
    created_at: str
    seq: int = 0

    def to_record(self) -> dict[str, Any]:
        """The training-data JSON Lines record of this label."""
        return {"id": self.id, "text": self.text, "labels": list(self.labels) or [NO_TOPIC]}


def label_id(text: str, labels: Sequence[str], client_id: str | None = None) -> str:
    """The client's id, or a hash of text and label set: the idempotency key."""
    if client_id:
        return client_id
    digest = hashlib.sha256(
        json.dumps([duplicate_key(text), sorted(labels)], ensure_ascii=False).encode()
    )
    return "h-" + digest.hexdigest()[:32]


_SCHEMA = """
CREATE TABLE IF NOT EXISTS labels (
    seq {serial} PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    text TEXT NOT NULL,
    labels TEXT NOT NULL,
    source TEXT,
    created_at TEXT NOT NULL
)
"""
_COLUMNS = "seq, id, text, labels, source, created_at"


class LabelStore:
    """SQL shared by both backends; subclasses supply connections and the placeholder style."""

    placeholder = "?"
    serial = "INTEGER"

    def __init__(self) -> None:
        self._local = threading.local()

    def _connect(self) -> Any:
        raise NotImplementedError

    def _connection(self) -> Any:
        # One connection per process and thread: a connection must not cross a fork.
        key = (os.getpid(), threading.get_ident())
        if getattr(self._local, "key", None) != key:
            connection = self._connect()
            self._create_schema(connection)
            self._local.connection = connection
            self._local.key = key
        return self._local.connection

    def _sql(self, statement: str) -> str:
        return statement.replace("?", self.placeholder)

    def _create_schema(self, connection: Any) -> None:
        try:
            with _transaction(connection):
                connection.execute(_SCHEMA.format(serial=self.serial))
        except Exception as error:  # two processes creating the table at once: one wins
            if not self._table_exists(connection):
                raise LabelStoreError(f"cannot create the labels table ({error})") from error

    def _table_exists(self, connection: Any) -> bool:
        try:
            connection.execute("SELECT 1 FROM labels LIMIT 1").fetchall()
            return True
        except Exception:
            connection.rollback()
            return False

    def add(
        self, items: Sequence[tuple[str, Sequence[str], str | None, str | None]]
    ) -> list[tuple[str, bool]]:
        """Store (text, labels, source, client_id) items in one transaction.

        Returns (id, created) per item; created is False for a replay of a stored label.
        Raises LabelConflict, storing nothing, if an id is reused for different content.
        """
        now = datetime.now(UTC).isoformat(timespec="microseconds")
        connection = self._connection()
        results = []
        with _transaction(connection):
            for text, labels, source, client_id in items:
                identifier = label_id(text, labels, client_id)
                encoded = json.dumps(sorted(labels), ensure_ascii=False)
                cursor = connection.execute(
                    self._sql(
                        "INSERT INTO labels (id, text, labels, source, created_at) "
                        "VALUES (?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING"
                    ),
                    (identifier, text, encoded, source, now),
                )
                created = cursor.rowcount == 1
                if not created:
                    row = connection.execute(
                        self._sql(f"SELECT {_COLUMNS} FROM labels WHERE id = ?"), (identifier,)
                    ).fetchone()
                    stored = _row(row) if row else None
                    if (
                        stored is None
                        or stored.text != text
                        or sorted(stored.labels) != sorted(labels)
                    ):
                        raise LabelConflict(
                            f"label id {identifier!r} is already stored with other content"
                        )
                results.append((identifier, created))
        return results

    def get(self, identifier: str) -> StoredLabel | None:
        rows = self._read(f"SELECT {_COLUMNS} FROM labels WHERE id = ?", (identifier,))
        return _row(rows[0]) if rows else None

    def page(self, after: int = 0, limit: int = 100) -> list[StoredLabel]:
        """Labels in the order they were stored, after a sequence number (keyset pagination)."""
        statement = f"SELECT {_COLUMNS} FROM labels WHERE seq > ? ORDER BY seq LIMIT ?"
        return [_row(row) for row in self._read(statement, (after, limit))]

    def count(self) -> int:
        return int(self._read("SELECT COUNT(*) FROM labels")[0][0])

    def count_since(self, moment: str) -> int:
        """Labels stored after an ISO 8601 UTC time (a model's creation): what the next
        training run will add. Both times are ISO strings in UTC, so text order is time order."""
        statement = "SELECT COUNT(*) FROM labels WHERE created_at > ?"
        return int(self._read(statement, (moment,))[0][0])

    @contextmanager
    def transaction(self) -> Iterator[Callable[..., Any]]:
        """This thread's connection in one transaction, as a function that runs a statement
        written with ? placeholders: for tables kept beside the labels (the review queue)."""
        connection = self._connection()
        with _transaction(connection):
            yield lambda statement, parameters=(): connection.execute(
                self._sql(statement), parameters
            )

    def _read(self, statement: str, parameters: tuple[Any, ...] = ()) -> list[Any]:
        """Rows of one query in a transaction of its own, ended at once.

        An open read transaction would hold its locks (and, in PostgreSQL, its connection's
        slot as "idle in transaction") until the next write; ending it frees both.
        """
        connection = self._connection()
        with _transaction(connection):
            return list(connection.execute(self._sql(statement), parameters).fetchall())

    def iter_all(self, batch: int = 1000) -> Iterator[StoredLabel]:
        after = 0
        while rows := self.page(after, batch):
            yield from rows
            after = rows[-1].seq

    def examples(self) -> list[Example]:
        """Stored labels as training examples; the latest label of a text wins."""
        latest: dict[str, Example] = {}
        for label in self.iter_all():
            latest[duplicate_key(label.text)] = Example(
                label.text, label.labels, label.id, f"label store:{label.id}"
            )
        return list(latest.values())

    def __enter__(self) -> "LabelStore":
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        connection = getattr(self._local, "connection", None)
        if connection is not None and getattr(self._local, "key", (None,))[0] == os.getpid():
            connection.close()
        self._local = threading.local()


class _transaction:
    """Commit on success, roll back on error, for either driver's connection."""

    def __init__(self, connection: Any):
        self.connection = connection

    def __enter__(self) -> None:
        return None

    def __exit__(self, kind: Any, error: Any, trace: Any) -> None:
        if kind is None:
            self.connection.commit()
        else:
            self.connection.rollback()


class SQLiteLabelStore(LabelStore):
    """The embedded default: one file, WAL journal, fsync on every commit."""

    def __init__(self, path: str | Path):
        super().__init__()
        self.path = Path(path)

    def _connect(self) -> sqlite3.Connection:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            connection = sqlite3.connect(self.path, timeout=30, isolation_level="DEFERRED")
            connection.execute("PRAGMA journal_mode=WAL")
            connection.execute("PRAGMA synchronous=FULL")
        except sqlite3.Error as error:
            raise LabelStoreError(f"{self.path}: cannot open the label store ({error})") from error
        return connection


class PostgresLabelStore(LabelStore):
    """For several service hosts sharing one store."""

    placeholder = "%s"
    serial = "BIGSERIAL"

    def __init__(self, url: str):
        super().__init__()
        self.url = url

    def _connect(self) -> Any:
        import psycopg  # only needed when a database URL is configured

        try:
            return psycopg.connect(self.url, connect_timeout=10)
        except psycopg.Error as error:
            raise LabelStoreError(f"cannot connect to the label database ({error})") from error


def default_location(environ: dict[str, str] | None = None) -> str:
    """TOPIC_TAGGER_DATABASE_URL if set, else labels.sqlite3 in TOPIC_TAGGER_DATA_DIR (data/)."""
    environ = dict(os.environ) if environ is None else environ
    url = environ.get("TOPIC_TAGGER_DATABASE_URL")
    if url:
        return url
    return str(Path(environ.get("TOPIC_TAGGER_DATA_DIR") or "data") / "labels.sqlite3")


def open_label_store(location: str | Path) -> LabelStore:
    """A PostgreSQL URL (postgresql://...) or a SQLite file path; connects on first use."""
    text = str(location)
    store: LabelStore
    if text.startswith(("postgresql://", "postgres://")):
        store = PostgresLabelStore(text)
    else:
        store = SQLiteLabelStore(text)
    return store


def _row(row: Sequence[Any]) -> StoredLabel:
    seq, identifier, text, labels, source, created_at = row
    return StoredLabel(identifier, text, tuple(json.loads(labels)), source, created_at, int(seq))
