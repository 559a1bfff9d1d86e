"""Latency of a call repeated in a loop: what the tickets and open-data benchmarks time alike."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable


def timed(call: Callable[[], int], rounds: int, warmup: int) -> tuple[float, float, int]:
    """`call` `warmup` times untimed, then `rounds` times: the median and 95th percentile in
    ms, and what its last call returned (a count of rows or features)."""
    for _ in range(warmup):
        call()
    samples, rows = [], 0
    for _ in range(rounds):
        started = time.perf_counter()
        rows = call()
        samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples), statistics.quantiles(samples, n=100)[94], rows
