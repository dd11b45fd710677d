"""The review queue: texts waiting for an editor's labels, kept in the label store's database.

The same SQL runs on SQLite and PostgreSQL, through the label store's own connections and
transactions (classifier/labelstore.py). The queue keeps texts only: which to offer first is
decided when they are read, by the model serving then (classifier/uncertainty.py), so a new
model reorders the queue without anything stored going stale. A reviewed item stays in the
table with the time it was reviewed, so queueing the same text again does not bring it back.
"""

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from classifier.data import duplicate_key
from classifier.labelstore import LabelStore, LabelStoreError

_SCHEMA = """
CREATE TABLE IF NOT EXISTS queue (
    id TEXT PRIMARY KEY,
    text TEXT NOT NULL,
    source TEXT,
    added_at TEXT NOT NULL,
    reviewed_at TEXT
)
"""
_COLUMNS = "id, text, source, added_at, reviewed_at"
ADDED = "added"  # new in the queue
PRESENT = "present"  # already queued (or reviewed) with the same text: a replay, nothing stored
CONFLICT = "conflict"  # the id is queued with another text: refused, nothing stored


@dataclass(frozen=True, slots=True)
class QueueItem:
    """A text waiting for review (reviewed_at None) or one already reviewed."""

    id: str
    text: str
    source: str | None
    added_at: str
    reviewed_at: str | None = None


def queue_id(text: str, client_id: str | int | None = None) -> str:
    """The client's id, or a hash of the text: queueing the same text twice queues it once."""
    if client_id is not None:
        return str(client_id)
    return "q-" + hashlib.sha256(duplicate_key(text).encode()).hexdigest()[:32]


class ReviewQueue:
    """Add, read and close items of the queue table beside a label store's labels."""

    ADDED, PRESENT, CONFLICT = ADDED, PRESENT, CONFLICT  # what add() says of each item

    def __init__(self, store: LabelStore):
        self.store = store
        self._created = False

    def _ensure_table(self) -> None:
        if self._created:
            return
        try:
            with self.store.transaction() as run:
                run(_SCHEMA)
        except LabelStoreError:
            raise
        except Exception as error:  # two processes creating the table at once: one wins
            try:
                self._rows("SELECT id FROM queue LIMIT 1")
            except Exception:
                raise LabelStoreError(f"cannot create the queue table ({error})") from error
        self._created = True

    def _rows(self, statement: str, parameters: tuple[Any, ...] = ()) -> list[Any]:
        with self.store.transaction() as run:
            return list(run(statement, parameters).fetchall())

    def add(self, items: Sequence[tuple[str, str, str | None]]) -> list[str]:
        """Queue (id, text, source) items in one transaction; per item ADDED, PRESENT or
        CONFLICT (see above). A conflict stores nothing for that item and the rest still go in.
        """
        self._ensure_table()
        now = _now()
        outcomes = []
        with self.store.transaction() as run:
            for identifier, text, source in items:
                cursor = run(
                    "INSERT INTO queue (id, text, source, added_at) VALUES (?, ?, ?, ?) "
                    "ON CONFLICT (id) DO NOTHING",
                    (identifier, text, source, now),
                )
                if cursor.rowcount == 1:
                    outcomes.append(ADDED)
                    continue
                [(stored,)] = run("SELECT text FROM queue WHERE id = ?", (identifier,)).fetchall()
                outcomes.append(PRESENT if stored == text else CONFLICT)
        return outcomes

    def waiting(self, limit: int = 1000) -> list[QueueItem]:
        """Items not yet reviewed, oldest first (the order among equal margins)."""
        self._ensure_table()
        statement = (
            f"SELECT {_COLUMNS} FROM queue WHERE reviewed_at IS NULL ORDER BY added_at, id LIMIT ?"
        )
        return [QueueItem(*row) for row in self._rows(statement, (limit,))]

    def get(self, identifier: str) -> QueueItem | None:
        self._ensure_table()
        rows = self._rows(f"SELECT {_COLUMNS} FROM queue WHERE id = ?", (identifier,))
        return QueueItem(*rows[0]) if rows else None

    def count(self) -> int:
        """Items waiting for review."""
        self._ensure_table()
        return int(self._rows("SELECT COUNT(*) FROM queue WHERE reviewed_at IS NULL")[0][0])

    def mark_reviewed(self, identifier: str) -> bool:
        """Take an item out of the queue once its label is stored; False if it was not waiting."""
        self._ensure_table()
        with self.store.transaction() as run:
            cursor = run(
                "UPDATE queue SET reviewed_at = ? WHERE id = ? AND reviewed_at IS NULL",
                (_now(), identifier),
            )
            return bool(cursor.rowcount == 1)


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="microseconds")
