"""The model a worker serves, and the watcher that swaps in a newly promoted one.

A swap is one attribute assignment: a request that already holds the old Tagger finishes on
it, the next request gets the new one, and nobody sees half of either. A model that fails
verification is refused; the old one keeps serving and the refusal is reported.
"""

import logging
import threading
from collections.abc import Callable
from pathlib import Path

from classifier import Tagger, TaggerError, current_version, resolve_model

log = logging.getLogger(__name__)


class ModelHolder:
    """Holds the current Tagger and the reason the last load failed, if it did."""

    def __init__(self, model_dir: str | Path, key: str | None = None):
        self.model_dir = Path(model_dir)
        self.key = key
        self.tagger: Tagger | None = None
        self.error: str | None = None
        self.on_load: list[Callable[[str, str | None], None]] = []  # (new, previous) versions
        self._lock = threading.Lock()
        self._refused: str | None = None

    def load(self) -> bool:
        """Load and verify the registry's current model; keep the old one if that fails."""
        with self._lock:
            # Resolve CURRENT once: the version named in a refusal is the one that was tried.
            wanted: str | None = None
            try:
                target = resolve_model(self.model_dir)
                wanted = target.name
                tagger = Tagger.load(target, key=self.key)
            except (TaggerError, OSError) as error:
                self._refused = wanted
                serving = f"; still serving {self.tagger.version}" if self.tagger else ""
                self.error = f"model {wanted or self.model_dir} refused: {error}{serving}"
                log.error("%s", self.error)
                return False
            previous = self.tagger.version if self.tagger else None
            self.tagger, self.error, self._refused = tagger, None, None
            log.info("serving model %s", tagger.version)
        for callback in self.on_load:
            callback(tagger.version, previous)
        return True

    def check_for_update(self) -> None:
        """Load the registry's current version if it is new (and not one already refused)."""
        wanted = current_version(self.model_dir)
        loaded = self.tagger.version if self.tagger else None
        if wanted is not None and wanted != loaded and wanted != self._refused:
            self.load()

    def watch(self, interval: float) -> threading.Thread:
        """Check for a new model every `interval` seconds in a daemon thread."""
        stop = threading.Event()

        def run() -> None:
            while not stop.wait(interval):
                try:
                    self.check_for_update()
                except Exception:  # the watcher must outlive any one bad check
                    log.exception("model check failed")

        thread = threading.Thread(target=run, name="model-watcher", daemon=True)
        thread.start()
        return thread
