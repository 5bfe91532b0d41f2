r"""The Floquet–Keldysh–Usadel hierarchy, paper Eq. (A1), solved order by order in θ.

Equation (docs/conventions.md, :mod:`floquetsym.conventions`): :math:`[\check\Lambda, \check g] = 0`,
:math:`\check g\circ\check g = 1` with :math:`\check\Lambda = \check\Lambda_0 + \theta\check\Lambda_1`,
:math:`\check\Lambda_1 = -i\tau_1/2` on the :math:`\pm\omega_0` off-diagonals (R and A only).
Write :math:`\check g = \sum_k \theta^k \check g^{(k)}` and
:math:`g^{(k)}_m(\omega) \equiv g^{(k)}_{\omega+m\omega_0,\,\omega}` (the coefficient of θ^k).
Floquet products and the drive act as

.. math::
    (\Lambda_1 g)_m(\omega) = -\tfrac{i}{2}\tau_1[g_{m-1}(\omega) + g_{m+1}(\omega)],\quad
    (g\Lambda_1)_m(\omega) = [g_{m-1}(\omega+\omega_0) + g_{m+1}(\omega-\omega_0)](-\tfrac{i}{2}\tau_1),

    (X\circ Y)_m(\omega) = \textstyle\sum_{m'} X_{m-m'}(\omega+m'\omega_0)\,Y_{m'}(\omega).

Order k, shift m, with labels 1 = ω+mω0 and 2 = ω, solves
:math:`\check\Lambda_{0,1}X - X\check\Lambda_{0,2} = Y`,
:math:`\check g_1 X + X\check g_2 = Z`,
:math:`Y = -[(\Lambda_1 g^{(k-1)})_m - (g^{(k-1)}\Lambda_1)_m]`,
:math:`Z = -\sum_{j=1}^{k-1}(g^{(j)}\circ g^{(k-j)})_m`:

.. math::
    X^R = g^R_1\frac{Y^R + s^R_2 Z^R}{s^R_1 + s^R_2},\quad X^A \text{ likewise with } s^A,\quad
    X^K = g^R_1\frac{Y' + s^A_2 Z'}{s^R_1 + s^A_2},

    Y' = Y^K - \Lambda^K_1 X^A + X^R\Lambda^K_2,\quad Z' = Z^K - g^K_1 X^A - X^R g^K_2,

which uses only :math:`(g^R)^2 = 1` and :math:`g = \Lambda/s` (derivation: insert
:math:`X g_2 = Z - g_1 X` into :math:`s_1 g_1 X - s_2 X g_2 = Y`).  Parity: :math:`g^{(k)}_m = 0`
unless :math:`|m| \le k` and :math:`m \equiv k \pmod 2` — returned as the :data:`ZERO` marker.

Blocks are written in the zeroth-order functions at shifted frequencies (symbols of
:mod:`floquetsym.keldysh`): :math:`g^R_n = G^R_n\tau_3 - iF^R_n\tau_1` with
:math:`G^R_n = (\omega+n\omega_0+i\gamma)/s^R_n`, :math:`F^R_n = \Delta/s^R_n` (likewise A),
the roots :math:`s^{R,A}_n` and :math:`h_n`, all at ω + nω0.  Λ̌0 is written as s·g, so no
ω, γ or Δ appears explicitly and every identity is algebraic in these symbols.  Orders
≤ ``EXPAND_MAX`` (= 2) are brought to a canonical form (expanded over their denominators
:math:`s_a + s_b`, reduced with :math:`G_n^2 = 1 + F_n^2`), e.g.
:math:`g^{(1)R}_{1} = \tfrac{i}{2}(g^R_1\tau_1 g^R_0 - \tau_1)/(s^R_1 + s^R_0)`;
higher orders are exact but unexpanded expression graphs built from them (the expanded
order-3 K block already has ~7000 terms per entry).

>>> h = hierarchy(order=2)
>>> h[1, 0]
ZERO
"""
from __future__ import annotations

import functools

import sympy as sp

from . import _sparse as _sp
from . import keldysh as kd
from .keldysh import ZERO, Block
from .params import require_int

__all__ = ["hierarchy", "Hierarchy", "ZERO", "Block", "shifts_of"]


def shifts_of(k: int) -> tuple[int, ...]:
    """Non-vanishing Floquet shifts m of order k: |m| ≤ k, m ≡ k (mod 2)."""
    return tuple(range(-k, k + 1, 2))


def _nonzero(k: int, m: int) -> bool:
    return k >= 0 and abs(m) <= k and (m - k) % 2 == 0


# ---- the recursion, in sparse-polynomial form (floquetsym._sparse) -------------------------
# A polynomial block is a tuple (R, A, K) of 2x2 nested lists of P.

def _mm(X, Y):
    return [[X[i][0] * Y[0][j] + X[i][1] * Y[1][j] for j in range(2)] for i in range(2)]


def _madd(X, Y, c=1):
    return [[X[i][j] + Y[i][j] * c for j in range(2)] for i in range(2)]


def _mscale(X, c):
    return [[X[i][j] * c for j in range(2)] for i in range(2)]


def _mshift(X, mp):
    return [[X[i][j].shift(mp) for j in range(2)] for i in range(2)]


_Z = [[_sp.P(), _sp.P()], [_sp.P(), _sp.P()]]


def _kprod(X, Y):
    """Keldysh product of polynomial blocks (conventions.py)."""
    return (_mm(X[0], Y[0]), _mm(X[1], Y[1]), _madd(_mm(X[0], Y[2]), _mm(X[2], Y[1])))


def _kadd(X, Y, c=1):
    return tuple(_madd(x, y, c) for x, y in zip(X, Y))


def _kshift(X, mp):
    return tuple(_mshift(x, mp) for x in X)


def _g_matrix(kind: str, n: int):
    G, F = _sp.var("G" + kind, n), _sp.var("F" + kind, n)
    return [[G, F * -1j], [F * -1j, -G]]


@functools.lru_cache(maxsize=None)
def _g0p(n: int):
    gr, ga = _g_matrix("R", n), _g_matrix("A", n)
    h = _sp.var("h", n)
    return (gr, ga, _mscale(_madd(gr, ga, -1), h))


@functools.lru_cache(maxsize=None)
def _lam0p(n: int):
    """Λ̌0(ω+nω0) = s·g (R, A) and Λ^K = Λ^R h − h Λ^A = 2iγ h τ3 (docs/conventions.md)."""
    gr, ga, _ = _g0p(n)
    lr, la = _mscale(gr, _sp.var("sR", n)), _mscale(ga, _sp.var("sA", n))
    return (lr, la, _mscale(_madd(lr, la, -1), _sp.var("h", n)))


_DRIVE = [[_sp.P(), _sp.P.const(-0.5j)], [_sp.P.const(-0.5j), _sp.P()]]
_DRIVEP = (_DRIVE, _DRIVE, _Z)


@functools.lru_cache(maxsize=None)
def _pblock(k: int, m: int):
    """Memoised g^(k)_m as a polynomial block, or None when it vanishes by parity."""
    if not _nonzero(k, m):
        return None
    if k == 0:
        return _g0p(0)
    Y = _drive_terms(k, m)
    Y = _kscale(Y, -1) if Y is not None else (_Z, _Z, _Z)
    Z = (_Z, _Z, _Z)
    for j in range(1, k):
        Z = _kadd(Z, _floquet_product_p(j, k - j, m), -1)
    return _solve(m, Y, Z)


def _kscale(X, c):
    return tuple(_mscale(x, c) for x in X)


def _drive_terms(k: int, m: int):
    """(Λ̌1 g^(k−1))_m − (g^(k−1) Λ̌1)_m, or None if both vanish."""
    out = None
    lo_m1, lo_p1 = _pblock(k - 1, m - 1), _pblock(k - 1, m + 1)
    for lo, sh in ((lo_m1, 1), (lo_p1, -1)):
        if lo is None:
            continue
        term = _kadd(_kprod(_DRIVEP, lo), _kprod(_kshift(lo, sh), _DRIVEP), -1)
        out = term if out is None else _kadd(out, term)
    return out


def _floquet_product_p(j: int, i: int, m: int):
    """(g^(j) ∘ g^(i))_m = Σ_{m'} g^(j)_{m−m'}(ω + m'ω0) g^(i)_{m'}(ω)."""
    out = (_Z, _Z, _Z)
    for mp in shifts_of(i):
        x = _pblock(j, m - mp)
        if x is not None:
            out = _kadd(out, _kprod(_kshift(x, mp), _pblock(i, mp)))
    return out


def _solve(m: int, Y, Z):
    """Solve Λ̌0(ω+mω0) X − X Λ̌0(ω) = Y, ǧ0(ω+mω0) X + X ǧ0(ω) = Z (module docstring)."""
    g1, g2 = _g0p(m), _g0p(0)
    l1, l2 = _lam0p(m), _lam0p(0)
    sR2, sA2 = _sp.var("sR", 0), _sp.var("sA", 0)
    XR = _mscale(_mm(g1[0], _madd(Y[0], _mscale(Z[0], sR2))), _sp.den("R", m, "R", 0))
    XA = _mscale(_mm(g1[1], _madd(Y[1], _mscale(Z[1], sA2))), _sp.den("A", m, "A", 0))
    Yp = _madd(_madd(Y[2], _mm(l1[2], XA), -1), _mm(XR, l2[2]))
    Zp = _madd(_madd(Z[2], _mm(g1[2], XA), -1), _mm(XR, g2[2]), -1)
    XK = _mscale(_mm(g1[0], _madd(Yp, _mscale(Zp, sA2))), _sp.den("R", m, "A", 0))
    return (XR, XA, XK)


def _to_block(pb, reduce: bool = False) -> Block:
    def conv(M):
        return sp.ImmutableMatrix(2, 2, [(M[i][j].clear_denominators() if reduce else M[i][j])
                                         .to_sympy(kd.sym) for i in range(2) for j in range(2)])
    return Block(conv(pb[0]), conv(pb[1]), conv(pb[2]))


#: orders up to this one are expanded into canonical polynomial form; higher orders are
#: built as (shared) SymPy expression graphs from them — exact, unexpanded, fast to generate
EXPAND_MAX = 2


@functools.lru_cache(maxsize=None)
def _block(k: int, m: int):
    """Memoised SymPy form of g^(k)_m (shared by every :class:`Hierarchy`), or ZERO."""
    if not _nonzero(k, m):
        return ZERO
    if k <= EXPAND_MAX:
        return _to_block(_pblock(k, m))
    Y = _sum(_drive_terms_sym(k, m))
    Y = -Y if Y is not ZERO else Block(kd._Z2, kd._Z2, kd._Z2)
    Z = ZERO
    for j in range(1, k):
        Z = Z - _sum(_floquet_terms_sym(j, k - j, m))
    Z = Z if Z is not ZERO else Block(kd._Z2, kd._Z2, kd._Z2)
    return _solve_sym(m, Y, Z)


@functools.lru_cache(maxsize=None)
def _graph(k: int, m: int):
    """g^(k)_m as an unexpanded SymPy expression graph built by the recursion itself (every
    order, starting from ǧ0).  Mathematically equal to :func:`_block`; numerically better
    conditioned (the solve's numerators are never multiplied out), so kernels use it."""
    if not _nonzero(k, m):
        return ZERO
    if k == 0:
        return kd.g0(0)
    Y = _sum(_drive_terms_sym(k, m, _graph))
    Y = -Y if Y is not ZERO else Block(kd._Z2, kd._Z2, kd._Z2)
    Z = ZERO
    for j in range(1, k):
        Z = Z - _sum(_floquet_terms_sym(j, k - j, m, _graph))
    Z = Z if Z is not ZERO else Block(kd._Z2, kd._Z2, kd._Z2)
    return _solve_sym(m, Y, Z)


def _sum(terms):
    out = ZERO
    for t in terms:
        out = out + t
    return out


def _drive_terms_sym(k, m, source=None):
    source = source or _block
    lam1 = kd.drive()
    out = []
    for lo, sh in ((source(k - 1, m - 1), 1), (source(k - 1, m + 1), -1)):
        if lo is not ZERO:
            out += [lam1 @ lo, -(kd.shift(lo, sh) @ lam1)]
    return out


def _floquet_terms_sym(j, i, m, source=None):
    source = source or _block
    out = []
    for mp in shifts_of(i):
        x = source(j, m - mp)
        if x is not ZERO:
            out.append(kd.shift(x, mp) @ source(i, mp))
    return out


def _solve_sym(m: int, Y: Block, Z: Block) -> Block:
    """Same solve as :func:`_solve`, on SymPy blocks (used above EXPAND_MAX)."""
    g1, g2, l1, l2 = kd.g0(m), kd.g0(0), kd.lam0(m), kd.lam0(0)
    sR1, sR2, sA1, sA2 = kd.sR(m), kd.sR(0), kd.sA(m), kd.sA(0)
    XR = g1.R * (Y.R + sR2 * Z.R) / (sR1 + sR2)
    XA = g1.A * (Y.A + sA2 * Z.A) / (sA1 + sA2)
    Yp = Y.K - l1.K * XA + XR * l2.K
    Zp = Z.K - g1.K * XA - XR * g2.K
    XK = g1.R * (Yp + sA2 * Zp) / (sR1 + sA2)
    return Block(XR, XA, XK)


def _random_values(variables, rng, npoints: int):
    """Physical zeroth-order values at random *complex* parameters, for identity checks.

    ω, ω0, γ, Δ are drawn as complex numbers; s_n = √(z_n² − Δ²) on a random branch,
    G = z/s, F = Δ/s, h random complex.  Every identity of the hierarchy is algebraic in
    these values, so it must hold at such points too."""
    import numpy as np

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
            z = w + n * w0 + (1j if side == "R" else -1j) * g
            s = np.sqrt(z * z - D * D) * rng.choice([-1.0, 1.0], size=npoints)
            roots[side, n] = (z, s)
        z, s = roots[side, n]
        vals[v] = {"s": s, "G": z / s, "F": D / s}[kind[0]]
    return vals


def _eval_graph(expr, vals: dict, memo: dict):
    """Numerical value of a SymPy expression graph, each distinct node evaluated once
    (lambdify would print the graph as a tree, exponentially large above order 2)."""
    stack = [expr]
    while stack:
        e = stack[-1]
        if e in memo:
            stack.pop()
            continue
        if e.is_Symbol:
            memo[e] = vals[kd.symbol_kind(e.name)]
            stack.pop()
            continue
        if e.is_Number or e is sp.I:
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


def _residual_sym(terms, rng, npoints):
    """max |Σ terms| / Σ |terms| entrywise, at random complex points (see _random_values)."""
    import numpy as np

    names = sorted({s.name for t in terms for s in t.free_symbols})
    vals = _random_values(frozenset(kd.symbol_kind(n) for n in names), rng, npoints)
    memo: dict = {}
    worst = 0.0
    for c in "RAK":
        for i in range(2):
            for j in range(2):
                parts = [np.broadcast_to(np.asarray(_eval_graph(getattr(t, c)[i, j], vals, memo),
                                                    dtype=complex), (npoints,)) for t in terms]
                total = np.abs(sum(parts))
                scale = sum(np.abs(x) for x in parts)
                ok = scale > 0
                if np.any(ok):
                    worst = max(worst, float(np.max(total[ok] / scale[ok])))
    return worst


class Hierarchy:
    """Lazy, memoised view of the blocks :math:`g^{(k)}_{\\omega+m\\omega_0,\\omega}`, k ≤ order.

    ``h[k, m]`` is a :class:`~floquetsym.keldysh.Block` (``.R``, ``.A``, ``.K``: 2x2 SymPy
    matrices, coefficient of θ^k) or :data:`ZERO`.  Blocks are built on first access and
    cached for the whole process (across :func:`hierarchy` calls).
    """

    def __init__(self, order: int):
        self.order = require_int("order", order, lo=0)

    def _check(self, k, m):
        k = require_int("k", k, lo=0, hi=self.order)
        m = require_int("m", m)
        return k, m

    def __getitem__(self, km):
        k, m = self._check(*km)
        return _block(k, m)

    def shifts(self, k: int) -> tuple[int, ...]:
        """Floquet shifts m with a non-vanishing block at order k."""
        return shifts_of(self._check(k, 0)[0])

    def blocks(self):
        """Iterate ``(k, m, block)`` over all non-vanishing blocks, k = 0..order."""
        for k in range(self.order + 1):
            for m in shifts_of(k):
                yield k, m, self[k, m]

    def graph(self, k: int, m: int):
        """g^(k)_m as the unexpanded expression graph of the recursion (equal to ``self[k, m]``;
        the form kernels are generated from: cse makes it compact and it avoids the
        cancellations of the expanded form).  ZERO by parity."""
        k, m = self._check(k, m)
        return _graph(k, m)

    def block(self, k: int, m: int, comp: str):
        """One Keldysh component ``comp`` ∈ {"R", "A", "K"} of g^(k)_m (ZERO by parity)."""
        b = self[k, m]
        if comp not in ("R", "A", "K"):
            raise ValueError(f"comp={comp!r} is not allowed: need comp in 'R', 'A', 'K'")
        return b if b is ZERO else getattr(b, comp)

    def anomalous(self, k: int, m: int):
        r"""Non-equilibrium part of the Keldysh block,
        :math:`g^K - (g^R h(\omega+m\omega_0) - h(\omega) g^A)` at order k (ZERO by parity).

        It vanishes at k = 0; at k ≥ 1 it carries the driven distribution (the 1/γ terms).
        """
        k, m = self._check(k, m)
        if k > EXPAND_MAX:
            b = self[k, m]
            return ZERO if b is ZERO else b.K - (b.R * kd.hh(m) - kd.hh(0) * b.A)
        pb = _pblock(k, m)
        if pb is None:
            return ZERO
        h1, h2 = _sp.var("h", m), _sp.var("h", 0)
        M = _madd(_madd(pb[2], _mscale(pb[0], h1), -1), _mscale(pb[1], h2))
        return sp.ImmutableMatrix(2, 2, [M[i][j].to_sympy(kd.sym) for i in range(2) for j in range(2)])

    def latex(self, k: int, m: int, comp: str = "K", *, anomalous: bool = False) -> str:
        """LaTeX of one component; ``s^{R}_{n}`` stands for s^R(ω + nω0) etc."""
        e = self.anomalous(k, m) if anomalous and comp == "K" else self.block(k, m, comp)
        if e is ZERO:
            return "0"
        return sp.latex(e, symbol_names=kd.latex_names(e))

    def pretty(self, k: int, m: int, comp: str = "K", **kw) -> str:
        e = self.block(k, m, comp)
        return "0" if e is ZERO else sp.pretty(e, **kw)

    @staticmethod
    def shifted(expr, mp: int):
        """The same expression at ω → ω + mp·ω0 (every x_n → x_{n+mp}), see keldysh.shift."""
        return kd.shift(expr, require_int("mp", mp))

    def _normalisation_p(self, k, m):
        out = (_Z, _Z, _Z)
        for j in range(k + 1):
            out = _kadd(out, _floquet_product_p(j, k - j, m))
        if k == 0 and m == 0:
            one = [[_sp.ONE, _sp.P()], [_sp.P(), _sp.ONE]]
            out = _kadd(out, (one, one, _Z), -1)
        return out

    def _commutator_p(self, k, m):
        out = (_Z, _Z, _Z)
        g = _pblock(k, m)
        if g is not None:
            out = _kadd(_kprod(_lam0p(m), g), _kprod(g, _lam0p(0)), -1)
        if k >= 1:
            d = _drive_terms(k, m)
            if d is not None:
                out = _kadd(out, d)
        return out

    def _norm_terms(self, k, m):
        out = []
        for j in range(k + 1):
            out += _floquet_terms_sym(j, k - j, m)
        if k == 0 and m == 0:
            out.append(-Block(kd.TAU0, kd.TAU0, kd._Z2))
        return out

    def _comm_terms(self, k, m):
        out = []
        g = _block(k, m)
        if g is not ZERO:
            out += [kd.lam0(m) @ g, -(g @ kd.lam0(0))]
        if k >= 1:
            out += _drive_terms_sym(k, m)
        return out

    def normalisation(self, k: int, m: int) -> Block:
        """Residual Σ_{j=0}^{k} (g^(j) ∘ g^(k−j))_m − δ_{k0}δ_{m0}·1, with denominators cleared and
        (g_n)² = 1 applied exactly; a zero Block means the identity holds symbolically."""
        k, m = self._check(k, m)
        if k > EXPAND_MAX:   # unexpanded graph: check it with residual()
            return _sum(self._norm_terms(k, m))
        return _to_block(self._normalisation_p(k, m), reduce=True)

    def commutator(self, k: int, m: int) -> Block:
        """Residual [Λ̌, ǧ]^(k)_m = Λ̌0(ω+mω0) g^(k)_m − g^(k)_m Λ̌0(ω)
        + (Λ̌1 g^(k−1))_m − (g^(k−1) Λ̌1)_m, reduced exactly as :meth:`normalisation`."""
        k, m = self._check(k, m)
        if k > EXPAND_MAX:
            return _sum(self._comm_terms(k, m))
        return _to_block(self._commutator_p(k, m), reduce=True)

    def residual(self, k: int, m: int, which: str = "normalisation", *, rng=None,
                 npoints: int = 64) -> float:
        """Largest relative residual of an identity at ``npoints`` random complex points.

        ``which`` ∈ {"normalisation", "commutator"}.  Each entry's residual is divided by the
        sum of the moduli of the terms that enter it (the scale of the cancellation), so the
        result is ~1e-15 when the identity holds and O(1) when it does not."""
        import numpy as np

        k, m = self._check(k, m)
        if which not in ("normalisation", "commutator"):
            raise ValueError(f"which={which!r} is not allowed: need 'normalisation' or 'commutator'")
        rng = np.random.default_rng(rng)
        if k > EXPAND_MAX:
            terms = self._norm_terms(k, m) if which == "normalisation" else self._comm_terms(k, m)
            return _residual_sym(terms, rng, npoints)
        res = self._normalisation_p(k, m) if which == "normalisation" else self._commutator_p(k, m)
        variables = set()
        for M in res:
            for row in M:
                for p in row:
                    variables |= p.variables()
        vals = _random_values(frozenset(variables), rng, npoints)
        worst = 0.0
        for M in res:
            for row in M:
                for p in row:
                    if not p:
                        continue
                    total = np.abs(p.evaluate(vals))
                    scale = sum(np.abs(_sp.P({mono: c}).evaluate(vals)) for mono, c in p.t.items())
                    worst = max(worst, float(np.max(total / scale)))
        return worst

    def __repr__(self):
        return f"hierarchy(order={self.order})"


_HIERARCHIES: dict = {}


def hierarchy(order: int = 2) -> Hierarchy:
    """The hierarchy up to ``order`` (any integer ≥ 0); blocks are built lazily and memoised.

    >>> hierarchy(order=2)[2, 0].K.shape
    (2, 2)
    """
    order = require_int("order", order, lo=0)
    if order not in _HIERARCHIES:
        _HIERARCHIES[order] = Hierarchy(order)
    return _HIERARCHIES[order]


class _CallableModule(type(functools)):
    """``from floquetsym import hierarchy`` must give something callable even when this module
    was imported first (the import system then binds the *module* to ``floquetsym.hierarchy``,
    shadowing the public function of the same name): calling the module calls
    :func:`hierarchy`."""

    def __call__(self, order: int = 2) -> Hierarchy:
        return hierarchy(order)


import sys as _sys  # noqa: E402

_sys.modules[__name__].__class__ = _CallableModule
