"""The exact n_s(θ, ω0) map as a resumable sweep on any executor, its files and its figure.

:func:`run_exact_map` evaluates :func:`floquetsym.exact_map.exact_point` on the grid through
``numerics.sweeps.sweep`` (journal → resume; process pools, threads or a Dask client's
executor), assembles a :class:`floquetsym.exact_map.ExactMap` (flagged points are NaN) and
writes ``<out>.csv/.npz/.json`` (the sweep's rows, ``converged`` column included),
``<out>.map.npz`` (the masked arrays), ``<out>.summary.json`` and ``<out>.png``.
"""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from floquetsym._io import atomic_write
from floquetsym.exact_map import ExactMap, check_point, exact_point, theta2_zero_line
from numerics.sweeps import parse_range, sweep

__all__ = ["run_exact_map", "plot_exact_map", "refine_minimum"]


def _axis(v) -> np.ndarray:
    return parse_range(v) if isinstance(v, str) else np.atleast_1d(np.asarray(v, dtype=float))


def run_exact_map(thetas, omegas, *, gamma: float, temperature: float = 0.0, tol: float = 1e-6,
                  max_harmonics: int = 30, out=None, executor=None, progress: bool = False,
                  plot: bool = True, max_workers: int | None = None) -> ExactMap:
    """Exact DC n_s/n_s^(0) and |n_s[1]|/n_s^(0) on ``thetas`` × ``omegas`` (module docstring).

    Every point is validated before any work starts (ValueError naming the parameter).
    """
    th, om = _axis(thetas), _axis(omegas)
    for t in th:
        for w in om:
            check_point(t, w, gamma, temperature)
    points = [{"theta": float(t), "omega0": float(w), "gamma": float(gamma),
               "temperature": float(temperature), "tol": float(tol),
               "max_harmonics": int(max_harmonics)} for t in th for w in om]
    res = sweep(exact_point, points, executor=executor, out=out, progress=progress,
                max_workers=max_workers, meta={"quantity": "exact"})
    m = ExactMap.from_rows(res.points, res.rows, float(gamma), float(temperature))
    if out is not None:
        write_map(m, out, plot=plot)
    return m


def write_map(m: ExactMap, out, *, plot: bool = True) -> None:
    """``<out>.map.npz``, ``<out>.summary.json`` and (``plot``) ``<out>.png``."""
    import io
    out = Path(out)
    line, c2 = theta2_zero_line(m.omegas, m.gamma, m.temperature)
    m.extra["theta2_zero_line"], m.extra["c2"] = line, c2
    buf = io.BytesIO()
    np.savez(buf, thetas=m.thetas, omegas=m.omegas, ratio=m.ratio, ratio_error=m.ratio_error,
             ns1=m.ns1, ns1_error=m.ns1_error, converged=m.converged,
             **{k: np.asarray(v) for k, v in m.extra.items()})
    atomic_write(out.with_name(out.name + ".map.npz"), buf.getvalue())
    atomic_write(out.with_name(out.name + ".summary.json"),
                 json.dumps(m.summary(), indent=1).encode())
    if plot:
        import matplotlib
        matplotlib.use("Agg", force=False)
        import matplotlib.pyplot as plt
        fig, axs = plt.subplots(1, 2, figsize=(10, 4))
        plot_exact_map(m, axs)
        fig.tight_layout()
        fig.savefig(out.with_name(out.name + ".png"), dpi=110)
        plt.close(fig)


def plot_exact_map(m: ExactMap, axs):
    """Left: n_s/n_s^(0) with its zero contour, the θ²-truncation's zero line and the minimum;
    right: |n_s[1]|/n_s^(0).  Flagged points are left blank (NaN) and marked ×."""
    from matplotlib.colors import TwoSlopeNorm
    W, T = np.meshgrid(m.omegas, m.thetas)
    ax = axs[0]
    r = np.ma.masked_invalid(m.ratio)
    vmin = min(float(np.nanmin(m.ratio)) if m.converged.any() else -1.0, -1e-3)
    pc = ax.pcolormesh(W, T, r, shading="nearest", cmap="RdBu",
                       norm=TwoSlopeNorm(vcenter=0.0, vmin=vmin, vmax=1.0))
    ax.figure.colorbar(pc, ax=ax, label=r"$n_s/n_s^{(0)}$ (exact, DC)")
    if m.converged.any() and np.nanmin(m.ratio) < 0 < np.nanmax(m.ratio) and min(m.ratio.shape) > 1:
        ax.contour(W, T, np.ma.masked_invalid(m.ratio), levels=[0.0], colors="k")
        ax.plot([], [], "k-", label="exact $n_s = 0$")
    line = m.extra.get("theta2_zero_line")
    if line is not None and np.any(np.isfinite(line)):
        ax.plot(m.omegas, line, "m--", label=r"$1 + c_2\theta^2 = 0$")
    if (~m.converged).any():
        ax.plot(W[~m.converged], T[~m.converged], "x", color="gray", ms=3, label="not converged")
    mn = m.minimum()
    if np.isfinite(mn["value"]):
        ax.plot(mn["omega0"], mn["theta"], "*", color="gold", mec="k", ms=12,
                label=f"min {mn['value']:.3g}")
    ax.set(xlabel=r"$\omega_0/\Delta$", ylabel=r"$\theta/\Delta$",
           ylim=(0, m.thetas.max() * 1.02),
           title=f"exact steady state, γ = {m.gamma:g}Δ, T = {m.temperature:g}Δ")
    ax.legend(fontsize=7, loc="upper left")
    ax = axs[1]
    pc = ax.pcolormesh(W, T, np.ma.masked_invalid(m.ns1), shading="nearest", cmap="viridis")
    ax.figure.colorbar(pc, ax=ax, label=r"$|n_s[1]|/n_s^{(0)}$")
    ax.set(xlabel=r"$\omega_0/\Delta$", ylabel=r"$\theta/\Delta$", title="first harmonic")
    return axs


def refine_minimum(m: ExactMap, *, n: int = 5, out=None, **kw) -> ExactMap:
    """A finer n × n grid around the minimum of ``m`` (± one grid step, inside the range)."""
    mn = m.minimum()
    dt = np.diff(m.thetas).min() if m.thetas.size > 1 else 0.1
    dw = np.diff(m.omegas).min() if m.omegas.size > 1 else 0.1
    th = np.linspace(max(mn["theta"] - dt, dt / 4), min(mn["theta"] + dt, 1.5), n)
    om = np.linspace(max(mn["omega0"] - dw, dw / 4), min(mn["omega0"] + dw, 3.0), n)
    return run_exact_map(th, om, gamma=m.gamma, temperature=m.temperature, out=out, **kw)
