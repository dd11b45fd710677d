"""Re-tag a whole archive on a Dask cluster: `topic-tagger tag-archive INPUT... --out DIR`.

The driver plans partitions (classifier/partitions.py), skips those the output folder already
holds complete, and sends the rest to the workers; each worker tags its partitions with the
model it loaded once (classifier/cluster.py), through the same batch path as `topic-tagger
tag`, and writes them itself (classifier/archive_output.py), so that no article travels back
through the driver. A killed run is resumed by running it again.
"""

import sys
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from tqdm import tqdm

from classifier import archive_output
from classifier.cluster import ClusterError, worker_tagger
from classifier.documents import Document, Refused
from classifier.errors import DataError
from classifier.options import TagOptions
from classifier.partitions import LINES_PER_PARTITION, Partition, plan_partitions, read_partition
from classifier.registry import resolve, verify

BATCH = 256  # documents per scoring pass, as `topic-tagger tag` scores them


@dataclass(frozen=True)
class ArchiveJob:
    """What every task of one run needs: where to write, which model, which options."""

    out: str
    model_dir: str
    version: str
    options: TagOptions

    def run(self) -> dict[str, Any]:
        """What must not change between a run and its resumption."""
        return {"model": self.version, "options": asdict(self.options)}


@dataclass(frozen=True)
class PartitionCounts:
    """What one task did; read = tagged + refused."""

    read: int = 0
    tagged: int = 0
    refused: int = 0
    seconds: float = 0.0
    loaded_model: bool = False


@dataclass
class ArchiveSummary:
    """The whole run, complete partitions of earlier runs included in the counts."""

    model: str
    out: Path
    documents: int = 0
    tagged: int = 0
    refused: int = 0
    written: int = 0  # partitions written by this run
    skipped: int = 0  # partitions already complete
    model_loads: int = 0  # times a worker loaded the model: at most once per worker
    seconds: float = 0.0
    processed: int = 0  # documents read by this run

    def add(self, counts: PartitionCounts, *, skipped: bool) -> None:
        self.documents += counts.read
        self.tagged += counts.tagged
        self.refused += counts.refused
        self.skipped += skipped
        self.written += not skipped
        if not skipped:
            self.processed += counts.read
            self.model_loads += counts.loaded_model

    @property
    def docs_per_second(self) -> float:
        return self.processed / self.seconds if self.seconds else 0.0


def tag_partition(partition: Partition, job: ArchiveJob) -> PartitionCounts:
    """Tag one partition on a worker and put its files in place; runs in the worker process."""
    started = time.perf_counter()
    tagger, loaded = worker_tagger(job.model_dir)
    writer = archive_output.PartitionWriter(Path(job.out), partition.name)
    read = tagged = 0
    batch: list[Document] = []

    def flush() -> None:
        results = tagger.tag_documents([d.text for d in batch], job.options, paragraphs=False)
        for document, result in zip(batch, results, strict=True):
            writer.add(archive_output.tagged_row(document, result, job.version))
        batch.clear()

    try:
        for item in read_partition(partition):
            read += 1
            if isinstance(item, Refused):
                writer.refuse(item)
                continue
            batch.append(item)
            tagged += 1
            if len(batch) == BATCH:
                flush()
        if batch:
            flush()
        counts = PartitionCounts(read, tagged, read - tagged, time.perf_counter() - started, loaded)
        writer.commit({"partition": partition.spec(), "run": job.run(), "counts": asdict(counts)})
    except BaseException:
        writer.abort()
        raise
    return counts


@dataclass
class ArchivePlan:
    """A run before it starts: its job, the partitions left to tag, the counts of the rest."""

    job: ArchiveJob
    pending: list[Partition]
    summary: ArchiveSummary
    partitions: int


def plan_archive(
    inputs: Sequence[str],
    out: str | Path,
    model: str | Path,
    *,
    options: TagOptions | None = None,
    key: str | None = None,
    lines_per_partition: int = LINES_PER_PARTITION,
) -> ArchivePlan:
    """Check the model, cut the inputs into partitions and find those `out` holds complete;
    all before a cluster starts, so that a mistake costs nothing."""
    model_dir = resolve(model).absolute()
    version = str(verify(model_dir, key=key)["version"])
    root = Path(out).absolute()
    partitions = [  # a folder given as input may hold the output folder: never tag our output
        p
        for p in plan_partitions(inputs, lines_per_partition)
        if not Path(p.url).is_relative_to(root)
    ]
    archive_output.prepare(root)
    job = ArchiveJob(str(root), str(model_dir), version, options or TagOptions())
    plan = ArchivePlan(job, [], ArchiveSummary(version, root), len(partitions))
    for partition, counts in _completed(root, partitions, job):
        if counts is None:
            plan.pending.append(partition)
        else:
            plan.summary.add(counts, skipped=True)
    return plan


def run_archive(plan: ArchivePlan, client: Any) -> ArchiveSummary:
    """Tag the plan's pending partitions on the cluster of `client`; the whole run's summary."""
    started = time.perf_counter()
    if plan.pending:
        _run(client, plan.pending, plan.job, plan.summary)
        archive_output.remove_temporary(plan.summary.out)  # left by workers killed mid-task
    plan.summary.seconds = time.perf_counter() - started
    return plan.summary


def _run(client: Any, pending: list[Partition], job: ArchiveJob, summary: ArchiveSummary) -> None:
    """Send the partitions to the workers and count them as they finish, with a progress bar."""
    from distributed import as_completed
    from distributed.client import FutureCancelledError
    from distributed.scheduler import KilledWorker

    futures = client.map(tag_partition, pending, job=job, pure=False)
    total = sum(max(p.count, 1) for p in pending)
    with tqdm(total=total, desc="tagging", unit="doc", disable=None, file=sys.stderr) as bar:
        try:
            for future in as_completed(futures):
                counts = future.result()
                summary.add(counts, skipped=False)
                bar.update(counts.read)
        except (KilledWorker, FutureCancelledError) as error:
            raise ClusterError(f"a partition could not be tagged: {error}") from error
        finally:
            client.cancel(futures)


def _completed(
    root: Path, partitions: list[Partition], job: ArchiveJob
) -> list[tuple[Partition, PartitionCounts | None]]:
    """Each partition with its counts if a run already completed it; refuses a folder whose
    complete partitions came from other inputs, another partitioning or another model."""
    planned = {p.name: p for p in partitions}
    urls = {p.url for p in partitions}
    for name in archive_output.marker_names(root):
        marker = archive_output.read_marker(root, name) or {}
        written = marker.get("partition", {})
        if (name in planned and written != planned[name].spec()) or (
            name not in planned and written.get("url") in urls
        ):
            raise DataError(
                f"{root}: partition {name} was written from {written.get('url')} as it was "
                "then, or cut differently; write to a new --out folder"
            )
        if name in planned and marker.get("run") != job.run():
            raise DataError(
                f"{root}: partition {name} was tagged with {marker.get('run')}, not "
                f"{job.run()}; use the same model and options, or a new --out folder"
            )
    result = []
    for partition in partitions:
        done = archive_output.read_marker(root, partition.name)
        result.append((partition, PartitionCounts(**done["counts"]) if done else None))
    return result
