"""Parameter sweeps over any ``concurrent.futures.Executor`` (docs/architecture.md), with resume.

A sweep evaluates a top-level (picklable) function ``func(**point) -> dict[str, float]`` at
every point of a list of parameter dicts.  Points run on the executor you pass — a
``ThreadPoolExecutor``, a ``ProcessPoolExecutor`` (the default, ``max_workers`` processes,
one per core unless given) or a ``dask.distributed`` client's ``client.get_executor()`` — and
the numbers do not depend on which: results are stored by point index, never by completion
order.  Worker processes of the default pool exit by themselves within about a second when
the process that started them dies (even by SIGKILL).

With ``out=`` every finished point is appended (and fsync'ed) to ``<out>.journal.jsonl``; an
interrupted sweep (Ctrl-C, a killed process, a failing point) rerun with the same arguments
skips the finished points and writes the same ``<out>.csv``, ``<out>.npz`` byte for byte, plus
a JSON sidecar ``<out>.json`` with the sweep's parameters, the package version and the git
revision.

**Resume keys.** The journal starts with a header naming the function; each record carries
``key`` (a hash of the function name and the point's parameters) and ``code`` (a hash of the
source of the code that computed it: :func:`code_hash`).  A record is reused only when both
match.  Records computed by other code, a journal written by another function, and a line that
is JSON but not a record are refused with a ``ValueError`` naming the field and the line;
``force=True`` (``--force`` on the command line) discards such records and recomputes.  Only
the last line may be cut short (a kill during a write): it is dropped and recomputed.
"""
from __future__ import annotations

import concurrent.futures as cf
import csv
import hashlib
import importlib.util
import io
import json
import math
import os
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Mapping

import numpy as np

from floquetsym._io import atomic_write

__all__ = ["SweepResult", "sweep", "grid", "parse_range", "code_hash", "JOURNAL_FORMAT"]

#: most points of one range or grid (a mistyped 'a:b:100000000' is refused, not run)
MAX_POINTS = 1_000_000
#: version of the journal layout (header line + records with key, code, row)
JOURNAL_FORMAT = 2


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
            if not 1 <= n <= MAX_POINTS:
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
                         f"'a:b:n:log' (a, b > 0 for log, 1 <= n <= {MAX_POINTS})") from None
    if not np.all(np.isfinite(vals)):
        raise ValueError(f"range {text!r} is not allowed: values must be finite")
    return vals


def grid(**axes: Iterable) -> list[dict]:
    """Cartesian product of the named axes, last axis fastest; scalars are fixed values."""
    names = list(axes)
    values = [np.atleast_1d(np.asarray(v, dtype=float)).tolist() for v in axes.values()]
    total = math.prod(len(v) for v in values)
    if total > MAX_POINTS:
        raise ValueError(f"grid of {total} points is not allowed: need at most {MAX_POINTS} "
                         f"points ({' x '.join(f'{n}={len(v)}' for n, v in zip(names, values))})")
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

    def keys(self) -> list[str]:
        """Every point and row field, in first-seen order (points may differ in their fields:
        a field a point lacks is NaN in a numeric column and empty in a text one)."""
        out: dict = {}
        for d in (*self.points, *self.rows):
            out.update(dict.fromkeys(d))
        return list(out)

    def column(self, name: str) -> np.ndarray:
        vals = [(p | r).get(name) for p, r in zip(self.points, self.rows)]
        if all(v is None or _is_number(v) for v in vals):
            return np.array([np.nan if v is None else v for v in vals], dtype=float)
        return np.array(["" if v is None else v for v in vals])

    def to_csv_text(self) -> str:
        keys = self.keys()
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\n")
        w.writerow(keys)
        for p, r in zip(self.points, self.rows):
            d = p | r
            w.writerow([repr(float(d[k])) if _is_number(d.get(k)) else d.get(k, "") for k in keys])
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


def _module_file(name: str) -> Path | None:
    try:
        spec = importlib.util.find_spec(name)
    except (ImportError, ValueError):
        return None
    return Path(spec.origin) if spec is not None and spec.origin and spec.origin.endswith(".py") else None


def code_hash(func: Callable) -> str:
    """sha256 of the source of the code behind ``func``: its module's file and every module of
    the library it belongs to (for ``floquetsym``: the package without its application layer,
    whose other modules do not compute points; for ``numerics``: the ``numerics`` package and
    the ``floquetsym`` base).  Any edit there changes the hash, so a resumed sweep never mixes
    points computed by different code.  For a function without a source file (e.g. defined
    interactively) the hash covers its qualified name and byte code."""
    files: set[Path] = set()
    own = _module_file(func.__module__)
    if own is not None:
        files.add(own)
    top = func.__module__.split(".")[0]
    roots = {"floquetsym": ["floquetsym"], "numerics": ["numerics", "floquetsym"]}.get(top, [])
    for pkg in roots:
        init = _module_file(pkg)
        if init is None:
            continue
        folder = init.parent
        if pkg == "floquetsym":
            files.update(f for f in folder.glob("*.py"))          # library, not floquetsym/app
        else:
            files.update(folder.rglob("*.py"))
    h = hashlib.sha256()
    for f in sorted(files):
        h.update(f.name.encode() + b"\0" + f.read_bytes() + b"\0")
    if own is None:
        code = getattr(func, "__code__", None)
        h.update(f"{func.__module__}.{func.__qualname__}".encode())
        if code is not None:
            h.update(code.co_code)
    return h.hexdigest()[:32]


def _refuse(journal: Path, lineno: int | None, what: str) -> ValueError:
    where = f"{journal}" + (f" line {lineno}" if lineno else "")
    return ValueError(f"journal {where}: {what}; rerun with force=True (command line: --force) "
                      f"to discard it and recompute, or choose another --out")


def _read_journal(journal: Path, name: str, code: str, force: bool) -> tuple[dict, bool]:
    """Finished rows by key from ``journal``, and whether the file must be rewritten."""
    data = journal.read_bytes()
    lines = data.split(b"\n")
    rewrite = False
    if lines and lines[-1] == b"":
        lines.pop()
    elif lines:                       # no final newline: the last write was cut by a kill
        try:
            json.loads(lines[-1])
            complete = True
        except ValueError:
            complete = False
        if not complete:
            lines.pop()
        rewrite = True
    done: dict[str, dict] = {}
    header_seen = False
    for n, raw in enumerate(lines, start=1):
        try:
            rec = json.loads(raw)
        except ValueError:
            if force:
                rewrite = True
                continue
            raise _refuse(journal, n, "is not JSON (a corrupt journal)") from None
        try:
            if not isinstance(rec, dict):
                raise _refuse(journal, n, f"is JSON {type(rec).__name__}, not a sweep record")
            if "journal" in rec:
                if n != 1 or rec.get("journal") != "floquetsym-sweep":
                    raise _refuse(journal, n, f"field 'journal' = {rec.get('journal')!r} is not "
                                              "a floquetsym sweep header on line 1")
                if rec.get("function") != name:
                    raise _refuse(journal, n, f"field 'function' = {rec.get('function')!r}: the "
                                              f"journal belongs to another sweep (this one runs {name})")
                header_seen = True
                continue
            for fld in ("key", "code", "row"):
                if fld not in rec:
                    older = ", or a journal of an older floquetsym" if fld == "code" else ""
                    raise _refuse(journal, n, f"field {fld!r} is missing (not a sweep record{older})")
            if not isinstance(rec["key"], str):
                raise _refuse(journal, n, f"field 'key' = {rec['key']!r} is not a string")
            row = rec["row"]
            if not isinstance(row, dict) or not all(
                    isinstance(v, (int, float)) and not isinstance(v, bool) for v in row.values()):
                raise _refuse(journal, n, "field 'row' is not a mapping of names to numbers")
            if rec["code"] != code:
                raise _refuse(journal, n, f"field 'code' = {str(rec['code'])[:12]}… differs from "
                                          f"the current code {code[:12]}…: this point was computed "
                                          "by a different version of the code")
        except ValueError:
            if not force:
                raise
            rewrite = True
            continue
        done[rec["key"]] = {k: float(v) for k, v in row.items()}
    if not header_seen and lines:
        rewrite = True
    return done, rewrite


def _journal_text(name: str, code: str, records) -> str:
    out = [json.dumps({"journal": "floquetsym-sweep", "format": JOURNAL_FORMAT, "function": name,
                       "code": code})]
    out += [json.dumps({"key": k, "code": code, "row": r}) for k, r in records]
    return "\n".join(out) + "\n"


def _watch_parent(parent: int, period: float = 0.5) -> None:
    """Exit this worker as soon as its parent is gone (the parent's pid is no longer our ppid)."""
    while True:
        if os.getppid() != parent:
            os._exit(1)
        time.sleep(period)


def _worker_init(parent: int) -> None:
    """Initializer of the default pool's workers: parent-death check (any platform with
    getppid), plus the kernel's parent-death signal where Linux offers it.  Ctrl-C reaches
    the whole foreground process group: workers ignore it and the parent, which handles it,
    cancels the remaining points."""
    import signal
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if sys.platform.startswith("linux"):
        try:
            import ctypes
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(1, int(signal.SIGKILL), 0, 0, 0)          # PR_SET_PDEATHSIG
        except (OSError, AttributeError):
            pass
    if os.getppid() != parent:
        os._exit(1)
    threading.Thread(target=_watch_parent, args=(parent,), daemon=True,
                     name="floquetsym-parent-watch").start()


def sweep(func: Callable[..., Mapping], points: list[dict], *, executor: cf.Executor | None = None,
          out: str | Path | None = None, progress: bool = False, max_workers: int | None = None,
          meta: Mapping | None = None, force: bool = False, code: str | None = None) -> SweepResult:
    """Evaluate ``func(**point)`` at every point, on ``executor``; resume from ``out`` if given.

    Parameters
    ----------
    func : top-level function returning a mapping of named real/complex numbers.
    points : list of parameter dicts (e.g. from :func:`grid`).
    executor : any ``concurrent.futures.Executor``; default: a local ``ProcessPoolExecutor``
        with ``max_workers`` processes (default: one per core), shut down afterwards; its
        workers exit when this process dies.
    out : path stem; writes ``.csv``, ``.npz``, ``.json`` and the resume journal.
    force : discard journal records that cannot be reused (other code, corrupt or foreign
        lines) instead of refusing with a ``ValueError``.
    code : the code identity recorded with each point (default :func:`code_hash` of ``func``).
    """
    from floquetsym.result import provenance

    if not points:
        raise ValueError("points=[] is not allowed: need at least one point")
    if max_workers is not None and (isinstance(max_workers, bool) or not isinstance(max_workers, int)
                                    or max_workers < 1):
        raise ValueError(f"max_workers={max_workers!r} is not allowed: need an integer >= 1")
    name = f"{func.__module__}.{func.__qualname__}"
    code = code or code_hash(func)
    keys = [_point_key(name, p) for p in points]
    done: dict[str, dict] = {}
    journal = None
    if out is not None:
        out = Path(out)
        out.parent.mkdir(parents=True, exist_ok=True)
        journal = _sibling(out, ".journal.jsonl")
        rewrite = True
        if journal.exists():
            done, rewrite = _read_journal(journal, name, code, force)
        if rewrite:
            atomic_write(journal, _journal_text(name, code, done.items()))
    todo = [i for i, k in enumerate(keys) if k not in done]

    own = executor is None
    if own and todo:
        executor = cf.ProcessPoolExecutor(max_workers=max_workers or os.cpu_count() or 1,
                                          initializer=_worker_init, initargs=(os.getpid(),))
    bar = None
    if progress:
        from tqdm.auto import tqdm
        bar = tqdm(total=len(points), initial=len(points) - len(todo), desc=func.__name__, unit="pt")
    fh = open(journal, "a") if journal is not None else None
    futures: dict = {}
    interrupted = False
    try:
        futures = {executor.submit(func, **points[i]): i for i in todo}
        for fut in cf.as_completed(futures):
            i = futures[fut]
            row = _clean(fut.result())
            done[keys[i]] = row
            if fh is not None:
                fh.write(json.dumps({"key": keys[i], "code": code, "row": row}) + "\n")
                fh.flush()
                os.fsync(fh.fileno())
            if bar is not None:
                bar.update(1)
    except BaseException:
        interrupted = True
        for f in futures:
            f.cancel()
        raise
    finally:
        if fh is not None:
            fh.close()
        if bar is not None:
            bar.close()
        if own and todo:     # after an interruption, do not wait for the running points
            executor.shutdown(wait=not interrupted, cancel_futures=True)

    rows = [done[k] for k in keys]
    for r in rows:
        for k, v in r.items():
            if not math.isfinite(v):
                raise ValueError(f"sweep produced a non-finite {k}={v}; see the point's parameters")
    res = SweepResult(points=[dict(p) for p in points], rows=rows,
                      meta={"function": name, "code": code, "n_points": len(points), **provenance(),
                            **(meta or {})})
    if out is not None:
        atomic_write(_sibling(out, ".csv"), res.to_csv_text().encode())
        cols = {k: res.column(k) for k in res.keys()}
        buf = io.BytesIO()
        np.savez(buf, **cols)
        atomic_write(_sibling(out, ".npz"), buf.getvalue())
        atomic_write(_sibling(out, ".json"), json.dumps(res.meta | {"points": points}, indent=1).encode())
    return res
