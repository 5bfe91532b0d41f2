r"""Current traces of paper Eqs. (A2)–(A6), built symbolically from the hierarchy blocks.

The superfluid density (docs/conventions.md; sign fixed by the equilibrium limit, units m·σ_N)

.. math::
    n_s(t) = \frac{i}{8}\mathrm{Tr}\{\tau_3\check g\circ\tau_3\check g\}^K(t,t),\qquad
    (X\circ Y)^K = X^R\circ Y^K + X^K\circ Y^A,

with :math:`g(t,t') = \int\frac{d\omega}{2\pi}\sum_m g_m(\omega)e^{-i(\omega+m\omega_0)t+i\omega t'}`
has the Floquet harmonics :math:`n_s(t) = \sum_n n_s[n]e^{-in\omega_0t}`,

.. math::
    n_s^{(k)}[n] = \int d\omega\, F_{k,n}(\omega),\qquad
    F_{k,n} = \frac{i}{16\pi}\sum_{i=0}^{k}\sum_{m'}
        \mathrm{Tr}\big[\tau_3 A^R\tau_3 B^K + \tau_3 A^K\tau_3 B^A\big],

    A = g^{(i)}_{n-m'}(\omega + m'\omega_0),\quad B = g^{(k-i)}_{m'}(\omega),

i.e. all (i, k−i) order splits of the product, harmonic n picked by ω_left − ω_right = nω0.
k = 0 is Eq. (A3)+(A4) at Ω = 0; k = 1 is Eq. (A5) (Ω = ω0); k = 2, n = 0 is Eq. (A6) (the
(1,1) split is its first line, the (0,2) and (2,0) splits its last two).  In equilibrium
:math:`F_{0,0} = -\frac{\Delta^2}{2\pi}\tanh\frac{\omega}{2T}\,\mathrm{Im}\frac{1}{z^2-\Delta^2}`.

:func:`ns_trace` returns the SymPy expression (symbols of :mod:`floquetsym.keldysh`: ω, ω0, γ,
Δ, and the per-shift ``sR_n``, ``sA_n``, ``h_n``); :func:`floquetsym.kernels.ns_kernel` lambdifies it (via
:func:`floquetsym.kernels.compile_kernel` when available, with the disk cache; otherwise an
in-process ``lambdify(cse=True)``) into ``kernel(omega, p) -> complex array``.
"""
from __future__ import annotations

import functools

import numpy as np

from .params import require_int

# SymPy, floquetsym.keldysh and floquetsym.hierarchy_solve are imported inside the functions that
# build expressions, so that a warm (disk-cached) kernel never imports SymPy.

__all__ = ["ns_trace", "ns_trace_latex", "trace_t3t3"]


def trace_t3t3(a, b):
    """Tr[τ3 a τ3 b] for 2x2 SymPy matrices (τ3 flips the sign of the off-diagonal products)."""
    return a[0, 0] * b[0, 0] + a[1, 1] * b[1, 1] - a[0, 1] * b[1, 0] - a[1, 0] * b[0, 1]


def _validate(order, harmonic):
    order = require_int("order", order, 0, 4)
    harmonic = require_int("harmonic", harmonic, -order, order)
    if (harmonic - order) % 2:
        raise ValueError(f"harmonic={harmonic!r} is not allowed: need harmonic ≡ order (mod 2)")
    return order, harmonic


@functools.lru_cache(maxsize=None)
def ns_trace(order: int, harmonic: int):
    r"""The integrand F_{k,n}(ω) of n_s^{(k)}[n] (module docstring) as a SymPy expression."""
    import sympy as sp

    from .hierarchy_solve import ZERO, hierarchy, shifts_of
    order, harmonic = _validate(order, harmonic)
    h = hierarchy(order)
    total = sp.S.Zero
    for i in range(order + 1):
        for mp in shifts_of(order - i):
            a = h[i, harmonic - mp] if abs(harmonic - mp) <= i else ZERO
            if a is ZERO:
                continue
            a = h.shifted(a, mp)
            b = h[order - i, mp]
            total += trace_t3t3(a.R, b.K) + trace_t3t3(a.K, b.A)
    return sp.I / (16 * sp.pi) * total


def ns_trace_latex(order: int, harmonic: int, *, expand: bool = False) -> str:
    r"""LaTeX of the integrand F_{k,n}(ω) (module docstring), k ≤ 4.

    ``expand=False``: the trace written in the hierarchy blocks, one term per non-vanishing
    (i, m') pair, e.g. for k = 2, n = 0 the three splits of Eq. (A6); each block
    :math:`g^{(i)X}_{m}(\omega+m'\omega_0)` is printed by ``hierarchy(k).latex(i, m, X)``.
    ``expand=True``: the full expression in the zeroth-order functions (``s^{R}_{n}`` for
    s^R(ω + nω0) …) — readable up to k = 2; above that it runs to megabytes."""
    import sympy as sp

    from .hierarchy_solve import shifts_of
    from .keldysh import latex_names
    order, harmonic = _validate(order, harmonic)
    if expand:
        e = ns_trace(order, harmonic)
        return sp.latex(e, symbol_names=latex_names(e))

    def blk(i, m, comp, mp):
        arg = r"\omega" if mp == 0 else rf"\omega{mp:+d}\omega_0"
        return rf"g^{{({i}){comp}}}_{{{m}}}({arg})"
    terms = []
    for i in range(order + 1):
        for mp in shifts_of(order - i):
            m = harmonic - mp
            if abs(m) > i or (m - i) % 2:
                continue
            a = (blk(i, m, "R", mp), blk(i, m, "K", mp))
            b = (blk(order - i, mp, "K", 0), blk(order - i, mp, "A", 0))
            terms.append(rf"\mathrm{{Tr}}\big[\tau_3 {a[0]}\tau_3 {b[0]} + \tau_3 {a[1]}\tau_3 {b[1]}\big]")
    return (rf"F_{{{order},{harmonic}}}(\omega) = \frac{{i}}{{16\pi}}\Big\{{"
            + r" \\ + ".join(terms) + r"\Big\}")
