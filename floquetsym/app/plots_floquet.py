"""Plots of the exact Floquet solver: quasienergy bands (Fig. 2a) and the breakdown of
perturbation theory (n_s(θ) exact vs 1 + c2θ²).  matplotlib is imported lazily; every function
takes ``ax=`` and returns it."""
from __future__ import annotations

import numpy as np

__all__ = ["plot_quasienergy_bands", "plot_breakdown"]


def plot_quasienergy_bands(bands, *, ax=None, ms=(0, 1), color="C0", ylim=None):
    """Bands ε_{m,σ}(ξ) of a :class:`~floquetsym.floquet_bands.QuasienergyBands`; solid m = 0,
    dashed m = 1, dotted otherwise (paper Fig. 2a)."""
    import matplotlib.pyplot as plt
    ax = ax or plt.gca()
    styles = {0: "-", 1: "--"}
    for m in ms:
        for sigma in (1, -1):
            ax.plot(bands.xi, bands.band(m, sigma), styles.get(m, ":"), color=color, lw=1.4,
                    label=f"m = {m}" if sigma == 1 else None)
    p = bands.params
    ax.set(xlabel=r"$\xi/\Delta$", ylabel=r"quasienergy $/\Delta$",
           title=rf"$\omega_0 = {p.omega0 / p.delta:g}\Delta$, $\theta = {p.theta / p.delta:g}\Delta$")
    if ylim is not None:
        ax.set_ylim(*ylim)
    from floquetsym.app.plot_style import legend_outside
    legend_outside(ax, "below")
    return ax


def plot_breakdown(thetas, ratio_exact, c2, *, ax=None, label="", color=None, c2_source=""):
    """n_s^DC(θ)/n_s^(0) from the exact solver (markers) against 1 + c2θ² (line)."""
    import matplotlib.pyplot as plt
    ax = ax or plt.gca()
    th = np.asarray(thetas, dtype=float)
    line = ax.plot(th, ratio_exact, "o", color=color, ms=4, label=f"exact, {label}")[0]
    fine = np.linspace(0, th.max(), 200)
    ax.plot(fine, 1 + c2 * fine ** 2, "-", color=line.get_color(), lw=1,
            label=rf"$1 + c_2\theta^2$ ({c2_source}), {label}")
    ax.axhline(0, color="0.6", lw=0.5)
    ax.set(xlabel=r"$\theta/\Delta$", ylabel=r"$n_s^{DC}(\theta)/n_s^{(0)}$")
    return ax
