r"""Error-controlled low-rank compression of a local two-time function, built on the fly.

The history products of :mod:`numerics.kb_gregory` multiply the local self-energy squares
Σ^R(t, s), Σ^<(t, s) (N_t × N_t, 2×2 entries) by N_ξ vectors: O(N_ξ N_t²) per step.  Their
off-diagonal blocks are numerically low rank (smooth in both times; Kaye & Golež, SciPost Phys.
10, 091 (2021)).  :class:`BlockLowRank` keeps the square on a grid of ``bc`` × ``bc`` blocks;
when a block row I is complete (all its times stepped), every block (I, J < I) is replaced in
the products by its truncated SVD U V, keeping the singular values σ_i > ``tol`` σ_1 (relative
2-norm error ≤ tol per block).  Diagonal blocks and the block row being filled stay dense.
A product over a region then costs O(bc r) per compressed block instead of O(bc²).

The dense square is kept as well (the sweeps' near-diagonal reads and the checkpoints use it),
so memory stays O(N_t²); what compression buys is the time of the products.  ``tol=0``
switches compression off (every product dense: the reference).
"""
from __future__ import annotations

import numpy as np

__all__ = ["BlockLowRank"]


def _block2d(A, r0, r1, c0, c1):
    """A[r0:r1, c0:c1] of a (S, S, 2, 2) array as a 2D ((k, a), (s, b)) matrix (a copy)."""
    blk = A[r0:r1, c0:c1]
    return np.ascontiguousarray(blk.transpose(0, 2, 1, 3)).reshape(2 * (r1 - r0), 2 * (c1 - c0))


class BlockLowRank:
    """Compressed strictly-lower blocks of the (S, S, 2, 2) array ``A`` (module docstring)."""

    def __init__(self, A, bc: int = 128, tol: float = 1e-10):
        self.A, self.bc, self.tol = A, int(bc), float(tol)
        self.done = 0                     # number of complete (compressed) block rows
        self.f = {}                       # (I, J) → (U, V)
        self.ranks = []

    def update(self, n: int) -> None:
        """Rows 0..n are final: compress every newly completed block row."""
        if self.tol <= 0:
            return
        bc = self.bc
        while (self.done + 1) * bc - 1 <= n:
            I = self.done
            for J in range(I):
                M = _block2d(self.A, I * bc, (I + 1) * bc, J * bc, (J + 1) * bc)
                u, s, vh = np.linalg.svd(M, full_matrices=False)
                r = int(np.sum(s > self.tol * s[0])) if s[0] > 0 else 0
                self.f[I, J] = (np.ascontiguousarray(u[:, :r] * s[:r]), np.ascontiguousarray(vh[:r]))
                self.ranks.append(r)
            self.done += 1

    def _pieces(self, r0, r1, c0, c1):
        """Split the region into grid pieces: (rs0, rs1, cs0, cs1, factors or None)."""
        bc = self.bc
        out = []
        for I in range(r0 // bc, (r1 - 1) // bc + 1):
            a0, a1 = max(r0, I * bc), min(r1, (I + 1) * bc)
            Jc = [J for J in range(c0 // bc, (c1 - 1) // bc + 1)]
            dense_c = []
            for J in Jc:
                b0, b1 = max(c0, J * bc), min(c1, (J + 1) * bc)
                if (I, J) in self.f:
                    out.append((a0, a1, b0, b1, self.f[I, J]))
                else:
                    dense_c.append((b0, b1))
            if dense_c:                                   # contiguous dense columns of row block I
                out.append((a0, a1, dense_c[0][0], dense_c[-1][1], None))
        return out

    def left(self, x, r0, r1, c0, c1):
        """x @ A[r0:r1, c0:c1] with x of shape (m, 2 (r1 − r0)); returns (m, 2 (c1 − c0))."""
        bc = self.bc
        y = np.zeros((x.shape[0], 2 * (c1 - c0)), complex)
        for a0, a1, b0, b1, fac in self._pieces(r0, r1, c0, c1):
            xs = x[:, 2 * (a0 - r0):2 * (a1 - r0)]
            if fac is None:
                y[:, 2 * (b0 - c0):2 * (b1 - c0)] += xs @ _block2d(self.A, a0, a1, b0, b1)
            else:
                U, V = fac
                I, J = a0 // bc, b0 // bc
                u = U[2 * (a0 - I * bc):2 * (a1 - I * bc)]
                v = V[:, 2 * (b0 - J * bc):2 * (b1 - J * bc)]
                y[:, 2 * (b0 - c0):2 * (b1 - c0)] += (xs @ u) @ v
        return y

    def right(self, r0, r1, c0, c1, y):
        """A[r0:r1, c0:c1] @ y with y of shape (2 (c1 − c0), m); returns (2 (r1 − r0), m)."""
        bc = self.bc
        out = np.zeros((2 * (r1 - r0), y.shape[1]), complex)
        for a0, a1, b0, b1, fac in self._pieces(r0, r1, c0, c1):
            ys = y[2 * (b0 - c0):2 * (b1 - c0)]
            if fac is None:
                out[2 * (a0 - r0):2 * (a1 - r0)] += _block2d(self.A, a0, a1, b0, b1) @ ys
            else:
                U, V = fac
                I, J = a0 // bc, b0 // bc
                u = U[2 * (a0 - I * bc):2 * (a1 - I * bc)]
                v = V[:, 2 * (b0 - J * bc):2 * (b1 - J * bc)]
                out[2 * (a0 - r0):2 * (a1 - r0)] += u @ (v @ ys)
        return out

    def antihermitian_product(self, n: int, y):
        """S @ y for the square S[:n+1, :n+1] whose upper triangle is −(lower)† (Σ^<):
        y of shape (2 (n+1), m).  Compressed lower blocks act with their mirror images."""
        m = n + 1
        bc = self.bc
        D = min(self.done, m // bc) if self.tol > 0 else 0
        e = D * bc
        out = np.zeros((2 * m, y.shape[1]), complex)
        for (I, J), (U, V) in self.f.items():
            if I >= D:
                continue
            yi = y[2 * I * bc:2 * (I + 1) * bc]
            yj = y[2 * J * bc:2 * (J + 1) * bc]
            out[2 * I * bc:2 * (I + 1) * bc] += U @ (V @ yj)
            out[2 * J * bc:2 * (J + 1) * bc] -= np.conj(V.T) @ (np.conj(U.T) @ yi)
        for I in range(D):                                # dense diagonal blocks
            s = slice(I * bc, (I + 1) * bc)
            out[2 * I * bc:2 * (I + 1) * bc] += _block2d(self.A, s.start, s.stop, s.start, s.stop) @ y[2 * I * bc:2 * (I + 1) * bc]
        if e < m:                                         # rows e..n (all columns) and mirror
            out[2 * e:] += _block2d(self.A, e, m, 0, m) @ y
            if e > 0:
                out[:2 * e] += _block2d(self.A, 0, e, e, m) @ y[2 * e:]
        return out
