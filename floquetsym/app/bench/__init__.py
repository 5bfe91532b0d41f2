"""Benchmarks behind ``floquetsym bench [NAME ...]`` .

Each module ``floquetsym/app/bench/<name>.py`` defines ``run(quick: bool) -> list[Row]``.  A row
measures one quantity and, where a goal names a baseline, the ratio against that baseline
*measured in the same run*.  Benchmarks are never timed tests.
"""
from __future__ import annotations

import importlib
import math
import re
import time
from dataclasses import dataclass

__all__ = ["BENCHMARKS", "Row", "timeit", "load", "goal_met", "row_json"]

BENCHMARKS = ("hierarchy", "ns", "series", "floquet", "pairs", "bdg1d", "kb", "ring", "kb_twotime")

@dataclass(frozen=True)
class Row:
    """One line of the benchmark table. ``ratio`` = baseline / value (> 1 means faster);
    ``met`` whether the goal is met (None: read from ``goal``, see :func:`goal_met`)."""

    benchmark: str
    quantity: str
    value: float
    unit: str
    baseline: str = ""
    baseline_value: float | None = None
    ratio: float | None = None
    goal: str = ""
    met: bool | None = None     # None: read from ``goal`` by :func:`goal_met` where it can be


_SCALE = {"s": 1.0, "ms": 1e-3, "us": 1e-6, "µs": 1e-6, "min": 60.0,
          "B": 1.0, "KiB": 2.0**10, "MiB": 2.0**20, "GiB": 2.0**30, "GB": 1e9, "MB": 1e6}
_GOAL = re.compile(r"^\s*(<=|>=|<|>|≤|≥)\s*([0-9.]+(?:[eE][-+]?[0-9]+)?)\s*([A-Za-zµ]*|×)(?![\w×])")


def _one_goal(row: Row, part: str) -> bool | None:
    m = _GOAL.match(part)
    if not m:
        return None
    op, num, unit = m.group(1), float(m.group(2)), m.group(3)
    op = {"≤": "<=", "≥": ">="}.get(op, op)
    if unit in ("x", "×"):                       # a speed-up: compare the ratio
        x = row.ratio
    elif unit == "" or unit == row.unit or unit == "rel":
        x = row.value
    elif unit in _SCALE and row.unit in _SCALE:
        x, num = row.value * _SCALE[row.unit], num * _SCALE[unit]
    else:
        return None
    if x is None or not math.isfinite(x):
        return None
    return {"<": x < num, "<=": x <= num, ">": x > num, ">=": x >= num}[op]


def goal_met(row: Row) -> bool | None:
    """Whether ``row`` meets its goal: ``row.met`` if set, else read from goals of the form
    ``"<= 20 ms"``, ``"< 1e-6"``, ``">= 100x"`` (comma-separated parts must all hold; a
    trailing qualifier such as "on 2 cores" is ignored); None when the goal is not of that form."""
    if row.met is not None:
        return bool(row.met)
    parts = [g for g in row.goal.split(",") if g.strip()]
    if not parts:
        return None
    res = [_one_goal(row, g) for g in parts]
    return None if any(r is None for r in res) else all(res)


def row_json(row: Row) -> dict:
    """One row for ``floquetsym bench --json``: numbers as numbers, null where absent."""
    def num(x):
        return None if x is None or not math.isfinite(float(x)) else float(x)
    return {"benchmark": row.benchmark, "quantity": row.quantity, "value": num(row.value),
            "unit": row.unit, "baseline": row.baseline, "baseline_value": num(row.baseline_value),
            "ratio": num(row.ratio), "goal": row.goal, "met": goal_met(row)}


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
