"""Parameter scans of floquetsym observables, on any executor (edge layer: uses ``numerics.sweeps``).

Each ``*_point`` function is top-level (picklable, so it runs on process pools and Dask
workers) and returns named real numbers.  :func:`scan` builds the grid, runs the sweep with
resume, and writes CSV + NPZ + JSON sidecar + a PNG.

>>> from floquetsym.app.scan import scan                                     # doctest: +SKIP
>>> res = scan("ns", omega0="1.8:2.2:9", gamma=1e-2, theta=0.05, out="out/ns")  # doctest: +SKIP
"""
from __future__ import annotations

from pathlib import Path

import numpy as np

from numerics.sweeps import SweepResult, grid, parse_range, sweep

__all__ = ["QUANTITIES", "scan", "ns_point", "pairs_point", "equilibrium_point", "plot_scan",
           "check_point"]

AXES = ("omega0", "gamma", "theta", "temperature", "delta")


def _params(**kw):
    from floquetsym.params import DriveParams
    return DriveParams(**{k: kw[k] for k in AXES if k in kw})


def ns_point(*, order: int = 2, harmonic: int | None = None, **kw) -> dict:
    """n_s^(order)[harmonic] (units m·σ_N, θ^order included) and its ratio to n_s^(0)."""
    from floquetsym.observables import superfluid_density
    p = _params(**kw)
    h = {} if harmonic is None else {"harmonic": int(harmonic)}
    r = superfluid_density(p, order=int(order), **h)
    r0 = superfluid_density(p, order=0)
    return {"ns": r.value, "ns_error": r.error, "ns0": r0.value, "ratio": r.value / r0.value}


def pairs_point(**kw) -> dict:
    """Excited pairs per ν0, Eq. (D1)."""
    from floquetsym.pairs import pair_excitations
    r = pair_excitations(_params(**kw))
    return {"n_ex": r.value, "n_ex_error": r.error}


#: below this γ/Δ the ω-quadrature of equilibrium_point misses the γ-wide peaks at ±Δ
#: (0.437 instead of 0.5 at γ = 1e-8Δ; at 1e-6Δ it is off by 2.6e-11 relative, 100 times its
#: error estimate); the Lorentzian form is used instead
EQUILIBRIUM_GAMMA_SWITCH = 1e-5
#: above T = this·(Δ + γ) its tail model (tanh → 1 beyond 200(Δ + γ)) fails (3.5e-7 relative
#: at T = 100Δ, γ = 1e-3Δ, against an error estimate of 3e-8); the Lorentzian form is used
EQUILIBRIUM_T_SWITCH = 20.0


def equilibrium_point(*, gamma: float, temperature: float = 0.0, delta: float = 1.0, **_) -> dict:
    r"""Dynes-broadened equilibrium n_s^(0), from the closed form alone (no hierarchy).

    .. math:: n_s^{(0)} = -\frac{\Delta^2}{2\pi}\int d\omega\,\tanh\frac{\omega}{2T}\,
              \mathrm{Im}\frac{1}{(\omega+i\gamma)^2-\Delta^2}

    (the γ→0 limit is Δ/2·tanh(Δ/2T)). For γ ≥ 1e-5Δ and T ≤ 20(Δ + γ) the ω-integral is
    done directly: the integrand is odd×odd = even; the tail beyond |ω| = L is added
    analytically to leading order, Im 1/z² ≈ −2γ/ω³.  Elsewhere (γ < 1e-5Δ: the quadrature
    cannot resolve the γ-wide peaks; T > 20(Δ + γ): tanh is not 1 at the tail) the same
    integral is written (partial fractions, ω → −ω) as a Lorentzian average, and
    ω = Δ + γ tan φ maps it onto a bounded interval:

    .. math:: n_s^{(0)} = \frac{\Delta}{2\pi}\int_{-\pi/2}^{\pi/2} d\varphi\,
              \tanh\frac{\Delta+\gamma\tan\varphi}{2T}
              \;\xrightarrow{T=0}\; \frac{\Delta}{\pi}\arctan\frac{\Delta}{\gamma}.

    Both routes agree to 3e-11 relative where the first is used (tests/test_validity.py).
    Domain: γ ≤ 1e12Δ, T ≤ 1e12Δ (:mod:`floquetsym.validity`).
    """
    from scipy.integrate import quad

    from floquetsym.conventions import distribution, reservoir_z
    from floquetsym.validity import check_domain
    p = _params(gamma=gamma, temperature=temperature, delta=delta)
    check_domain("equilibrium_point", p)
    if (p.gamma < EQUILIBRIUM_GAMMA_SWITCH * p.delta
            or p.temperature > EQUILIBRIUM_T_SWITCH * (p.delta + p.gamma)):
        return _equilibrium_lorentzian(p)

    def f(w):
        z = reservoir_z(w, p.gamma, "R")
        return float(distribution(np.array(w), p.temperature)) * (1.0 / (z * z - p.delta ** 2)).imag

    L = 200.0 * (p.delta + p.gamma)
    pts = sorted({0.0, p.delta, min(2 * p.delta, L / 2)})
    val, err = 0.0, 0.0
    edges = [0.0, *[x for x in pts if x > 0], L]
    for a, b in zip(edges[:-1], edges[1:]):
        v, e = quad(f, a, b, epsabs=1e-13, epsrel=1e-11, limit=400,
                    points=[x for x in (p.delta - 5 * p.gamma, p.delta, p.delta + 5 * p.gamma) if a < x < b] or None)
        val, err = val + v, err + e
    tail = -p.gamma / L ** 2          # ∫_L^∞ (−2γ/ω³) dω, tanh → 1
    val += tail
    ns0 = -(p.delta ** 2 / (2 * np.pi)) * 2 * val   # even integrand: twice the half line
    return {"ns0": ns0, "ns0_error": (p.delta ** 2 / np.pi) * (err + abs(tail) * 1e-2)}


def _equilibrium_lorentzian(p) -> dict:
    """n_s^(0) = (Δ/2π)∫ tanh((Δ + γ tan φ)/2T) dφ over (−π/2, π/2) (equilibrium_point)."""
    import math
    import warnings

    from scipy.integrate import IntegrationWarning, quad
    d, g, T = p.delta, p.gamma, p.temperature
    if T == 0:
        val = (d / math.pi) * math.atan2(d, g)
        return {"ns0": val, "ns0_error": 4 * np.finfo(float).eps * val}

    def f(phi):
        return math.tanh((d + g * math.tan(phi)) / (2 * T))

    # panels: φ of ω = 0 (sign change), of ω = ±Δ, and of ω on a geometric ladder around the
    # thermal and gap scales, where tanh(ω/2T) varies (a step of width ~Tγ/Δ² in φ)
    lo, hi = 1e-3 * min(T, d), 1e3 * max(T, d)
    ladder = np.geomspace(lo, hi, int(np.ceil(np.log(hi / lo) / np.log(4.0))) + 1)
    omegas = np.concatenate([[0.0, d, -d], ladder, -ladder])
    edges = np.unique(np.concatenate([[-0.5 * math.pi, 0.5 * math.pi],
                                      np.arctan2(omegas - d, g)]))
    val, err = 0.0, 0.0
    with warnings.catch_warnings():
        # a thermal step narrower than the φ resolution (T·γ/Δ² ≲ 1e-16) makes QUADPACK warn;
        # its weight is below its own error estimate, which is returned (checked against a
        # 30-digit mpmath evaluation in tests/test_validity.py)
        warnings.simplefilter("ignore", IntegrationWarning)
        for a, b in zip(edges[:-1], edges[1:]):
            v, e = quad(f, a, b, epsabs=1e-16, epsrel=1e-12, limit=200)
            val, err = val + v, err + e
    return {"ns0": d / (2 * math.pi) * val,
            "ns0_error": d / (2 * math.pi) * err + 4 * np.finfo(float).eps * abs(val)}


def check_point(quantity: str, point: dict) -> None:
    """Validate one scan point against the domain of the function that will compute it
    (``ValueError`` naming the parameter), before any work is scheduled."""
    p = _params(**point)
    if quantity == "ns":
        from floquetsym.observables import _check
        _check(p, point.get("order", 2), point.get("harmonic"))
    elif quantity == "pairs":
        from floquetsym.validity import check_domain
        check_domain("pair_excitations", p)
    elif quantity == "equilibrium":
        from floquetsym.validity import check_domain
        check_domain("equilibrium_point", p)


QUANTITIES = {"ns": ns_point, "pairs": pairs_point, "equilibrium": equilibrium_point}


def scan(quantity: str, *, out: str | Path | None = None, executor=None, progress: bool = False,
         plot: bool = True, max_workers: int | None = None, force: bool = False,
         dry_run: bool = False, **axes) -> SweepResult | None:
    """Scan ``quantity`` ('ns', 'pairs', 'equilibrium') over the Cartesian grid of ``axes``.

    Axis values may be numbers, sequences or range strings ('a:b:n', 'a:b:n:log');
    non-axis keywords (``order``, ``harmonic``) are passed through unchanged.
    ``max_workers``: processes of the default executor; ``force``: discard a journal written
    for other parameters or by other code (see :func:`numerics.sweeps.sweep`);
    ``dry_run=True`` only validates every point (``ValueError`` naming the parameter) and
    returns None.
    """
    if quantity not in QUANTITIES:
        raise ValueError(f"quantity={quantity!r} is not allowed: choose from {sorted(QUANTITIES)}")
    grid_axes, fixed = {}, {}
    for k, v in axes.items():
        if v is None:
            continue
        if k in AXES:
            grid_axes[k] = parse_range(v) if isinstance(v, str) else np.atleast_1d(v)
        else:
            fixed[k] = v
    points = [pt | fixed for pt in grid(**grid_axes)]
    for pt in points:               # validate every point before any work is scheduled
        check_point(quantity, pt)
    if dry_run:
        return None
    res = sweep(QUANTITIES[quantity], points, executor=executor, out=out, progress=progress,
                meta={"quantity": quantity}, max_workers=max_workers, force=force)
    if plot and out is not None:
        import matplotlib
        matplotlib.use("Agg", force=False)
        import matplotlib.pyplot as plt
        fig, ax = plt.subplots(figsize=(5, 3.5))
        plot_scan(res, ax=ax)
        fig.tight_layout()
        fig.savefig(Path(out).with_name(Path(out).name + ".png"), dpi=110)
        plt.close(fig)
    return res


def plot_scan(res: SweepResult, *, ax=None, y: str | None = None):
    """Plot the first varying axis against ``y`` (default: the first result column), one curve
    per value of the other varying axes."""
    import matplotlib.pyplot as plt
    ax = ax or plt.gca()
    varying = [k for k in res.points[0] if len({p[k] for p in res.points}) > 1]
    y = y or next(iter(res.rows[0]))
    x = varying[0] if varying else next(iter(res.points[0]))
    others = varying[1:]
    groups: dict[tuple, list[int]] = {}
    for i, p in enumerate(res.points):
        groups.setdefault(tuple(p[k] for k in others), []).append(i)
    for key, idx in groups.items():
        label = ", ".join(f"{k}={v:g}" for k, v in zip(others, key)) or None
        ax.plot([res.points[i][x] for i in idx], [res.rows[i][y] for i in idx], ".-", label=label)
    ax.set(xlabel=x, ylabel=y)
    if others:
        ax.legend(fontsize=7)
    return ax
