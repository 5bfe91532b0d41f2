r"""Second-order gap correction Δ^(2) of the Higgs-driven superconductor, paper Appendix D.

Self-consistency with a driven coupling λ(t) = λ0(1 + λ1(t)) (App. D, conventions of
docs/conventions.md, ħ = 1, energies in units of ``p.delta``):

.. math:: \Delta(t) = \lambda_0(1+\lambda_1(t))\,A(t),\qquad
          A(t) = \frac{i}{8}\mathrm{Tr}\,\tau_1\bar g_{t,t},\qquad
          \bar g_{t,t} = \int_{-\omega_{co}}^{\omega_{co}}\frac{d\omega}{2\pi}\,g^K_{t,\omega},

with ω the relative (Wigner) frequency: the Floquet block :math:`g_m(\omega) = g_{\omega+m\omega_0,\omega}`
enters with its mean frequency ω + mω0/2 in [−ω_co, ω_co].  Expanding
:math:`A = \sum_k\theta^k A_k(t)`, :math:`A_k(t) = \sum_m A_k[m]e^{-im\omega_0t}`,
:math:`A_k[m] = \frac{i}{8}\int\frac{d\omega}{2\pi}\mathrm{Tr}\,\tau_1 g^{(k)K}_m(\omega)`:

* order 0: λ0 = Δ / A_0 (at T = 0, γ → 0: :math:`A_0 = \Delta\,\mathrm{arccosh}(\omega_{co}/\Delta)/2\pi`);
* order 1: Δ^(1)(t) = θ cos ω0t fixes :math:`\lambda_1(t) = [\Delta^{(1)}(t) - \lambda_0\theta A_1(t)]/\Delta`,
  i.e. λ1 = θ(ℓ e^{−iω0t} + c.c.), ℓ = (1/2 − λ0 A_1[1])/Δ;
* order 2 (the paper's last line of App. D): :math:`\Delta^{(2)}(t) = \lambda_0\theta^2 A_2(t)
  + \lambda_0\lambda_1(t)\theta A_1(t)`, time average

.. math:: \langle\Delta^{(2)}\rangle = \theta^2\lambda_0\big(A_2[0] + 2\,\mathrm{Re}\,\ell\,\overline{A_1[1]}\big).

**Cut-off dependence.**  A_0 and A_1[1] grow like ln ω_co (the BCS log); A_2[0] converges.
Hence λ0 ≈ 2π/ln(2ω_co/Δ), ℓ = O(1/ln ω_co) and ⟨Δ^(2)⟩ ∝ λ0 → 0 like 1/ln(ω_co/Δ): the
paper's Δ^(2) is proportional to the coupling.  The shift δΔ of the *static* gap that restores
self-consistency at O(θ²) is ⟨Δ^(2)⟩/(1 − λ0 ∂A_0/∂Δ) with 1 − λ0∂A_0/∂Δ → λ0/2π, which is
cut-off independent; it is returned as ``meta["static_shift"]``.

**Small-γ law at ω0 = 2Δ** (the paper's Δ^(2) ∝ θ²/√(Δγ)).  Counting quasiparticles: each
excited pair at ξ ≈ 0 removes Δ/(2E) ≈ 1/2 per quasiparticle from the gap sum, so
δA = −N_ex/(4π) (λ0 = 2πν0V in this normalisation).  The Dynes reservoir relaxes both the
pair coherence and the populations at 2γ (Γ1 = Γ2 = 2γ), so the O(θ²) resonant N_ex of a
real cosine drive is (2Γ2/Γ1)·(1/4)·D1(γ → 2γ) → (π/2)θ²/√(γΔ), which predicts
:math:`A_2[0] \to -1/(8\sqrt{\gamma\Delta})` and :math:`\langle\Delta^{(2)}\rangle \to -\lambda_0\theta^2/(8\sqrt{\gamma\Delta})`
(the ℓ term is O(√γ) smaller).  The quadrature confirms it: A_2[0]√(γΔ) = −0.12351 at
γ = 1e-4Δ and −0.12418 at 3e-5Δ, i.e. −1/8 + 0.149√γ (tests/test_pairs.py).  For detuning
δ = 2Δ − ω0 at γ → 0 the fitted leading coefficient is the same, −λ0/8 (γ → δ; see the
``pairs`` panel).

Two evaluators of the blocks: ``backend="numeric"`` (:mod:`floquetsym.recursion`) and
``backend="symbolic"`` (the trace built from :func:`floquetsym.hierarchy`,
lambdified); they agree to round-off.
"""
from __future__ import annotations

import functools
import math
import warnings

import numpy as np

from .integrate import integrate_real_line
from .params import DriveParams, require, require_finite
from .validity import check_domain
from .result import ConvergenceWarning, Result

__all__ = ["gap_correction", "anomalous_averages", "equilibrium_slope", "symbolic_component",
           "BACKENDS"]

BACKENDS = ("numeric", "symbolic")
_COMPONENTS = ((0, 0), (1, 1), (2, 0))          # (order k, shift m): A_0, A_1[1], A_2[0]


def _numeric_integrand(p: DriveParams):
    from .recursion import FloquetBlocks

    def f(w):
        fb = FloquetBlocks(w, p)
        out = np.empty((w.size, 3), dtype=complex)
        for c, (k, m) in enumerate(_COMPONENTS):
            K = fb.block(k, m, 0)[2]
            out[:, c] = K[0, 1] + K[1, 0]
        return out
    return f


@functools.lru_cache(maxsize=None)
def symbolic_component(k: int, m: int):
    """Tr τ1 g^(k)K_m(ω) from the symbolic hierarchy, compiled by
    :func:`floquetsym.kernels.compile_kernel` (cse, disk cache): ``f(omega, p)`` → complex array."""
    from .kernels import compile_kernel

    def build():
        from .pairs_symbolic import gap_trace
        return {"T": gap_trace(k, m)}
    kern = compile_kernel(build, key=f"gap_trace_k{k}_m{m}".replace("-", "m"),
                          depends=("floquetsym.pairs_symbolic",
                                   "floquetsym.heating"))

    def f(w, p):
        w = np.asarray(w, dtype=float)
        return np.broadcast_to(np.asarray(kern(w, p)["T"], dtype=complex), w.shape)
    return f


def _symbolic_integrand(p: DriveParams):
    comps = [symbolic_component(k, m) for k, m in _COMPONENTS]

    def f(w):
        return np.stack([c(w, p) for c in comps], axis=1)
    return f


def anomalous_averages(p: DriveParams, *, omega_co: float = 20.0, backend: str = "numeric",
                       rtol: float = 1e-8, atol: float = 1e-12) -> dict:
    r"""A_0, A_1[1] (per θ) and A_2[0] (per θ²) of the module docstring, with error estimates.

    Integrated over the mean frequency in [−ω_co, ω_co] with the adaptive, breakpoint-graded
    rule of :mod:`floquetsym.integrate` (window edges and the singular energies as cuts).
    """
    from .observables import singular_energies
    require(backend in BACKENDS, "backend", backend, f"in {BACKENDS}")
    omega_co = require_finite("omega_co", omega_co)
    require(omega_co > 2 * (p.delta + p.omega0), "omega_co", omega_co,
            f"> 2*(delta + omega0) = {2 * (p.delta + p.omega0):g}")
    base = _numeric_integrand(p) if backend == "numeric" else _symbolic_integrand(p)
    shifts = np.array([0.5 * m * p.omega0 for _, m in _COMPONENTS])   # mean-frequency offset

    def f(w):
        vals = base(w)
        inside = np.abs(w[:, None] + shifts[None, :]) <= omega_co
        return np.where(inside, vals, 0.0) * (1j / 8 / (2 * math.pi))

    bps = set(singular_energies(p, 2, 0)) | set(singular_energies(p, 1, 1))
    bps |= {s * omega_co - o for s in (-1, 1) for o in shifts}
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ConvergenceWarning)
        # integrands are evaluated from ω ∓ Δ + iγ: relative round-off ~ ε(Δ+ω0)/γ, so
        # the achievable tolerance is bounded below by it (tiny γ, e.g. the detuned γ → 0)
        cond = (p.delta + p.omega0) / p.gamma
        rtol_eff = max(rtol, 1e3 * np.finfo(float).eps * cond)
        q = integrate_real_line(f, sorted(bps), width=0.5 * p.gamma, scale=p.delta,
                                rtol=rtol_eff, atol=atol, condition=cond)
    for w in caught:
        warnings.warn(str(w.message), ConvergenceWarning, stacklevel=2)
    a0, a1, a2 = (complex(v) for v in q.value)
    e0, e1, e2 = (float(e) for e in q.error)
    return {"A0": a0.real, "A1": a1, "A2": a2.real,
            "errors": {"A0": e0 + abs(a0.imag), "A1": e1, "A2": e2 + abs(a2.imag)},
            "quadrature": {**q.as_meta(), "rtol": rtol_eff}}


def equilibrium_slope(p: DriveParams, *, omega_co: float = 20.0,
                      rtol: float = 1e-8) -> tuple[float, float]:
    r"""∂A_0/∂Δ at fixed γ, T, ω_co, and its error estimate (the static response of the gap
    equation).  With Tr τ1 g^R = −2iΔ/s^R and ∂_Δ(Δ/s) = z²/s³ (s² = z² − Δ²):

    .. math:: \frac{\partial A_0}{\partial\Delta} = \frac{1}{8\pi}\int_{-\omega_{co}}^{\omega_{co}}
              d\omega\,\Big[\frac{z^2}{(s^R)^3} - \frac{\bar z^2}{(s^A)^3}\Big]\tanh\frac{\omega}{2T},
              \qquad z = \omega + i\gamma .
    """
    from .conventions import distribution, reservoir_z, s_advanced, s_retarded
    omega_co = require_finite("omega_co", omega_co)
    require(omega_co > 2 * p.delta, "omega_co", omega_co, f"> 2*delta = {2 * p.delta:g}")

    def f(w):
        z = reservoir_z(w, p.gamma, "R")
        sr, sa = s_retarded(w, p.delta, p.gamma), s_advanced(w, p.delta, p.gamma)
        val = (z * z / sr**3 - np.conj(z) ** 2 / sa**3) * distribution(w, p.temperature)
        return np.where(np.abs(w) <= omega_co, val, 0.0) / (8 * math.pi)

    bps = [-omega_co, -p.delta, 0.0, p.delta, omega_co]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ConvergenceWarning)
        # the integrand is evaluated from ω ∓ Δ + iγ: relative round-off ~ ε Δ/γ
        rtol_eff = max(rtol, 1e3 * np.finfo(float).eps * p.delta / p.gamma)
        q = integrate_real_line(f, bps, width=0.5 * p.gamma, scale=p.delta, rtol=rtol_eff,
                                atol=1e-13, condition=p.delta / p.gamma)
    for w in caught:
        warnings.warn(str(w.message), ConvergenceWarning, stacklevel=2)
    v = complex(q.value[0])
    return v.real, float(q.error[0]) + abs(v.imag)


def gap_correction(p: DriveParams, *, omega_co: float = 20.0, backend: str = "numeric",
                   rtol: float = 1e-8) -> Result:
    r"""Time-averaged second-order gap ⟨Δ^(2)⟩ of Appendix D, including θ² (units of p.delta).

    λ0 from the equilibrium self-consistency at the same γ and cut-off, λ1(t) chosen so that
    the first-order gap is exactly θ cos ω0t (App. D), then
    :math:`\langle\Delta^{(2)}\rangle = \theta^2\lambda_0(A_2[0] + 2\mathrm{Re}\,\ell\overline{A_1[1]})`.
    ``meta`` holds λ0, ℓ (λ1 amplitude per θ), A_k, and ``static_shift``: the cut-off-independent
    static gap shift ⟨Δ^(2)⟩/(1 − λ0∂A_0/∂Δ) (∂A_0/∂Δ from :func:`equilibrium_slope`).
    The value depends on ω_co like the coupling λ0 ≈ 2π/ln(2ω_co/Δ) (module docstring).
    """
    from .pairs import _check_perturbative
    require(isinstance(p, DriveParams), "p", type(p).__name__, "a DriveParams")
    omega_co = require_finite("omega_co", omega_co)
    check_domain("gap_correction", p, gamma=(p.gamma, None, 0.1 * omega_co))
    _check_perturbative(p)
    r = anomalous_averages(p, omega_co=omega_co, backend=backend, rtol=rtol)
    lam0 = p.delta / r["A0"]
    ell = (0.5 - lam0 * r["A1"]) / p.delta
    coeff = lam0 * (r["A2"] + 2 * (ell * np.conj(r["A1"])).real)
    # error propagation (first order in the quadrature errors)
    e = r["errors"]
    err = lam0 * (e["A2"] + 2 * abs(ell) * e["A1"] + 2 * abs(r["A1"]) * lam0 * e["A1"] / p.delta)
    err += abs(coeff) * e["A0"] / r["A0"]
    # static response 1 − λ0 ∂A0/∂Δ (equilibrium, same γ and ω_co)
    dA0, dA0_err = equilibrium_slope(p, omega_co=omega_co, rtol=rtol)
    stiffness = 1 - lam0 * dA0
    value = p.theta**2 * float(coeff)
    meta = {"omega_co": omega_co, "backend": backend, "lambda0": lam0, "ell": complex(ell),
            "A0": r["A0"], "A1": r["A1"], "A2": r["A2"], "coefficient": float(coeff),
            "stiffness": float(stiffness), "static_shift": value / stiffness,
            "quadrature": r["quadrature"], "unit": "delta, includes theta^2"}
    return Result(value=value, error=p.theta**2 * float(err), params=p, meta=meta)
