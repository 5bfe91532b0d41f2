"""Benchmarks behind ``floquetsym bench [NAME ...]`` .

Each module ``floquetsym/app/bench/<name>.py`` defines ``run(quick: bool) -> list[Row]``.  A row
measures one quantity and, where a goal names a baseline, the ratio against that baseline
*measured in the same run*.  Benchmarks are never timed tests.
"""
from __future__ import annotations

import importlib
import time
from dataclasses import dataclass

__all__ = ["BENCHMARKS", "Row", "timeit", "load"]

BENCHMARKS = ("hierarchy", "ns", "floquet", "pairs", "bdg1d", "kb", "kb_twotime")


@dataclass(frozen=True)
class Row:
    """One line of the benchmark table. ``ratio`` = baseline / value (> 1 means faster)."""

    benchmark: str
    quantity: str
    value: float
    unit: str
    baseline: str = ""
    baseline_value: float | None = None
    ratio: float | None = None
    goal: str = ""


def timeit(fn, *, repeat: int = 3, number: int = 1) -> float:
    """Best-of-``repeat`` wall time of ``number`` calls of ``fn``, in seconds per call."""
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        for _ in range(number):
            fn()
        best = min(best, (time.perf_counter() - t0) / number)
    return best


def load(name: str):
    """Import ``floquetsym.app.bench.<name>``."""
    return importlib.import_module(f"floquetsym.app.bench.{name}")
