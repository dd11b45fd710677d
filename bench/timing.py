"""Timing loops shared by every benchmark, ours and the rivals' (standard library only, so the
rivals' own virtualenv can import it too)."""

import os
import statistics
import time
from collections.abc import Callable, Sequence
from typing import Any


def call_latencies(
    call: Callable[[Any], object], items: Sequence[Any], repeats: int = 1, warmup: int = 0
) -> list[list[float]]:
    """Seconds of each `call(item)`, sorted, one list per pass over `items`; before the first
    pass `call` runs untimed on the first `warmup` items."""
    for item in items[:warmup]:
        call(item)
    runs = []
    for _ in range(repeats):
        times = []
        for item in items:
            started = time.perf_counter()
            call(item)
            times.append(time.perf_counter() - started)
        times.sort()
        runs.append(times)
    return runs


def p50_p99_ms(times: Sequence[float]) -> tuple[float, float]:
    """p50 and p99 in milliseconds of sorted seconds, by rank (no interpolation)."""
    return times[len(times) // 2] * 1e3, times[int(len(times) * 0.99)] * 1e3


def latency_ms(call: Callable[[Any], object], item: Any, repeats: int) -> tuple[float, float]:
    """p50 and p99 of `call(item)` in milliseconds, after a warm-up of up to 100 calls."""
    [times] = call_latencies(call, [item] * repeats, warmup=min(100, repeats))
    return p50_p99_ms(times)


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
