"""Timing loops shared by every benchmark, ours and the rivals' (standard library only, so the
rivals' own virtualenv can import it too)."""

import os
import statistics
import time
from collections.abc import Callable, Sequence
from typing import Any


def latency_ms(call: Callable[[], object], repeats: int) -> tuple[float, float]:
    """p50 and p99 of one call in milliseconds, after a warm-up of up to 100 calls."""
    for _ in range(min(100, repeats)):
        call()
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        call()
        times.append(time.perf_counter() - started)
    times.sort()
    return times[len(times) // 2] * 1e3, times[int(len(times) * 0.99)] * 1e3


def median_of(runs: Sequence[Sequence[float]]) -> tuple[float, ...]:
    """Element-wise medians of several runs' figures."""
    return tuple(statistics.median(values) for values in zip(*runs, strict=True))


def items_per_second(
    work: Callable[[Sequence[Any]], object], items: Sequence[Any], chunk: int
) -> float:
    """Throughput of `work` over `items` handed over `chunk` at a time (after one warm-up chunk)."""
    work(items[:chunk])
    started = time.perf_counter()
    for start in range(0, len(items), chunk):
        work(items[start : start + chunk])
    return len(items) / (time.perf_counter() - started)


def pin_to_one_core() -> int:
    """Run this process (and its threads) on a single core, so a rate is a per-core rate."""
    core = min(os.sched_getaffinity(0))
    os.sched_setaffinity(0, {core})
    return core
