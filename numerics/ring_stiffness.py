r"""Superfluid stiffness n_s(t) of the disordered BdG ring itself, from its current response to a flux.

**Definition** (paper Eqs. 7–8 on the lattice).  A static vector potential A on every bond
(hopping J e^{±iA}, i.e. a flux Φ = N A through the ring) is present from the initial thermal
state on, as in Eqs. (7, 8) where A is static and the Green's functions are those of the A → 0
history.  The uniform current density j̄(t) = N⁻¹Σ_i j_i(t),
j_i = −⟨∂H/∂A_i⟩ = 2J Im(e^{iA_i}χ_i) (:mod:`numerics.bdg1d_batch`), defines

    n_s(t) = −∂j̄(t)/∂A |_{A→0} ≈ −N [j̄_{+Φ}(t) − j̄_{−Φ}(t)] / (2Φ)   (London j = −n_s A, m = 1),

the diamagnetic term ⟨−∂²H/∂A²⟩/N = −K/N (K: hopping energy) minus the paramagnetic
current–current response, evaluated by running three copies of each disorder sample
(Φ = 0, ±Φ) through the same quench with the self-consistent Δ_i(t) of each (the phase of Δ
adjusts, so vertex corrections are included and the response is gauge invariant).
Per site and both spins; the density of the half-filled ring is n = 1.

**Checks** (``tests/test_ring.py``): (i) in equilibrium it equals N·∂²E/∂Φ² of the
self-consistent twisted ground state (finite differences, T = 0); (ii) on the clean ring it
equals the BCS lattice formula (:func:`clean_stiffness`)
n_s = N⁻¹Σ_k [ξ_k²/E_k tanh(E_k/2T) − v_k² (1/2T) sech²(E_k/2T)], ξ_k = 2J cos k,
v_k = −2J sin k, at every T; (iii) on the clean ring after a quench the flux only adds the
commuting τ0 term −2J sin k sin A to h_k, so n_s(t) = −K(t)/N − P_T with P_T the (conserved)
thermal paramagnetic part: a closed form for the *dynamical* response.

**Validity.**  Linear response requires Φ ≪ π/2 and a non-chaotic evolution: once phase slips
appear, neighbouring trajectories separate exponentially and the ±Φ copies stop being a
linear perturbation of the Φ = 0 one.  :attr:`StiffnessResult.nonlinearity` =
|j̄₊ + j̄₋ − 2j̄₀| / |j̄₊ − j̄₋| (O(Φ²) while linear) flags that; n_s is reported only where it
is < 0.1 (:meth:`StiffnessResult.valid`).
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from floquetsym.params import require, require_finite, require_int

from .bdg1d import BdG1DParams
from .bdg1d_batch import BatchStepper
from .bdg1d_static import SlipTracker, uniform_gap

__all__ = ["clean_stiffness", "equilibrium_stiffness", "StiffnessResult", "run_stiffness"]


def clean_stiffness(n_sites: int, hopping: float, lam: float, temperature: float = 0.0) -> float:
    """BCS n_s of the clean ring (diamagnetic − paramagnetic, k-sum, both spins, per site)."""
    k = 2 * np.pi * np.arange(n_sites) / n_sites
    xi, v = 2 * hopping * np.cos(k), -2 * hopping * np.sin(k)
    d = uniform_gap(n_sites, hopping, lam, temperature)
    e = np.sqrt(xi ** 2 + d ** 2)
    if temperature == 0:
        return float(np.mean(np.divide(xi ** 2, e, out=np.abs(xi), where=e > 0)))
    x = e / (2 * temperature)
    return float(np.mean(xi ** 2 / e * np.tanh(x) - v ** 2 / (2 * temperature) / np.cosh(x) ** 2))


def equilibrium_stiffness(params: BdG1DParams, *, seeds=(0,), flux: float = 0.02,
                          twist_rtol: float = 1e-8) -> np.ndarray:
    """n_s of the thermal self-consistent state at λ_i, per seed, from the ±Φ twisted states."""
    S = len(seeds)
    st = BatchStepper(params, seeds=np.repeat(seeds, 2), fluxes=np.tile([flux, -flux], S),
                      twist_rtol=twist_rtol)
    st.start()
    j = st.mean_current().reshape(S, 2)
    return -params.n_sites * (j[:, 0] - j[:, 1]) / (2 * flux)


@dataclass(frozen=True)
class StiffnessResult:
    """n_s(t) per seed after the quench, with slip statistics of the Φ = 0 copies.

    ``times`` (n_t,), ``ns`` (S, n_t), ``nonlinearity`` (S, n_t), ``kinetic`` (S, n_t) hopping
    energy per site of the Φ = 0 copy, ``mean_abs`` (S, n_t) mean|Δ_i|, ``energy_drift`` (S,),
    ``slip_events`` list of (k, 3) arrays (time, bond, sign) of the Φ = 0 copy of each seed,
    ``ns_initial`` (S,) n_s of the start.
    """

    params: BdG1DParams
    seeds: tuple
    flux: float
    times: np.ndarray
    ns: np.ndarray
    nonlinearity: np.ndarray
    kinetic: np.ndarray
    mean_abs: np.ndarray
    energy_drift: np.ndarray
    slip_events: list
    ns_initial: np.ndarray
    meta: dict = field(default_factory=dict)

    def valid(self, limit: float = 0.1) -> np.ndarray:
        """Mask (S, n_t): linear response holds from t = 0 up to this sample."""
        bad = np.maximum.accumulate(self.nonlinearity > limit, axis=1)
        return ~bad

    def t_linear(self, limit: float = 0.1) -> np.ndarray:
        """Per seed: last time at which the response is still linear."""
        v = self.valid(limit)
        return np.array([self.times[np.flatnonzero(r)[-1]] if r.any() else np.nan for r in v])

    def t_negative(self, limit: float = 0.1) -> np.ndarray:
        """Per seed: first time n_s < 0 within the linear window (NaN if none)."""
        v = self.valid(limit)
        out = np.full(len(self.seeds), np.nan)
        for s in range(len(self.seeds)):
            k = np.flatnonzero(v[s] & (self.ns[s] < 0))
            if k.size:
                out[s] = self.times[k[0]]
        return out

    def t_first_slip(self) -> np.ndarray:
        return np.array([ev[0, 0] if len(ev) else np.nan for ev in self.slip_events])

    def slip_counts(self, t_edges) -> np.ndarray:
        """(S, len(t_edges) − 1) bond slips per window."""
        return np.array([np.histogram(ev[:, 0] if len(ev) else [], bins=t_edges)[0]
                         for ev in self.slip_events])

    def seed_mean(self, limit: float = 0.1):
        """(mean, standard error, count) of n_s over the seeds still linear at each time."""
        v = self.valid(limit)
        cnt = v.sum(axis=0)
        x = np.where(v, self.ns, 0.0)
        mean = np.divide(x.sum(axis=0), cnt, out=np.full(cnt.shape, np.nan), where=cnt > 0)
        var = np.where(v, (self.ns - mean) ** 2, 0.0).sum(axis=0)
        sem = np.sqrt(np.divide(var, cnt * (cnt - 1), out=np.full(cnt.shape, np.nan),
                                where=cnt > 1))
        return mean, sem, cnt


def run_stiffness(params: BdG1DParams, *, seeds=(0, 1, 2, 3, 4, 5, 6, 7), flux: float = 0.02,
                  sample_every: int | None = None, phase_noise: float = 0.0,
                  checkpoint=None, checkpoint_every: int = 400, twist_rtol: float = 1e-4,
                  progress: bool = False) -> StiffnessResult:
    """Quench ``params`` for every seed with the copies Φ = 0, ±``flux``; n_s(t) and slips.

    All 3S rings are advanced together (:class:`numerics.bdg1d_batch.BatchStepper`); slips
    are detected at every step.  ``twist_rtol``: accuracy of the twisted starts relative to
    their O(Φ) part (:class:`numerics.bdg1d_batch.BatchStepper`; 1e-4 puts a ~1e-4 relative
    error on n_s and a non-stationarity of that size before the quench).  ``checkpoint``: an ``.npz`` path, written every
    ``checkpoint_every`` steps and at the end; a rerun resumes from it (same parameters).
    """
    from tqdm.auto import tqdm

    from .checkpoint import load_checkpoint, save_checkpoint
    flux = require_finite("flux", flux)
    require(0 < abs(flux) < 0.5, "flux", flux, "in (0, 0.5) (linear response)")
    seeds = tuple(int(s) for s in seeds)
    require(len(seeds) >= 1, "seeds", seeds, "non-empty")
    every = sample_every or params.sample_every
    every = require_int("sample_every", every, lo=1)
    S = len(seeds)
    st = BatchStepper(params, seeds=np.repeat(seeds, 3), fluxes=np.tile([0.0, flux, -flux], S),
                      phase_noise=phase_noise, noise_seeds=np.repeat(seeds, 3),
                      twist_rtol=twist_rtol)
    trackers = [SlipTracker(params.slip_threshold) for _ in range(S)]
    rec = {k: [] for k in ("t", "j", "kin", "abs", "e", "ne")}
    key = {"params": params.as_dict(), "seeds": list(seeds), "flux": flux, "every": every,
           "noise": phase_noise, "twist_rtol": twist_rtol}
    key_hash = hashlib.sha256(repr(key).encode()).hexdigest()
    if checkpoint is not None and Path(checkpoint).exists():
        arrays, header = load_checkpoint(checkpoint)
        require(header.get("key") == key_hash, "checkpoint", str(checkpoint),
                "written by a run with the same parameters")
        st.start({"orbitals": arrays["orbitals"]})
        st.n_step, st._pending = int(header["n_step"]), float(header["pending"])
        st.t = st.n_step * params.dt
        for k in rec:
            rec[k] = list(arrays["r_" + k])
        for s, tr in enumerate(trackers):
            tr.load({n[len(f"k{s}_"):]: v for n, v in arrays.items() if n.startswith(f"k{s}_")})
    else:
        st.start()

    def sample():
        d, f = st.fields()
        rec["t"].append(st.t)
        rec["j"].append(st.mean_current())
        rec["kin"].append(st.kinetic_energy() / params.n_sites)
        rec["abs"].append(np.abs(st.lam(st.t)[:, None] * f).mean(axis=1))
        rec["e"].append(st.energy())
        rec["ne"].append(st.particle_number())

    def save():
        arrays = {"orbitals": st.X, **{"r_" + k: np.array(v) for k, v in rec.items()}}
        for s, tr in enumerate(trackers):
            arrays.update({f"k{s}_{n}": v for n, v in tr.state().items()})
        save_checkpoint(checkpoint, arrays, {"key": key_hash, "n_step": st.n_step,
                                             "pending": st._pending})

    if st.n_step == 0:
        sample()
        dl = st.delta()
        for s, tr in enumerate(trackers):
            tr.update(0.0, dl[3 * s])
    n_steps = params.n_steps
    bar = tqdm(total=n_steps, initial=st.n_step, disable=not progress, desc="ring n_s", leave=False)
    while st.n_step < n_steps:
        st.advance(1)
        t_mid, _, f, lam = st.last_mid
        for s, tr in enumerate(trackers):
            tr.update(t_mid, -lam[3 * s, 0] * f[3 * s])
        if st.n_step % every == 0 or st.n_step == n_steps:
            sample()
        if checkpoint is not None and st.n_step % checkpoint_every == 0:
            save()
        bar.update(1)
    bar.close()
    if checkpoint is not None:
        save()
    j = np.array(rec["j"]).reshape(-1, S, 3)
    A = flux / params.n_sites
    odd = j[:, :, 1] - j[:, :, 2]
    ns = -odd / (2 * A)
    nonlin = np.abs(j[:, :, 1] + j[:, :, 2] - 2 * j[:, :, 0]) / np.maximum(np.abs(odd), 1e-300)
    e = np.array(rec["e"]).reshape(-1, S, 3)[:, :, 0]
    return StiffnessResult(
        params=params, seeds=seeds, flux=flux, times=np.array(rec["t"]), ns=ns.T,
        nonlinearity=nonlin.T, kinetic=np.array(rec["kin"]).reshape(-1, S, 3)[:, :, 0].T,
        mean_abs=np.array(rec["abs"]).reshape(-1, S, 3)[:, :, 0].T,
        energy_drift=np.max(np.abs(e - e[0]), axis=0) / np.abs(e[0]),
        slip_events=[np.array(tr.events, dtype=float).reshape(-1, 3) for tr in trackers],
        ns_initial=ns[0], meta={"start_info": st.start_info[::3]})
