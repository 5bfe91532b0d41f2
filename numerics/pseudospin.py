r"""Uniform BdG (Anderson pseudospin) dynamics on a ξ grid: the time-domain side of App. D.

Model (ħ = 1, energies in units of the user's Δ).  One pair (k↑, −k↓) per ξ, Nambu spinor
ψ = (c_{k↑}, c†_{−k↓}) (docs/conventions.md), BdG Hamiltonian

.. math:: h_\xi(t) = \xi\tau_3 + \mathrm{Re}\,\Delta(t)\,\tau_1 - \mathrm{Im}\,\Delta(t)\,\tau_2
          = \mathbf b_\xi\cdot\boldsymbol\tau,\qquad \mathbf b_\xi = (\mathrm{Re}\Delta, -\mathrm{Im}\Delta, \xi).

Each ξ carries the 2×2 density matrix :math:`\rho_{ij} = \langle\psi_j^\dagger\psi_i\rangle
= \tfrac12(1 + \mathbf S\cdot\boldsymbol\tau)` (trace 1 in the paired sector), stored as the
Bloch (pseudospin) vector S; :math:`i\dot\rho = [h,\rho]` is :math:`\dot{\mathbf S} = 2\mathbf b\times\mathbf S`.
:math:`S_z = n_\xi - 1`, :math:`\rho_{12} = \langle c_{-k\downarrow}c_{k\uparrow}\rangle = (S_x - iS_y)/2`.
The ground state of a static h is :math:`\mathbf S = -\mathbf b/|\mathbf b|`; the pair-excited state
(|1_k 1_{−k}⟩ of Appendix D, two Bogoliubov quasiparticles) is :math:`+\mathbf b/|\mathbf b|`, so the
number of excited quasiparticles at ξ is :math:`N_\xi = 2p_e = 1 + \mathbf S\cdot\hat{\mathbf b}_0`
and :math:`N_{ex}/\nu_0 = \sum_\xi w_\xi N_\xi` (w = quadrature weights in ξ).

Mode A, :class:`DrivenDissipative` — Δ(t) = Δ + θ cos ω0t imposed, relaxation toward the
static ground state :math:`-\hat{\mathbf b}_0`, :math:`\mathbf b_0 = (\Delta, 0, \xi)`, in the static
eigenbasis: the longitudinal part :math:`S_\parallel = \mathbf S\cdot\hat{\mathbf b}_0` relaxes to −1 at
Γ1 (populations), the transverse part decays at Γ2 (coherences = the pair amplitude a of
App. D).  **Mapping to the γ of Eq. (D1)**: D1 damps the *amplitude* as e^{−γ(t−s)}, so
``relaxation="amplitude"`` (default) sets Γ2 = γ, Γ1 = 2γ (the amplitude-damping channel);
``"uniform"`` sets Γ1 = Γ2 = γ (ρ → ρ_gs at rate γ).  To O(θ²) the steady state is
:math:`N_\xi = (2\Gamma_2/\Gamma_1)\cdot\tfrac14\cdot[\text{D1 summand}]` plus the counter-rotating term
(the 1/4: D1 replaces cos ω0t by e^{iω0t}; a real cosine's resonant half is θ/2).
Hence mode A (amplitude) = D1/4 + counter-rotating, mode A (uniform) = D1/2 + ...
With ``temperature=T`` the relaxation target is the thermal state −tanh(λ/2T) b̂0 and the
driven excess carries the population difference tanh(λ/2T) (``pair_excitations`` at T > 0).

Mode B, :class:`ClosedBCS` — closed, self-consistent mean-field BCS with
:math:`\lambda(t) = \lambda_0(1+\lambda_1(t))` (App. D) and cut-off band [−ξc, ξc]:
:math:`\Delta(t) = -\lambda(t)\sum_\xi w_\xi\rho_{12} = -\tfrac{\lambda}{2}\sum_\xi w_\xi (S_x - iS_y)`
(λ = ν0V dimensionless; the ground state gives the BCS gap equation 1 = λ Σ w/(2√(ξ²+Δ²))).
The mean-field energy per ν0, the Hamiltonian of the spin dynamics
(∂E/∂S_ξ = w_ξ b_ξ), is

.. math:: E = \sum_\xi w_\xi\,\xi\,(1 + S^z_\xi) - |\Delta|^2/\lambda,

conserved when λ is constant; with λ(t), dE/dt = −λ̇|Δ|²/λ².

Integrators (vectorised over ξ, one exact SU(2) rotation of every Bloch vector per substep):
mode A uses the 4th-order commutator-free Magnus scheme (two exact exponentials
exp(−i h̄ dt) per step, at Gauss-point combinations of h(t)) Strang-split with the exact
relaxation map; the relaxation commutes with the static precession, so the splitting error is
O(γθ dt²).  Mode B uses the implicit midpoint rule, whose one-step map is the Cayley form of
exp(−i h dt) at the self-consistent midpoint field — a unitary 2×2 propagator; it conserves
every quadratic invariant, i.e. |S_ξ| and E, to the fixed-point tolerance.

Both follow the stepper protocol of :mod:`numerics.stepping`: parameters in a frozen
dataclass (:class:`DrivenDissipativeParams`, :class:`ClosedBCSParams`; the constructors also
take their fields as keywords), ``start(state, t0)``, ``step()`` (one dt; returns
{t, delta, n_ex, energy}), ``advance_to(t)`` (equal steps <= dt landing exactly on t) and
``run(times)`` (records at arbitrary ``times``); ``run(..., checkpoint=path)`` saves
atomically and resumes bit-identically.

>>> grid = xi_grid(10.0, 400)
>>> m = ClosedBCS(grid, coupling=coupling_for_gap(grid, 1.0) * 1.05, initial_gap=1.0, dt=0.05)
>>> r = m.run([0.0, 10.0, 20.0])
>>> bool(abs(r.energy[-1] - r.energy[0]) < 1e-12 * abs(r.energy[0]))
True
"""
from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass, field, replace
from typing import Callable

import numpy as np

from floquetsym.params import require, require_finite, require_int
from floquetsym.result import provenance

from .stepping import drive, open_checkpoint, write_checkpoint
from .xi_grids import XiGrid, graded_grid, xi_grid

__all__ = ["XiGrid", "xi_grid", "graded_grid", "PseudospinResult", "ground_state",
           "coupling_for_gap", "gap_of", "energy", "excited_pairs", "rotate", "cayley",
           "DrivenDissipativeParams", "DrivenDissipative", "ClosedBCSParams", "ClosedBCS"]


# ----------------------------------------------------------------------------- spin algebra
def ground_state(grid: XiGrid, delta: complex) -> np.ndarray:
    """Static ground state S = −b/|b|, b = (Re Δ, −Im Δ, ξ); shape (3, n)."""
    b = np.stack([np.full_like(grid.xi, np.real(delta)), np.full_like(grid.xi, -np.imag(delta)),
                  grid.xi])
    return -b / np.linalg.norm(b, axis=0)


def coupling_for_gap(grid: XiGrid, delta: float) -> float:
    """λ = ν0V for which Δ is the ground-state gap *on this grid*: 1/λ = Σ w/(2√(ξ²+Δ²))."""
    delta = require_finite("delta", delta)
    require(delta > 0, "delta", delta, "> 0")
    return 1.0 / float(np.sum(grid.weights / (2 * np.sqrt(grid.xi**2 + delta**2))))


def gap_of(S: np.ndarray, grid: XiGrid, coupling: float) -> complex:
    """Self-consistent gap Δ = −(λ/2) Σ w (S_x − i S_y) (see module docstring)."""
    return complex(-0.5 * coupling * np.dot(grid.weights, S[0] - 1j * S[1]))


def energy(S: np.ndarray, grid: XiGrid, coupling: float) -> float:
    """Mean-field energy per ν0, E = Σ w ξ (1 + S_z) − |Δ|²/λ (conserved at constant λ)."""
    d = gap_of(S, grid, coupling)
    return float(np.dot(grid.weights, grid.xi * (1 + S[2])) - abs(d) ** 2 / coupling)


def excited_pairs(S: np.ndarray, grid: XiGrid, delta_ref: float) -> float:
    """Excited quasiparticles per ν0, Σ w (1 + S·b̂0), b0 = (Δ_ref, 0, ξ) (2 per excited pair)."""
    lam = np.sqrt(grid.xi**2 + delta_ref**2)
    s_par = (delta_ref * S[0] + grid.xi * S[2]) / lam
    return float(np.dot(grid.weights, 1.0 + s_par))


def _expand(b, S):
    """Add a trailing axis to a per-ξ array when S carries several states, shape (3, n, k)."""
    return b[..., None] if S.ndim == 3 else b


def rotate(S: np.ndarray, b: np.ndarray, dt: float) -> np.ndarray:
    """Exact solution of dS/dt = 2 b × S over dt for constant b (= exp(−i h dt) on ρ).

    Rodrigues' formula, angle 2|b|dt; ``S`` is (3, n) or (3, n, k), ``b`` is (3, n).
    """
    bn = np.sqrt(b[0] ** 2 + b[1] ** 2 + b[2] ** 2)
    phi = 2.0 * bn * dt
    safe = np.where(bn > 0, bn, 1.0)
    n = _expand(b / safe, S)
    c, s_ = _expand(np.cos(phi), S), _expand(np.sin(phi), S)
    ndots = n[0] * S[0] + n[1] * S[1] + n[2] * S[2]
    cross = np.stack([n[1] * S[2] - n[2] * S[1], n[2] * S[0] - n[0] * S[2],
                      n[0] * S[1] - n[1] * S[0]])
    return c * S + s_ * cross + (1 - c) * ndots * n


def cayley(S: np.ndarray, b: np.ndarray, dt: float) -> np.ndarray:
    """Implicit-midpoint step of dS/dt = 2 b × S for constant b: the Cayley rotation
    S' = S + 2/(1+|a|²) (a×S + a×(a×S)), a = b dt (angle 2 arctan|a|, unitary)."""
    a = b * dt
    a2 = a[0] ** 2 + a[1] ** 2 + a[2] ** 2
    axs = np.stack([a[1] * S[2] - a[2] * S[1], a[2] * S[0] - a[0] * S[2],
                    a[0] * S[1] - a[1] * S[0]])
    axaxs = np.stack([a[1] * axs[2] - a[2] * axs[1], a[2] * axs[0] - a[0] * axs[2],
                      a[0] * axs[1] - a[1] * axs[0]])
    return S + (2.0 / (1.0 + a2)) * (axs + axaxs)


# ----------------------------------------------------------------------------- results
@dataclass(frozen=True)
class PseudospinResult:
    """Time traces of a pseudospin run; ``delta`` complex, ``energy`` per ν0 (NaN in mode A)."""

    times: np.ndarray
    delta: np.ndarray
    n_ex: np.ndarray
    energy: np.ndarray
    final_state: np.ndarray
    params: dict
    meta: dict = field(default_factory=dict)

    def __post_init__(self):
        self.meta.setdefault("provenance", provenance())


def _check_times(times) -> np.ndarray:
    times = np.asarray(times, dtype=float)
    require(times.ndim == 1 and times.size >= 1, "times", times.shape, "a 1-D array")
    require(bool(np.all(np.isfinite(times))), "times", "non-finite", "finite")
    require(bool(np.all(np.diff(times) >= 0)), "times", "unsorted", "non-decreasing")
    return times


class _Stepper:
    """Shared start / step / advance_to / run (protocol of :mod:`numerics.stepping`)."""

    dt: float
    grid: XiGrid
    _complex_delta = False
    _OBS = ("delta", "n_ex", "energy")

    def start(self, state=None, t0: float | None = None) -> None:
        """The model's initial state (``state=None``) or ``state`` (3, n), at t0 (default 0)."""
        self.t = 0.0 if t0 is None else require_finite("t0", t0)
        S = self._initial() if state is None else np.array(state, dtype=float)
        require(S.shape == (3, self.grid.xi.size), "state", S.shape, f"(3, {self.grid.xi.size})")
        require(bool(np.all(np.isfinite(S))), "state", "non-finite", "finite")
        self.S = S
        self.n = 0
        self._hist = None

    def step(self) -> dict:
        """One step of dt; returns {t, delta, n_ex, energy} at the new time."""
        self.S = self._advance(self.S, self.t, self.dt)
        self.t += self.dt
        self.n += 1
        return {"t": self.t, **dict(zip(self._OBS, self._measure(self.S, self.t)))}

    def advance_to(self, t: float) -> np.ndarray:
        """Advance to time t (≥ current) in equal steps ≤ dt; returns the state (3, n)."""
        t = require_finite("t", t)
        require(t >= self.t - 1e-12 * max(1.0, abs(t)), "t", t, f">= current time {self.t:g}")
        nsteps = int(math.ceil((t - self.t) / self.dt - 1e-9))
        if nsteps > 0:
            h = (t - self.t) / nsteps
            for _ in range(nsteps):
                self.S = self._advance(self.S, self.t, h)
                self.t += h
            self.n += nsteps
        self.t = t
        return self.S

    def _checkpoint_key(self, times) -> dict:
        return {"kind": type(self).__name__, "params": self._params(),
                "times_sha256": hashlib.sha256(np.ascontiguousarray(times).tobytes()).hexdigest()}

    def _save(self, path, rec, index, key):
        hist = getattr(self, "_hist", None)
        h = (np.array([hist[0], hist[1], hist[2].real, hist[2].imag, hist[3].real, hist[3].imag])
             if hist is not None else np.zeros(0))
        write_checkpoint(path, {"S": self.S, "t": np.array([self.t]), "rec": rec, "hist": h},
                         key, index=index)

    def _resume(self, found):
        arrays, got = found
        self.start(arrays["S"], float(arrays["t"][0]))
        h = arrays["hist"]
        if h.size:
            self._hist = (float(h[0]), float(h[1]), complex(h[2], h[3]), complex(h[4], h[5]))
        return arrays["rec"].copy(), int(got["index"])

    def run(self, times, *, state=None, progress: bool = False, checkpoint=None,
            checkpoint_every: int = 200, resume: bool = True) -> PseudospinResult:
        """Start at times[0] (initial state unless ``state``), record Δ, N_ex, E at ``times``.

        ``checkpoint``: a file path; the state is saved atomically every ``checkpoint_every``
        recorded times (and at the end), and a run started with an existing checkpoint of the
        same class, parameters and ``times`` resumes from it and gives bit-identical results
        (a file of another run: ``ValueError`` naming the differing field; ``resume=False``
        starts afresh).  (A ``lambda1``
        callable is not part of the check: keep it the same.)
        """
        times = _check_times(times)
        every = require_int("checkpoint_every", checkpoint_every, 1)
        key = self._checkpoint_key(times) if checkpoint is not None else None
        found = open_checkpoint(checkpoint, key, resume=resume)
        if found is not None:
            rec, first = self._resume(found)
        else:
            rec = np.full((3, times.size), np.nan, dtype=complex)
            self.start(state, times[0])
            first = 0
        nxt = [first]

        def unit():
            i = nxt[0]
            self.advance_to(times[i])
            rec[:, i] = self._measure(self.S, times[i])
            nxt[0] = i + 1

        save = None if checkpoint is None else (lambda: self._save(checkpoint, rec, nxt[0], key))
        drive(unit, total=times.size, done=first, every=every, progress=progress, save=save)
        delta = rec[0] if self._complex_delta else rec[0].real
        return PseudospinResult(times=times, delta=delta, n_ex=rec[1].real, energy=rec[2].real,
                                final_state=self.S.copy(), params=self._params(),
                                meta={"dt": self.dt, "resumed_at": first})


# ----------------------------------------------------------------------------- mode A
_CF4_C = (0.5 - math.sqrt(3) / 6, 0.5 + math.sqrt(3) / 6)          # Gauss points
_CF4_A = ((3 - 2 * math.sqrt(3)) / 12, (3 + 2 * math.sqrt(3)) / 12)


@dataclass(frozen=True, kw_only=True)
class DrivenDissipativeParams:
    """Mode A: Δ, drive θ cos ω0t, relaxation rate γ, bath temperature, relaxation channel
    (``"amplitude"``: Γ2 = γ, Γ1 = 2γ; ``"uniform"``: Γ1 = Γ2 = γ), steps per drive period."""

    delta: float = 1.0
    theta: float
    omega0: float
    gamma: float
    temperature: float = 0.0
    relaxation: str = "amplitude"
    steps_per_period: int = 48

    def __post_init__(self):
        for name in ("temperature", "delta", "theta", "omega0", "gamma"):
            object.__setattr__(self, name, require_finite(name, getattr(self, name)))
        require(self.temperature >= 0, "temperature", self.temperature, ">= 0")
        require(self.delta > 0, "delta", self.delta, "> 0")
        require(self.theta >= 0, "theta", self.theta, ">= 0")
        require(self.omega0 > 0, "omega0", self.omega0, "> 0")
        require(self.gamma > 0, "gamma", self.gamma, "> 0 (a relaxation rate)")
        require(self.relaxation in ("amplitude", "uniform"), "relaxation", self.relaxation,
                "in ('amplitude', 'uniform')")
        object.__setattr__(self, "steps_per_period",
                           require_int("steps_per_period", self.steps_per_period, 4))


class DrivenDissipative(_Stepper):
    r"""Mode A: imposed Δ(t) = Δ + θ cos ω0t, relaxation to the static equilibrium state.

    ``relaxation="amplitude"``: Γ2 = γ (coherences), Γ1 = 2γ (populations) — the damping of
    Eq. (D1); ``"uniform"``: Γ1 = Γ2 = γ.  The relaxation target is the static ground state
    (``temperature=0``) or the thermal state S = −tanh(λ/2T) b̂0.  ``dt`` is
    (2π/ω0)/``steps_per_period``.  The equations are linear in S, so :meth:`steady_state` finds
    the periodic steady state exactly (one-period affine map, solved per ξ) instead of waiting
    ~10/γ.  :attr:`d1_factor` = (2Γ2/Γ1)/4 is the factor between this model's O(θ²) resonant
    N_ex and Eq. (D1).  :meth:`from_params` takes a :class:`floquetsym.DriveParams`.

    >>> m = DrivenDissipative(xi_grid(10.0, 64), theta=0.01, omega0=2.0, gamma=0.05)
    >>> m.gamma1, m.gamma2, m.d1_factor
    (0.1, 0.05, 0.25)
    """

    @classmethod
    def from_params(cls, grid: XiGrid, p, **kwargs) -> "DrivenDissipative":
        """Build from a :class:`floquetsym.params.DriveParams` (Δ, θ, ω0, γ, T)."""
        return cls(grid, delta=p.delta, theta=p.theta, omega0=p.omega0, gamma=p.gamma,
                   temperature=p.temperature, **kwargs)

    def __init__(self, grid: XiGrid, params: DrivenDissipativeParams | None = None, **kw):
        require(isinstance(grid, XiGrid), "grid", type(grid).__name__, "an XiGrid")
        p = replace(params, **kw) if params is not None else DrivenDissipativeParams(**kw)
        self.grid, self.params = grid, p
        self.temperature, self.delta, self.theta = p.temperature, p.delta, p.theta
        self.omega0, self.gamma, self.relaxation = p.omega0, p.gamma, p.relaxation
        self.gamma1 = 2 * self.gamma if p.relaxation == "amplitude" else self.gamma
        self.gamma2 = self.gamma
        self.steps_per_period = p.steps_per_period
        self.period = 2 * math.pi / self.omega0
        self.dt = self.period / self.steps_per_period
        lam = np.sqrt(grid.xi**2 + self.delta**2)
        self._e = np.stack([self.delta / lam, np.zeros_like(lam), grid.xi / lam])
        self._half_xi = 0.5 * grid.xi
        self._quarter_xi2 = 0.25 * grid.xi**2
        self._target = (-np.ones_like(lam) if self.temperature == 0
                        else -np.tanh(lam / (2 * self.temperature)))
        self.start()

    @property
    def d1_factor(self) -> float:
        """(2Γ2/Γ1)·(1/4): O(θ²) resonant N_ex of this model / Eq. (D1) (module docstring)."""
        return 0.5 * self.gamma2 / self.gamma1

    def _params(self):
        return {"mode": "A", "delta": self.delta, "theta": self.theta, "omega0": self.omega0,
                "gamma": self.gamma, "temperature": self.temperature,
                "relaxation": self.relaxation, "gamma1": self.gamma1, "gamma2": self.gamma2,
                "n_xi": self.grid.xi.size}

    def _initial(self):
        return self._target * self._e

    def _relax(self, S, tau):
        """Exact relaxation over τ: S_∥ → target + (S_∥ − target)e^{−Γ1τ}, S_⊥ → S_⊥e^{−Γ2τ}.

        Written out with b̂0 = (e_x, 0, e_z) (5 array products instead of a 3-vector algebra).
        """
        ex, ez = _expand(self._e[0], S), _expand(self._e[2], S)
        k1, k2 = math.exp(-self.gamma1 * tau), math.exp(-self.gamma2 * tau)
        s_par = ex * S[0] + ez * S[2]
        c = _expand(self._target, S) * (1.0 - k1) + s_par * (k1 - k2)
        return np.stack([k2 * S[0] + ex * c, k2 * S[1], k2 * S[2] + ez * c])

    def _rotate_xz(self, S, bx: float, h: float):
        """Exact rotation for b = (bx, 0, ξ/2) (each CF4 exponential has Σ weights = 1/2)."""
        bz = _expand(self._half_xi, S)
        bn = np.sqrt(bx * bx + _expand(self._quarter_xi2, S))
        phi = (2.0 * h) * bn
        c, s_ = np.cos(phi), np.sin(phi)
        nx, nz = bx / bn, bz / bn
        sx, sy, sz = S
        one_c_nd = (1.0 - c) * (nx * sx + nz * sz)
        return np.stack([c * sx - s_ * nz * sy + one_c_nd * nx,
                         c * sy + s_ * (nz * sx - nx * sz),
                         c * sz + s_ * nx * sy + one_c_nd * nz])

    def _advance(self, S, t, h):
        """One CF4-Magnus step Strang-split with the exact relaxation (module docstring)."""
        S = self._relax(S, 0.5 * h)
        d1 = self.delta + self.theta * math.cos(self.omega0 * (t + _CF4_C[0] * h))
        d2 = self.delta + self.theta * math.cos(self.omega0 * (t + _CF4_C[1] * h))
        S = self._rotate_xz(S, _CF4_A[1] * d1 + _CF4_A[0] * d2, h)   # earlier-weighted first
        S = self._rotate_xz(S, _CF4_A[0] * d1 + _CF4_A[1] * d2, h)
        return self._relax(S, 0.5 * h)

    def _measure(self, S, t):
        return (self.delta + self.theta * math.cos(self.omega0 * t),
                excited_pairs(S, self.grid, self.delta), float("nan"))

    def steady_state(self, *, t0: float = 0.0) -> dict:
        """Periodic steady state: S* at phase t0 with S* = M S* + c (one-period affine map).

        Returns ``{"state": S*, "n_ex": period-averaged N_ex per ν0, "n_ex_t": samples over
        one period, "times": their times, "residual": max|S(t0+T) − S*|}``.
        """
        n = self.grid.xi.size
        basis = np.zeros((3, n, 4))
        for i in range(3):
            basis[i, :, i + 1] = 1.0            # column 0: the zero vector (affine part)
        X = basis
        t = t0
        for _ in range(self.steps_per_period):
            X = self._advance(X, t, self.dt)
            t += self.dt
        c = X[:, :, 0]
        M = X[:, :, 1:] - c[:, :, None]         # (3, n, 3): M[i, ξ, j]
        A = np.eye(3)[None] - np.transpose(M, (1, 0, 2))
        S = np.linalg.solve(A, c.T[..., None])[..., 0].T
        samples, times = [], []
        Y = S.copy()
        t = t0
        for _ in range(self.steps_per_period):
            samples.append(excited_pairs(Y, self.grid, self.delta))
            times.append(t)
            Y = self._advance(Y, t, self.dt)
            t += self.dt
        residual = float(np.max(np.abs(Y - S)))
        samples = np.array(samples)
        return {"state": S, "n_ex": float(samples.mean()), "n_ex_t": samples,
                "times": np.array(times), "residual": residual}


# ----------------------------------------------------------------------------- mode B
@dataclass(frozen=True, kw_only=True)
class ClosedBCSParams:
    """Mode B: coupling λ0 = ν0V, time step, drive λ1(t) (a callable, default 0), initial gap
    (default: the ground-state gap of λ0 on the grid), midpoint tolerance and iterations."""

    coupling: float
    dt: float = 0.02
    lambda1: Callable[[float], float] | None = field(default=None, compare=False)
    initial_gap: float | None = None
    tol: float = 1e-14
    max_iter: int = 50

    def __post_init__(self):
        object.__setattr__(self, "coupling", require_finite("coupling", self.coupling))
        require(self.coupling > 0, "coupling", self.coupling, "> 0")
        object.__setattr__(self, "dt", require_finite("dt", self.dt))
        require(self.dt > 0, "dt", self.dt, "> 0")
        require(self.lambda1 is None or callable(self.lambda1), "lambda1", self.lambda1,
                "None or a callable t -> λ1(t)")
        object.__setattr__(self, "tol", require_finite("tol", self.tol))
        require(self.tol > 0, "tol", self.tol, "> 0")
        object.__setattr__(self, "max_iter", require_int("max_iter", self.max_iter, 1))


class ClosedBCS(_Stepper):
    r"""Mode B: closed self-consistent BCS pseudospins, λ(t) = λ0 (1 + λ1(t)).

    ``coupling`` λ0 = ν0V (use :func:`coupling_for_gap` for a target gap on this grid);
    ``lambda1`` a callable t ↦ λ1(t) (default 0: a quench is a start from the ground state of
    another coupling).  App. D's drive, which makes the first-order gap exactly θ cos ω0t, is
    λ1(t) = 2θ Re(ℓ e^{−iω0t}) with ℓ = ``floquetsym.gap_correction(p).meta["ell"]``
    (use ω_co = √(ξc² + Δ²) so the ω window matches this ξ band; switch it on slowly).  Implicit
    midpoint with the self-consistent midpoint gap found by secant-accelerated fixed-point
    iteration (started from a linear extrapolation) to ``tol``
    (relative); a ``ConvergenceWarning`` if it fails.
    """

    _complex_delta = True

    def __init__(self, grid: XiGrid, params: ClosedBCSParams | None = None, **kw):
        require(isinstance(grid, XiGrid), "grid", type(grid).__name__, "an XiGrid")
        p = replace(params, **kw) if params is not None else ClosedBCSParams(**kw)
        self.grid, self.params = grid, p
        self.coupling, self.dt = p.coupling, p.dt
        self.lambda1 = p.lambda1 if p.lambda1 is not None else (lambda t: 0.0)
        self.initial_gap, self.tol, self.max_iter = p.initial_gap, p.tol, p.max_iter
        self.delta_ref = None
        self.start()

    def _params(self):
        return {"mode": "B", "coupling": self.coupling, "dt": self.dt, "n_xi": self.grid.xi.size,
                "xi_cutoff": self.grid.cutoff, "initial_gap": self.initial_gap}

    def coupling_at(self, t: float) -> float:
        lam = self.coupling * (1.0 + float(self.lambda1(t)))
        require(math.isfinite(lam) and lam > 0, "lambda1", f"{lam / self.coupling - 1:g}",
                "finite and > -1 (λ(t) must stay positive)")
        return lam

    def _initial(self):
        d0 = self.initial_gap
        if d0 is None:
            from scipy.optimize import brentq
            f = lambda d: coupling_for_gap(self.grid, d) - self.coupling
            d0 = brentq(f, 1e-8 * self.grid.cutoff, 10 * self.grid.cutoff, xtol=1e-15)
        d0 = require_finite("initial_gap", d0)
        require(d0 > 0, "initial_gap", d0, "> 0")
        self.delta_ref = d0
        return ground_state(self.grid, d0)

    def _midpoint_gap(self, S, h, lam, guess):
        """Solve d = Δ((S + Cay(h b(d)) S)/2) for the midpoint gap d by fixed-point iteration.

        Only the x, y components of the Cayley step enter the weighted sums, written out:
        S1 = S + k (a×S + a (a·S) − |a|² S), k = 2/(1+|a|²), a = h (Re d, −Im d, ξ).
        """
        import warnings

        from floquetsym.result import ConvergenceWarning
        w = self.grid.weights
        sx, sy, sz = S
        az = h * self.grid.xi
        az2 = az * az
        azsz, azsy, azsx = az * sz, az * sy, az * sx
        half_lam = -0.25 * lam
        sum_x, sum_y = np.dot(w, sx), np.dot(w, sy)
        d, prev = guess, None                     # prev = (d, F(d) - d) of the last iterate
        for _ in range(self.max_iter):
            ax, ay = h * d.real, -h * d.imag
            k = 2.0 / (1.0 + ax * ax + ay * ay + az2)
            adots = ax * sx + ay * sy + azsz
            a2 = ax * ax + ay * ay + az2
            dx = np.dot(w, k * (ay * sz - azsy + ax * adots - a2 * sx))
            dy = np.dot(w, k * (azsx - ax * sz + ay * adots - a2 * sy))
            new = half_lam * complex(2 * sum_x + dx, -(2 * sum_y + dy))
            if abs(new - d) <= self.tol * max(abs(new), 1e-300):
                return new
            g = new - d
            nxt = new
            if prev is not None:                  # secant on Re and Im separately
                dg, dd = g - prev[1], d - prev[0]
                re = d.real - g.real * dd.real / dg.real if dg.real != 0 else new.real
                im = d.imag - g.imag * dd.imag / dg.imag if dg.imag != 0 else new.imag
                nxt = complex(re, im)
            prev = (d, g)
            d = nxt
        warnings.warn(f"ClosedBCS: midpoint gap not converged to tol={self.tol:g} in "
                      f"{self.max_iter} iterations", ConvergenceWarning, stacklevel=5)
        return d

    def _advance(self, S, t, h):
        lam = self.coupling_at(t + 0.5 * h)
        hist = getattr(self, "_hist", None)
        if hist is not None and hist[0] == t and hist[1] == h:
            guess = 2 * hist[2] - hist[3]               # linear extrapolation of the midpoint gap
        else:
            guess = gap_of(S, self.grid, lam)
        d_mid = self._midpoint_gap(S, h, lam, guess)
        self._hist = (t + h, h, d_mid, hist[2] if hist is not None and hist[0] == t else d_mid)
        b = np.empty((3, self.grid.xi.size))
        b[0], b[1], b[2] = d_mid.real, -d_mid.imag, self.grid.xi
        return cayley(S, b, h)

    def _measure(self, S, t):
        lam = self.coupling_at(t)
        return (gap_of(S, self.grid, lam), excited_pairs(S, self.grid, self.delta_ref),
                energy(S, self.grid, lam))
