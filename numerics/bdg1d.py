r"""Self-consistent time-dependent BdG on a disordered ring, paper Appendix C (Fig. 3a).

Model (Appendix C, units ħ = 1, energies in units of the hopping J)::

    H_BdG(t) = J Σ_i (|i⟩⟨i+1| + h.c.) ⊗ τ3 + Σ_i u_i |i⟩⟨i| ⊗ τ3 + Σ(t),
    Σ(t)     = Σ_i (Δ_i τ+ + Δ_i* τ− + δu_i τ3) |i⟩⟨i|,

on a ring of N sites (periodic), Nambu spinor Ψ_i = (ψ_i↑, ψ_i↓†) (docs/conventions.md,
``floquetsym.conventions``).  The clean band is ξ_k = 2J cos k (bandwidth 4J; the main text's
"ξ_k = −J cos k" differs by this factor: we follow the Hamiltonian of Appendix C).  The disorder
u_i is a uniform box [−W/2, W/2], seeded.

Equal-time Keldysh function and density matrix.  With ρ_ab = ⟨Ψ_b† Ψ_a⟩ the 2N×2N Nambu
density matrix, we use G^K(t,t) = i(1 − 2ρ), the sign that makes (C3) read
G^K(0,0) = i Σ_l tanh(βγ_l/2)|l⟩⟨l| as printed.  Then (C2) is ρ̇ = −i[H_BdG, ρ] and (C1)
gives, per site (ρ_ii the 2×2 Nambu block at site i)::

    Σ_i = (λ/2) τ3 (2ρ_ii − 1) τ3   ⇒   Δ_i = −λ ρ_ii,12 = −λ ⟨ψ_i↓ ψ_i↑⟩,

i.e. **Δ_i is −λ times the local pair amplitude F_i = ⟨ψ_i↓ψ_i↑⟩** (attractive channel: the
uniform limit is the BCS gap equation 1 = λ N⁻¹Σ_k tanh(E_k/2T)/2E_k).  The diagonal part
of (C1) as printed is δu_i = +λ(n_i − ½) (n_i = ⟨n_i↑⟩ = ⟨n_i↓⟩), a *repulsive* Hartree sign,
while an attractive Hubbard interaction −λ n↑n↓ that produces the same Δ_i gives
δu_i = −λ(n_i − ½).  ``hartree`` selects it: 0 (default, off), +1 (as printed), −1
(attractive Hubbard).  +1 screens the disorder (the density profile flattens), −1
anti-screens it; at half filling in a clean ring n_i = ½ and it changes nothing.  What it
changes in the Fig. 3a quench (λ 1.2J → 2J, γ_el = 0.1J, N = 512, 200/J): off → a burst of
6–18 bond slips at t ≈ 14–60/J, then none (4 seeds; none up to 600/J for a fifth); +1 → 32
slips in 39–81/J, then none; −1 → slips at a steady rate (≈ 3400 bond slips, winding
−4 at 200/J); plausibly because with the attractive sign the half-filled model sits near
its SC/CDW (η-pairing) degeneracy, so the quench keeps breaking the phase.

Conserved mean-field energy (derived from E[ρ] with H_BdG = δE/δρ)::

    E = Tr[H0 ρ] − Σ_i |Δ_i|²/λ + s λ Σ_i (n_i − ½)²,    H0 = (hopping + u) ⊗ τ3,

(up to a constant), conserved for t > 0 at fixed λ; the particle number
N_e = Σ_i 2n_i is conserved because Δ_i is self-consistent at every instant.

Disorder → elastic rate (Born, the paper's τ_el⁻¹ = 2πν0⟨UU⟩ below Eq. (6)):
γ_el = 2π ν0 ⟨u²⟩ with ν0 = 1/(2πJ) the band-centre DOS per site and spin and
⟨u²⟩ = W²/12, so **γ_el = W²/(12 J)** (:func:`born_rate`, :func:`width_for_rate`).

Numerics (O(N²) per step).  ρ is carried by N orbitals: the negative-energy BdG eigenvectors
of the thermal start (C3), each scaled by √(−tanh(βγ_l/2)); the positive-energy half is their
particle–hole image τ2|l⟩*, which the dynamics preserves (τ2 H* τ2 = −H), so
ρ = Σ_l f_l|l⟩⟨l| + (1−f_l)τ2|l*⟩⟨l*|τ2 is recovered exactly.  The orbitals (real
layout ``X[site, (Re a, Im a, Re b, Im b), orbital]``) are advanced by a Strang splitting of
the exact flows of three parts: even bonds, odd bonds (+ the ring's closing bond), and the
local self-consistent part.  The local flow is solved in closed form: under
ρ̇_ii = −i[H_i(ρ_ii), ρ_ii] the density n_i and |F_i| are constant and
F_i(t) = F_i e^{−iΩ_i t}, Ω_i = 2(u_i + δu_i) + λ(ρ11 − ρ22)_i, so each orbital's site
spinor is rotated by e^{−iΩτ3 t/2} exp(−iH'_i t), H'_i = −λ(ρ11−ρ22)_i τ3/2 + Δ_i τ+ + h.c.
This replaces a predictor–corrector: Δ_i is self-consistent at every sub-step to machine
precision.  Each sub-flow is exact, unitary and banded (2×2 bond or site rotations), so the
scheme is O(N²) per step, conserves N_e to round-off, is symplectic (energy error bounded,
O(dt^p), no drift) and has order p = 2 (``order=2``), or 4 / 6 by Yoshida triple-jump
composition (``order=4``/``6``).  λ(t) is evaluated at the midpoint of each local sub-flow.
"""
from __future__ import annotations

import functools
import math
from dataclasses import asdict, dataclass, replace
from typing import Callable

import numpy as np

from floquetsym.conventions import TAU3
from floquetsym.params import require, require_finite, require_int

from .bdg1d_static import (RingEquilibrium, SlipTracker, bdg_hamiltonian, born_rate,
                           box_disorder, composition_coefficients, density_matrix, equilibrium,
                           fields_from_gram, local_fields, uniform_gap, width_for_rate,
                           winding_number)
from .bdg1d_run import BdG1DResult, run_stepper
from .stepping import fixed_grid_times, steps_for

__all__ = [
    "BdG1DParams", "BdG1DStepper", "BdG1DResult", "run", "RingEquilibrium", "equilibrium",
    "box_disorder", "born_rate", "width_for_rate", "bdg_hamiltonian", "uniform_gap",
    "winding_number", "density_matrix", "composition_coefficients", "SlipTracker",
    "local_fields",
]


# ----------------------------------------------------------------------------- parameters
@dataclass(frozen=True, kw_only=True)
class BdG1DParams:
    """Quench λ_i → λ_f at t = 0 of the disordered ring (energies in units of J = ``hopping``).

    ``disorder_width`` W: box disorder [−W/2, W/2] from ``seed`` (see :func:`width_for_rate`
    for γ_el).  ``hartree``: 0 off, +1 (C1) as printed, −1 attractive Hubbard.  ``dt``: time
    step (1/J), ``order``: 2, 4 or 6.  ``sample_every``: steps between stored profiles Δ_i(t);
    slip diagnostics are taken every step.  ``slip_threshold``: |Δ_i| < threshold·mean|Δ|
    marks a near-zero site.
    """

    n_sites: int = 512
    hopping: float = 1.0
    lambda_i: float = 1.2
    lambda_f: float = 2.0
    temperature: float = 0.0
    disorder_width: float = 0.0
    seed: int = 0
    hartree: int = 0
    dt: float = 0.05
    t_max: float = 200.0
    order: int = 2
    sample_every: int = 20
    slip_threshold: float = 0.1

    def __post_init__(self):
        for name in ("hopping", "lambda_i", "lambda_f", "temperature", "disorder_width",
                     "dt", "t_max", "slip_threshold"):
            object.__setattr__(self, name, require_finite(name, getattr(self, name)))
        object.__setattr__(self, "n_sites", require_int("n_sites", self.n_sites, lo=3))
        object.__setattr__(self, "seed", require_int("seed", self.seed, lo=0))
        object.__setattr__(self, "sample_every", require_int("sample_every", self.sample_every, lo=1))
        object.__setattr__(self, "hartree", require_int("hartree", self.hartree, lo=-1, hi=1))
        object.__setattr__(self, "order", require_int("order", self.order))
        require(self.order in (2, 4, 6), "order", self.order, "in {2, 4, 6}")
        require(self.hopping > 0, "hopping", self.hopping, "> 0")
        require(self.lambda_i >= 0, "lambda_i", self.lambda_i, ">= 0")
        require(self.lambda_f >= 0, "lambda_f", self.lambda_f, ">= 0")
        require(self.temperature >= 0, "temperature", self.temperature, ">= 0")
        require(self.disorder_width >= 0, "disorder_width", self.disorder_width, ">= 0")
        require(self.dt > 0, "dt", self.dt, "> 0")
        require(self.dt * self.hopping <= 0.5, "dt", self.dt, "<= 0.5/hopping (splitting accuracy)")
        require(self.t_max >= 0, "t_max", self.t_max, ">= 0")
        steps_for("t_max", self.t_max, self.dt)        # the run ends exactly at t_max
        require(0 < self.slip_threshold < 1, "slip_threshold", self.slip_threshold, "in (0, 1)")

    @property
    def n_steps(self) -> int:
        return steps_for("t_max", self.t_max, self.dt)

    @property
    def gamma_el(self) -> float:
        return born_rate(self.disorder_width, self.hopping)

    def as_dict(self) -> dict:
        return asdict(self)


# ----------------------------------------------------------------------------- kernels
def _realify(c: np.ndarray) -> np.ndarray:
    """(..., n, n) complex → (..., 2n, 2n) real acting on (index, Re/Im)-interleaved vectors."""
    *b, n, _ = c.shape
    r = np.empty((*b, n, 2, n, 2))
    r[..., :, 0, :, 0] = c.real
    r[..., :, 0, :, 1] = -c.imag
    r[..., :, 1, :, 0] = c.imag
    r[..., :, 1, :, 1] = c.real
    return r.reshape(*b, 2 * n, 2 * n)


_I4 = np.eye(4)
_K4 = _realify(-1j * TAU3)                # −iτ3: the bond term acts as +J on ψ↑, −J on ψ↓†


@functools.lru_cache(maxsize=256)
def _bond(phi: float) -> np.ndarray:
    """Real 8×8 exp(−iφ(|0⟩⟨1| + h.c.)⊗τ3) on one bond, rows (site, ν, Re/Im); cached."""
    c, s = math.cos(phi), math.sin(phi)
    m = np.zeros((8, 8))
    m[_DIAG8, _DIAG8] = c
    m[:4, 4:] = m[4:, :4] = s * _K4
    m.flags.writeable = False
    return m


_DIAG8 = np.arange(8)


def _local_rotation(d, f, u, lam, hartree, tau):
    """Exact self-consistent local flow over time τ (module docstring): real (N, 4, 4)."""
    delta = -lam * f
    eps = u + hartree * lam * d / 2
    omega = 2 * eps + lam * d
    hx, hy, hz = delta.real, -delta.imag, -lam * d / 2
    hn = np.sqrt(hx * hx + hy * hy + hz * hz)
    x = hn * tau
    cs = np.cos(x)
    sn = np.divide(np.sin(x), hn, out=np.full_like(x, tau), where=hn > 1e-300)  # sin(|h|τ)/|h|
    u2 = np.empty((d.size, 2, 2), dtype=complex)
    u2[:, 0, 0] = cs - 1j * sn * hz
    u2[:, 1, 1] = cs + 1j * sn * hz
    u2[:, 0, 1] = -1j * sn * (hx - 1j * hy)
    u2[:, 1, 0] = -1j * sn * (hx + 1j * hy)
    ph = np.exp(-0.5j * omega * tau)
    u2[:, 0] *= ph[:, None]
    u2[:, 1] *= ph.conj()[:, None]
    return _realify(u2), omega


def _fold(phi: float, r: np.ndarray, left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """Pair matrices (bond(φ)) · blockdiag(r[left], r[right]) for the listed site pairs."""
    c, s = math.cos(phi), math.sin(phi)
    kr = np.matmul(_K4, r)
    p = np.empty((left.size, 8, 8))
    p[:, :4, :4], p[:, :4, 4:] = c * r[left], s * kr[right]
    p[:, 4:, :4], p[:, 4:, 4:] = s * kr[left], c * r[right]
    return p


# ----------------------------------------------------------------------------- stepper
class BdG1DStepper:
    """Stepper of the self-consistent BdG ring, protocol of :mod:`numerics.stepping`.

    ``disorder``: explicit u_i (overrides ``params.disorder_width``/``seed``).  ``coupling``:
    λ(t) for t > 0 (default: the sudden quench, λ = ``lambda_f``); the default start is the
    thermal state at ``lambda_i``.  ``step()`` advances one dt and returns
    {t, t_mid, delta_mid} (Δ_i at the central sub-step t_mid, what the slip tracker reads;
    no flush, so stepping never changes the arithmetic of sampling);
    :meth:`advance` (n steps, no return) and :meth:`advance_to` (a later grid time) are the
    fast paths.  Cost per step O(N²): three passes of batched 8×8 bond rotations plus one
    Gram reduction over the N orbitals.
    """

    def __init__(self, params: BdG1DParams, *, disorder=None, coupling: Callable | None = None):
        require(isinstance(params, BdG1DParams), "params", type(params).__name__,
                "a BdG1DParams")
        self.params = p = params
        n = p.n_sites
        if disorder is None:
            u = box_disorder(n, p.disorder_width, rng=p.seed)
        else:
            u = np.asarray(disorder)
            require(u.shape == (n,), "disorder", f"shape {u.shape}", f"of shape ({n},)")
            require(np.isrealobj(u), "disorder", "complex array", "real")
            require(bool(np.all(np.isfinite(u))), "disorder", "array with NaN/inf", "finite")
            u = u.astype(float)
        self.disorder = u
        self.coupling = coupling
        self._coef = composition_coefficients(p.order)
        self._even = n % 2 == 0
        half = np.arange(1, n - 1, 2)
        self._left = np.append(half, n - 1)          # odd bonds (2k+1, 2k+2) and (N−1, 0)
        self._right = np.append(half + 1, 0)
        self.X = self.Y = None
        self.t, self.n_step, self._pending = 0.0, 0, 0.0
        self.equilibrium_state: RingEquilibrium | None = None
        self.last_mid = None                         # (t, D_i, F_i, λ) at the central sub-step

    # -- couplings -------------------------------------------------------------------------
    def lam(self, t: float) -> float:
        """λ(t) of the dynamics (t > 0)."""
        if self.coupling is None:
            return self.params.lambda_f
        v = require_finite("coupling(t)", self.coupling(t))
        require(v >= 0, "coupling(t)", v, ">= 0")
        return v

    # -- state -----------------------------------------------------------------------------
    def start(self, state: dict | None = None, t0: float | None = None) -> None:
        """Thermal self-consistent start (C3) at λ_i, or ``state={'orbitals': X}``; at t0
        (default 0)."""
        t0 = 0.0 if t0 is None else require_finite("t0", t0)
        p = self.params
        if state is None:
            eq = equilibrium(self.disorder, hopping=p.hopping, lam=p.lambda_i,
                             temperature=p.temperature, hartree=p.hartree)
            self.equilibrium_state = eq
            x = eq.orbitals
        else:
            x = np.asarray(state["orbitals"], dtype=float)
            require(x.shape == (p.n_sites, 4, p.n_sites), "state['orbitals']",
                    f"shape {x.shape}", f"of shape ({p.n_sites}, 4, {p.n_sites})")
        self.X = np.array(x, dtype=float, order="C")
        self.Y = np.empty_like(self.X)
        self.t, self.n_step, self._pending = float(t0), 0, 0.0
        self._t0 = float(t0)

    @property
    def state(self) -> dict:
        """Current state (flushes the pending half bond step first)."""
        self.flush()
        return {"orbitals": self.X.copy(), "t": self.t}

    def fields(self):
        """(D_i, F_i) = ((ρ11−ρ22)_i, ρ_ii,12) of the current (flushed) state."""
        self.flush()
        return local_fields(self.X)

    def delta(self, t: float | None = None) -> np.ndarray:
        """Δ_i = −λ(t) F_i of the current state."""
        return -self.lam(self.t if t is None else t) * self.fields()[1]

    def energy(self) -> float:
        """Mean-field energy E = Tr[H0ρ] − Σ|Δ|²/λ + sλΣ(n−½)² (module docstring)."""
        d, f = self.fields()
        X, J, lam, s = self.X, self.params.hopping, self.lam(self.t), self.params.hartree
        b = np.einsum("ncm,ncm->c", X[:-1], X[1:]) + np.einsum("cm,cm->c", X[-1], X[0])
        kin = 2 * J * (b[0] + b[1] - b[2] - b[3])
        return float(kin + self.disorder @ d - lam * np.sum(np.abs(f) ** 2) + s * lam * np.sum(d * d) / 4)

    def particle_number(self) -> float:
        """N_e = Σ_i (n_i↑ + n_i↓) = N + Σ_i (ρ11 − ρ22)_i."""
        d, _ = self.fields()
        return float(self.params.n_sites + d.sum())

    # -- passes ----------------------------------------------------------------------------
    def _swap(self):
        self.X, self.Y = self.Y, self.X

    def _shared(self, phi, first, count):
        """Bond rotation on pairs (first+2k, first+2k+1), k < count; other rows copied."""
        n, X, Y = self.params.n_sites, self.X, self.Y
        lo, hi = first, first + 2 * count
        np.matmul(_bond(phi), X[lo:hi].reshape(count, 8, n), out=Y[lo:hi].reshape(count, 8, n))
        if lo > 0:
            Y[:lo] = X[:lo]
        if hi < n:
            Y[hi:] = X[hi:]
        self._swap()

    def _wrap_inplace(self, mat):
        X = self.X
        w = mat @ np.concatenate([X[-1], X[0]])
        X[-1], X[0] = w[:4], w[4:]

    def flush(self):
        """Apply the pending even-bond half step (merged into the next step otherwise)."""
        if self._pending:
            n = self.params.n_sites
            self._shared(self.params.hopping * self._pending, 0, n // 2)
            self._pending = 0.0

    def _strang(self, h, t0, record):
        """One Strang step E(h/2)·O(h/2)·L(h)·O(h/2)·E(h/2), the first E merged with the
        pending half step.  Even N: O(h/2)·L·O(h/2) is one pass of per-pair 8×8 matrices; the
        fields after the first O(h/2) come from the odd-pair Gram matrices G → B G Bᵀ."""
        p, n = self.params, self.params.n_sites
        J = p.hopping
        self._shared(J * (h / 2 + self._pending), 0, n // 2)          # even bonds
        self._pending = 0.0
        half = J * h / 2
        lam = self.lam(t0 + h / 2)
        if self._even:
            X, Y, m = self.X, self.Y, n // 2 - 1
            xo = X[1:n - 1].reshape(m, 8, n)
            xw = np.concatenate([X[-1], X[0]])
            bh = _bond(half)
            g8 = np.empty((m + 1, 8, 8))
            np.matmul(xo, xo.transpose(0, 2, 1), out=g8[:m])
            g8[m] = xw @ xw.T
            g8 = bh @ g8 @ bh.T                                         # after O(h/2)
            g4 = np.empty((n, 4, 4))
            g4[self._left], g4[self._right] = g8[:, :4, :4], g8[:, 4:, 4:]
            d, f = fields_from_gram(g4)
            r, omega = _local_rotation(d, f, self.disorder, lam, p.hartree, h)
            P = _fold(half, r, self._left, self._right) @ bh            # O(h/2)·L·O(h/2)
            np.matmul(P[:m], xo, out=Y[1:n - 1].reshape(m, 8, n))
            w = P[m] @ xw
            Y[-1], Y[0] = w[:4], w[4:]
            self._swap()
        else:
            self._shared(half, 1, (n - 1) // 2)
            self._wrap_inplace(_bond(half))
            d, f = local_fields(self.X)
            r, omega = _local_rotation(d, f, self.disorder, lam, p.hartree, h)
            np.matmul(r, self.X, out=self.Y)
            self._swap()
            self._wrap_inplace(_bond(half))
            self._shared(half, 1, (n - 1) // 2)
        if record:               # F after E(h/2)O(h/2)L(h/2): O(h²) from F(t + h/2)
            self.last_mid = (t0 + h / 2, d, f * np.exp(-0.5j * omega * h), lam)
        self._pending = h / 2

    def advance(self, n_steps: int = 1) -> None:
        """Advance by ``n_steps`` steps of ``params.dt`` (leaves a pending half bond step)."""
        h = self.params.dt
        mid = len(self._coef) // 2
        for _ in range(n_steps):
            tt = self.t
            for j, c in enumerate(self._coef):
                self._strang(c * h, tt, j == mid)
                tt += c * h
            self.n_step += 1
            self.t = self._t0 + self.n_step * h

    @property
    def n(self) -> int:
        """Steps taken since :meth:`start`."""
        return self.n_step

    def step(self) -> dict:
        """One step of dt; returns {t, t_mid, delta_mid} (class docstring)."""
        self.advance(1)
        t_mid, _, f, lam = self.last_mid
        return {"t": self.t, "t_mid": t_mid, "delta_mid": -lam * f}

    def advance_to(self, t: float) -> dict:
        """Advance to time ``t`` (a whole number of steps ahead) and return the state."""
        k = (t - self.t) / self.params.dt
        require(k >= -1e-9 and abs(k - round(k)) < 1e-6, "t", t,
                f"= current t ({self.t}) + a non-negative multiple of dt ({self.params.dt})")
        self.advance(int(round(k)))
        return self.state

    def run(self, times=None, *, checkpoint=None, progress: bool = False,
            checkpoint_every: int | None = None, resume: bool = True,
            callback: Callable | None = None) -> "BdG1DResult":
        """start (unless started) + steps to ``params.t_max`` + samples + checkpoints.

        Samples every ``params.sample_every`` steps (``times`` must be None); see :func:`run`
        for ``checkpoint``, ``checkpoint_every``, ``resume`` and ``callback``."""
        fixed_grid_times(times, None, 0.0, "the BdG ring (sampled every params.sample_every steps)")
        return run_stepper(self, checkpoint=checkpoint, checkpoint_every=checkpoint_every,
                            resume=resume, callback=callback, progress=progress)


def run(params: BdG1DParams | None = None, *, disorder=None, coupling: Callable | None = None,
        initial_state: dict | None = None, checkpoint=None, checkpoint_every: int | None = None,
        resume: bool = True, progress: bool = False, callback: Callable | None = None,
        **overrides) -> BdG1DResult:
    """Quench the disordered ring and return the trajectory (:class:`BdG1DResult`).

    ``params`` (or keyword overrides of :class:`BdG1DParams`, e.g. ``n_sites=128``).
    ``checkpoint``: path of an ``.npz`` (:mod:`numerics.checkpoint`) written every
    ``checkpoint_every`` steps (default 500) and at the end; with ``resume=True`` an existing
    checkpoint of the same parameters and disorder is continued, and the trajectory is
    bit-identical to an uninterrupted run (the checkpoint stores the un-flushed orbitals and the
    pending half bond step, so checkpointing never changes the arithmetic).  A checkpoint of
    other parameters or disorder raises ``ValueError`` naming the differing field.  ``t_max``
    is not part of that check: rerunning a finished run with a longer t_max and the same file
    *extends* it — bit-identical to a single run to the longer t_max when the old end was a
    sample time (a multiple of ``sample_every`` steps; otherwise the extension also holds the
    sample at the old end, whose flush rounds differently); a shorter t_max is refused.
    ``callback(stepper)`` is called after every step.
    """
    p = replace(params, **overrides) if params is not None else BdG1DParams(**overrides)
    st = BdG1DStepper(p, disorder=disorder, coupling=coupling)
    if initial_state is not None:
        st.start(initial_state)
    return st.run(checkpoint=checkpoint, checkpoint_every=checkpoint_every, resume=resume,
                  callback=callback, progress=progress)
