"""Checkpoint/resume of the GKBA quench solver (:class:`numerics.kadanoff_baym.GKBAStepper`).

A checkpoint (:mod:`numerics.checkpoint`: atomic ``.npz``, JSON header, sha256-verified) holds
everything :meth:`GKBAStepper.step` reads or writes:

* arrays: the propagator ``U``, ``rho``, ``eta``, the collision terms ``C``, ``D`` of the last
  step, the rows 0..n of the histories ``Ud``, ``Xl``, ``Z`` (rows > n are never read, so a
  file holds (n+1)/N_t of the history; absent without scattering), Δ(t) and the observables
  at steps 0..n, and the running self-consistency residual;
* header: a format key, the :class:`KBParams` (``p.as_dict()``), the solver options
  (``with_ns``, ``correctors``, ``endpoint_iters``) and the step index ``n``.

Everything but ``t_max`` must match to resume, so a finished run is *extended* by rerunning it
with a longer t_max and the same file (a shorter t_max is refused).  Without phonons the
extension is bit-identical to a single run to the longer t_max; with phonons the bath kernel's
quadrature (its node count grows with t_max) differs between the two runs, so the extension
agrees with the single long run to the kernel error ``meta["kernel_error"]`` (rounding level).

Band, bath kernel and ramp are rebuilt from the parameters, which are recomputed bit for bit,
so a resumed run is bit-identical to an uninterrupted one.  Loading a checkpoint of other
parameters or options raises ``ValueError`` naming ``checkpoint``; a corrupted or truncated file
raises :class:`numerics.checkpoint.CheckpointError`.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np

from floquetsym.params import require

from .checkpoint import CheckpointError
from .stepping import first_difference, open_checkpoint, write_checkpoint

__all__ = ["KIND", "DEFAULT_EVERY", "solver_key", "match_key", "gkba_state",
           "load_gkba_state", "resume", "save_state"]

KIND = "numerics.kadanoff_baym.GKBAStepper/1"
DEFAULT_EVERY = 500
_NOW = ("U", "rho", "eta", "C", "D")
_HIST = ("Ud", "Xl", "Z")


def solver_key(st) -> dict:
    """Header entries that identify the run of ``st`` (kind, params, solver options)."""
    return {"kind": KIND, "params": st.p.as_dict(),
            "options": {"with_ns": bool(st.with_ns), "correctors": int(st.correctors),
                        "endpoint_iters": int(st.endpoint_iters)}}


def match_key(st) -> dict:
    """The entries of :func:`solver_key` that must match to resume: all but ``t_max``, so a
    finished run continues to a longer t_max (an extension)."""
    key = solver_key(st)
    key["params"].pop("t_max")
    return key


def gkba_state(st) -> tuple[dict, dict]:
    """``(arrays, header)`` of the stepper at step ``st.n`` (views, not copies)."""
    n = st.n
    arrays = {k: getattr(st, k) for k in _NOW}
    arrays["delta"] = st.delta[:n + 1]
    arrays["sc_residual"] = np.array(st.sc_residual, dtype=float)
    arrays.update({"obs_" + k: v[:n + 1] for k, v in st.obs.items()})
    if st.scattering:
        arrays.update({k: getattr(st, k)[:n + 1] for k in _HIST if getattr(st, k) is not None})
    return arrays, {**solver_key(st), "n": n}


def load_gkba_state(st, arrays: dict, header: dict, *, source: str = "state") -> None:
    """Restore ``st`` to the step of ``(arrays, header)`` written by :func:`gkba_state`."""
    diff = first_difference(header, match_key(st))
    require(diff is None, "checkpoint", source,
            f"written by a GKBA run with the same params and solver options; its {diff} differs")
    n = header.get("n")
    require(isinstance(n, int) and n >= 0, "checkpoint", source,
            f"with a step index n >= 0 (header n={n!r})")
    p = st.p
    require(n < st.S, "t_max", p.t_max, f">= {(n - p.n_prep) * p.dt:g}, the time the checkpoint "
            f"{source} has reached (a run can be extended, not shortened)")
    st.start()                                          # allocates every array of the run
    hist = [k for k in _HIST if st.scattering and getattr(st, k) is not None]
    want = {k: getattr(st, k).shape for k in _NOW}
    want.update({"delta": (n + 1,), "sc_residual": ()})
    want.update({"obs_" + k: (n + 1,) for k in st.obs})
    want.update({k: (n + 1,) + getattr(st, k).shape[1:] for k in hist})
    got = {k: np.shape(arrays[k]) for k in arrays}
    if got != want:
        raise CheckpointError(f"{source}: arrays {got} do not match the run's {want}")
    for k in _NOW:
        setattr(st, k, np.array(arrays[k], dtype=complex))
    for k in hist:
        getattr(st, k)[:n + 1] = arrays[k]
    st.delta[:n + 1] = arrays["delta"]
    for k, v in st.obs.items():
        v[:n + 1] = arrays["obs_" + k]
    st.sc_residual = float(arrays["sc_residual"])
    st.n = n


def resume(st, checkpoint, resume: bool = True) -> int | None:
    """Restore ``st`` from ``checkpoint`` when it exists (and ``resume``); return the step it
    continues from, or None for a fresh start (:func:`numerics.stepping.open_checkpoint`)."""
    found = open_checkpoint(checkpoint, match_key(st), resume=resume)
    if found is None:
        return None
    load_gkba_state(st, *found, source=str(checkpoint))
    return st.n


def save_state(st, checkpoint) -> Path:
    """Write the stepper's state atomically to ``checkpoint``."""
    arrays, header = gkba_state(st)
    return write_checkpoint(checkpoint, arrays, header)
