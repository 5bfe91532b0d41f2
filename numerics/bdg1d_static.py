"""Static pieces of the 1D BdG ring (Appendix C): disorder and its Born rate, the dense
H_BdG, the thermal self-consistent start (C3), orbital <-> density-matrix maps, winding number.

Conventions and derivations: see the module docstring of :mod:`numerics.bdg1d`.
"""
from __future__ import annotations

import math
import warnings
from dataclasses import dataclass

import numpy as np
import scipy.linalg as sla
from scipy.optimize import brentq

from floquetsym.params import require, require_finite, require_int
from floquetsym.result import ConvergenceWarning

__all__ = [
    "RingEquilibrium", "equilibrium", "box_disorder", "born_rate", "width_for_rate",
    "bdg_hamiltonian", "uniform_gap", "winding_number", "density_matrix",
    "composition_coefficients", "local_fields", "fields_from_gram", "orbitals_from_eig", "SlipTracker",
    "PHASE_TOL", "phase_defined",
]


# ----------------------------------------------------------------------------- disorder
def box_disorder(n_sites: int, width: float, *, rng=None) -> np.ndarray:
    """On-site potentials u_i uniform in [−W/2, W/2] (⟨u²⟩ = W²/12); ``rng`` seed or Generator."""
    n_sites = require_int("n_sites", n_sites, lo=1)
    width = require_finite("width", width)
    require(width >= 0, "width", width, ">= 0")
    return np.random.default_rng(rng).uniform(-width / 2, width / 2, n_sites)


def born_rate(width: float, hopping: float = 1.0) -> float:
    """Elastic rate γ_el = 2πν0⟨u²⟩ = W²/(12 J) at the band centre (ν0 = 1/2πJ, Born)."""
    width, hopping = require_finite("width", width), require_finite("hopping", hopping)
    require(width >= 0, "width", width, ">= 0")
    require(hopping > 0, "hopping", hopping, "> 0")
    return width ** 2 / (12.0 * hopping)


def width_for_rate(gamma_el: float, hopping: float = 1.0) -> float:
    """Box width W giving the Born elastic rate γ_el (inverse of :func:`born_rate`)."""
    gamma_el, hopping = require_finite("gamma_el", gamma_el), require_finite("hopping", hopping)
    require(gamma_el >= 0, "gamma_el", gamma_el, ">= 0")
    require(hopping > 0, "hopping", hopping, "> 0")
    return math.sqrt(12.0 * hopping * gamma_el)


# ----------------------------------------------------------------------------- dense objects
def bdg_hamiltonian(delta, potential, hopping: float) -> np.ndarray:
    """Dense 2N×2N H_BdG (index 2i + ν, ν = 0: ψ_i↑, ν = 1: ψ_i↓†) of Appendix C.

    ``potential`` = u_i + δu_i (multiplies τ3); ``delta`` = Δ_i (the τ+ entry).
    Real dtype when Δ is real.
    """
    delta = np.asarray(delta)
    n = delta.size
    dtype = float if np.isrealobj(delta) else complex
    h = np.zeros((2 * n, 2 * n), dtype=dtype)
    i = np.arange(n)
    j = (i + 1) % n
    h[2 * i, 2 * j] += hopping
    h[2 * j, 2 * i] += hopping
    h[2 * i + 1, 2 * j + 1] -= hopping
    h[2 * j + 1, 2 * i + 1] -= hopping
    h[2 * i, 2 * i] = potential
    h[2 * i + 1, 2 * i + 1] = -np.asarray(potential)
    h[2 * i, 2 * i + 1] = delta
    h[2 * i + 1, 2 * i] = np.conj(delta)
    return h


def _orbital_weights(energies, temperature):
    """−tanh(βγ/2) ∈ [0, 1] for the negative-energy half (0 at γ = 0)."""
    if temperature == 0:
        return -np.sign(energies)
    return -np.tanh(energies / (2.0 * temperature))


def density_matrix(X: np.ndarray) -> np.ndarray:
    """Dense 2N×2N Nambu density matrix ρ_ab = ⟨Ψ_b†Ψ_a⟩ from the scaled orbitals.

    ρ = ½ + ½ Σ_m (|x_m⟩⟨x_m| − τ2|x_m*⟩⟨x_m*|τ2), the exact inverse of the orbital
    representation (for tests and cross-checks; O(N³)).
    """
    n, _, m = X.shape
    v = (X[:, 0::2] + 1j * X[:, 1::2]).reshape(2 * n, m)        # rows 2i+ν
    a, b = v[0::2], v[1::2]
    img = np.empty_like(v)
    img[0::2], img[1::2] = -1j * b.conj(), 1j * a.conj()         # τ2 x*
    return 0.5 * np.eye(2 * n) + 0.5 * (v @ v.conj().T - img @ img.conj().T)


def local_fields(X):
    """Per site: D_i = (ρ11 − ρ22)_i and F_i = ρ_ii,12 from the orbital Gram matrices."""
    return fields_from_gram(np.matmul(X, X.transpose(0, 2, 1)))


def fields_from_gram(g):
    """(D_i, F_i) from the real per-site Gram matrices g_i = X_i X_iᵀ (shape (N, 4, 4))."""
    d = g[:, 0, 0] + g[:, 1, 1] - g[:, 2, 2] - g[:, 3, 3]
    f = (g[:, 0, 2] + g[:, 1, 3]) + 1j * (g[:, 1, 2] - g[:, 0, 3])
    return d, f


def orbitals_from_eig(vecs, energies, temperature):
    n = vecs.shape[0] // 2
    w = np.sqrt(np.clip(_orbital_weights(energies[:n], temperature), 0.0, None))
    v = vecs[:, :n] * w
    X = np.empty((n, 4, n))
    v = v.reshape(n, 2, n)
    X[:, 0], X[:, 2] = v[:, 0].real, v[:, 1].real
    X[:, 1], X[:, 3] = (v[:, 0].imag, v[:, 1].imag) if np.iscomplexobj(v) else (0.0, 0.0)
    return X


# ----------------------------------------------------------------------------- equilibrium
def uniform_gap(n_sites: int, hopping: float, lam: float, temperature: float) -> float:
    """Clean-ring gap: root of 1 = λ N⁻¹ Σ_k tanh(E_k/2T)/(2E_k), ξ_k = 2J cos(2πn/N); 0 if none."""
    xi = 2 * hopping * np.cos(2 * np.pi * np.arange(n_sites) / n_sites)

    def gap_eq(d):
        e = np.sqrt(xi ** 2 + d ** 2)
        t = np.ones_like(e) if temperature == 0 else np.tanh(e / (2 * temperature))
        return lam * np.mean(t / (2 * e)) - 1.0

    lo, hi = 1e-12 * hopping, 10 * hopping + lam
    if lam <= 0 or gap_eq(lo) <= 0:
        return 0.0
    return brentq(gap_eq, lo, hi, xtol=1e-15 * hopping, rtol=1e-15)


@dataclass(frozen=True)
class RingEquilibrium:
    """Self-consistent thermal state (C3): real Δ_i, Hartree shifts, orbitals, residual."""

    delta: np.ndarray
    hartree_shift: np.ndarray
    energies: np.ndarray
    orbitals: np.ndarray
    n_iter: int
    residual: float


def equilibrium(disorder, *, hopping: float = 1.0, lam: float, temperature: float = 0.0,
                hartree: int = 0, tol: float = 1e-13, max_iter: int = 300,
                delta_guess=None) -> RingEquilibrium:
    """Solve (C1) with the thermal ρ of (C3) by Anderson-accelerated fixed-point iteration.

    Dense real eigh of the 2N×2N H_BdG per iteration (O(N³), once per run).  Converged when
    max|Δ_new − Δ| and max|δu_new − δu| < ``tol``·max(J, max|Δ|); otherwise a
    ``ConvergenceWarning``.
    """
    u = np.asarray(disorder, dtype=float)
    n = u.size
    s = int(hartree)
    d0 = uniform_gap(n, hopping, lam, temperature)
    delta = np.full(n, d0) if delta_guess is None else np.asarray(delta_guess, float).copy()
    x = np.concatenate([delta, np.zeros(n)]) if s else delta.copy()

    def fixed_point(x):
        dl, du = (x[:n], x[n:]) if s else (x, 0.0)
        e, v = sla.eigh(bdg_hamiltonian(dl, u + du, hopping), driver="evd")
        X = orbitals_from_eig(v, e, temperature)
        dd, ff = local_fields(X)
        new = -lam * ff.real
        out = np.concatenate([new, s * lam * dd / 2]) if s else new
        return out, e, X

    hist_x, hist_g = [], []
    scale = max(hopping, d0)
    res = np.inf
    for it in range(1, max_iter + 1):
        gx, e, X = fixed_point(x)
        r = gx - x
        res = float(np.max(np.abs(r)))
        if res < tol * scale:
            x = gx
            break
        hist_x.append(x.copy())
        hist_g.append(gx.copy())
        hist_x, hist_g = hist_x[-6:], hist_g[-6:]
        if len(hist_x) > 1:                                  # Anderson (type II) mixing
            R = np.array([g - xx for g, xx in zip(hist_g, hist_x)]).T
            dR = np.diff(R, axis=1)
            coef, *_ = np.linalg.lstsq(dR, r, rcond=None)
            G = np.array(hist_g).T
            x = gx - np.diff(G, axis=1) @ coef
        else:
            x = gx
    else:
        warnings.warn(f"equilibrium: self-consistency residual {res:.2e} after {max_iter} "
                      f"iterations (tol {tol:.1e})", ConvergenceWarning, stacklevel=2)
    gx, e, X = fixed_point(x)
    res = float(np.max(np.abs(gx - x)))
    dl, du = (x[:n], x[n:]) if s else (x, np.zeros(n))
    return RingEquilibrium(delta=dl, hartree_shift=du, energies=e, orbitals=X, n_iter=it, residual=res)


# ----------------------------------------------------------------------------- diagnostics
#: mean |Δ_i| (units of J) at or below which the ring is normal and its phase undefined
PHASE_TOL = 1e-12


def phase_defined(delta, tol: float = PHASE_TOL) -> bool:
    """True when the ring has a phase to wind: mean |Δ_i| > ``tol`` (not the normal state,
    where Δ_i ≡ 0 up to round-off and arg Δ_i is noise)."""
    return bool(np.mean(np.abs(np.asarray(delta))) > tol)


def winding_number(delta, *, tol: float = PHASE_TOL) -> int:
    """Phase winding of Δ_i around the ring: (1/2π) Σ_i arg(Δ_{i+1} Δ_i*).

    ``ValueError`` naming ``delta`` when the ring is normal (mean |Δ_i| <= ``tol``, in the
    units of Δ): the phases of a vanishing gap are round-off, and so would be the winding."""
    delta = np.asarray(delta)
    require(phase_defined(delta, tol), "delta", f"a profile with mean|Δ_i| = "
            f"{np.mean(np.abs(delta)):.3g}", f"mean|Δ_i| > tol={tol:g} (the normal state has "
            "no phase, so no winding number)")
    dphi = np.angle(np.roll(delta, -1) * np.conj(delta))
    return int(np.rint(dphi.sum() / (2 * np.pi)))


def composition_coefficients(order: int) -> np.ndarray:
    """Sub-step fractions of the symmetric (Yoshida triple-jump) composition of Strang steps."""
    c = np.array([1.0])
    for p in range(2, order, 2):
        w1 = 1.0 / (2.0 - 2.0 ** (1.0 / (p + 1)))
        w0 = 1.0 - 2.0 * w1
        c = np.concatenate([w1 * c, w0 * c, w1 * c])
    return c


class SlipTracker:
    """Per-step phase-slip bookkeeping from Δ_i sampled at every step.

    A *bond slip* is a step in which the wrapped phase difference arg(Δ_{i+1}Δ_i*) of a bond
    jumps by more than π (it crossed ±π: a 2π phase slip localised on that bond); their signed
    sum equals the change of the winding number, their unsigned sum also counts slip/anti-slip
    pairs.  A *dip* is a site whose |Δ_i| falls below threshold·mean|Δ| (was above before).
    """

    def __init__(self, threshold):
        self.threshold = threshold
        self.prev_dphi = None
        self.prev_low = None
        self.rows = []                 # (t, winding, bond slips, net slips, dips, n_low, min|Δ|/mean, max |δφ|)
        self.events = []               # (t, bond i (between sites i, i+1), sign = winding change)

    def update(self, t, delta):
        dphi = np.angle(np.roll(delta, -1) * np.conj(delta))
        w = int(np.rint(dphi.sum() / (2 * np.pi)))
        a = np.abs(delta)
        mean = a.mean()
        low = a < self.threshold * mean
        if not mean > PHASE_TOL:                 # normal state: no phase to track
            dphi, low = np.zeros_like(a), np.ones(a.shape, bool)
            w = 0
        slips = net = dips = 0
        fast = 0.0
        if self.prev_dphi is not None:
            jump = dphi - self.prev_dphi
            ev = np.abs(jump) > np.pi
            slips = int(ev.sum())
            net = int(np.sign(jump[ev]).sum())
            self.events.extend((t, int(i), int(np.sign(jump[i]))) for i in np.flatnonzero(ev))
            ok = ~(low | np.roll(low, -1))           # phase well defined on both sites
            fast = float(np.max(np.abs(np.angle(np.exp(1j * jump[ok]))), initial=0.0))
            dips = int((low & ~self.prev_low).sum())
        self.prev_dphi, self.prev_low = dphi, low
        self.rows.append((t, w, slips, net, dips, int(low.sum()),
                          float(a.min() / mean) if mean > 0 else 0.0, fast))

    def arrays(self):
        r = np.array(self.rows, dtype=float).reshape(-1, 8)
        return r

    def state(self):
        n = 0 if self.prev_dphi is None else self.prev_dphi.size
        return {"slip_rows": self.arrays(),
                "slip_events": np.array(self.events, dtype=float).reshape(-1, 3),
                "slip_prev_dphi": self.prev_dphi if n else np.zeros(0),
                "slip_prev_low": self.prev_low if n else np.zeros(0, dtype=bool)}

    def load(self, arrays):
        self.rows = [tuple(r) for r in arrays["slip_rows"]]
        self.events = [(float(t), int(i), int(s)) for t, i, s in arrays["slip_events"]]
        if arrays["slip_prev_dphi"].size:
            self.prev_dphi = arrays["slip_prev_dphi"].copy()
            self.prev_low = arrays["slip_prev_low"].copy()
