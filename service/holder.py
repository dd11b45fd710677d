"""The model a worker serves, loaded and verified; failures are kept to be reported."""

import logging
import threading
from collections.abc import Callable
from pathlib import Path

from classifier import Tagger, TaggerError

log = logging.getLogger(__name__)


class ModelHolder:
    """Holds the current Tagger; a swap is one attribute assignment, so readers never see half."""

    def __init__(self, model_dir: str | Path):
        self.model_dir = Path(model_dir)
        self.tagger: Tagger | None = None
        self.error: str | None = None
        self.on_load: list[Callable[[str, str | None], None]] = []  # (new, previous) versions
        self._lock = threading.Lock()

    def load(self) -> bool:
        """Load and verify the registry's current model; keep the old one if that fails."""
        with self._lock:
            try:
                tagger = Tagger.load(self.model_dir)
            except (TaggerError, OSError) as error:
                self.error = str(error)
                log.error("model not loaded: %s", error)
                return False
            previous = self.tagger.version if self.tagger else None
            self.tagger, self.error = tagger, None
            log.info("serving model %s", tagger.version)
        for callback in self.on_load:
            callback(tagger.version, previous)
        return True
