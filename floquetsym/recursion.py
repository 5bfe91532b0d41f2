r"""Numerical order-by-order solution of the Floquet–Usadel equation (A1), on ω-grids.

The NumPy backend of :mod:`floquetsym.order_by_order` (the one solve of Eq. A1, shared with
the symbolic hierarchy): blocks are evaluated directly on arrays.  It is the fast integrand
of :mod:`floquetsym.observables`; the symbolic kernels (lambdified hierarchy blocks) are the
route it is tested against, and the exact Floquet solver (:mod:`floquetsym.floquet`, which
does not use this recursion) the independent one.

Block convention (docs/conventions.md): ``block(k, m, j)`` is the θ^k coefficient of
:math:`g_{\omega+(j+m)\omega_0,\ \omega+j\omega_0}` (a Keldysh triple R, A, K of (2, 2, N)
component-first arrays), i.e. the Floquet block :math:`g^{(k)}_m` evaluated at ω → ω + jω0.
Order k has only shifts m ≡ k (mod 2), |m| ≤ k; absent blocks are ``None``.  The equations
solved at each order and their closed-form solution are written in
:mod:`floquetsym.order_by_order`; the equilibrium blocks and the reservoir
:math:`\Sigma^K = 2i\gamma h\tau_3` come from :mod:`floquetsym.conventions`.

The superfluid-density trace (paper Eqs. A2–A6, docs/conventions.md) at Floquet harmonic n is

.. math::
    n_s^{(k)}[n] = \frac{i}{8}\int\frac{d\omega}{2\pi}\sum_{i=0}^{k}\sum_{m'}
      \mathrm{Tr}\big[\tau_3 A^R\tau_3 B^K + \tau_3 A^K\tau_3 B^A\big],\quad
      A = g^{(i)}_{n-m'}(\omega+m'\omega_0),\ B = g^{(k-i)}_{m'}(\omega),

in units of m·σ_N, with :math:`n_s(t) = \sum_n n_s[n]e^{-in\omega_0 t}`.
"""
from __future__ import annotations

import numpy as np

from .conventions import (distribution, nambu_coefficients, s_advanced, s_retarded,
                          sigma_keldysh)
from . import zone_kernels
from .order_by_order import AlgebraBase, OrderByOrder
from .params import require, require_int

__all__ = ["FloquetBlocks", "NumpyAlgebra", "ZoneAlgebra", "CompiledZoneAlgebra", "Rows",
           "ns_integrand", "trace_t3t3", "keldysh_product", "mm"]


def trace_t3t3(a, b):
    """Tr[τ3 a τ3 b] for 2x2 matrices stored component-first, shape (2, 2, N)."""
    return a[0, 0] * b[0, 0] + a[1, 1] * b[1, 1] - a[0, 1] * b[1, 0] - a[1, 0] * b[0, 1]


def mm(a, b, out=None, tmp=None):
    """Matrix product of component-first 2x2 stacks (2, 2, ...) (faster than matmul on
    (N,2,2)); out[i,k] = a[i,0]·b[0,k] + a[i,1]·b[1,k], written into ``out`` (and the scratch
    ``tmp`` of shape (...)) when given."""
    shape = a.shape if a.shape == b.shape else np.broadcast_shapes(a.shape, b.shape)
    if out is None:
        out = np.empty(shape, dtype=complex)
    if tmp is None:
        tmp = np.empty(shape[2:], dtype=complex)
    for i in (0, 1):
        for k in (0, 1):
            o = out[i, k]
            np.multiply(a[i, 0], b[0, k], out=o)
            np.multiply(a[i, 1], b[1, k], out=tmp)
            np.add(o, tmp, out=o)
    return out


def keldysh_product(x, y):
    """(x∘y) for Keldysh triples (R, A, K): R = xR yR, A = xA yA, K = xR yK + xK yA."""
    return (mm(x[0], y[0]), mm(x[1], y[1]), mm(x[0], y[2]) + mm(x[2], y[1]))


def _t1_left(c):
    """(i/2) τ1 c: swap rows."""
    out = np.empty_like(c)
    np.multiply(c[1], 0.5j, out=out[0])
    np.multiply(c[0], 0.5j, out=out[1])
    return out


def _t1_right(c):
    """c (i/2) τ1: swap columns."""
    out = np.empty_like(c)
    np.multiply(c[:, 1], 0.5j, out=out[:, 0])
    np.multiply(c[:, 0], 0.5j, out=out[:, 1])
    return out


def _t3_left(d, c):
    """diag(d, −d) c for a scalar array d: scale row 0 by d, row 1 by −d."""
    out = c * d
    out[1] *= -1
    return out


def _t3_right(c, d):
    out = c * d
    out[:, 1] *= -1
    return out


class NumpyAlgebra(AlgebraBase):
    """NumPy backend: 2x2 Nambu matrices stored component-first, shape (2, 2, N), on ω + jω0."""

    def __init__(self, omega, p):
        self.omega, self.p = omega, p
        self._eq: dict = {}
        self._zero = None

    def eq(self, j: int):
        """(gR, gA, gK, sR, sA, LK) of the equilibrium solution at ω + jω0 (conventions)."""
        out = self._eq.get(j)
        if out is None:
            out = self._eq[j] = self.eq_at(self.omega + j * self.p.omega0)
        return out

    def eq_at(self, w):
        """(gR, gA, gK, sR, sA, LK) of the equilibrium solution at the energies ``w``."""
        p = self.p
        sR = s_retarded(w, p.delta, p.gamma)
        sA = s_advanced(w, p.delta, p.gamma)
        aR, bR = nambu_coefficients(w, sR, p.delta, p.gamma, "R")
        aA, bA = nambu_coefficients(w, sA, p.delta, p.gamma, "A")
        gR, gA = _nambu(aR, bR), _nambu(aA, bA)
        gK = (gR - gA) * distribution(w, p.temperature)
        return (gR, gA, gK, sR, sA, sigma_keldysh(w, p.gamma, p.temperature))

    def g0(self, j):
        return self.eq(j)[:3]

    def s(self, side, j):
        return self.eq(j)[3 if side == "R" else 4]

    def zero(self):
        if self._zero is None:
            z = np.zeros((2, 2) + self.omega.shape, dtype=complex)
            self._zero = (z, z, z)
        return self._zero

    mm = staticmethod(mm)

    def gsolve(self, g, x, p, q):
        return mm(g, x / (self.s(*p) + self.s(*q)))

    def lamK_left(self, j, x):
        return _t3_left(self.eq(j)[5], x)       # Λ^K = Σ^K = (2iγh)·τ3

    def lamK_right(self, x, j):
        return _t3_right(x, self.eq(j)[5])

    @staticmethod
    def drive_rhs(pairs):
        """Y = (i/2)τ1 Σ a − Σ c (i/2)τ1 over the pairs (a, c) (order_by_order docstring)."""
        left = right = None
        for a, c in pairs:
            left = a if left is None else tuple(u + v for u, v in zip(left, a))
            right = c if right is None else tuple(u + v for u, v in zip(right, c))
        return tuple(_t1_left(u) - _t1_right(v) for u, v in zip(left, right))

    @staticmethod
    def ns_sum(pairs):
        """Σ Tr[τ3 a^R τ3 b^K + τ3 a^K τ3 b^A] over the pairs (a, b) of blocks."""
        total = 0.0
        for a, b in pairs:
            total = total + trace_t3t3(a[0], b[2]) + trace_t3t3(a[2], b[1])
        return total


class Rows:
    """Values on the rows ``lo`` … ``lo`` + n − 1 of a replicated grid: ``a`` has shape
    (..., n, M) (a 2x2 stack (2, 2, n, M) or a scalar (n, M)).  Operations between two of them
    act on the rows both hold (:func:`_aligned`); a row outside that range is unknown, never
    a wrong number."""

    __slots__ = ("a", "lo")

    def __init__(self, a, lo: int):
        self.a, self.lo = a, lo

    @property
    def hi(self) -> int:
        return self.lo + self.a.shape[-2]


def _aligned(*xs):
    """The arrays of ``xs`` cut to the rows they all hold, and the first of those rows."""
    lo = max(x.lo for x in xs)
    hi = min(x.hi for x in xs)
    if hi <= lo:
        raise ValueError("replicated grid too short: no row holds every factor (more rows)")
    return [x.a[..., lo - x.lo: hi - x.lo, :] for x in xs], lo


class ZoneAlgebra(NumpyAlgebra):
    r"""NumPy backend on a *replicated* grid: ω is stored row after row, row r holding
    :math:`u_c + r\omega_0` (c = 0 … ``row_length`` − 1, the same columns :math:`u_c` in every
    row).  The block at ω + jω0 is the block at ω read j rows further on (``shift`` relabels
    the rows, no copy), so only the j = 0 blocks are ever solved.  Every array is a
    :class:`Rows`: a product or sum is formed on the rows where all its factors are known, so
    a block of order k is known on the grid less its reach (n_s^{(k)}[n] needs ⌈(k + |n|)/2⌉
    rows of margin on each side: the blocks at ω involve ω + jω0 for those j only); rows
    beyond are NaN in :meth:`ns_sum`, never a wrong number."""

    def __init__(self, omega, p, row_length: int):
        super().__init__(omega, p)
        self.row_length = int(row_length)
        self.n_rows = self.omega.size // self.row_length
        self._eq_rows: dict = {}

    def _rows(self, x):
        return Rows(x.reshape(x.shape[:-1] + (self.n_rows, self.row_length)), 0)

    def eq_rows(self, j: int):
        out = self._eq_rows.get(j)
        if out is None:
            out = self._eq_rows[j] = tuple(self._rows(x) for x in self.eq(j))
        return out

    def g0(self, j):
        return self.eq_rows(j)[:3]

    def s(self, side, j):
        return self.eq_rows(j)[3 if side == "R" else 4]

    def zero(self):
        if self._zero is None:
            z = Rows(np.zeros((2, 2, self.n_rows, self.row_length), dtype=complex), 0)
            self._zero = (z, z, z)
        return self._zero

    def shift(self, x, mp):
        return tuple(Rows(c.a, c.lo - mp) for c in x)

    @staticmethod
    def mm(a, b):
        (x, y), lo = _aligned(a, b)
        return Rows(mm(x, y), lo)

    @staticmethod
    def add(a, b):
        (x, y), lo = _aligned(a, b)
        return Rows(x + y, lo)

    @staticmethod
    def neg(a):
        return Rows(-a.a, a.lo)

    @staticmethod
    def scale(a, s):
        (x, y), lo = _aligned(a, s)
        return Rows(y * x, lo)

    def gsolve(self, g, x, p, q):
        (gg, xx, s1, s2), lo = _aligned(g, x, self.s(*p), self.s(*q))
        return Rows(mm(gg, xx / (s1 + s2)), lo)

    def lamK_left(self, j, x):
        (lk, xx), lo = _aligned(self.eq_rows(j)[5], x)
        return Rows(_t3_left(lk, xx), lo)

    def lamK_right(self, x, j):
        (xx, lk), lo = _aligned(x, self.eq_rows(j)[5])
        return Rows(_t3_right(xx, lk), lo)

    @staticmethod
    def product_sum(pairs):
        """Σ x∘y over the pairs (x, y) on the rows they all hold, accumulated in place
        (the same operations, in the same order, as :func:`kprod` + :func:`kadd`)."""
        flat = [c for x, y in pairs for c in (*x, *y)]
        arrs, lo = _aligned(*flat)
        shape = arrs[0].shape
        acc = [None, None, None]
        term = np.empty(shape, dtype=complex)
        term2 = np.empty(shape, dtype=complex)
        tmp = np.empty(shape[2:], dtype=complex)
        for t in range(len(pairs)):
            xR, xA, xK, yR, yA, yK = arrs[6 * t: 6 * t + 6]
            for c, (u, v) in enumerate(((xR, yR), (xA, yA), (xR, yK))):
                mm(u, v, term, tmp)
                if c == 2:
                    mm(xK, yA, term2, tmp)
                    np.add(term, term2, out=term)
                if acc[c] is None:
                    acc[c] = term.copy()
                else:
                    np.add(acc[c], term, out=acc[c])
        return tuple(Rows(a, lo) for a in acc)

    def drive_rhs(self, pairs):
        """Y = (i/2)τ1 Σ a − Σ c (i/2)τ1 over the pairs (a, c), on their common rows."""
        out = []
        for comp in range(3):
            xs = [a[comp] for a, _ in pairs] + [c[comp] for _, c in pairs]
            arrs, lo = _aligned(*xs)
            n = len(pairs)
            left, right = arrs[0], arrs[n]
            for u in arrs[1:n]:
                left = left + u
            for v in arrs[n + 1:]:
                right = right + v
            out.append(Rows(_t1_left(left) - _t1_right(right), lo))
        return tuple(out)

    def ns_sum(self, pairs):
        """Σ Tr[τ3 a^R τ3 b^K + τ3 a^K τ3 b^A] over the pairs, on the full grid (NaN on rows
        not every pair holds)."""
        flat = [x for a, b in pairs for x in (a[0], b[2], a[2], b[1])]
        arrs, lo = _aligned(*flat)
        total = 0.0
        for i in range(0, len(arrs), 4):
            total = total + trace_t3t3(arrs[i], arrs[i + 1]) + trace_t3t3(arrs[i + 2], arrs[i + 3])
        out = np.full((self.n_rows, self.row_length), np.nan, dtype=complex)
        out[lo: lo + total.shape[0]] = total
        return out.reshape(-1)


class CompiledZoneAlgebra(ZoneAlgebra):
    """:class:`ZoneAlgebra` with the normalisation sum Z, the closed-form solve, the drive term
    Y and the n_s trace done by the compiled loops of :mod:`floquetsym.zone_kernels` (one pass
    each instead of a dozen NumPy passes) and the equilibrium at ω + jω0 read as row windows
    of one evaluation; the same equations, equal to rounding (blocks to 1e-10 of their size at
    order 6 near resonances, tests/test_series_zone.py)."""

    def __init__(self, omega, p, row_length: int):
        if not zone_kernels.AVAILABLE:
            raise ImportError("the compiled zone backend needs numba (pip install numba)")
        super().__init__(omega, p, row_length)
        self._ext = None

    def eq_rows(self, j: int):
        """:meth:`ZoneAlgebra.eq_rows` as views: the equilibrium is evaluated once on the grid
        extended by J = n_rows // 4 + 1 rows on each side (the grid is replicated: row r at
        ω + jω0 is row r + j at ω), and the blocks at ω + jω0, |j| ≤ J, are row windows of it;
        larger |j| are evaluated directly."""
        out = self._eq_rows.get(j)
        if out is None:
            n, L = self.n_rows, self.row_length
            J = n // 4 + 1
            if abs(j) > J:
                return super().eq_rows(j)
            if self._ext is None:
                base = self.eq(0)
                w0 = self.omega[:L]                     # row 0; row e is w0 + e ω0

                def rows(e):
                    return self.eq_at((w0[None, :] + e[:, None] * self.p.omega0).ravel())
                below, above = rows(np.arange(-J, 0)), rows(np.arange(n, n + J))
                self._ext = tuple(
                    np.concatenate([x.reshape(x.shape[:-1] + (-1, L)) for x in parts], axis=-2)
                    for parts in zip(below, base, above))
            out = self._eq_rows[j] = tuple(Rows(x[..., J + j: J + j + n, :], 0)
                                           for x in self._ext)
        return out

    @staticmethod
    def neg_product_sum(pairs):
        """Z = −Σ x∘y over the pairs, on the rows they all hold."""
        flat = [c for x, y in pairs for c in (*x, *y)]
        arrs, lo = _aligned(*flat)
        z = [np.empty(arrs[0].shape, dtype=complex) for _ in range(3)]
        for t in range(len(pairs)):
            zone_kernels.pair_accumulate(*arrs[6 * t: 6 * t + 6], *z, t == 0)
        return tuple(Rows(a, lo) for a in z)

    def solve_block(self, m, j, Y, Z):
        """X of order k at shift m (:meth:`floquetsym.order_by_order.OrderByOrder.solve`)."""
        e1, e2 = self.eq_rows(j + m), self.eq_rows(j)
        items = [e1[0], e1[1], e1[2], e2[2], e1[3], e2[3], e1[4], e2[4], e1[5], e2[5]]
        items += list(Y) if Y is not None else []
        items += list(Z) if Z is not None else []
        arrs, lo = _aligned(*items)
        y = arrs[10:13] if Y is not None else arrs[:3]       # placeholders: not read
        z = arrs[-3:] if Z is not None else arrs[:3]
        X = [np.empty(arrs[0].shape, dtype=complex) for _ in range(3)]
        zone_kernels.solve_block(*arrs[:10], *y, *z, Y is not None, Z is not None, *X)
        return tuple(Rows(a, lo) for a in X)

    @staticmethod
    def drive_rhs(pairs):
        """Y = (i/2)τ1 Σ a − Σ c (i/2)τ1 over the pairs (a, c), on their common rows."""
        arrs, lo = _aligned(*[x for a, c in pairs for x in (*a, *c)])
        out = []
        for comp in range(3):
            y = np.empty(arrs[0].shape, dtype=complex)
            for t in range(len(pairs)):
                zone_kernels.drive_accumulate(arrs[6 * t + comp], arrs[6 * t + 3 + comp], y, t == 0)
            out.append(Rows(y, lo))
        return tuple(out)

    def ns_sum(self, pairs):
        """:meth:`ZoneAlgebra.ns_sum` by the compiled trace loop."""
        flat = [x for a, b in pairs for x in (a[0], a[2], b[1], b[2])]
        arrs, lo = _aligned(*flat)
        total = np.empty(arrs[0].shape[2:], dtype=complex)
        for i in range(0, len(arrs), 4):
            zone_kernels.trace_accumulate(*arrs[i:i + 4], total, i == 0)
        out = np.full((self.n_rows, self.row_length), np.nan, dtype=complex)
        out[lo: lo + total.shape[0]] = total
        return out.reshape(-1)


class FloquetBlocks:
    """Lazy, memoised numerical blocks g^(k)_m(ω + jω0) on a fixed ω array.

    ``omega`` is a 1-D float array; ``p`` a :class:`~floquetsym.params.DriveParams` (θ is not
    used: blocks are θ-coefficients).  Energies in the unit of ``p.delta``.  Internally a 2x2
    Nambu matrix is stored component-first, shape (2, 2, N); :meth:`matrix` returns the usual
    (N, 2, 2) layout.  With ``row_length`` the array is a replicated grid (:class:`ZoneAlgebra`:
    rows of ``row_length`` columns, consecutive rows ω0 apart) and shifted blocks are read
    from other rows instead of being solved again; ``compiled`` (replicated grids only): the
    compiled loops of :class:`CompiledZoneAlgebra` (needs numba), equal to rounding.
    """

    def __init__(self, omega, p, *, row_length: int | None = None, compiled: bool = False):
        self.omega = np.asarray(omega, dtype=float)
        self.p = p
        if row_length is None:
            require(not compiled, "compiled", compiled, "False without row_length")
            self.algebra = NumpyAlgebra(self.omega, p)
        else:
            require_int("row_length", row_length, 1)
            require(self.omega.ndim == 1 and self.omega.size % row_length == 0, "omega",
                    self.omega.shape, f"a 1-D array of whole rows of row_length={row_length}")
            cls = CompiledZoneAlgebra if compiled else ZoneAlgebra
            self.algebra = cls(self.omega, p, row_length)
        self._solver = OrderByOrder(self.algebra)
        self._blocks = self._solver.memo

    def eq(self, j: int):
        """(gR, gA, gK, sR, sA, LK) of the equilibrium solution at ω + jω0 (Λ^K = LK·τ3)."""
        return self.algebra.eq(j)

    def block(self, k: int, m: int, j: int = 0):
        """θ^k coefficient of g_{ω+(j+m)ω0, ω+jω0} as a Keldysh triple, or None."""
        return self._solver.block(k, m, j)

    def matrix(self, k: int, m: int, j: int = 0, comp: str = "R"):
        """Block component ``comp`` in ('R', 'A', 'K') as an (N, 2, 2) array (zeros if absent)."""
        b = self.block(k, m, j)
        if b is None:
            return np.zeros(self.omega.shape + (2, 2), dtype=complex)
        x = b["RAK".index(comp)]
        if isinstance(x, Rows):         # replicated grid: NaN on the rows it does not reach
            full = np.full((2, 2, self.algebra.n_rows, self.algebra.row_length), np.nan, complex)
            full[:, :, x.lo: x.hi] = x.a
            x = full.reshape(2, 2, -1)
        return np.moveaxis(x, -1, 0)


def _nambu(a, b):
    """a·τ3 + b·τ1, component-first (2, 2, N)."""
    out = np.empty((2, 2) + a.shape, dtype=complex)
    out[0, 0] = a
    out[1, 1] = -a
    out[0, 1] = b
    out[1, 0] = b
    return out


def ns_integrand(blocks: FloquetBlocks, order: int, harmonic: int):
    r"""Integrand f(ω) of n_s^{(k)}[n] = ∫ dω f(ω) (the 1/2π and i/8 included), complex array."""
    pairs = []
    for i in range(order + 1):
        for mp in range(-(order - i), order - i + 1):
            a = blocks.block(i, harmonic - mp, mp)
            if a is None:            # absent by parity: do not build its partner block
                continue
            b = blocks.block(order - i, mp, 0)
            if b is None:
                continue
            pairs.append((a, b))
    if not pairs:
        return np.zeros(blocks.omega.shape, dtype=complex)
    return blocks.algebra.ns_sum(pairs) * (1j / (8.0 * 2.0 * np.pi))
