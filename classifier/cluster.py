"""Dask for the jobs too big for one process: a client, a model per worker, training folds.

Without a scheduler address the work runs on an embedded LocalCluster, one single-threaded
worker process per core (tagging is pure Python in places, so processes, not threads, use the
cores). With an address it runs on an existing cluster (`dask scheduler`, `dask worker`).
Dask is an optional extra (`pip install topic-tagger[archive]`), imported only here and only
when used, so that the library and the service never need it.
"""

import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from classifier.errors import OptionError, TaggerError
from classifier.tagger import Tagger

KEY_VARIABLE = "TOPIC_TAGGER_MODEL_KEY"

# One loaded model per worker process, reused by every task it runs: loading (verifying the
# digest and signature, unpickling) costs far more than tagging one partition's first batch.
_TAGGERS: dict[str, Tagger] = {}
_LOCK = threading.Lock()  # a worker started with several threads may run tasks side by side


class ClusterError(TaggerError):
    """A Dask cluster that cannot be started or reached, or the archive extra not installed."""


def _distributed() -> Any:
    try:
        import distributed
    except ImportError as error:
        raise ClusterError(
            f"this needs the archive extra: pip install 'topic-tagger[archive]' ({error})"
        ) from error
    return distributed


@contextmanager
def dask_client(scheduler: str | None = None, workers: int | None = None) -> Iterator[Any]:
    """A client of the cluster at `scheduler`, or of a LocalCluster of `workers` processes."""
    distributed = _distributed()
    if scheduler:
        try:
            client = distributed.Client(scheduler, timeout="10s")
        except (OSError, TimeoutError, ValueError) as error:
            raise ClusterError(f"{scheduler}: no Dask scheduler answers ({error})") from error
        with client:
            yield client
        return
    if workers is not None and (isinstance(workers, bool) or workers < 1):
        raise OptionError(f"workers must be at least 1, not {workers!r}")
    cluster = distributed.LocalCluster(
        n_workers=workers or os.cpu_count() or 1,
        threads_per_worker=1,
        processes=True,
        dashboard_address=":0",  # any free port: two runs at once must not fight over 8787
    )
    with cluster, distributed.Client(cluster) as client:
        yield client


def worker_tagger(model_dir: str) -> tuple[Tagger, bool]:
    """The model this worker process has loaded (verified with the worker's own key), and
    whether this call loaded it; a worker keeps one model, the one its tasks last asked for."""
    with _LOCK:
        tagger = _TAGGERS.get(model_dir)
        if tagger is not None:
            return tagger, False
        _TAGGERS.clear()
        tagger = Tagger.load(model_dir, key=os.environ.get(KEY_VARIABLE) or None)
        _TAGGERS[model_dir] = tagger
        return tagger, True


@contextmanager
def training_backend(scheduler: str | None) -> Iterator[None]:
    """Run joblib's parallel work (the search's cross-validation folds) on the cluster at
    `scheduler`; without one, leave joblib as it is. Fits that ask for threads stay local."""
    if not scheduler:
        yield
        return
    from joblib import parallel_config

    with dask_client(scheduler), parallel_config(backend="dask"):
        yield
