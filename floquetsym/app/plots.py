r"""Plots of the superfluid-density and LDOS results (paper Fig. 2b, 2c, scaling laws).

Every function takes ``ax=`` (or ``axes=`` for multi-panel figures), imports matplotlib lazily,
and returns what it drew on.  Energies in units of Δ, n_s in units of m·σ_N (docs/conventions.md).
"""
from __future__ import annotations

from dataclasses import replace

import numpy as np

__all__ = ["plot_fig2b", "plot_fig2c", "plot_scaling"]


def plot_fig2b(p, omega0s=(0.15, 1.0, 2.0), *, omega=None, axes=None):
    """Fig. 2(b): time-averaged Floquet LDOS Re g^R_{00}(ω) — order 0 (left axis), the θ² term
    (right axis, its own scale: "not to scale" as in the paper) and the occupied LDOS
    −Re g^<_{00}/2 to O(θ²) (left axis).  One panel per ω0 (units of Δ); legend below."""
    import matplotlib.pyplot as plt

    from floquetsym.observables import ldos

    if axes is None:
        _, axes = plt.subplots(1, len(omega0s), figsize=(4.2 * len(omega0s), 3.4))
    axes = np.atleast_1d(axes)
    w = np.linspace(-3.5, 3.5, 3001) * p.delta if omega is None else np.asarray(omega, float)
    for ax, w0 in zip(axes, omega0s):
        L = ldos(replace(p, omega0=w0 * p.delta), w).value
        d0, d2 = L.dos[0], L.dos[2]
        occ = L.occupied[0] + L.occupied[2]
        h0 = ax.plot(w / p.delta, d0, color="C0", label=r"Re $g^{R(0)}_{00}$ (left)")[0]
        h2 = ax.plot(w / p.delta, occ, "--", color="C2",
                     label=r"$-$Re $g^<_{00}/2$ to $O(\theta^2)$ (left)")[0]
        tw = ax.twinx()
        h1 = tw.plot(w / p.delta, d2, color="C1", lw=1,
                     label=rf"Re $g^{{R(2)}}_{{00}}$, $\theta={p.theta / p.delta:g}\Delta$ (right)")[0]
        tw.grid(False)
        tw.spines["right"].set_visible(True)
        tw.tick_params(axis="y", colors="C1")
        ax.set(xlabel=r"$\omega/\Delta$",
               title=rf"$\omega_0={w0:g}\Delta$, $\gamma={p.gamma / p.delta:g}\Delta$")
    axes[0].set_ylabel(r"LDOS $/\nu_0$")
    axes[0].figure.legend(handles=[h0, h2, h1], loc="upper center", ncol=3,
                          bbox_to_anchor=(0.5, 0.0))
    axes[0].figure.tight_layout()
    return axes


def plot_fig2c(omega0s, static, dynamic, *, theta: float, gamma: float, axes=None, exact=None):
    """Fig. 2(c): static (left) and dynamic (right) superfluid density vs ω0, in units of n_s^(0).

    ``static`` = n_s^(2)/n_s^(0) and ``dynamic`` = n_s^(1)/n_s^(0) (complex; θ^k included) on
    the ``omega0s`` grid.  Left: the θ² term and the truncated total 1 + n_s^(2)/n_s^(0).
    Right: |n_s^(1)|, Re and Im.  ``exact = (omega0s, dc, abs1)``: the exact solver's DC
    n_s/n_s^(0) (left) and |n_s[1]|/n_s^(0) (right) as markers."""
    import matplotlib.pyplot as plt

    from floquetsym.app.plot_style import legend_outside

    if axes is None:
        _, axes = plt.subplots(1, 2, figsize=(10, 3.6))
    a, b = axes
    a.plot(omega0s, static, color="C0", label=r"$\theta^2$ term $n_s^{(2)}/n_s^{(0)}$")
    a.plot(omega0s, 1 + np.asarray(static), color="C0", ls="--",
           label=r"truncated total $1 + n_s^{(2)}/n_s^{(0)}$")
    a.axhline(0, color="k", lw=0.5)
    a.set(xlabel=r"$\omega_0/\Delta$", ylabel=r"static $n_s/n_s^{(0)}$",
          title=rf"static, $\theta={theta:g}\Delta$, $\gamma={gamma:g}\Delta$, $T=0$")
    b.plot(omega0s, np.abs(dynamic), color="C1", label=r"$|n_s^{(1)}|$ (first order)")
    if np.iscomplexobj(dynamic):
        b.plot(omega0s, np.real(dynamic), "--", color="C2", lw=0.8, label=r"Re $n_s^{(1)}$")
        b.plot(omega0s, np.imag(dynamic), ":", color="C3", lw=0.8, label=r"Im $n_s^{(1)}$")
    if exact is not None:
        w, dc, a1 = exact
        a.plot(w, dc, "o", color="k", ms=3, label=r"exact solver: total DC $n_s/n_s^{(0)}$")
        b.plot(w, a1, "o", color="k", ms=3, label=r"exact solver: $|n_s[1]|/n_s^{(0)}$")
    b.axhline(0, color="k", lw=0.5)
    b.set(xlabel=r"$\omega_0/\Delta$",
          ylabel=r"dynamic $n_s[1]/n_s^{(0)}$ (harmonic $e^{-i\omega_0 t}$)",
          title=rf"dynamic, $\theta={theta:g}\Delta$, $\gamma={gamma:g}\Delta$, $T=0$")
    for ax in axes:
        legend_outside(ax, "below", ncol=1)
    ax.figure.tight_layout()
    return axes


def plot_scaling(fit, *, ax=None, xlabel="x", ylabel="y", label=None, yerr=None):
    """Data of a :class:`~floquetsym.scaling.Fit` with the fitted law overlaid (log-log for a
    power law, semi-log x for a log law); a labelled tick at every decade."""
    import matplotlib.pyplot as plt

    from floquetsym.app.plot_style import log_axis

    ax = ax or plt.gca()
    x, y = fit.x, fit.y
    yy = np.abs(y) if fit.law == "power" else y
    ax.errorbar(x, yy, yerr=None if yerr is None else np.abs(yerr), fmt="o", ms=4,
                label=label or "computed (error bars: error estimates)")
    xs = np.geomspace(x.min(), x.max(), 100)
    pred = fit.predict(xs)
    name = "exponent" if fit.law == "power" else "slope d(y)/d(ln x)"
    ax.plot(xs, np.abs(pred) if fit.law == "power" else pred, "-", lw=1,
            label=rf"fit: {name} ${fit.exponent:.3f}\pm{(fit.ci[1] - fit.ci[0]) / 2:.3f}$ (95 %)")
    ax.set(xlabel=xlabel, ylabel=ylabel)
    log_axis(ax, "x")
    if fit.law == "power":
        log_axis(ax, "y")
    return ax
