"""Trajectory of a BdG ring run (:mod:`numerics.bdg1d`, Appendix C): the sampled profiles and
per-step slip diagnostics (:class:`BdG1DResult`), the run loop on :func:`numerics.stepping.drive`
with its checkpoints, and the validity checks (time step against the gap, normal state).
"""
from __future__ import annotations

import hashlib
import time as _time
import warnings
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Callable

import numpy as np

from floquetsym.params import require
from floquetsym.result import ConvergenceWarning, provenance

from .bdg1d_static import (PHASE_TOL, SlipTracker, born_rate, phase_defined, uniform_gap,
                           winding_number)
from .stepping import checkpoint_interval, drive, open_checkpoint, write_checkpoint

if TYPE_CHECKING:
    from .bdg1d import BdG1DParams, BdG1DStepper

__all__ = ["BdG1DResult", "DT_PHASE_MAX", "run_stepper"]


@dataclass(frozen=True)
class BdG1DResult:
    """Trajectory of the quench (docs/architecture.md).

    Samples (every ``params.sample_every`` steps, t = 0 included): ``times``, ``delta``
    (n_t × N complex Δ_i(t) = −λ(t)F_i(t); at t = 0 this is λ_f/λ_i times the equilibrium
    gap ``delta_initial``), ``energy``, ``particle_number``, ``winding``, ``mean_abs``,
    ``std_abs``, ``phase_defined`` (False where the ring is normal, mean|Δ_i| <= 1e-12 J: the
    phase is round-off there and ``winding`` is reported as 0).  Per step (central sub-step,
    t + dt/2): ``step_times``, ``step_winding``,
    ``bond_slips`` (bonds whose phase difference crossed ±π in that step), ``net_slips``
    (their signed sum = winding change), ``dips`` (sites newly below the |Δ| threshold),
    ``n_low`` (sites below it), ``min_abs`` (min|Δ_i|/mean|Δ|), ``max_phase_step`` (largest
    per-step change of a bond phase difference: a resolution check, should stay ≪ π),
    ``slip_events`` (k × 3: time, bond i between sites i and i+1, sign = winding change).
    """

    params: BdG1DParams
    disorder: np.ndarray
    delta_initial: np.ndarray
    times: np.ndarray
    delta: np.ndarray
    energy: np.ndarray
    particle_number: np.ndarray
    winding: np.ndarray
    mean_abs: np.ndarray
    std_abs: np.ndarray
    step_times: np.ndarray
    step_winding: np.ndarray
    bond_slips: np.ndarray
    net_slips: np.ndarray
    dips: np.ndarray
    n_low: np.ndarray
    min_abs: np.ndarray
    max_phase_step: np.ndarray
    slip_events: np.ndarray
    phase_defined: np.ndarray
    meta: dict = field(default_factory=dict)

    @property
    def cumulative_slips(self) -> np.ndarray:
        """Cumulative number of bond phase slips (slips + anti-slips) vs ``step_times``."""
        return np.cumsum(self.bond_slips)

    def first_slip_time(self) -> float | None:
        """Time of the first bond phase slip, or None."""
        k = np.flatnonzero(self.bond_slips)
        return float(self.step_times[k[0]]) if k.size else None

    def depleted_sites(self, threshold: float | None = None) -> np.ndarray:
        """Sites whose time-averaged |Δ_i| < threshold·(ring and time average): weak links
        where the phase is ill defined most of the time (default ``params.slip_threshold``)."""
        thr = self.params.slip_threshold if threshold is None else threshold
        a = np.abs(self.delta).mean(axis=0)
        return np.flatnonzero(a < thr * a.mean())

    def slips_outside_depleted(self, threshold: float | None = None) -> np.ndarray:
        """Slip events (rows of ``slip_events``) on bonds touching no depleted site."""
        bad = np.zeros(self.params.n_sites, bool)
        bad[self.depleted_sites(threshold)] = True
        i = self.slip_events[:, 1].astype(int)
        keep = ~(bad[i] | bad[(i + 1) % self.params.n_sites])
        return self.slip_events[keep]

    @property
    def gamma_el(self) -> float:
        return born_rate(float(np.sqrt(12 * np.mean(self.disorder ** 2))), self.params.hopping)

    def summary(self) -> dict:
        e, ne = self.energy, self.particle_number
        post = slice(0, None)
        return {
            "n_sites": self.params.n_sites, "t_max": float(self.times[-1]),
            "total_bond_slips": int(self.bond_slips.sum()),
            "final_winding": int(self.winding[-1]) if self.phase_defined[-1] else None,
            "first_slip_time": self.first_slip_time(),
            "max_n_low": int(self.n_low.max(initial=0)),
            "energy_drift_rel": float(np.max(np.abs(e[post] - e[0])) / abs(e[0])) if e[0] else 0.0,
            "number_drift_rel": float(np.max(np.abs(ne - ne[0])) / abs(ne[0])),
            "max_phase_step": float(self.max_phase_step.max(initial=0.0)),
        }


_SAMPLE_KEYS = ("times", "energy", "particle_number", "winding", "mean_abs", "std_abs")


def _params_key(p: BdG1DParams, u: np.ndarray) -> dict:
    """Header entries that must match to resume: the parameters but ``t_max`` (a finished run
    is extended by a rerun with a longer t_max) and the disorder."""
    params = p.as_dict()
    params.pop("t_max")
    return {"params": params, "disorder_sha256": hashlib.sha256(u.tobytes()).hexdigest()}


#: largest pair-frequency phase 2 max|Δ_i| dt per step before a ConvergenceWarning (measured,
#: N = 32, W = J, t = 2/J against dt = 0.002: Δ(t) errors 0.2 % at 2Δdt ≈ 0.1, 7 % at ≈ 0.5,
#: O(1) at ≈ 5 after the quench λ 1.2 → 100)
DT_PHASE_MAX = 0.5


def _check_pair_phase(p: BdG1DParams, delta_max: float, when: str) -> bool:
    """Warn (ConvergenceWarning) when 2 max|Δ_i| dt > DT_PHASE_MAX; True if it warned."""
    x = 2.0 * delta_max * p.dt
    if x <= DT_PHASE_MAX:
        return False
    warnings.warn(f"bdg1d: dt={p.dt} is too coarse for the gap {when}: 2·max|Δ_i|·dt = {x:.2g} "
                  f"rad per step > {DT_PHASE_MAX} (max|Δ_i| = {delta_max:.3g} J); reduce dt to "
                  f"<= {DT_PHASE_MAX / (2 * delta_max):.2g}", ConvergenceWarning, stacklevel=4)
    return True


def run_stepper(st: BdG1DStepper, *, checkpoint=None, checkpoint_every: int | None = None,
                 resume: bool = True, callback: Callable | None = None,
                 progress: bool = False) -> BdG1DResult:
    p = st.params
    n_steps = p.n_steps
    every = checkpoint_interval(checkpoint_every, checkpoint, 500)
    tracker = SlipTracker(p.slip_threshold)
    samples = {k: [] for k in _SAMPLE_KEYS}
    deltas = []
    key = {"key": _params_key(p, st.disorder)}
    delta_initial = None
    resumed_from = None
    wall0 = _time.perf_counter()
    found = open_checkpoint(checkpoint, key, resume=resume)
    if found is not None:
        arrays, header = found
        require(int(header["n_step"]) <= n_steps, "t_max", p.t_max,
                f">= {int(header['n_step']) * p.dt:g}, the time the checkpoint {checkpoint} has "
                "reached (a run can be extended, not shortened)")
        st.start({"orbitals": arrays["orbitals"]}, t0=0.0)
        st.n_step = int(header["n_step"])
        st.t = st.n_step * p.dt
        st._pending = float(header["pending"])
        tracker.load(arrays)
        samples = {k: list(arrays["s_" + k]) for k in _SAMPLE_KEYS}
        deltas = list(arrays["s_delta"])
        delta_initial = arrays["delta_initial"]
        resumed_from = st.n_step
    elif st.X is None:
        st.start()
    if delta_initial is None:
        eq = st.equilibrium_state
        delta_initial = eq.delta.astype(complex) if eq is not None else -p.lambda_i * st.fields()[1]

    def sample():
        d, f = st.fields()
        lam = st.lam(st.t)
        dl = -lam * f
        a = np.abs(dl)
        deltas.append(dl)
        tol = PHASE_TOL * p.hopping
        w = winding_number(dl, tol=tol) if phase_defined(dl, tol) else 0     # normal: flagged
        for k, v in zip(_SAMPLE_KEYS, (st.t, st.energy(), st.particle_number(), w, a.mean(),
                                       a.std())):
            samples[k].append(v)

    def save():                      # no flush: checkpointing leaves the arithmetic unchanged
        arrays = {"orbitals": st.X, "delta_initial": delta_initial,
                  "s_delta": np.array(deltas).reshape(-1, p.n_sites), **tracker.state()}
        arrays.update({"s_" + k: np.array(v, dtype=float) for k, v in samples.items()})
        write_checkpoint(checkpoint, arrays, key, n_step=st.n_step, pending=st._pending,
                         t_max=p.t_max)

    def unit():
        obs = st.step()
        tracker.update(obs["t_mid"], obs["delta_mid"])
        if st.n_step % p.sample_every == 0 or st.n_step == n_steps:
            sample()

    if st.n_step == 0:
        sample()
        tracker.update(0.0, deltas[0])
    expect = float(np.abs(deltas[0]).max()) if deltas else 0.0     # Δ_i(0⁺) after the quench
    if st.coupling is None:                                          # and the final gap
        expect = max(expect, uniform_gap(p.n_sites, p.hopping, p.lambda_f, p.temperature))
    warned = _check_pair_phase(p, expect, "expected after the quench")
    wall1 = _time.perf_counter()
    drive(unit, total=n_steps, done=st.n_step, save=None if checkpoint is None else save,
          every=every, progress=progress, desc="bdg1d",
          callback=None if callback is None else (lambda: callback(st)))
    st.flush()
    delta_max = float(np.abs(np.array(deltas)).max(initial=0.0))
    if not warned:
        _check_pair_phase(p, delta_max, "reached during the run")
    rows = tracker.arrays()
    if rows.shape[0] and rows[:, 7].max() > 0.9 * np.pi:
        warnings.warn(f"bdg1d: a bond phase difference changed by {rows[:, 7].max():.2f} rad in one "
                      f"step (dt={p.dt}); phase slips may be mis-counted, reduce dt",
                      ConvergenceWarning, stacklevel=3)
    nl = rows[:, 5]
    return BdG1DResult(
        params=p, disorder=st.disorder, delta_initial=np.asarray(delta_initial),
        times=np.array(samples["times"]), delta=np.array(deltas).reshape(-1, p.n_sites),
        energy=np.array(samples["energy"]), particle_number=np.array(samples["particle_number"]),
        winding=np.array(samples["winding"], dtype=int), mean_abs=np.array(samples["mean_abs"]),
        std_abs=np.array(samples["std_abs"]), step_times=rows[:, 0],
        step_winding=rows[:, 1].astype(int), bond_slips=rows[:, 2].astype(int),
        net_slips=rows[:, 3].astype(int), dips=rows[:, 4].astype(int), n_low=nl.astype(int),
        min_abs=rows[:, 6], max_phase_step=rows[:, 7],
        slip_events=np.array(tracker.events, dtype=float).reshape(-1, 3),
        phase_defined=np.array(samples["mean_abs"]) > PHASE_TOL * p.hopping,
        meta={"provenance": provenance(), "resumed_from_step": resumed_from,
              "pair_phase_per_step": 2.0 * delta_max * p.dt,
              "gamma_el_born": p.gamma_el, "wall_start_s": wall1 - wall0,
              "wall_steps_s": _time.perf_counter() - wall1,
              "equilibrium_iterations": getattr(st.equilibrium_state, "n_iter", None),
              "equilibrium_residual": getattr(st.equilibrium_state, "residual", None)})
