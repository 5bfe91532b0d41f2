r"""Pair excitations, paper Eq. (D1), and the heating gap correction Δ^(2), Appendix D.

Numbers only; the expressions come from :mod:`floquetsym.pairs_symbolic` (lambdified once).
Conventions: :mod:`floquetsym.conventions`, docs/conventions.md; ħ = 1, all energies in the unit of
``p.delta``; results per ν0 (the normal density of states per spin at the Fermi level).

Factors to keep in mind when comparing with a simulation (derived in
:mod:`floquetsym.pairs_symbolic` and :mod:`numerics.pseudospin`):

* Eq. (D1) keeps the full θ in the resonant amplitude (cos ω0t → e^{iω0t}).  The rotating-wave
  half of a real cosine drive has θ/2: **factor 1/4** in N_ex.
* Eq. (D1) damps the *amplitude* at γ (populations at 2γ).  A two-level (Bloch) model with
  population decay Γ1 and coherence decay Γ2 gives, to O(θ²), the D1 summand times
  **2Γ2/Γ1** (= 1 for amplitude damping Γ1 = 2Γ2 = 2γ; = 2 for uniform relaxation Γ1 = Γ2 = γ).
* ``counter_rotating=True`` adds the e^{-iω0t} half of the cosine,
  1/(γ² + (2λ+ω0)²): a smooth, γ-analytic addition (it changes the γ⁰ and γ² terms of the
  small-γ series, never the 1/√γ one).
"""
from __future__ import annotations

import functools
import math
import warnings

import numpy as np
from scipy import integrate

from .params import DriveParams, require, require_finite
from .validity import check_domain
from .result import PerturbativeWarning, ConvergenceWarning, Result

__all__ = ["pair_excitations", "pair_excitations_asymptote",
           "PerturbativeWarning", "d1_density"]

_TAIL_START = 40.0        # ξ beyond max(40Δ, 4ω0) is mapped to u = 1/ξ


def _check_perturbative(p: DriveParams) -> None:
    if p.theta >= p.delta:
        warnings.warn(f"theta={p.theta:g} >= delta={p.delta:g}: the order-theta^2 result "
                      "is outside its range of validity (need theta << delta)",
                      PerturbativeWarning, stacklevel=3)


@functools.lru_cache(maxsize=None)
def _kernels():
    """Lambdified D1 integrand (per θ²) on ξ and its tail form on u = 1/ξ."""
    import sympy as sp

    from . import pairs_symbolic as ps
    args = (ps.xi, ps.Delta, ps.omega0, ps.gamma)
    body = sp.lambdify(args, ps.d1_integrand(), modules="numpy", cse=True)
    u, tail = ps.d1_tail_integrand()
    tail_f = sp.lambdify((u, ps.Delta, ps.omega0, ps.gamma), tail, modules="numpy", cse=True)
    return body, tail_f


def d1_density(xi, p: DriveParams, *, counter_rotating: bool = False):
    r"""The Eq. (D1) integrand including θ²: N_ex per ν0 per unit ξ (vectorised in ξ).

    ``counter_rotating=True`` adds :math:`2\theta^2\xi^2/\lambda^2/(\gamma^2+(2\lambda+\omega_0)^2)`.
    At T > 0 every term carries the population difference tanh(λ/2T) (see
    :func:`pair_excitations`).
    """
    body, _ = _kernels()
    xi = np.asarray(xi, dtype=float)
    out = body(xi, p.delta, p.omega0, p.gamma)
    if counter_rotating:
        out = out + body(xi, p.delta, -p.omega0, p.gamma)
    return p.theta**2 * out * _thermal(np.sqrt(xi**2 + p.delta**2), p.temperature)


def _thermal(lam, temperature: float):
    """Population difference of a pair level pair at temperature T: tanh(λ/2T) (1 at T = 0)."""
    if temperature == 0:
        return 1.0
    return np.tanh(lam / (2.0 * temperature))


def _breakpoints(p: DriveParams, stop: float) -> np.ndarray:
    """Panel edges on [0, stop]: geometric around ξ = 0 (scale √(γΔ)) and the resonance."""
    d, g, w0 = p.delta, p.gamma, p.omega0
    pts = [0.0, stop, d, 2 * d, 4 * d]
    scale0 = math.sqrt(g * d)
    pts += [scale0 * 2.0**k for k in range(-4, 40) if scale0 * 2.0**k < stop]
    if w0 > 2 * d:
        xr = math.sqrt((w0 / 2) ** 2 - d**2)
        lr = w0 / 2
        width = g * lr / (2 * xr) if xr > 0 else scale0     # half width of the Lorentzian in ξ
        pts += [xr]
        for k in range(-3, 40):
            off = width * 2.0**k
            if off > stop:
                break
            pts += [xr - off, xr + off]
    pts = np.unique(np.clip(np.asarray(pts), 0.0, stop))
    return pts


def _quad_panels(f, edges, rtol):
    total, err, neval = 0.0, 0.0, 0
    for a, b in zip(edges[:-1], edges[1:]):
        if b <= a:
            continue
        v, e, info = integrate.quad(f, a, b, epsabs=0.0, epsrel=rtol, limit=200,
                                    full_output=True)[:3]
        total += v
        err += e
        neval += info["neval"]
    return total, err, neval


def pair_excitations(p: DriveParams, *, xi_cutoff: float | None = None,
                     counter_rotating: bool = False, rtol: float = 1e-11) -> Result:
    r"""Excited quasiparticles per ν0 in the driven steady state, paper Eq. (D1).

    .. math:: \frac{N_{ex}}{\nu_0} = 2\theta^2 \int d\xi\, \frac{\xi^2}{\xi^2+\Delta^2}
              \frac{1}{\gamma^2 + (2\sqrt{\xi^2+\Delta^2} - \omega_0)^2}

    over the infinite band (default) or over [−ξc, ξc] (``xi_cutoff=ξc``).  Units: ``p``'s
    energy unit; the value includes θ², so it is dimensionless·(energy)⁻¹·θ² = a number per ν0.
    The integrand is peaked at 2λ = ω0 with width ~γ (at ω0 = 2Δ: at ξ = 0, width √(γΔ));
    the integral is split into panels around the peak; the band beyond ξ ≈ 40Δ is mapped to
    u = 1/ξ where the integrand is smooth (exact treatment of the tail, no truncation).
    ``error`` is the summed QUADPACK estimate; a ``ConvergenceWarning`` is issued if it
    exceeds ``rtol·|value|``.  Eq. (D1) is the T = 0 result; at T > 0 (``p.temperature``) each
    pair level is driven from thermal populations and the *excess* over thermal equilibrium
    carries the population difference tanh(λ/2T) (a two-level result, checked against the
    mode-A simulation with a thermal relaxation target).  See the module docstring for the
    factors relating D1 to a real-cosine drive and to population relaxation.
    """
    require_finite("rtol", rtol)
    require(1e-14 <= rtol < 1e-2, "rtol", rtol, "in [1e-14, 1e-2)")
    if xi_cutoff is not None:
        xi_cutoff = require_finite("xi_cutoff", xi_cutoff)
        require(xi_cutoff > 0, "xi_cutoff", xi_cutoff, "> 0")
    require(isinstance(p, DriveParams), "p", type(p).__name__, "a DriveParams")
    check_domain("pair_excitations", p)
    _check_perturbative(p)
    body, tail_f = _kernels()
    d, w0, g = p.delta, p.omega0, p.gamma

    T = p.temperature

    def f(x):
        v = body(x, d, w0, g)
        v = v + body(x, d, -w0, g) if counter_rotating else v
        return v * _thermal(math.sqrt(x * x + d * d), T)

    def f_tail(u):
        v = tail_f(u, d, w0, g)
        v = v + tail_f(u, d, -w0, g) if counter_rotating else v
        return v * _thermal(math.sqrt(1.0 + d * d * u * u) / u, T) if u > 0 else v

    x_tail = max(_TAIL_START * d, 4.0 * w0)
    stop = x_tail if xi_cutoff is None else xi_cutoff
    val, err, neval = _quad_panels(f, _breakpoints(p, stop), 0.1 * rtol)
    if xi_cutoff is None:
        v, e, n = _quad_panels(f_tail, np.array([0.0, 1.0 / x_tail]), 0.1 * rtol)
        val, err, neval = val + v, err + e, neval + n
    # even integrand: ∫_ℝ = 2∫_0^∞; include θ²
    value = 2.0 * p.theta**2 * val
    error = 2.0 * p.theta**2 * err + 4 * np.finfo(float).eps * abs(value)
    if error > rtol * abs(value):
        warnings.warn(f"pair_excitations: error estimate {error:.2g} exceeds "
                      f"rtol*|value| = {rtol * abs(value):.2g}", ConvergenceWarning, stacklevel=2)
    meta = {"equation": "D1", "xi_cutoff": xi_cutoff, "counter_rotating": counter_rotating,
            "neval": neval, "unit": "per nu0, includes theta^2"}
    return Result(value=float(value), error=float(error), params=p, meta=meta)


@functools.lru_cache(maxsize=None)
def _asymptote_fn(kind: str, n_inner: int):
    import sympy as sp

    from . import pairs_symbolic as ps
    expr = ps.d1_asymptotic_series(kind, n_inner)
    var = ps.gamma if kind == "resonant" else ps.delta
    return sp.lambdify((var, ps.Delta), expr, modules="math")


def pair_excitations_asymptote(p: DriveParams, *, n_terms: int = 2) -> float:
    r"""Small-γ series of Eq. (D1) per ν0 (including θ²), from the symbolic derivation.

    At ω0 = 2Δ (``"resonant"``): :math:`\theta^2[\sqrt2\pi/\sqrt{\gamma\Delta} - (\pi+4)/(2\Delta)
    + \ldots]`; for ω0 < 2Δ the γ → 0 limit in δ = 2Δ − ω0 (``"detuned"``):
    :math:`\theta^2[\pi/\sqrt{\delta\Delta} - (\pi+4)/(2\Delta) + \ldots]`.
    ``n_terms`` = 1 (leading), 2 (+ constant), 3 (+ √γ), 4 (+ γ^{3/2}, resonant only).
    Valid for γ ≪ Δ (resonant, needs |ω0 − 2Δ| ≪ γ) and γ ≪ δ ≪ Δ (detuned).
    """
    from .params import require_int
    n_terms = require_int("n_terms", n_terms, 1, 4)
    require(p.temperature == 0, "temperature", p.temperature, "== 0 (the series is the T = 0 one)")
    d = p.delta
    if abs(p.omega0 - 2 * d) <= 1e-12 * d:
        kind, small = "resonant", p.gamma
    else:
        require(p.omega0 < 2 * d, "omega0", p.omega0, f"<= 2*delta = {2 * d:g} (asymptotes "
                "exist at resonance and below the pair-breaking edge)")
        kind, small = "detuned", 2 * d - p.omega0
        require(n_terms <= 3, "n_terms", n_terms, "<= 3 for the detuned series")
    # the series has terms ordered: x^{-1/2}, x^0, x^{1/2}, x^{3/2}
    if n_terms == 1:
        return p.theta**2 * _leading(kind, small, d)
    n_inner = {2: 1, 3: 2, 4: 3}[n_terms]
    return p.theta**2 * _asymptote_fn(kind, n_inner)(small, d)


def _leading(kind: str, small: float, d: float) -> float:
    if kind == "resonant":
        return math.sqrt(2) * math.pi / math.sqrt(small * d)
    return math.pi / math.sqrt(small * d)

