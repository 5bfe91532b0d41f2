r"""Numerical order-by-order solution of the Floquet–Usadel equation (A1), on ω-grids.

This is the *numerical* twin of :mod:`floquetsym.hierarchy`: the same recursion (docs/conventions.md),
evaluated directly on NumPy arrays instead of SymPy expressions.  It serves two purposes:
a fast integrand for :mod:`floquetsym.observables`, and an independent route to test the
symbolic kernels against.

Block convention (docs/conventions.md): ``block(k, m, j)`` is the θ^k coefficient of
:math:`g_{\omega+(j+m)\omega_0,\ \omega+j\omega_0}` (a Keldysh triple R, A, K of (N, 2, 2)
arrays), i.e. the Floquet block :math:`g^{(k)}_m` evaluated at ω → ω + jω0.  Order k has only
shifts m ≡ k (mod 2), |m| ≤ k; absent blocks are ``None``.

Order k ≥ 1 solves (1 = left frequency ω+(j+m)ω0, 2 = right frequency ω+jω0)

.. math::
    \Lambda_1 X - X\Lambda_2 = Y,\qquad g_1 X + X g_2 = Z,

    Y = \tfrac{i}{2}\big[\tau_1 (g^{(k-1)}_{m-1} + g^{(k-1)}_{m+1})(\omega_2)
        - g^{(k-1)}_{m-1}(\omega_2+\omega_0)\tau_1 - g^{(k-1)}_{m+1}(\omega_2-\omega_0)\tau_1\big],

    Z = -\sum_{i=1}^{k-1}\sum_{m'} g^{(i)}_{m-m'}(\omega_2 + m'\omega_0)\circ g^{(k-i)}_{m'}(\omega_2),

(Y from the drive term :math:`-i\tau_1(\theta/2)` of Λ moved to the right-hand side; Z from
:math:`\check g\circ\check g = 1` at order k), with the closed-form solution of docs/conventions.md:
:math:`X^R = g^R_1(Y^R + s^R_2 Z^R)/(s^R_1+s^R_2)`, likewise A, and
:math:`X^K = g^R_1(Y' + s^A_2 Z')/(s^R_1+s^A_2)`, :math:`Y' = Y^K - \Lambda^K_1X^A + X^R\Lambda^K_2`,
:math:`Z' = Z^K - g^K_1X^A - X^Rg^K_2`, :math:`\Lambda^K = \Sigma^K = 2i\gamma\tau_3 h`.

The superfluid-density trace (paper Eqs. A2–A6, docs/conventions.md) at Floquet harmonic n is

.. math::
    n_s^{(k)}[n] = \frac{i}{8}\int\frac{d\omega}{2\pi}\sum_{i=0}^{k}\sum_{m'}
      \mathrm{Tr}\big[\tau_3 A^R\tau_3 B^K + \tau_3 A^K\tau_3 B^A\big],\quad
      A = g^{(i)}_{n-m'}(\omega+m'\omega_0),\ B = g^{(k-i)}_{m'}(\omega),

in units of m·σ_N, with :math:`n_s(t) = \sum_n n_s[n]e^{-in\omega_0 t}`.
"""
from __future__ import annotations

import numpy as np

from .conventions import distribution

__all__ = ["FloquetBlocks", "ns_integrand", "trace_t3t3", "keldysh_product", "mm"]


def trace_t3t3(a, b):
    """Tr[τ3 a τ3 b] for 2x2 matrices stored component-first, shape (2, 2, N)."""
    return a[0, 0] * b[0, 0] + a[1, 1] * b[1, 1] - a[0, 1] * b[1, 0] - a[1, 0] * b[0, 1]


def mm(a, b):
    """Matrix product of component-first 2x2 stacks (2, 2, N) (faster than matmul on (N,2,2))."""
    out = np.empty(np.broadcast_shapes(a.shape, b.shape), dtype=complex)
    out[0, 0] = a[0, 0] * b[0, 0] + a[0, 1] * b[1, 0]
    out[0, 1] = a[0, 0] * b[0, 1] + a[0, 1] * b[1, 1]
    out[1, 0] = a[1, 0] * b[0, 0] + a[1, 1] * b[1, 0]
    out[1, 1] = a[1, 0] * b[0, 1] + a[1, 1] * b[1, 1]
    return out


def keldysh_product(x, y):
    """(x∘y) for Keldysh triples (R, A, K): R = xR yR, A = xA yA, K = xR yK + xK yA."""
    return (mm(x[0], y[0]), mm(x[1], y[1]), mm(x[0], y[2]) + mm(x[2], y[1]))


def _add(acc, x):
    if x is None:
        return acc
    if acc is None:
        return tuple(c.copy() for c in x)
    return tuple(a + b for a, b in zip(acc, x))


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


class FloquetBlocks:
    """Lazy, memoised numerical blocks g^(k)_m(ω + jω0) on a fixed ω array.

    ``omega`` is a 1-D float array; ``p`` a :class:`~floquetsym.params.DriveParams` (θ is not
    used: blocks are θ-coefficients).  Energies in the unit of ``p.delta``.  Internally a 2x2
    Nambu matrix is stored component-first, shape (2, 2, N); :meth:`matrix` returns the usual
    (N, 2, 2) layout.
    """

    def __init__(self, omega, p):
        self.omega = np.asarray(omega, dtype=float)
        self.p = p
        self._g0 = {}
        self._blocks = {}

    # -- equilibrium pieces at ω + jω0 --------------------------------------------------
    def eq(self, j: int):
        """(gR, gA, gK, sR, sA, LK) of the equilibrium solution at ω + jω0 (docs/conventions.md)."""
        if j not in self._g0:
            p = self.p
            w = self.omega + j * p.omega0
            z = w + 1j * p.gamma
            sR = np.sqrt(z - p.delta) * np.sqrt(z + p.delta)
            sA = -np.conj(sR)
            h = distribution(w, p.temperature)
            a_r, b = z / sR, -1j * p.delta / sR
            a_a, b_a = np.conj(z) / sA, -1j * p.delta / sA
            gR = _nambu(a_r, b)
            gA = _nambu(a_a, b_a)
            gK = (gR - gA) * h
            LK = 2j * p.gamma * h          # Λ^K = LK·τ3
            self._g0[j] = (gR, gA, gK, sR, sA, LK)
        return self._g0[j]

    def block(self, k: int, m: int, j: int = 0):
        """θ^k coefficient of g_{ω+(j+m)ω0, ω+jω0} as a Keldysh triple, or None."""
        if k < 0 or abs(m) > k or (k - m) % 2:
            return None
        key = (k, m, j)
        if key in self._blocks:
            return self._blocks[key]
        if k == 0:
            gR, gA, gK = self.eq(j)[:3]
            out = (gR, gA, gK)
        else:
            out = self._solve(k, m, j)
        self._blocks[key] = out
        return out

    def matrix(self, k: int, m: int, j: int = 0, comp: str = "R"):
        """Block component ``comp`` in ('R', 'A', 'K') as an (N, 2, 2) array (zeros if absent)."""
        b = self.block(k, m, j)
        if b is None:
            return np.zeros(self.omega.shape + (2, 2), dtype=complex)
        return np.moveaxis(b["RAK".index(comp)], -1, 0)

    def _solve(self, k, m, j):
        left = right = None
        for x in (self.block(k - 1, m - 1, j), self.block(k - 1, m + 1, j)):
            left = _add(left, x)
        for x in (self.block(k - 1, m - 1, j + 1), self.block(k - 1, m + 1, j - 1)):
            right = _add(right, x)
        Y = None
        if left is not None:
            Y = tuple(_t1_left(c) for c in left)
        if right is not None:
            r = tuple(_t1_right(c) for c in right)
            Y = r if Y is None else tuple(a - b for a, b in zip(Y, r))
            if left is None:
                Y = tuple(-c for c in Y)
        Z = None
        for i in range(1, k):
            for mp in range(-(k - i), k - i + 1):
                a = self.block(i, m - mp, j + mp)
                b = self.block(k - i, mp, j)
                if a is not None and b is not None:
                    Z = _add(Z, keldysh_product(a, b))
        n = self.omega.shape[0]
        zero = np.zeros((2, 2, n), dtype=complex)
        Y = Y if Y is not None else (zero, zero, zero)
        Z = tuple(-c for c in Z) if Z is not None else (zero, zero, zero)
        gR1, gA1, gK1, sR1, sA1, LK1 = self.eq(j + m)
        gR2, gA2, gK2, sR2, sA2, LK2 = self.eq(j)
        XR = mm(gR1, (Y[0] + sR2 * Z[0]) / (sR1 + sR2))
        XA = mm(gA1, (Y[1] + sA2 * Z[1]) / (sA1 + sA2))
        Yp = Y[2] - _t3_left(LK1, XA) + _t3_right(XR, LK2)
        Zp = Z[2] - mm(gK1, XA) - mm(XR, gK2)
        XK = mm(gR1, (Yp + sA2 * Zp) / (sR1 + sA2))
        return (XR, XA, XK)


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
    total = 0.0
    for i in range(order + 1):
        for mp in range(-(order - i), order - i + 1):
            a = blocks.block(i, harmonic - mp, mp)
            b = blocks.block(order - i, mp, 0)
            if a is None or b is None:
                continue
            total = total + trace_t3t3(a[0], b[2]) + trace_t3t3(a[2], b[1])
    if np.isscalar(total):
        return np.zeros(blocks.omega.shape, dtype=complex)
    return total * (1j / (8.0 * 2.0 * np.pi))
