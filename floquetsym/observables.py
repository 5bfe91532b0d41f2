r"""Public observables of the driven superconductor: superfluid density and Floquet LDOS.

Conventions: :mod:`floquetsym.conventions`, docs/conventions.md.  n_s in units of m·σ_N, with

.. math:: n_s(t) = \frac{i}{8}\mathrm{Tr}\{\tau_3\check g\circ\tau_3\check g\}^K(t,t)
          = \sum_n n_s[n]\,e^{-in\omega_0 t},\qquad n_s[-n] = \overline{n_s[n]},

paper Eqs. (A2)–(A6) (sign fixed by the equilibrium limit n_s^(0) → Δ/2·tanh(Δ/2T)).
``superfluid_density(p, order=k, harmonic=n)`` is the θ^k term of n_s[n] *including* θ^k.
Order 0 and the DC part of order 2 are real; n_s^(1)[±1] and n_s^(2)[±2] are complex
(dissipation γ breaks time reversal, so the response lags the drive).

The ω-integrand is the trace of the order-by-order Floquet blocks (docs/conventions.md); two
equivalent evaluators exist: ``backend="numeric"`` (:mod:`floquetsym.recursion`, the recursion
evaluated directly on arrays) and ``backend="symbolic"`` (:mod:`floquetsym.traces`: the same
trace built from :func:`floquetsym.hierarchy` and lambdified).  Tests check they
agree to round-off; the default is the numeric one (it is the faster, see ``floquetsym bench ns``).
"""
from __future__ import annotations

import warnings
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, replace

import numpy as np

from .integrate import integrate_real_line
from .params import DriveParams, require, require_finite, require_int
from .recursion import FloquetBlocks, ns_integrand
from .result import ConvergenceWarning, Result
from .validity import check_domain

__all__ = ["superfluid_density", "ldos", "LDOS", "singular_energies", "ns_integrand_function",
           "scan_ns", "GAMMA_MIN", "BACKENDS"]

#: smallest γ/Δ accepted: below it the γ-wide features sit within ~1e4 ulp of the breakpoints
GAMMA_MIN = 1e-8
BACKENDS = ("numeric", "symbolic")


#: highest order accepted (the numeric recursion works at any order; the cost grows ~k⁵)
MAX_ORDER = 40
#: highest order of the symbolic traces (their kernels grow quickly beyond)
SYMBOLIC_MAX_ORDER = 4


def _check(p, order, harmonic, backend="numeric"):
    require(isinstance(p, DriveParams), "p", type(p).__name__, "a DriveParams")
    order = require_int("order", order, 0, MAX_ORDER)
    if backend == "symbolic":
        require(order <= SYMBOLIC_MAX_ORDER, "order", order,
                f"<= {SYMBOLIC_MAX_ORDER} with backend='symbolic' (any order with 'numeric')")
    if harmonic is None:
        harmonic = order % 2
    harmonic = require_int("harmonic", harmonic)
    allowed = list(range(-order, order + 1, 2))
    require(harmonic in allowed, "harmonic", harmonic,
            f"in {allowed} for order={order} (other harmonics vanish identically by parity)")
    require(p.gamma >= GAMMA_MIN * p.delta, "gamma", p.gamma,
            f">= {GAMMA_MIN:g}*delta: narrower features cannot be resolved in double precision")
    check_domain("superfluid_density", p)
    return order, harmonic


def singular_energies(p: DriveParams, order: int, harmonic: int = 0) -> list[float]:
    """Breakpoints of the n_s^(order)[harmonic] integrand (docs/architecture.md).

    The integrand contains the zeroth-order functions at ω + jω0, |j| ≤ order + |harmonic|:
    gap edges ω = ±Δ − jω0, the T = 0 jumps of h at ω = −jω0, and the Floquet resonances
    where |ω + jω0| = |ω + j'ω0| (denominators s^R_1 + s^A_2 → 2i Im s), ω = −(j + j')ω0/2.
    """
    K = order + abs(harmonic)
    out = []
    for j in range(-K, K + 1):
        out += [p.delta - j * p.omega0, -p.delta - j * p.omega0, -j * p.omega0]
    out += [-j * p.omega0 / 2 for j in range(-2 * K, 2 * K + 1)]
    return sorted(set(out))


def ns_integrand_function(p: DriveParams, order: int, harmonic: int, backend: str = "numeric"):
    """The vectorised integrand ω ↦ f(ω) with n_s^(order)[harmonic] / θ^order = ∫ f dω."""
    require(backend in BACKENDS, "backend", backend, f"in {BACKENDS}")
    if backend == "symbolic":
        from .kernels import ns_kernel
        kern = ns_kernel(order, harmonic)
        return lambda w: kern(w, p)

    def f(w):
        return ns_integrand(FloquetBlocks(w, p), order, harmonic)
    return f


def superfluid_density(p: DriveParams, order: int = 0, harmonic: int | None = None, *,
                       rtol: float = 1e-8, atol: float = 1e-12, max_panels: int = 20000,
                       backend: str = "numeric") -> Result:
    r"""Order-θ^k term of the superfluid density n_s[n] (paper Eqs. A2–A6), units m·σ_N.

    Parameters
    ----------
    p : DriveParams — Δ, θ, ω0, γ, T (T ≥ 0; T = 0 uses h = sign ω).
    order : k ≥ 0 (any order with the numeric backend, k ≤ 4 with the symbolic one); the value
        includes θ^k.
    harmonic : n, the coefficient of e^{−inω0t}; default k mod 2 (0 for even k, 1 for odd k);
        allowed n ∈ {−k, −k+2, …, k}.
    rtol, atol : quadrature tolerances (relative to |value/θ^k|, and absolute).

    Returns
    -------
    Result with ``value`` (float for n = 0, complex otherwise), ``error`` (quadrature error
    estimate, plus the size of the imaginary part for the DC terms, which must vanish), and
    ``meta``: order, harmonic, ``coefficient`` (value/θ^k), quadrature diagnostics.

    Warns
    -----
    ConvergenceWarning if the ω-integral misses its tolerance, or if the perturbative term
    is not small, |θ^k n_s^(k)| > |n_s^(0)| (the expansion in θ is then not controlled, e.g.
    ω0 ≈ 2Δ with θ² ≳ Δγ).  At finite γ no ω0 is singular: every denominator
    s_1 + s_2 of the hierarchy has Im > 0 (docs/conventions.md); the resonance ω0 → 2Δ shows up as the
    1/γ growth (n_s^(2)/n_s^(0) → −θ²/(4Δγ), see ``derivations/ns_asymptotics.py``).

    Examples
    --------
    >>> r = superfluid_density(DriveParams(theta=0.0, gamma=1e-2), order=0)
    >>> round(r.value, 8)             # Δ/2 − (Δ/π) arctan(γ/Δ)
    0.49681701
    >>> r = superfluid_density(DriveParams(theta=1e-2, gamma=1e-3, omega0=2.0), order=2)
    >>> r.value < 0
    True
    """
    require(backend in BACKENDS, "backend", backend, f"in {BACKENDS}")
    order, harmonic = _check(p, order, harmonic, backend)
    rtol = require_finite("rtol", rtol)
    require(1e-14 <= rtol < 1e-2, "rtol", rtol, "in [1e-14, 1e-2): looser tolerances give "
            "error estimates that no longer bound the error")
    f = ns_integrand_function(p, order, harmonic, backend)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ConvergenceWarning)
        q = integrate_real_line(f, singular_energies(p, order, harmonic), width=0.5 * p.gamma,
                                scale=max(p.delta, p.omega0), rtol=rtol, atol=atol,
                                max_panels=max_panels,
                                condition=(p.delta + p.omega0) / p.gamma)
    for w in caught:
        warnings.warn(str(w.message), ConvergenceWarning, stacklevel=2)
    coeff = complex(q.value[0])
    err = float(q.error[0])
    meta = {"order": order, "harmonic": harmonic, "backend": backend, "units": "m*sigma_N",
            "quadrature": q.as_meta()}
    if harmonic == 0:
        meta["imag_residual"] = abs(coeff.imag) * p.theta ** order
        err += abs(coeff.imag)
        coeff_out = coeff.real
    else:
        coeff_out = coeff
    meta["coefficient"] = coeff_out
    meta["coefficient_error"] = err
    scale = p.theta ** order
    value = coeff_out * scale
    if order > 0 and p.theta > 0:
        ns0 = 0.5 * p.delta  # |n_s^(0)| ≤ Δ/2; the Dynes value is smaller by O(γ, T)
        if abs(value) > ns0:
            warnings.warn(f"|n_s^({order})| = {abs(value):.3g} exceeds n_s^(0) ≈ {ns0:.3g}: the "
                          f"expansion in θ = {p.theta:g} is not controlled at ω0 = {p.omega0:g}, "
                          f"γ = {p.gamma:g} (near 2Δ it needs θ² ≪ Δγ)", ConvergenceWarning,
                          stacklevel=2)
    return Result(value=value, error=err * scale, params=p, meta=meta)


@dataclass(frozen=True)
class LDOS:
    """Time-averaged Floquet LDOS (the (0,0) Floquet block), per order in θ (θ^k included).

    ``dos[k]`` = Re g^(k)R_{11}(ω) θ^k; ``occupied[k]`` = −Re g^(k)<_{11}(ω)/2 θ^k with
    g^< = (g^K − g^R + g^A)/2.  Sign: in equilibrium occupied[0] = N(ω)·n_F(ω) ≥ 0 (paper Fig. 2b
    plots Re g^</2; in the conventions of docs/conventions.md that is −N n_F, so the sign is fixed by
    the equilibrium limit, as for n_s).
    """

    omega: np.ndarray
    dos: dict
    occupied: dict

    def total_dos(self):
        return sum(self.dos.values())

    def total_occupied(self):
        return sum(self.occupied.values())


def ldos(p: DriveParams, omega, order: int = 2) -> Result:
    """Time-averaged Floquet LDOS Re g^R_{11} and occupied LDOS, orders 0..``order`` (Fig. 2b).

    Pointwise closed-form evaluation of the order-by-order blocks g^(k)_0(ω) (odd orders have
    no m = 0 block, so they vanish).  ``error`` is 0: there is no quadrature.
    """
    order = require_int("order", order, 0, MAX_ORDER)
    w = np.asarray(omega, dtype=float)
    require(w.ndim == 1 and np.all(np.isfinite(w)), "omega", "array", "a finite 1-D array")
    require(p.gamma >= GAMMA_MIN * p.delta, "gamma", p.gamma, f">= {GAMMA_MIN:g}*delta")
    check_domain("ldos", p)
    b = FloquetBlocks(w, p)
    dos, occ = {}, {}
    for k in range(0, order + 1, 2):
        gR, gA, gK = (b.matrix(k, 0, 0, c)[:, 0, 0] for c in "RAK")
        lesser = 0.5 * (gK - gR + gA)
        dos[k] = gR.real * p.theta ** k
        occ[k] = -0.5 * lesser.real * p.theta ** k
    return Result(value=LDOS(omega=w, dos=dos, occupied=occ), error=0.0, params=p,
                  meta={"order": order, "block": "(0,0) Floquet block, time-averaged"})


def _scan_point(args):
    p, order, harmonic, kw = args
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        r = superfluid_density(p, order, harmonic, **kw)
    return r.value, r.error, bool(r.meta["quadrature"]["converged"])


def scan_ns(omega0s, base_params: DriveParams, order: int = 2, harmonic: int | None = None, *,
            executor=None, workers: int = 2, progress: bool = False, **kw) -> dict:
    """n_s^(order)[harmonic] over a grid of ω0, in parallel (any concurrent.futures Executor).

    Returns a dict of arrays ``omega0``, ``value``, ``error``, ``converged``.  With
    ``executor=None`` a local ProcessPoolExecutor with ``workers`` processes is used (1 → serial).
    """
    order, harmonic = _check(base_params, order, harmonic)
    w0 = np.asarray(omega0s, dtype=float)
    jobs = [(replace(base_params, omega0=float(x)), order, harmonic, kw) for x in w0]
    if executor is None and workers <= 1:
        it = map(_scan_point, jobs)
        res = list(_bar(it, len(jobs), progress))
    elif executor is None:
        with ProcessPoolExecutor(max_workers=workers) as ex:
            res = list(_bar(ex.map(_scan_point, jobs, chunksize=max(1, len(jobs) // (4 * workers))),
                            len(jobs), progress))
    else:
        res = list(_bar(executor.map(_scan_point, jobs), len(jobs), progress))
    vals = np.array([r[0] for r in res])
    errs = np.array([r[1] for r in res])
    conv = np.array([r[2] for r in res])
    if not conv.all():
        warnings.warn(f"{(~conv).sum()} of {conv.size} scan points missed the quadrature "
                      "tolerance", ConvergenceWarning, stacklevel=2)
    return {"omega0": w0, "value": vals, "error": errs, "converged": conv}


def _bar(it, total, progress):
    if not progress:
        return it
    from tqdm.auto import tqdm
    return tqdm(it, total=total, desc="n_s scan", unit="pt")
