r"""Correlated equilibrium of the Kadanoff–Baym model on the Matsubara axis (independent route).

The model is that of :mod:`numerics.kb_model` (same discrete band, BCS coupling λ, Debye
α²F, Born disorder); here its thermal equilibrium is solved directly, with the same
self-energy diagrams (Migdal phonon + Born disorder, paper Eqs. 5–6) on the imaginary axis:

    G_ξ(iω_n) = [iω_n − ξτ3 − Δτ1 − Σ(iω_n)]^{-1},                 ω_n = (2n+1)πT,
    Σ(iω_n) = T Σ_m λ(ω_n − ω_m) τ3 G_loc(iω_m) τ3 + c_dis τ3 G_loc(iω_n) τ3,
    λ(ν) = ∫ dΩ α²F(Ω) 2Ω/(Ω² + ν²),   c_dis = γ_el/(2π ν0),   G_loc = Σ_ξ w_ξ G_ξ,
    Δ = −λ Σ_ξ w_ξ ρ_ξ,12,   ρ_ξ = T Σ_n G_ξ(iω_n) e^{iω_n 0⁺}          (the BCS mean field).

These are the Matsubara images of the real-time Σ^≷(t,s) = K^≷(t−s) τ3 G^≷_loc τ3 of
:mod:`numerics.kb_model` (K^> is the bath correlator of the odd spectral function
B(Ω) = sgn Ω α²F(|Ω|), whose Matsubara propagator is −λ(ν)); the signs are fixed by the
checks in the tests: the normal state has Z(iπT) = 1 + 2λ_el-ph (infinite band) and Σ^R =
−iγ_el/2 for disorder, and phonons enhance the gap.

Superfluid density (Eq. 7 in equilibrium, the static bubble; δΣ = 0 for the odd vertex):
    η_ξ = ∂ρ_ξ/∂ε|_{h→h+ετ0} = T Σ_n G_ξ(iω_n)²,   P = −Σ_ξ w_ξ v²_ξ Tr η_ξ,   n_s = D − P,
with the diamagnetic D = Σ_ξ w_ξ m⁻¹_ξ n_ξ (= n for the flat 2D band, where m⁻¹ = 1; on the
1D lattice band m⁻¹_ξ = −ξ), the same definitions as the time-domain solvers
(``KBResult.ns``), so that a correlated state prepared in real time can be compared number by
number.  In the normal state P = n − B on the flat band (Appendix B) and P = D on the lattice
band (no cut-off: the lattice f-sum rule), and without phonons and disorder everything reduces
to BCS.

Matsubara sums run over |ω_n| ≤ ``omega_max``; the slowly decaying 1/ω² tails of the
equal-time sums are added in closed form (T Σ_{n≥N} ω_n^{-2} = ψ'(N + ½)/(4π²T)); the error
estimate is the change when ``omega_max`` is halved.
"""
from __future__ import annotations

import math
import warnings
from dataclasses import dataclass, field

import numpy as np

from floquetsym.params import require
from floquetsym.result import ConvergenceWarning

from .kb_model import KBParams, bcs_gap, equal_time_observables, make_band

__all__ = ["MatsubaraEquilibrium", "matsubara_equilibrium", "phonon_lambda"]


@dataclass(frozen=True)
class MatsubaraEquilibrium:
    """Correlated equilibrium at coupling ``lam``: Δ (BCS mean field), n, P, n_s = n − P,
    boundary term B (Appendix B), Z(iπT), per-ξ ρ and η, and error estimates."""

    delta: float
    density: float
    ns: float
    ns_para: float
    ns_boundary: float
    z1: float
    rho: np.ndarray
    eta: np.ndarray
    error: dict = field(default_factory=dict)
    meta: dict = field(default_factory=dict)


def phonon_lambda(nu, lam_ph: float, omega_d: float):
    """λ(ν) = ∫_0^{ω_D} dΩ α²F(Ω) 2Ω/(Ω² + ν²) for the Debye α²F = 2λ_ph Ω²/ω_D²:
    λ(ν) = 2λ_ph [1 − x² ln(1 + 1/x²)], x = ν/ω_D;  λ(0) = 2∫α²F/Ω = 2λ_ph.

    Note the factor 2: with λ_el-ph defined as ∫α²F/Ω (paper, after Eq. 6) and α²F the
    spectral function that enters Σ^R (Im Σ^R = −π∫_0^{|ω|}α²F), the mass enhancement is
    Z = 1 + λ(0) = 1 + 2λ_el-ph (the textbook λ = 2∫α²F/Ω).
    """
    x2 = (np.asarray(nu, dtype=float) / omega_d) ** 2
    with np.errstate(divide="ignore", invalid="ignore"):
        out = 2.0 * lam_ph * (1.0 - x2 * np.log1p(1.0 / np.where(x2 > 0, x2, 1.0)))
    return np.where(x2 > 0, out, 2.0 * lam_ph)


def _tail(n_max: int, temperature: float) -> float:
    """T Σ_{n ≥ N} ω_n^{-2} for ω_n = (2n+1)πT (one sign of n)."""
    from scipy.special import polygamma
    return float(polygamma(1, n_max + 0.5)) / (4.0 * math.pi ** 2 * temperature)


def _solve(p: KBParams, lam: float, omega_max: float, tol: float, max_iter: int, mix: float):
    b = make_band(p)
    T = p.temperature
    N = max(8, int(math.ceil(omega_max / (2 * math.pi * T))))
    require(2 * N <= 20000, "omega_max", omega_max,
            f"<= {20000 * math.pi * T:.3g} at T = {T} (2N = {2 * N} Matsubara frequencies; the "
            "phonon kernel is a dense 2N × 2N matrix)")
    n_idx = np.arange(-N, N)
    wn = (2 * n_idx + 1) * math.pi * T                              # (2N,)
    lam_nm = phonon_lambda(wn[:, None] - wn[None, :], p.lam_ph, p.omega_d) if p.lam_ph > 0 else None
    c_dis = p.gamma_el / (2.0 * math.pi * b.nu0)
    t3 = np.array([1.0, -1.0])
    tail = 2.0 * _tail(N, T)                                        # both signs
    delta = bcs_gap(lam, b, T) or (0.05 if lam > 0 else 0.0)
    sig = np.zeros((2 * N, 2, 2), complex)
    iw = 1j * wn[:, None, None] * np.eye(2)

    def greens(sig, delta):
        h = np.zeros((b.n, 2, 2))
        h[:, 0, 0], h[:, 1, 1] = b.xi, -b.xi
        h[:, 0, 1] = h[:, 1, 0] = delta
        m = iw[None] - h[:, None] - sig[None]                        # (nx, 2N, 2, 2)
        det = m[..., 0, 0] * m[..., 1, 1] - m[..., 0, 1] * m[..., 1, 0]
        inv = np.empty_like(m)
        inv[..., 0, 0], inv[..., 1, 1] = m[..., 1, 1] / det, m[..., 0, 0] / det
        inv[..., 0, 1], inv[..., 1, 0] = -m[..., 0, 1] / det, -m[..., 1, 0] / det
        return inv

    res = np.inf
    for it in range(max_iter):
        G = greens(sig, delta)
        gloc = np.einsum("x,xnab->nab", b.w, G)
        tgt = t3[:, None] * gloc * t3[None, :]
        new = c_dis * tgt
        if lam_nm is not None:
            new = new + T * (lam_nm @ tgt.reshape(-1, 4)).reshape(-1, 2, 2)
        # Δ = −λ Σ w ρ12, ρ12 = T Σ_n G12 + tail (G12 → −Δ_∞/ω² with Δ_∞ = Δ: Σ12(∞) → 0)
        rho12 = T * G[:, :, 0, 1].sum(axis=1).real - delta * tail
        new_delta = -lam * float(np.sum(b.w * rho12)) if lam > 0 else 0.0
        res = max(float(np.abs(new - sig).max()), abs(new_delta - delta))
        sig = (1 - mix) * sig + mix * new
        delta = (1 - mix) * delta + mix * new_delta
        if res < tol:
            break
    G = greens(sig, delta)
    # equal-time ρ: off-diagonal and ρ11 − ρ22 converge as 1/ω² (tails added); ρ11 + ρ22 = 1
    r12 = T * G[:, :, 0, 1].sum(axis=1) - delta * tail
    diff = T * (G[:, :, 0, 0] - G[:, :, 1, 1]).sum(axis=1) + (-2.0 * b.xi) * tail
    rho = np.empty((b.n, 2, 2), complex)
    rho[:, 0, 0], rho[:, 1, 1] = 0.5 * (1 + diff), 0.5 * (1 - diff)
    rho[:, 0, 1], rho[:, 1, 0] = r12, np.conj(r12)
    G2 = G @ G
    eta = T * G2.sum(axis=1) + (-tail) * np.eye(2)[None]        # G² → −1/ω² on the diagonal
    dens, dia, para, bnd = equal_time_observables(p, b, rho, eta)
    z1 = float(1.0 - (sig[N, 0, 0].imag / wn[N]))                   # Σ11(iπT) = iπT(1 − Z)
    return dict(delta=float(delta), density=dens, ns=dia - para, ns_para=para, ns_boundary=bnd,
                z1=z1, rho=rho, eta=eta, residual=res, iterations=it + 1, n_matsubara=2 * N)


def matsubara_equilibrium(p: KBParams, lam: float | None = None, *, omega_max: float = 40.0,
                          tol: float = 1e-11, max_iter: int = 2000,
                          mix: float = 0.5) -> MatsubaraEquilibrium:
    """Correlated equilibrium of ``p`` at BCS coupling ``lam`` (default ``p.lam_i``).

    Returns :class:`MatsubaraEquilibrium` with ``error`` = {quantity: |change when omega_max is
    halved|,
    "residual": self-consistency residual}.  Warns (ConvergenceWarning) if the iteration did
    not reach ``tol``.
    """
    lam = p.lam_i if lam is None else float(lam)
    require(lam >= 0, "lam", lam, ">= 0")
    require(omega_max > 10 * p.temperature, "omega_max", omega_max, f"> 10 T = {10 * p.temperature}")
    require(0 < mix <= 1, "mix", mix, "in (0, 1]")
    hi = _solve(p, lam, omega_max, tol, max_iter, mix)
    lo = _solve(p, lam, 0.5 * omega_max, tol, max_iter, mix)
    if hi["residual"] > tol:
        warnings.warn(f"Matsubara equilibrium not converged: residual {hi['residual']:.2g} > "
                      f"tol={tol} after {max_iter} iterations (lower mix)", ConvergenceWarning,
                      stacklevel=2)
    keys = ("delta", "density", "ns", "ns_para", "ns_boundary", "z1")
    err = {k: abs(hi[k] - lo[k]) for k in keys}
    err["residual"] = hi["residual"]
    return MatsubaraEquilibrium(**{k: hi[k] for k in keys}, rho=hi["rho"], eta=hi["eta"], error=err,
                       meta={"iterations": hi["iterations"], "n_matsubara": hi["n_matsubara"],
                             "omega_max": omega_max, "lam": lam})
