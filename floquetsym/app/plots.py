r"""Plots of the superfluid-density and LDOS results (paper Fig. 2b, 2c, scaling laws).

Every function takes ``ax=`` (or ``axes=`` for multi-panel figures), imports matplotlib lazily,
and returns what it drew on.  Energies in units of Δ, n_s in units of m·σ_N (docs/conventions.md).
"""
from __future__ import annotations

import numpy as np

__all__ = ["plot_fig2b", "plot_fig2c", "plot_scaling"]


def plot_fig2b(p, omega0s=(0.15, 1.0, 2.0), *, omega=None, axes=None):
    """Fig. 2(b): time-averaged Floquet LDOS Re g^R_{00}(ω) — order 0 (blue), θ² term (orange)
    and the occupied LDOS to O(θ²) (green dashed); the θ² curves rescaled to the order-0 range
    ("not to scale", as in the paper).  One panel per ω0 (units of Δ)."""
    import matplotlib.pyplot as plt
    from dataclasses import replace

    from floquetsym.observables import ldos

    if axes is None:
        _, axes = plt.subplots(1, len(omega0s), figsize=(4 * len(omega0s), 3.2), sharey=True)
    axes = np.atleast_1d(axes)
    w = np.linspace(-3.5, 3.5, 3001) * p.delta if omega is None else np.asarray(omega, float)
    for ax, w0 in zip(axes, omega0s):
        L = ldos(replace(p, omega0=w0 * p.delta), w).value
        d0, d2 = L.dos[0], L.dos[2]
        occ = L.occupied[0] + L.occupied[2]
        s2 = np.max(np.abs(d0)) / max(np.max(np.abs(d2)), 1e-300)
        ax.plot(w / p.delta, d0, color="C0", lw=1, label=r"Re $g^{R(0)}_{00}$")
        ax.plot(w / p.delta, d2 * s2, color="C1", lw=1, label=rf"Re $g^{{R(2)}}_{{00}}$ ×{s2:.2g}")
        ax.plot(w / p.delta, occ, "--", color="C2", lw=1, label=r"$-$Re $g^<_{00}/2$ to $O(\theta^2)$")
        ax.set(xlabel=r"$\omega/\Delta$", title=rf"$\omega_0={w0:g}\Delta$")
        ax.set_ylim(-1.5 * np.max(np.abs(d0[np.abs(w) > 1.05 * p.delta])),
                    2.5 * np.max(np.abs(d0[np.abs(w) > 1.05 * p.delta])))
    axes[0].set_ylabel("LDOS")
    axes[0].legend(fontsize=7, loc="upper left")
    return axes


def plot_fig2c(omega0s, static, dynamic, *, theta: float, gamma: float, axes=None):
    """Fig. 2(c): static n_s^(2)/n_s^(0) (left) and dynamic |n_s^(1)|/n_s^(0) (right) vs ω0.

    ``static`` and ``dynamic`` are arrays of ratios (θ^k included) on the ``omega0s`` grid."""
    import matplotlib.pyplot as plt

    if axes is None:
        _, axes = plt.subplots(1, 2, figsize=(8, 3.2))
    a, b = axes
    a.plot(omega0s, static, color="C0")
    a.axhline(0, color="k", lw=0.5)
    a.set(xlabel=r"$\omega_0/\Delta$", ylabel=r"$n_s^{(2)}/n_s^{(0)}$",
          title=rf"static, $\theta={theta:g}\Delta$, $\gamma={gamma:g}\Delta$")
    b.plot(omega0s, np.abs(dynamic), color="C1", label=r"$|n_s^{(1)}|$")
    if np.iscomplexobj(dynamic):
        b.plot(omega0s, np.real(dynamic), "--", color="C2", lw=0.8, label="Re")
        b.plot(omega0s, np.imag(dynamic), ":", color="C3", lw=0.8, label="Im")
        b.legend(fontsize=7)
    b.set(xlabel=r"$\omega_0/\Delta$", ylabel=r"$n_s^{(1)}/n_s^{(0)}$", title="dynamic (e$^{-i\\omega_0 t}$)")
    return axes


def plot_scaling(fit, *, ax=None, xlabel="x", ylabel="y", label=None, yerr=None):
    """Data of a :class:`~floquetsym.scaling.Fit` with the fitted law overlaid (log-log for a
    power law, semi-log x for a log law)."""
    import matplotlib.pyplot as plt

    ax = ax or plt.gca()
    x, y = fit.x, fit.y
    yy = np.abs(y) if fit.law == "power" else y
    ax.errorbar(x, yy, yerr=None if yerr is None else np.abs(yerr), fmt="o", ms=4,
                label=label or "floquetsym")
    xs = np.geomspace(x.min(), x.max(), 100)
    pred = fit.predict(xs)
    name = "exponent" if fit.law == "power" else "slope"
    ax.plot(xs, np.abs(pred) if fit.law == "power" else pred, "-", lw=1,
            label=rf"fit: {name} ${fit.exponent:.3f}\pm{(fit.ci[1] - fit.ci[0]) / 2:.3f}$")
    from matplotlib.ticker import NullFormatter
    ax.set_xscale("log")
    ax.xaxis.set_minor_formatter(NullFormatter())
    if fit.law == "power":
        ax.set_yscale("log")
        ax.yaxis.set_minor_formatter(NullFormatter())
    ax.set(xlabel=xlabel, ylabel=ylabel)
    ax.legend(fontsize=7)
    return ax
