"""One plotting style for every figure of ``floquetsym reproduce`` (matplotlib rcParams).

:func:`apply_style` is a context manager that ``reproduce`` wraps around all panels, so a panel
only draws; :func:`legend_outside` puts a legend beside or below the axes (never over data) and
:func:`log_axis` gives log axes a labelled tick at every decade and, over less than two
decades, at 2× and 5× as well.
"""
from __future__ import annotations

import contextlib

__all__ = ["STYLE", "apply_style", "legend_outside", "log_axis", "UNITS"]

STYLE = {
    "figure.dpi": 110,
    "savefig.dpi": 130,
    "savefig.bbox": "tight",          # keeps legends placed outside the axes in the PNG
    "savefig.pad_inches": 0.05,
    "font.size": 9,
    "axes.titlesize": 9,
    "axes.labelsize": 9,
    "legend.fontsize": 7.5,
    "legend.frameon": False,
    "xtick.labelsize": 8,
    "ytick.labelsize": 8,
    "lines.linewidth": 1.3,
    "lines.markersize": 4,
    "axes.grid": True,
    "grid.alpha": 0.25,
    "grid.linewidth": 0.5,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "image.cmap": "magma",
}

#: Axis-label units of the three unit systems the panels use.
UNITS = {"delta": r"$\Delta$", "ef": r"$E_F$", "j": r"$J$"}


@contextlib.contextmanager
def apply_style():
    """``with apply_style(): ...``: the rcParams above, restored afterwards."""
    import matplotlib
    with matplotlib.rc_context(STYLE):
        yield


def legend_outside(ax, where: str = "right", **kw):
    """A legend beside (``"right"``) or below (``"below"``) ``ax``, off the data."""
    if where == "below":
        kw = {"loc": "upper center", "bbox_to_anchor": (0.5, -0.18), "ncol": 2, **kw}
    else:
        kw = {"loc": "upper left", "bbox_to_anchor": (1.01, 1.0), **kw}
    return ax.legend(**kw)


def log_axis(ax, which: str = "x"):
    """Log scale on ``which`` with labelled ticks at every decade (and 2, 5 on short ranges)."""
    import numpy as np
    from matplotlib.ticker import FuncFormatter, LogLocator, NullFormatter

    axis = ax.xaxis if which == "x" else ax.yaxis
    (ax.set_xscale if which == "x" else ax.set_yscale)("log")
    lo, hi = (ax.get_xlim() if which == "x" else ax.get_ylim())
    decades = np.log10(hi / lo) if lo > 0 and hi > 0 else 10
    subs = (1.0, 2.0, 5.0) if decades < 2.5 else (1.0,)
    axis.set_major_locator(LogLocator(base=10, subs=subs, numticks=30))
    axis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}"))
    axis.set_minor_formatter(NullFormatter())
    return ax
