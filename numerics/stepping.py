r"""One stepping protocol and one driver for the time-domain solvers of :mod:`numerics`.

Every stepper — :class:`numerics.pseudospin.DrivenDissipative`,
:class:`~numerics.pseudospin.ClosedBCS`, :class:`numerics.bdg1d.BdG1DStepper`,
:class:`numerics.kadanoff_baym.GKBAStepper`, :class:`numerics.kb_full.FullKBStepper` — follows
the same protocol::

    st = Stepper(params, **options)      # frozen parameter dataclasses; an unknown keyword
                                         # is a TypeError naming it
    st.start(state=None, t0=None)        # the model's initial state (None) or a given one,
                                         # at time t0 (None: the model's own start time)
    obs = st.step()                      # one time step; returns a dict of observables at
                                         # the new time (always with "t")
    res = st.run(times=None, *, checkpoint=None, progress=False)   # a result object

and exposes ``st.t`` (current time) and ``st.n`` (steps since :meth:`start`).  ``run``
records the observables at ``times`` (``None``: the grid its parameters define); with
``checkpoint`` (a path) it saves its state atomically every ``checkpoint_every`` units and at
the end, and a rerun with the same arguments resumes from the file, bit-identically.

Writing a new stepper
---------------------
1. Put every number that defines the run in a ``@dataclass(frozen=True, kw_only=True)`` with
   validation in ``__post_init__`` (``floquetsym.params.require``: a ``ValueError`` naming the
   parameter and its range).
2. Implement ``start``/``step`` as above; keep the arithmetic of one step inside ``step``.
3. ``run``: allocate the records, then let :func:`drive` repeat the unit of work (normally
   ``self.step`` plus recording) — it owns the progress bar (tqdm), the BLAS thread limit and
   the checkpoint cadence.  For checkpoints, build a ``key`` (the header entries that must
   match to resume: ``kind``, parameters, solver options) and use :func:`open_checkpoint` /
   :func:`write_checkpoint`; a file of another run is refused with a ``ValueError`` that
   names the first differing field.  Save everything ``step`` reads, so the resumed
   arithmetic is the uninterrupted one.  Leave ``t_max`` out of the key if a finished run may
   be extended to a longer one (the ring and the GKBA do).
4. On a fixed step grid, count the steps with :func:`steps_for` (a ``t_max`` that is not a
   whole number of steps is refused, never truncated) and refuse other ``times`` with
   :func:`fixed_grid_times`.

Example (a stepper of dy/dt = −y with the exact one-step map)::

    >>> import math
    >>> class Decay:
    ...     def __init__(self, dt): self.dt = dt
    ...     def start(self, state=None, t0=None):
    ...         self.y, self.t, self.n = (1.0 if state is None else state), (t0 or 0.0), 0
    ...     def step(self):
    ...         self.y *= math.exp(-self.dt); self.t += self.dt; self.n += 1
    ...         return {"t": self.t, "y": self.y}
    >>> d = Decay(0.1); d.start(); out = []
    >>> drive(lambda: out.append(d.step()["y"]), total=10)
    10
    >>> round(out[-1], 12) == round(math.exp(-1.0), 12)
    True
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Callable

from floquetsym.params import require, require_int
from floquetsym.result import provenance

from .checkpoint import load_checkpoint, save_checkpoint
from .kb_blas import blas_threads

__all__ = ["drive", "checkpoint_interval", "open_checkpoint", "write_checkpoint",
           "first_difference", "steps_for", "fixed_grid_times"]


def steps_for(name: str, span: float, dt: float) -> int:
    """Number of steps of ``dt`` that land exactly on ``span`` (a ValueError naming ``name`` and
    ``dt`` when ``span`` is not a whole number of steps: runs never end silently short)."""
    k = span / dt
    n = int(round(k))
    require(abs(k - n) <= 1e-9 * max(1.0, k), name, span,
            f"a whole multiple of dt={dt!r} (it is {k:.6g} steps); the run would not end at "
            f"{name}")
    return n


def fixed_grid_times(times, t0: float | None, start: float, name: str) -> None:
    """Steppers on a fixed step grid take it from their parameters: ``times`` must be None
    and ``t0`` None or the grid's start (a ValueError naming the argument otherwise)."""
    require(times is None, "times", "an array",
            f"None for {name} (its times are the step grid of its parameters: set t_max, dt)")
    require(t0 is None or abs(t0 - start) <= 1e-12 * max(1.0, abs(start)), "t0", t0,
            f"None or {start:g} (the start of the grid of {name})")


def checkpoint_interval(every, checkpoint, default: int) -> int | None:
    """Validated checkpoint cadence: ``every`` (>= 1), else ``default`` when a file is given."""
    if every is not None:
        return require_int("checkpoint_every", every, lo=1)
    return default if checkpoint is not None else None


def first_difference(got, want, prefix: str = "") -> str | None:
    """Dotted name and both values of the first field where ``got`` differs from ``want``
    (``want`` compared after a JSON round trip, as it is stored); None when they agree."""
    want = json.loads(json.dumps(want))
    if isinstance(want, dict) and isinstance(got, dict):
        for k, v in want.items():
            name = f"{prefix}{k}"
            if k not in got:
                return f"{name} (absent from the file)"
            d = first_difference(got[k], v, name + ".")
            if d is not None:
                return d
        return None
    if got != want:
        return f"{prefix.rstrip('.')} (file: {got!r}, this run: {want!r})"
    return None


def open_checkpoint(path, key: dict, *, resume: bool = True):
    """``(arrays, header)`` of an existing checkpoint of this run, or None (no file, no path,
    or ``resume=False``).  A file of another run (``key`` = the header entries that must
    match) is refused with ``ValueError`` naming ``checkpoint`` and the differing field; a
    corrupted one raises :class:`numerics.checkpoint.CheckpointError`."""
    if path is None or not resume or not Path(path).exists():
        return None
    arrays, header = load_checkpoint(path)
    diff = first_difference(header, key)
    require(diff is None, "checkpoint", str(path),
            f"a file written by this run; its {diff} differs (use another file, or "
            "resume=False to start afresh)")
    return arrays, header


def write_checkpoint(path, arrays: dict, key: dict, **extra) -> Path:
    """Atomically write ``arrays`` with the header ``key`` + ``extra`` + provenance."""
    return save_checkpoint(path, arrays, {**key, **extra, "provenance": provenance()})


def drive(unit: Callable[[], object], *, total: int, done: int = 0,
          save: Callable[[], object] | None = None, every: int | None = None,
          progress: bool = False, desc: str | None = None, threads: int | None = None,
          callback: Callable[[], object] | None = None) -> int:
    """Repeat ``unit()`` for the units ``done .. total-1`` (a unit is one step, or one sample
    interval for steppers sampled at arbitrary times); returns ``total``.

    ``save()`` runs after every unit whose count is a multiple of ``every`` and after the
    last unit (when that was not already a save point); ``callback()`` after every unit (and
    after the save).  ``progress``: a tqdm bar counting units; ``threads``: BLAS threads
    during the loop (``None``: unchanged).  An exception from ``unit`` (KeyboardInterrupt
    included) propagates; the last saved file is then intact (atomic writes).
    """
    if save is not None:
        every = require_int("checkpoint_every", every, lo=1)
    bar = None
    if progress:
        from tqdm.auto import tqdm
        bar = tqdm(total=total, initial=done, desc=desc, unit="step", leave=False)
    saved = done
    try:
        with blas_threads(threads):
            for k in range(done, total):
                unit()
                if save is not None and (k + 1) % every == 0:
                    save()
                    saved = k + 1
                if bar is not None:
                    bar.update(1)
                if callback is not None:
                    callback()
    finally:
        if bar is not None:
            bar.close()
    if save is not None and saved != total:
        save()                       # the final state: a rerun returns at once
    return total
