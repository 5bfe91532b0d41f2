"""Parameter sweeps over any ``concurrent.futures.Executor`` (docs/architecture.md), with resume.

A sweep evaluates a top-level (picklable) function ``func(**point) -> dict[str, float]`` at
every point of a list of parameter dicts.  Points run on the executor you pass — a
``ThreadPoolExecutor``, a ``ProcessPoolExecutor`` (the default, one worker per core) or a
``dask.distributed`` client's ``client.get_executor()`` — and the numbers do not depend on
which: results are stored by point index, never by completion order.

With ``out=`` every finished point is appended (and fsync'ed) to ``<out>.journal.jsonl``;
an interrupted sweep (Ctrl-C, a killed process, a failing point) rerun with the same
arguments skips the finished points and writes the same ``<out>.csv`` byte for byte, plus
``<out>.npz`` and a JSON sidecar ``<out>.json`` with the sweep's parameters, the package
version and the git revision.
"""
from __future__ import annotations

import concurrent.futures as cf
import csv
import hashlib
import io
import json
import math
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Mapping

import numpy as np

from floquetsym._io import atomic_write

__all__ = ["SweepResult", "sweep", "grid", "parse_range"]


def parse_range(text: str) -> np.ndarray:
    """Parse ``"a:b:n"`` (linear), ``"a:b:n:log"`` (geometric) or ``"x"`` / ``"x,y,z"``.

    >>> parse_range("0.1:3:4").tolist()
    [0.1, 1.0666666666666667, 2.033333333333333, 3.0]
    """
    parts = text.split(":")
    try:
        if len(parts) == 1:
            vals = np.array([float(x) for x in text.split(",")])
        elif len(parts) in (3, 4):
            a, b, n = float(parts[0]), float(parts[1]), int(parts[2])
            if n < 1:
                raise ValueError
            if len(parts) == 4:
                if parts[3] != "log" or a <= 0 or b <= 0:
                    raise ValueError
                vals = np.geomspace(a, b, n)
            else:
                vals = np.linspace(a, b, n)
        else:
            raise ValueError
    except ValueError:
        raise ValueError(f"range {text!r} is not allowed: need 'x', 'x,y,...', 'a:b:n' or "
                         "'a:b:n:log' (a, b > 0 for log, n >= 1)") from None
    if not np.all(np.isfinite(vals)):
        raise ValueError(f"range {text!r} is not allowed: values must be finite")
    return vals


def grid(**axes: Iterable) -> list[dict]:
    """Cartesian product of the named axes, last axis fastest; scalars are fixed values."""
    names = list(axes)
    values = [np.atleast_1d(np.asarray(v, dtype=float)).tolist() for v in axes.values()]
    points = [{}]
    for name, vals in zip(names, values):
        points = [{**p, name: v} for p in points for v in vals]
    return points


@dataclass
class SweepResult:
    """Points and their results, in point order (``rows[i]`` belongs to ``points[i]``)."""

    points: list[dict]
    rows: list[dict]
    meta: dict = field(default_factory=dict)

    def column(self, name: str) -> np.ndarray:
        return np.array([(p | r)[name] for p, r in zip(self.points, self.rows)])

    def to_csv_text(self) -> str:
        keys = list(self.points[0]) + [k for k in self.rows[0] if k not in self.points[0]]
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\n")
        w.writerow(keys)
        for p, r in zip(self.points, self.rows):
            w.writerow([repr(float((p | r)[k])) if _is_number((p | r)[k]) else (p | r)[k] for k in keys])
        return buf.getvalue()


def _is_number(x) -> bool:
    return isinstance(x, (int, float, np.floating, np.integer)) and not isinstance(x, bool)


def _point_key(func_name: str, point: Mapping) -> str:
    blob = json.dumps([func_name, sorted((k, repr(v)) for k, v in point.items())])
    return hashlib.sha256(blob.encode()).hexdigest()[:24]


def _sibling(stem: Path, suffix: str) -> Path:
    return stem.with_name(stem.name + suffix)


def _clean(row: Mapping) -> dict:
    out = {}
    for k, v in row.items():
        if isinstance(v, complex) or isinstance(v, np.complexfloating):
            out[f"{k}_re"], out[f"{k}_im"] = float(v.real), float(v.imag)
        elif _is_number(v):
            out[k] = float(v)
        else:
            raise TypeError(f"sweep function returned {k}={v!r}: values must be real or complex numbers")
    return out


def sweep(func: Callable[..., Mapping], points: list[dict], *, executor: cf.Executor | None = None,
          out: str | Path | None = None, progress: bool = False, max_workers: int | None = None,
          meta: Mapping | None = None) -> SweepResult:
    """Evaluate ``func(**point)`` at every point, on ``executor``; resume from ``out`` if given.

    Parameters
    ----------
    func : top-level function returning a mapping of named real/complex numbers.
    points : list of parameter dicts (e.g. from :func:`grid`).
    executor : any ``concurrent.futures.Executor``; default: a local ``ProcessPoolExecutor``
        with ``max_workers`` (default: all cores), shut down afterwards.
    out : path stem; writes ``.csv``, ``.npz``, ``.json`` and the resume journal.
    """
    from floquetsym.result import provenance

    if not points:
        raise ValueError("points=[] is not allowed: need at least one point")
    name = f"{func.__module__}.{func.__qualname__}"
    keys = [_point_key(name, p) for p in points]
    done: dict[str, dict] = {}
    journal = None
    if out is not None:
        out = Path(out)
        out.parent.mkdir(parents=True, exist_ok=True)
        journal = _sibling(out, ".journal.jsonl")
        if journal.exists():
            for line in journal.read_text().splitlines():
                try:
                    rec = json.loads(line)
                except json.JSONDecodeError:
                    continue  # a line cut by a kill: that point is recomputed
                done[rec["key"]] = rec["row"]
    todo = [i for i, k in enumerate(keys) if k not in done]

    own = executor is None
    if own:
        executor = cf.ProcessPoolExecutor(max_workers=max_workers or os.cpu_count() or 1)
    bar = None
    if progress:
        from tqdm.auto import tqdm
        bar = tqdm(total=len(points), initial=len(points) - len(todo), desc=func.__name__, unit="pt")
    fh = open(journal, "a") if journal is not None else None
    try:
        futures = {executor.submit(func, **points[i]): i for i in todo}
        for fut in cf.as_completed(futures):
            i = futures[fut]
            row = _clean(fut.result())
            done[keys[i]] = row
            if fh is not None:
                fh.write(json.dumps({"key": keys[i], "row": row}) + "\n")
                fh.flush()
                os.fsync(fh.fileno())
            if bar is not None:
                bar.update(1)
    except BaseException:
        for f in futures if "futures" in locals() else ():
            f.cancel()
        raise
    finally:
        if fh is not None:
            fh.close()
        if bar is not None:
            bar.close()
        if own:
            executor.shutdown(wait=True, cancel_futures=True)

    rows = [done[k] for k in keys]
    for r in rows:
        for k, v in r.items():
            if not math.isfinite(v):
                raise ValueError(f"sweep produced a non-finite {k}={v}; see the point's parameters")
    res = SweepResult(points=[dict(p) for p in points], rows=rows,
                      meta={"function": name, "n_points": len(points), **provenance(), **(meta or {})})
    if out is not None:
        atomic_write(_sibling(out, ".csv"), res.to_csv_text().encode())
        cols = {k: res.column(k) for k in list(points[0]) + list(rows[0])}
        buf = io.BytesIO()
        np.savez(buf, **cols)
        atomic_write(_sibling(out, ".npz"), buf.getvalue())
        atomic_write(_sibling(out, ".json"), json.dumps(res.meta | {"points": points}, indent=1).encode())
    return res
