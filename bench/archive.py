"""Re-tagging an archive (issue 17): throughput on 1 and 2 workers (and every core) beside
today's one-process loop, memory per worker, resuming after a kill, a projection to 100M.

    .venv/bin/python bench/archive.py [--articles 1000000] [--loop-articles 20000] [--model models]

The archive is built on demand in bench/results/ (not in git): articles of realistic length
(paragraph counts drawn from the BBC articles' own) made by resampling the paragraphs of the
public sets in ../shared/datasets. Every run goes through the command line a user would type.
"""

import argparse
import json
import os
import random
import re
import shutil
import signal
import subprocess
import threading
import time
from pathlib import Path

import psutil
import pyarrow.parquet as pq
from archive_report import report
from common import PROJECT, dataset, read_jsonl, write_section

RESULTS = PROJECT / "bench" / "results"
CLI = str(PROJECT / ".venv" / "bin" / "topic-tagger")
SHARD = 100_000  # articles per archive file
SOURCES = ("bbc-news-train.jsonl", "bbc-news-test.jsonl", "huffpost-2018-2019.jsonl")
SOURCES += ("reuters21578-modapte-train.jsonl",)
SEED = 17
PARTITION_LINES = 50_000  # tag-archive's default
MIN_PARTITIONS = 20  # a smaller archive is cut finer, or the second worker would sit idle


def build_archive(articles: int) -> list[Path]:
    """Shards of JSON Lines articles; built once, reused while the marker says complete."""
    folder = RESULTS / f"archive-{articles}"
    shards = [folder / f"articles-{k:03d}.jsonl" for k in range(-(-articles // SHARD))]
    if (folder / "COMPLETE").is_file():
        return shards
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    rng = random.Random(SEED)
    pool = [p for name in SOURCES for doc in read_jsonl(dataset(name)) for p in paragraphs(doc)]
    lengths = [len(paragraphs(doc)) for doc in read_jsonl(dataset("bbc-news-train.jsonl"))]
    for k, shard in enumerate(shards):
        with shard.open("w", encoding="utf-8") as out:
            for n in range(k * SHARD, min(articles, (k + 1) * SHARD)):
                text = "\n\n".join(rng.choices(pool, k=rng.choice(lengths)))
                record = {"id": f"a{n:08d}", "text": text, "desk": rng.choice("ABCDE")}
                out.write(json.dumps(record, ensure_ascii=False) + "\n")
    (folder / "COMPLETE").write_text(f"{articles} articles, seed {SEED}\n")
    return shards


def paragraphs(doc: dict) -> list[str]:
    return [p for p in doc["text"].split("\n\n") if p.strip()]


class Watch:
    """Samples a process tree: peak memory and CPU seconds of the process and of each Dask
    worker under it, and the machine's load, which says how much the others took."""

    def __init__(self, pid: int):
        self.root, self.peak, self.cpu = pid, 0, 0.0
        self.workers: dict[int, int] = {}
        self.worker_cpu: dict[int, float] = {}
        self.loads: list[float] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()

    def _sample(self) -> None:
        while not self._stop.wait(0.5):
            self.loads.append(os.getloadavg()[0])
            try:
                root = psutil.Process(self.root)
                self.peak = max(self.peak, root.memory_info().rss)
                self.cpu = sum(root.cpu_times()[:2])
                for child in root.children(recursive=True):
                    command = " ".join(child.cmdline())  # workers retitle themselves
                    if "spawn_main" in command or "dask worker" in command:
                        rss = child.memory_info().rss
                        self.workers[child.pid] = max(self.workers.get(child.pid, 0), rss)
                        self.worker_cpu[child.pid] = sum(child.cpu_times()[:2])
            except psutil.Error:
                continue

    def stop(self) -> "Watch":
        self._stop.set()
        self._thread.join()
        return self

    @property
    def load(self) -> float:
        return sum(self.loads) / len(self.loads) if self.loads else os.getloadavg()[0]


def run(command: list[str], stop_when=None) -> tuple[float, str, Watch]:
    """Wall seconds, stdout and memory of a command; killed (group) once stop_when() is true."""
    RESULTS.mkdir(parents=True, exist_ok=True)
    log = RESULTS / "archive-run.out"  # a file, not a pipe: a full pipe would stall the run
    started = time.perf_counter()
    with log.open("w") as stdout:
        process = subprocess.Popen(
            command, stdout=stdout, stderr=subprocess.DEVNULL, start_new_session=True
        )
        watch = Watch(process.pid)
        while process.poll() is None:
            if stop_when is not None and stop_when():
                os.killpg(process.pid, signal.SIGKILL)
                break
            time.sleep(0.2)
        process.wait()
    return time.perf_counter() - started, log.read_text(), watch.stop()


def tag_archive(shards: list[Path], out: Path, workers: int, model: str, lines: int, **kwargs):
    command = [CLI, "tag-archive", *map(str, shards), "--out", str(out), "--model", model]
    command += ["--partition-lines", str(lines)]
    return run([*command, "--workers", str(workers)], **kwargs)


def summary_rate(output: str) -> float:
    """Tagging docs/s from the summary line (cluster start-up and planning not counted)."""
    found = re.search(r"([\d.]+) docs/s", output)
    if not found:
        raise SystemExit(f"bench: no summary in the output of tag-archive:\n{output}")
    return float(found.group(1))


def check_output(out: Path, articles: int) -> None:
    """Every article exactly once across the partitions: none lost, none twice."""
    ids = [i for f in sorted((out / "tagged").glob("*.parquet")) for i in read_ids(f)]
    if len(ids) != articles or len(set(ids)) != articles:
        raise SystemExit(f"bench: {out}: {len(ids)} rows, {len(set(ids))} ids, not {articles}")


def read_ids(path: Path) -> list[str]:
    return pq.read_table(path, columns=["id"]).column("id").to_pylist()


def markers(out: Path) -> int:
    return len(list((out / "_done").glob("*.json"))) if (out / "_done").is_dir() else 0


def measure_loop(shards: list[Path], count: int, model: str) -> dict:
    """Today's way: `topic-tagger tag FILE.jsonl`, one process, on the first `count` articles;
    its start-up (imports, model load) is measured on one article and taken off its rate."""
    files = {n: RESULTS / f"loop-{n}.jsonl" for n in (1, count)}
    for n, path in files.items():
        with shards[0].open(encoding="utf-8") as source, path.open("w", encoding="utf-8") as out:
            out.writelines(line for _, line in zip(range(n), source, strict=False))
    startup, _, _ = run([CLI, "tag", "--model", model, str(files[1])])
    seconds, _, watch = run([CLI, "tag", "--model", model, str(files[count])])
    return {
        "articles": count,
        "seconds": seconds,
        "wall_rate": count / seconds,
        "rate": count / (seconds - startup),
        "per_cpu_second": count / watch.cpu,
        "rss": [watch.peak],
        "load": watch.load,
    }


def measure_workers(
    shards: list[Path], articles: int, workers: int, model: str, lines: int
) -> dict:
    out = RESULTS / f"archive-out-{workers}"
    shutil.rmtree(out, ignore_errors=True)
    seconds, output, watch = tag_archive(shards, out, workers, model, lines)
    check_output(out, articles)
    shutil.rmtree(out)
    return {
        "workers": workers,
        "articles": articles,
        "seconds": seconds,
        "wall_rate": articles / seconds,
        "rate": summary_rate(output),
        "per_cpu_second": articles / sum(watch.worker_cpu.values()),
        "rss": sorted(watch.workers.values()),
        "load": watch.load,
    }


def measure_resume(
    shards: list[Path], articles: int, partitions: int, model: str, lines: int
) -> dict:
    """Kill a 2-worker run (driver and workers) once half its partitions are written, rerun."""
    out = RESULTS / "archive-out-resume"
    shutil.rmtree(out, ignore_errors=True)

    def halfway() -> bool:
        return markers(out) >= partitions / 2

    killed, _, _ = tag_archive(shards, out, 2, model, lines, stop_when=halfway)
    done = markers(out)
    seconds, _, _ = tag_archive(shards, out, 2, model, lines)
    check_output(out, articles)
    shutil.rmtree(out)
    return {"killed_after": killed, "done": done, "partitions": partitions, "seconds": seconds}


def measure_planning(shards: list[Path], lines: int) -> tuple[int, float]:
    """Partitions of the archive, and the bytes per second the driver reads to cut them."""
    from classifier.partitions import plan_partitions

    started = time.perf_counter()
    partitions = plan_partitions([str(s) for s in shards], lines)
    seconds = time.perf_counter() - started
    return len(partitions), sum(s.stat().st_size for s in shards) / seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=1_000_000)
    parser.add_argument("--loop-articles", type=int, default=20_000, help="for today's loop")
    parser.add_argument("--model", default=str(PROJECT / "models"))
    parser.add_argument(
        "--partition-lines",
        type=int,
        help=f"default: {PARTITION_LINES:,}, or finer so that there are {MIN_PARTITIONS}",
    )
    args = parser.parse_args()
    lines = args.partition_lines or min(PARTITION_LINES, -(-args.articles // MIN_PARTITIONS))
    shards = build_archive(args.articles)
    print(f"archive: {len(shards)} files in {shards[0].parent}", flush=True)
    measured: dict = {
        "loop": measure_loop(shards, min(args.loop_articles, args.articles), args.model)
    }
    print(f"today's loop: {measured['loop']}", flush=True)
    measured["runs"] = []
    for workers in sorted({1, 2, os.cpu_count() or 1}):
        measured["runs"].append(measure_workers(shards, args.articles, workers, args.model, lines))
        print(f"tag-archive: {measured['runs'][-1]}", flush=True)
    partitions, measured["planning"] = measure_planning(shards, lines)
    measured["resume"] = measure_resume(shards, args.articles, partitions, args.model, lines)
    print(f"resume: {measured['resume']}", flush=True)
    (RESULTS / "archive.json").write_text(json.dumps(measured, indent=2))
    write_section("archive", report(args.articles, args.model, shards, measured, lines))
    print("BENCHMARKS.md: section 'archive' written")


if __name__ == "__main__":  # Dask's worker processes import this module again: no work at import
    main()
