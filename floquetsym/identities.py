r"""Identity checks of the order-by-order solution of Eq. (A1), in any exact backend.

At every order k and Floquet shift m the blocks must satisfy

* normalisation :math:`\sum_{j=0}^{k}(g^{(j)}\circ g^{(k-j)})_m = \delta_{k0}\delta_{m0}\,1`
  (:math:`\check g\circ\check g = 1`);
* commutator :math:`\check\Lambda_0(\omega+m\omega_0)g^{(k)}_m - g^{(k)}_m\check\Lambda_0(\omega)
  + (\check\Lambda_1 g^{(k-1)})_m - (g^{(k-1)}\check\Lambda_1)_m = 0`
  (:math:`[\check\Lambda, \check g] = 0`, Eq. A1 multiplied by i);

the *residual* of either is measured at random **complex** parameters (every identity is
algebraic in the zeroth-order functions, so it must hold off the physical axis too), relative
to the sum of the moduli of the terms that cancel — ~1e-15 when it holds, O(1) when not.

A *block source* is a callable ``block(k, m)`` returning the triple (R, A, K) of g^(k)_m at ω
(or ``None`` by parity) in a backend of :mod:`floquetsym.order_by_order` that can relabel
frequencies (``shift``): the sparse polynomials or SymPy.  The checks never call the solve:
they take whatever the source returns, so a wrong block is caught.
"""
from __future__ import annotations

import numpy as np

from . import _sparse as _sp
from .conventions import parse_shift_symbol, reservoir_z
from .order_by_order import kprod, shifts_of

__all__ = ["terms", "total", "residual", "random_values", "eval_graph"]


def _products(alg, block, i, l, m):
    out = []
    for mp in shifts_of(l):
        a = block(i, m - mp)
        if a is not None:
            out.append(kprod(alg, alg.shift(a, mp), block(l, mp)))
    return out


def _neg(alg, t):
    return tuple(alg.neg(c) for c in t)


def terms(alg, block, k: int, m: int, which: str) -> list:
    """The triples whose sum is the residual of identity ``which`` ∈ {"normalisation",
    "commutator"} at order k, shift m (module docstring)."""
    if which not in ("normalisation", "commutator"):
        raise ValueError(f"which={which!r} is not allowed: need 'normalisation' or 'commutator'")
    out = []
    if which == "normalisation":
        for j in range(k + 1):
            out += _products(alg, block, j, k - j, m)
        if k == 0 and m == 0:
            out.append(_neg(alg, alg.one()))
        return out
    g = block(k, m)
    if g is not None:
        out += [kprod(alg, alg.lam0(m), g), _neg(alg, kprod(alg, g, alg.lam0(0)))]
    if k >= 1:
        d = alg.drive()
        for lo, sh in ((block(k - 1, m - 1), 1), (block(k - 1, m + 1), -1)):
            if lo is not None:
                out += [kprod(alg, d, lo), _neg(alg, kprod(alg, alg.shift(lo, sh), d))]
    return out


def total(alg, block, k: int, m: int, which: str):
    """The residual triple Σ :func:`terms` (zero iff the identity holds exactly)."""
    out = alg.zero()
    for t in terms(alg, block, k, m, which):
        out = tuple(alg.add(a, b) for a, b in zip(out, t))
    return out


def random_values(variables, rng, npoints: int):
    """Zeroth-order values at random *complex* parameters, for identity checks.

    ω, ω0, γ, Δ are drawn as complex numbers; s_n = √(z_n² − Δ²) on a random branch with
    z_n = ω + nω0 ± iγ (:func:`floquetsym.conventions.reservoir_z`), G = z/s, F = Δ/s, h random
    complex.  ``variables`` are (kind, n) pairs (and sparse denominators ("D", …))."""
    c = lambda: rng.normal(size=npoints) + 1j * rng.normal(size=npoints)  # noqa: E731
    w, w0, g, D = c(), c(), c(), c()
    vals, roots = {}, {}
    for v in variables:
        if v[0] == "D":
            for kk, n in (v[1], v[2]):
                variables = variables | {("s" + kk, n)}
    for v in sorted(variables, key=str):
        if v[0] == "D":
            continue
        kind, n = v
        if kind == "h":
            vals[v] = c()
            continue
        side = kind[-1]
        if (side, n) not in roots:
            z = reservoir_z(w + n * w0, g, side)
            s = np.sqrt(z * z - D * D) * rng.choice([-1.0, 1.0], size=npoints)
            roots[side, n] = (z, s)
        z, s = roots[side, n]
        vals[v] = {"s": s, "G": z / s, "F": D / s}[kind[0]]
    return vals


_random_values = random_values


def eval_graph(expr, vals: dict, memo: dict):
    """Numerical value of a SymPy expression graph, each distinct node evaluated once
    (lambdify would print the graph as a tree, exponentially large above order 2)."""
    stack = [expr]
    while stack:
        e = stack[-1]
        if e in memo:
            stack.pop()
            continue
        if e.is_Symbol:
            memo[e] = vals[parse_shift_symbol(e.name)]
            stack.pop()
            continue
        if not e.args and e.is_number:        # a Number or the imaginary unit
            memo[e] = complex(e)
            stack.pop()
            continue
        todo = [a for a in e.args if a not in memo]
        if todo:
            stack.extend(todo)
            continue
        stack.pop()
        args = [memo[a] for a in e.args]
        if e.is_Add:
            v = args[0]
            for x in args[1:]:
                v = v + x
        elif e.is_Mul:
            v = args[0]
            for x in args[1:]:
                v = v * x
        elif e.is_Pow:
            v = args[0] ** args[1]
        else:  # pragma: no cover - blocks contain only +, *, ** of symbols and numbers
            raise TypeError(f"unexpected node {type(e).__name__}")
        memo[e] = v
    return memo[expr]


def _residual_sympy(ts, rng, npoints):
    names = sorted({s.name for t in ts for c in t for s in c.free_symbols})
    vals = random_values(frozenset(parse_shift_symbol(n) for n in names), rng, npoints)
    memo: dict = {}
    worst = 0.0
    for c in range(3):
        for i in range(2):
            for j in range(2):
                parts = [np.broadcast_to(np.asarray(eval_graph(t[c][i, j], vals, memo),
                                                    dtype=complex), (npoints,)) for t in ts]
                tot = np.abs(sum(parts))
                scale = sum(np.abs(x) for x in parts)
                ok = scale > 0
                if np.any(ok):
                    worst = max(worst, float(np.max(tot[ok] / scale[ok])))
    return worst


def _residual_sparse(res, rng, npoints):
    variables = set()
    for M in res:
        for row in M:
            for p in row:
                variables |= p.variables()
    vals = random_values(frozenset(variables), rng, npoints)
    worst = 0.0
    for M in res:
        for row in M:
            for p in row:
                if not p:
                    continue
                tot = np.abs(p.evaluate(vals))
                scale = sum(np.abs(_sp.P({mono: c}).evaluate(vals)) for mono, c in p.t.items())
                worst = max(worst, float(np.max(tot / scale)))
    return worst


def residual(alg, block, k: int, m: int, which: str = "normalisation", *, rng=None,
             npoints: int = 64) -> float:
    """Largest relative residual of identity ``which`` at ``npoints`` random complex points.

    Sparse polynomials: each monomial of the summed residual is a term; SymPy: each entry of
    each :func:`terms` triple is."""
    rng = np.random.default_rng(rng)
    if isinstance(alg, _sp.SparseAlgebra):
        return _residual_sparse(total(alg, block, k, m, which), rng, npoints)
    return _residual_sympy(terms(alg, block, k, m, which), rng, npoints)
