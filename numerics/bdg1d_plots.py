"""Plots of a :class:`numerics.bdg1d.BdG1DResult`: Fig. 3a and the phase-slip record.

matplotlib is imported inside the functions; each takes ``ax=`` and returns it.
"""
from __future__ import annotations

import numpy as np

__all__ = ["plot_spacetime", "plot_phase_profile", "plot_slips"]


def plot_spacetime(result, *, ax=None, inset: bool = True, slips: bool = True, cmap="magma"):
    """Fig. 3a: space–time map of |Δ_i(t)|/J after the quench, phase profile as an inset.

    ``slips``: mark the bond phase slips (detected every step) as cyan dots.
    """
    import matplotlib.pyplot as plt
    ax = ax or plt.gca()
    r = result
    n = r.params.n_sites
    a = np.abs(r.delta)
    im = ax.imshow(a.T, origin="lower", aspect="auto", cmap=cmap, interpolation="nearest",
                   extent=(r.times[0], r.times[-1], -0.5, n - 0.5), vmin=0)
    ax.figure.colorbar(im, ax=ax, label=r"$|\Delta_i(t)|/J$", pad=0.01)
    if slips and r.bond_slips.any():
        ts, ks = _slip_sites(r)
        ax.plot(ts, ks, ".", color="cyan", ms=3, label="phase slips")
        ax.legend(loc="upper right", fontsize=7, framealpha=0.6)
    p = r.params
    ax.set(xlabel=r"$tJ$", ylabel="site $i$",
           title=rf"$\lambda: {p.lambda_i:g}\to{p.lambda_f:g}$, $N={n}$, "
                 rf"$\gamma_{{el}}={r.gamma_el:.2g}J$, seed {p.seed}")
    if inset:
        sub = ax.inset_axes([0.66, 0.07, 0.3, 0.3])    # lower right: slips happen early
        plot_phase_profile(r, ax=sub)
    return ax


def _slip_sites(r):
    """(time, site) of every bond phase slip (the bond's left site)."""
    ev = r.slip_events
    return ev[:, 0], ev[:, 1]


def plot_phase_profile(result, *, ax=None, times=None):
    """Unwrapped phase arg Δ_i − arg Δ_0 along the ring at a few times (Fig. 3a inset)."""
    import matplotlib.pyplot as plt
    ax = ax or plt.gca()
    r = result
    if times is None:
        times = np.linspace(r.times[0], r.times[-1], 5)
    cmap = plt.get_cmap("viridis")
    for k, t in enumerate(times):
        j = int(np.argmin(np.abs(r.times - t)))
        ph = np.unwrap(np.angle(r.delta[j]))
        ax.plot(ph - ph[0], color=cmap(k / max(len(times) - 1, 1)), lw=0.8,
                label=f"{r.times[j]:.0f}")
    ax.set_xlabel("site", fontsize=6)
    ax.set_ylabel(r"$\varphi_i$", fontsize=6)
    ax.tick_params(labelsize=5)
    ax.legend(fontsize=4, title=r"$tJ$", title_fontsize=4, loc="best")
    return ax


def plot_slips(result, *, ax=None, label=None):
    """Cumulative bond phase slips (slips + anti-slips), winding number and near-zero sites."""
    import matplotlib.pyplot as plt
    ax = ax or plt.gca()
    r = result
    lab = label or f"seed {r.params.seed}"
    line, = ax.step(r.step_times, r.cumulative_slips, where="post", label=f"{lab}: bond slips")
    ax.step(r.step_times, np.abs(r.step_winding - r.step_winding[0]), where="post", ls="--",
            color=line.get_color(), alpha=0.7, label=f"{lab}: |winding change|")
    ax.plot(r.step_times, r.n_low, ":", color=line.get_color(), alpha=0.6,
            label=rf"{lab}: sites with $|\Delta_i|<{r.params.slip_threshold:g}\langle|\Delta|\rangle$")
    ax.set(xlabel=r"$tJ$", ylabel="count")
    ax.legend(fontsize=7)
    return ax
