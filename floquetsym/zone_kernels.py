r"""Compiled (Numba) loops for the replicated-grid recursion of :mod:`floquetsym.recursion`.

The NumPy backend forms every 2x2 Nambu product of the order-by-order solve (Eq. A1,
:mod:`floquetsym.order_by_order`) as twelve whole-array passes (eight multiplications, four
additions), plus one more pass for each sum, negation and scaling.  The loops here do the same
arithmetic node by node with the 2x2 matrices in registers, one pass over memory per call:

* :func:`pair_accumulate` — one term of the normalisation sum
  Z = −Σ_{i,m'} g^{(i)}_{m−m'}(ω_{j+m'})∘g^{(k−i)}_{m'}(ω_j) (Keldysh product
  (x∘y)^R = x^R y^R, ^A = x^A y^A, ^K = x^R y^K + x^K y^A), accumulated with sign −1;
* :func:`solve_block` — the closed-form solution of the two linear equations of order k
  (module docstring of :mod:`floquetsym.order_by_order`):

  .. math::
      X^R = g^R_1\frac{Y^R + s^R_2Z^R}{s^R_1 + s^R_2},\quad
      X^A = g^A_1\frac{Y^A + s^A_2Z^A}{s^A_1 + s^A_2},\quad
      X^K = g^R_1\frac{Y' + s^A_2Z'}{s^R_1 + s^A_2},

      Y' = Y^K - \Lambda^K_1X^A + X^R\Lambda^K_2,\qquad Z' = Z^K - g^K_1X^A - X^Rg^K_2,

  with :math:`\Lambda^K = L\,\tau_3` (L = 2iγh, :func:`floquetsym.conventions.sigma_keldysh`);
* :func:`drive_accumulate` — one pair of the drive term Y = Σ[V a − c V], V = (i/2)τ1;
* :func:`trace_accumulate` — one pair of the superfluid-density trace (Eqs. A2–A6),
  Tr[τ3 a^R τ3 b^K + τ3 a^K τ3 b^A].

Arrays are component-first 2x2 stacks of shape (2, 2, R, C) (R rows of the replicated grid,
C columns), scalars (R, C); the caller aligns the rows (:class:`floquetsym.recursion.Rows`).
The same operations in the same algebra as the NumPy backend: the two agree to rounding
(tests/test_series_zone.py), and the NumPy backend stays the reference and the benchmark's
baseline.  Compiled once per machine (Numba's on-disk cache, ``cache=True``).
"""
from __future__ import annotations

try:
    import numba
except ImportError:          # the NumPy backend is used instead (floquetsym.recursion)
    numba = None

__all__ = ["AVAILABLE", "drive_accumulate", "pair_accumulate", "solve_block", "trace_accumulate"]

AVAILABLE = numba is not None


def _jit(f):
    if not AVAILABLE:
        return f
    try:
        return numba.njit(cache=True, nogil=True)(f)
    except RuntimeError:        # no writable cache location: compile in every process instead
        return numba.njit(nogil=True)(f)


@_jit
def _inv(z):
    """1/z as conj(z)/|z|² (one real division; |z| here is ≥ γ and ≤ ~10³: no overflow)."""
    return z.conjugate() / (z.real * z.real + z.imag * z.imag)


@_jit
def pair_accumulate(xR, xA, xK, yR, yA, yK, zR, zA, zK, first):
    """z −= x∘y (Keldysh product, component-first 2x2 stacks (2, 2, R, C)); ``first``:
    z = −x∘y (z need not be initialised)."""
    R, C = zR.shape[2], zR.shape[3]
    for r in range(R):
        for c in range(C):
            a00, a01, a10, a11 = xR[0, 0, r, c], xR[0, 1, r, c], xR[1, 0, r, c], xR[1, 1, r, c]
            b00, b01, b10, b11 = yR[0, 0, r, c], yR[0, 1, r, c], yR[1, 0, r, c], yR[1, 1, r, c]
            r00 = a00 * b00 + a01 * b10
            r01 = a00 * b01 + a01 * b11
            r10 = a10 * b00 + a11 * b10
            r11 = a10 * b01 + a11 * b11
            k00, k01, k10, k11 = yK[0, 0, r, c], yK[0, 1, r, c], yK[1, 0, r, c], yK[1, 1, r, c]
            q00 = a00 * k00 + a01 * k10
            q01 = a00 * k01 + a01 * k11
            q10 = a10 * k00 + a11 * k10
            q11 = a10 * k01 + a11 * k11
            a00, a01, a10, a11 = xK[0, 0, r, c], xK[0, 1, r, c], xK[1, 0, r, c], xK[1, 1, r, c]
            b00, b01, b10, b11 = yA[0, 0, r, c], yA[0, 1, r, c], yA[1, 0, r, c], yA[1, 1, r, c]
            q00 += a00 * b00 + a01 * b10
            q01 += a00 * b01 + a01 * b11
            q10 += a10 * b00 + a11 * b10
            q11 += a10 * b01 + a11 * b11
            a00, a01, a10, a11 = xA[0, 0, r, c], xA[0, 1, r, c], xA[1, 0, r, c], xA[1, 1, r, c]
            p00 = a00 * b00 + a01 * b10
            p01 = a00 * b01 + a01 * b11
            p10 = a10 * b00 + a11 * b10
            p11 = a10 * b01 + a11 * b11
            if first:
                zR[0, 0, r, c], zR[0, 1, r, c], zR[1, 0, r, c], zR[1, 1, r, c] = -r00, -r01, -r10, -r11
                zA[0, 0, r, c], zA[0, 1, r, c], zA[1, 0, r, c], zA[1, 1, r, c] = -p00, -p01, -p10, -p11
                zK[0, 0, r, c], zK[0, 1, r, c], zK[1, 0, r, c], zK[1, 1, r, c] = -q00, -q01, -q10, -q11
            else:
                zR[0, 0, r, c] -= r00
                zR[0, 1, r, c] -= r01
                zR[1, 0, r, c] -= r10
                zR[1, 1, r, c] -= r11
                zA[0, 0, r, c] -= p00
                zA[0, 1, r, c] -= p01
                zA[1, 0, r, c] -= p10
                zA[1, 1, r, c] -= p11
                zK[0, 0, r, c] -= q00
                zK[0, 1, r, c] -= q01
                zK[1, 0, r, c] -= q10
                zK[1, 1, r, c] -= q11


@_jit
def solve_block(g1R, g1A, g1K, g2K, sR1, sR2, sA1, sA2, L1, L2, YR, YA, YK, ZR, ZA, ZK,
                has_y, has_z, XR, XA, XK):
    """The closed-form X^R, X^A, X^K of order k (module docstring) written into XR, XA, XK.
    Labels 1 = ω_{j+m}, 2 = ω_j; ``has_y``/``has_z`` False: Y/Z is zero (its arrays unread)."""
    # X^R and X^A are the same computation with retarded / advanced quantities; written out
    # twice on purpose: an inlined helper returning the four entries measured 5 % slower
    # (ns_series K = 4: 49–52 vs 46–48 ms CPU, three alternating runs each)
    R, C = XR.shape[2], XR.shape[3]
    for r in range(R):
        for c in range(C):
            s1, s2, t1, t2 = sR1[r, c], sR2[r, c], sA1[r, c], sA2[r, c]
            # X^R = g1R (Y^R + s2 Z^R) / (s1 + s2)
            u00 = u01 = u10 = u11 = 0j
            if has_y:
                u00, u01, u10, u11 = YR[0, 0, r, c], YR[0, 1, r, c], YR[1, 0, r, c], YR[1, 1, r, c]
            if has_z:
                u00 += s2 * ZR[0, 0, r, c]
                u01 += s2 * ZR[0, 1, r, c]
                u10 += s2 * ZR[1, 0, r, c]
                u11 += s2 * ZR[1, 1, r, c]
            d = _inv(s1 + s2)
            u00, u01, u10, u11 = u00 * d, u01 * d, u10 * d, u11 * d
            g00, g01, g10, g11 = g1R[0, 0, r, c], g1R[0, 1, r, c], g1R[1, 0, r, c], g1R[1, 1, r, c]
            xr00 = g00 * u00 + g01 * u10
            xr01 = g00 * u01 + g01 * u11
            xr10 = g10 * u00 + g11 * u10
            xr11 = g10 * u01 + g11 * u11
            # X^A = g1A (Y^A + t2 Z^A) / (t1 + t2)
            u00 = u01 = u10 = u11 = 0j
            if has_y:
                u00, u01, u10, u11 = YA[0, 0, r, c], YA[0, 1, r, c], YA[1, 0, r, c], YA[1, 1, r, c]
            if has_z:
                u00 += t2 * ZA[0, 0, r, c]
                u01 += t2 * ZA[0, 1, r, c]
                u10 += t2 * ZA[1, 0, r, c]
                u11 += t2 * ZA[1, 1, r, c]
            d = _inv(t1 + t2)
            u00, u01, u10, u11 = u00 * d, u01 * d, u10 * d, u11 * d
            h00, h01, h10, h11 = g1A[0, 0, r, c], g1A[0, 1, r, c], g1A[1, 0, r, c], g1A[1, 1, r, c]
            xa00 = h00 * u00 + h01 * u10
            xa01 = h00 * u01 + h01 * u11
            xa10 = h10 * u00 + h11 * u10
            xa11 = h10 * u01 + h11 * u11
            # Y' + t2 Z' with Y' = Y^K − L1 τ3 X^A + X^R L2 τ3, Z' = Z^K − g1K X^A − X^R g2K
            l1, l2 = L1[r, c], L2[r, c]
            w00 = -l1 * xa00 + xr00 * l2
            w01 = -l1 * xa01 - xr01 * l2
            w10 = l1 * xa10 + xr10 * l2
            w11 = l1 * xa11 - xr11 * l2
            if has_y:
                w00 += YK[0, 0, r, c]
                w01 += YK[0, 1, r, c]
                w10 += YK[1, 0, r, c]
                w11 += YK[1, 1, r, c]
            k00, k01, k10, k11 = g1K[0, 0, r, c], g1K[0, 1, r, c], g1K[1, 0, r, c], g1K[1, 1, r, c]
            e00, e01, e10, e11 = g2K[0, 0, r, c], g2K[0, 1, r, c], g2K[1, 0, r, c], g2K[1, 1, r, c]
            z00 = -(k00 * xa00 + k01 * xa10) - (xr00 * e00 + xr01 * e10)
            z01 = -(k00 * xa01 + k01 * xa11) - (xr00 * e01 + xr01 * e11)
            z10 = -(k10 * xa00 + k11 * xa10) - (xr10 * e00 + xr11 * e10)
            z11 = -(k10 * xa01 + k11 * xa11) - (xr10 * e01 + xr11 * e11)
            if has_z:
                z00 += ZK[0, 0, r, c]
                z01 += ZK[0, 1, r, c]
                z10 += ZK[1, 0, r, c]
                z11 += ZK[1, 1, r, c]
            d = _inv(s1 + t2)
            u00, u01 = (w00 + t2 * z00) * d, (w01 + t2 * z01) * d
            u10, u11 = (w10 + t2 * z10) * d, (w11 + t2 * z11) * d
            XK[0, 0, r, c] = g00 * u00 + g01 * u10
            XK[0, 1, r, c] = g00 * u01 + g01 * u11
            XK[1, 0, r, c] = g10 * u00 + g11 * u10
            XK[1, 1, r, c] = g10 * u01 + g11 * u11
            XR[0, 0, r, c], XR[0, 1, r, c], XR[1, 0, r, c], XR[1, 1, r, c] = xr00, xr01, xr10, xr11
            XA[0, 0, r, c], XA[0, 1, r, c], XA[1, 0, r, c], XA[1, 1, r, c] = xa00, xa01, xa10, xa11


@_jit
def trace_accumulate(aR, aK, bA, bK, out, first):
    """out (+)= Tr[τ3 a^R τ3 b^K + τ3 a^K τ3 b^A] (Tr[τ3 a τ3 b] = a00 b00 + a11 b11 − a01 b10
    − a10 b01); ``first``: out = the trace."""
    R, C = out.shape
    for r in range(R):
        for c in range(C):
            v = (aR[0, 0, r, c] * bK[0, 0, r, c] + aR[1, 1, r, c] * bK[1, 1, r, c]
                 - aR[0, 1, r, c] * bK[1, 0, r, c] - aR[1, 0, r, c] * bK[0, 1, r, c]
                 + aK[0, 0, r, c] * bA[0, 0, r, c] + aK[1, 1, r, c] * bA[1, 1, r, c]
                 - aK[0, 1, r, c] * bA[1, 0, r, c] - aK[1, 0, r, c] * bA[0, 1, r, c])
            if first:
                out[r, c] = v
            else:
                out[r, c] += v


@_jit
def drive_accumulate(a, c, out, first):
    """out (+)= (i/2)τ1 a − c (i/2)τ1 (one component of the drive term Y of order k, module
    docstring of :mod:`floquetsym.order_by_order`; V = (i/2)τ1); ``first``: out = the term."""
    R, C = out.shape[2], out.shape[3]
    h = 0.5j
    for r in range(R):
        for q in range(C):
            v00 = h * (a[1, 0, r, q] - c[0, 1, r, q])
            v01 = h * (a[1, 1, r, q] - c[0, 0, r, q])
            v10 = h * (a[0, 0, r, q] - c[1, 1, r, q])
            v11 = h * (a[0, 1, r, q] - c[1, 0, r, q])
            if first:
                out[0, 0, r, q], out[0, 1, r, q], out[1, 0, r, q], out[1, 1, r, q] = v00, v01, v10, v11
            else:
                out[0, 0, r, q] += v00
                out[0, 1, r, q] += v01
                out[1, 0, r, q] += v10
                out[1, 1, r, q] += v11
