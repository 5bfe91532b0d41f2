r"""Hierarchical low-rank storage of a local two-time function, built on the fly.

The high-order two-time solver (:mod:`numerics.kb_gregory`) keeps the local self-energies
Σ^R(t, s) and Σ^<(t, s) (N_t × N_t, 2×2 entries).  Both have the structure

    S(s, t) = −S(t, s)^†   (s < t),

(for Σ^< by its symmetry, for Σ^R because the upper triangle holds the smooth continuation
(Σ^> − Σ^<)(t, s) = −Σ^R(s, t)^†), so only the lower triangle t ≥ s is stored.  Its off-diagonal
blocks are numerically of low rank (smooth in both times; Kaye & Golež, SciPost Phys. 10, 091
(2021)).  :class:`HierarchicalTwoTime` stores, on a grid of ``bc`` × ``bc`` tiles
(tile (I, J) = rows [I bc, (I+1) bc), columns [J bc, (J+1) bc)):

* the **block rows being filled** (the current one and, for ``keep`` more rows, the previous
  one: the predictor extrapolates along diagonals from the last ``keep`` rows) dense, all
  columns, the diagonal tile including its upper (mirror) part;
* for every completed block row the **near band** dense: tiles (I, I − 1) and (I, I) (every
  entry with lag t − s < bc), which the quadrature and Adams–Moulton stencils of the sweeps
  read;
* the **far tiles** (J ≤ I − 2) of completed block rows as truncated SVD factors U V
  (singular values σ_i > ``tol`` σ_1 kept: 2-norm error ≤ tol ‖block‖ per block), **merged
  into a hierarchy**: when a dyadic block of level l (2^l × 2^l tiles, block indices (I_l,
  J_l), admissible when I_l − J_l ≥ 2: the usual strong admissibility of H-matrices) has all
  its rows complete, the factors of its children are recompressed into one pair
  (QR of the stacked factors and an SVD of the small core, same truncation), kept if it is
  smaller than the children.  Per block row there are O(1) blocks per level, so memory is
  O(N_t bc + N_t r log(N_t / bc)) for bounded ranks r.  Measured (docs/kb_solver.md, "Where
  the ranks come from"): the ranks are those of G_loc, independent of N_ξ, and depend on a
  block's length in time — bounded under refinement of dt at a fixed window, growing as
  ≈ length^0.6 for longer windows.

Every read of the function goes through this class: rows of the last block rows (predictor),
near-diagonal blocks with their mirror (stencils, reconstructed from the factors if a block
reaches the far part), the diagonal, products of strictly-lower regions with vectors from
either side (history sums of the sweeps) and the product of the whole anti-hermitian square
(the Q term).  ``state`` / ``load_state`` write and restore the exact arrays (checkpoints:
bit-identical resume).
"""
from __future__ import annotations

import numpy as np

__all__ = ["HierarchicalTwoTime", "partition_sizes"]


def _dag(x):
    return np.conj(np.swapaxes(x, -1, -2))


def _recompress(P, Q, tol):
    """Truncated SVD of P @ Q (P: (m, k), Q: (k, n)) via QR of both factors: (U, V) with
    σ_i > tol σ_1 kept, U = Q_P u s, V = v^† Q_Q^† (C-contiguous)."""
    qp, rp = np.linalg.qr(P)
    qq, rq = np.linalg.qr(Q.conj().T)
    u, s, vh = np.linalg.svd(rp @ rq.conj().T, full_matrices=False)
    r = int(np.sum(s > tol * s[0])) if s.size and s[0] > 0 else 0
    return (np.ascontiguousarray(qp @ (u[:, :r] * s[:r])),
            np.ascontiguousarray(vh[:r] @ qq.conj().T))


def partition_sizes(n_t: int, bc: int, keep: int = 0) -> dict[int, int]:
    """Number of factored blocks per level l (size 2^l bc) in the final partition of the
    lower triangle of an n_t × n_t function, as :meth:`HierarchicalTwoTime.update` builds it:
    n_c = ⌊(n_t − keep) / bc⌋ tile rows are compressed at the end; a level-l block (I, J)
    exists when its rows are compressed, (I + 1) 2^l ≤ n_c, and it is admissible, I − J ≥ 2;
    it is a leaf when its parent (I // 2, J // 2) at level l + 1 does not exist (merges that
    would not save memory are assumed to happen)."""
    nc = max(n_t - keep, 0) // bc
    out: dict[int, int] = {}
    lev = 0
    while (1 << lev) <= nc:
        m = 1 << lev
        cnt = 0
        for I in range(nc // m):
            parent_rows = (I // 2) < nc // (2 * m)
            for J in range(I - 1):                           # admissible at this level
                if not (parent_rows and (I // 2 - J // 2) >= 2):
                    cnt += 1                                 # no parent: this block is a leaf
        if cnt:
            out[lev] = cnt
        lev += 1
    return out


class HierarchicalTwoTime:
    """Lower triangle of an (S, S, 2, 2) function with S(s, t) = −S(t, s)^† (module
    docstring).  ``keep``: rows before the newest one that must stay readable as full rows."""

    def __init__(self, S: int, bc: int, tol: float, keep: int):
        self.S, self.bc, self.tol, self.keep = int(S), int(bc), float(tol), int(keep)
        self.nT = -(-self.S // self.bc)
        self.rowbuf: dict[int, np.ndarray] = {}     # I → (bc, 2, (I+1) bc, 2)
        self.near: list[np.ndarray] = []            # I → (bc, 2, 2 bc, 2): cols [(I−1)bc, (I+1)bc)
        self.leaf: dict[tuple, tuple] = {}          # (l, I, J) → (U, V)
        self.level = np.full((self.nT, self.nT), -1, np.int8)
        self.done = 0                               # block rows 0..done−1 compressed
        self._rl: dict[int, list] = {}

    # -- writing ---------------------------------------------------------------------------
    def _buf(self, I):
        b = self.rowbuf.get(I)
        if b is None:
            if I < self.done:
                raise ValueError(f"block row {I} is already compressed")
            b = self.rowbuf[I] = np.zeros((self.bc, 2, (I + 1) * self.bc, 2), complex)
        return b

    def set_row(self, n: int, row) -> None:
        """S(n, s) = row[s] for s ≤ n (and the mirror S(s, n) inside the diagonal tile)."""
        bc = self.bc
        I = n // bc
        b = self._buf(I)
        i = n - I * bc
        b[i, :, :n + 1, :] = np.swapaxes(row, 0, 1)
        b[:i, :, n, :] = -_dag(row[I * bc:n])

    def row(self, i: int):
        """S(i, s), s ≤ i, for a row not yet compressed: a view of shape (i + 1, 2, 2)."""
        I = i // self.bc
        if I not in self.rowbuf:
            raise ValueError(f"row {i} was compressed (keep={self.keep} too small)")
        return np.swapaxes(self.rowbuf[I][i - I * self.bc, :, :i + 1, :], 0, 1)

    def update(self, n: int) -> None:
        """Rows 0..n are final: compress every block row whose rows are no longer needed
        dense (all rows final and ``keep`` more rows done), then merge what completes."""
        bc = self.bc
        while self.done < self.nT and (self.done + 1) * bc - 1 + self.keep <= n:
            I = self.done
            buf = self.rowbuf.pop(I)
            nr = np.zeros((bc, 2, 2 * bc, 2), complex)
            lo = max(0, (I - 1) * bc)
            nr[:, :, lo - (I - 1) * bc:, :] = buf[:, :, lo:(I + 1) * bc, :]
            self.near.append(nr)
            for J in range(I - 1):
                M = buf[:, :, J * bc:(J + 1) * bc, :].reshape(2 * bc, 2 * bc)
                u, s, vh = np.linalg.svd(M, full_matrices=False)
                r = int(np.sum(s > self.tol * s[0])) if s[0] > 0 else 0
                self.leaf[0, I, J] = (np.ascontiguousarray(u[:, :r] * s[:r]),
                                      np.ascontiguousarray(vh[:r]))
                self.level[I, J] = 0
            del buf
            self._rl.clear()
            lev = 1
            while (I + 1) % (1 << lev) == 0:
                Il = I >> lev
                for Jl in range(Il - 1):
                    self._merge(lev, Il, Jl)
                lev += 1
            self.done += 1
            self._rl.clear()

    def _merge(self, lev, Il, Jl):
        """Recompress all leaves inside the level-``lev`` block (Il, Jl) into one."""
        bc, w = self.bc, 1 << lev
        R0, C0 = Il * w, Jl * w
        keys = self._leaves_in(R0, R0 + w, C0, C0 + w)
        if len(keys) < 2:
            return
        ks = sum(self.leaf[k][0].shape[1] for k in keys)
        m2 = 2 * bc * w
        P = np.zeros((m2, ks), complex)
        Q = np.zeros((ks, m2), complex)
        o = 0
        old = 0
        for k in keys:
            lk, I, J = k
            U, V = self.leaf[k]
            r = U.shape[1]
            a = 2 * bc * ((I << lk) - R0)
            c = 2 * bc * ((J << lk) - C0)
            P[a:a + U.shape[0], o:o + r] = U
            Q[o:o + r, c:c + V.shape[1]] = V
            o += r
            old += U.nbytes + V.nbytes
        U, V = _recompress(P, Q, self.tol)
        if U.nbytes + V.nbytes > old:
            return                                       # children are cheaper: keep them
        for k in keys:
            del self.leaf[k]
        self.leaf[lev, Il, Jl] = (U, V)
        self.level[R0:R0 + w, C0:C0 + w] = lev
        self._rl.clear()

    def _leaves_in(self, I0, I1, J0, J1):
        """Keys of the leaves meeting tile rows [I0, I1) × tile columns [J0, J1)."""
        keys = {}
        for I in range(I0, I1):
            for k, lo, hi in self._rowleaves(I):
                if hi > J0 and lo < J1:
                    keys[k] = None
        return list(keys)

    def _rowleaves(self, I):
        """[(key, J_lo, J_hi)] of the leaves crossing tile row I (cached)."""
        out = self._rl.get(I)
        if out is None:
            out = []
            J = 0
            lv = self.level[I]
            while J < I - 1:
                lk = int(lv[J])
                J0 = (J >> lk) << lk
                out.append(((lk, I >> lk, J >> lk), J0, J0 + (1 << lk)))
                J = J0 + (1 << lk)
            self._rl[I] = out
        return out

    # -- reading ---------------------------------------------------------------------------
    def _factor_piece(self, key, a0, a1, b0, b1):
        """(U rows, V columns) of leaf ``key`` restricted to times [a0, a1) × [b0, b1)."""
        lk, I, J = key
        U, V = self.leaf[key]
        r0, c0 = (I << lk) * self.bc, (J << lk) * self.bc
        return U[2 * (a0 - r0):2 * (a1 - r0)], V[:, 2 * (b0 - c0):2 * (b1 - c0)]

    def _lower(self, I, a0, a1, c0, c1):
        """S[a0:a1, c0:c1] (rows in tile row I, c1 ≤ (I+1) bc) as (a1−a0, c1−c0, 2, 2)."""
        bc = self.bc
        b = self.rowbuf.get(I)
        if b is not None:
            return b[a0 - I * bc:a1 - I * bc, :, c0:c1, :].transpose(0, 2, 1, 3)
        out = np.empty((a1 - a0, c1 - c0, 2, 2), complex)
        e = min(max(c0, (I - 1) * bc), c1)                  # near band: columns [e, c1)
        if e < c1:
            off = (I - 1) * bc
            out[:, e - c0:] = self.near[I][a0 - I * bc:a1 - I * bc, :, e - off:c1 - off,
                                           :].transpose(0, 2, 1, 3)
        if c0 < e:                                            # far part: from the factors
            for key in self._leaves_in(I, I + 1, c0 // bc, -(-e // bc)):
                lk, _, J = key
                b0, b1 = max(c0, (J << lk) * bc), min(e, ((J + 1) << lk) * bc)
                u, v = self._factor_piece(key, a0, a1, b0, b1)
                out[:, b0 - c0:b1 - c0] = (u @ v).reshape(a1 - a0, 2, b1 - b0, 2).transpose(
                    0, 2, 1, 3)
        return out

    def block(self, r0, r1, c0, c1):
        """S[r0:r1, c0:c1] (both triangles) as an array (r1−r0, c1−c0, 2, 2)."""
        bc = self.bc
        out = np.empty((r1 - r0, c1 - c0, 2, 2), complex)
        for I in range(r0 // bc, (r1 - 1) // bc + 1):
            a0, a1 = max(r0, I * bc), min(r1, (I + 1) * bc)
            ce = min(c1, (I + 1) * bc)
            if c0 < ce:
                out[a0 - r0:a1 - r0, :ce - c0] = self._lower(I, a0, a1, c0, ce)
            cu = max(c0, (I + 1) * bc)
            if cu < c1:                                       # upper part: −S(s, t)^†
                out[a0 - r0:a1 - r0, cu - c0:] = -_dag(
                    self.block(cu, c1, a0, a1).transpose(1, 0, 2, 3))
        return out

    def diag(self, i0, i1):
        """S(i, i) for i ∈ [i0, i1): shape (i1 − i0, 2, 2)."""
        bc = self.bc
        out = np.empty((i1 - i0, 2, 2), complex)
        for I in range(i0 // bc, (i1 - 1) // bc + 1):
            a0, a1 = max(i0, I * bc), min(i1, (I + 1) * bc)
            k = np.arange(a0 - I * bc, a1 - I * bc)
            b = self.rowbuf.get(I)
            out[a0 - i0:a1 - i0] = b[k, :, I * bc + k, :] if b is not None else \
                self.near[I][k, :, bc + k, :]
        return out

    def _regions(self, r0, r1, c0, c1):
        """Pieces of a strictly-lower region (c1 ≤ r0 + 1): (a0, a1, b0, b1, M) with M a dense
        2D matrix view, or (a0, a1, b0, b1, (u, v)) with factors."""
        bc = self.bc
        far = {}
        for I in range(r0 // bc, (r1 - 1) // bc + 1):
            a0, a1 = max(r0, I * bc), min(r1, (I + 1) * bc)
            b = self.rowbuf.get(I)
            if b is not None:
                W = b.shape[2]
                yield a0, a1, c0, c1, b.reshape(2 * bc, 2 * W)[2 * (a0 - I * bc):2 * (a1 - I * bc),
                                                                 2 * c0:2 * c1]
                continue
            e = min(max(c0, (I - 1) * bc), c1)              # near band: columns [e, c1)
            if e < c1:
                off = (I - 1) * bc
                yield a0, a1, e, c1, self.near[I].reshape(2 * bc, 4 * bc)[
                    2 * (a0 - I * bc):2 * (a1 - I * bc), 2 * (e - off):2 * (c1 - off)]
            if c0 < e:
                for key, lo, hi in self._rowleaves(I):
                    if hi * bc > c0 and lo * bc < e:
                        far[key] = None
        for key in far:
            lk, I, J = key
            a0, a1 = max(r0, (I << lk) * bc), min(r1, ((I + 1) << lk) * bc)
            b0, b1 = max(c0, (J << lk) * bc), min(c1, ((J + 1) << lk) * bc)
            yield a0, a1, b0, b1, self._factor_piece(key, a0, a1, b0, b1)

    def left(self, x, r0, r1, c0, c1):
        """x @ S[r0:r1, c0:c1] (2D ((t, a), (s, b)) layout; strictly lower region)."""
        y = np.zeros((x.shape[0], 2 * (c1 - c0)), complex)
        for a0, a1, b0, b1, M in self._regions(r0, r1, c0, c1):
            xs = x[:, 2 * (a0 - r0):2 * (a1 - r0)]
            ys = y[:, 2 * (b0 - c0):2 * (b1 - c0)]
            ys += (xs @ M[0]) @ M[1] if isinstance(M, tuple) else xs @ M
        return y

    def right(self, r0, r1, c0, c1, v):
        """S[r0:r1, c0:c1] @ v (2D layout; strictly lower region)."""
        out = np.zeros((2 * (r1 - r0), v.shape[1]), complex)
        for a0, a1, b0, b1, M in self._regions(r0, r1, c0, c1):
            vs = v[2 * (b0 - c0):2 * (b1 - c0)]
            os_ = out[2 * (a0 - r0):2 * (a1 - r0)]
            os_ += M[0] @ (M[1] @ vs) if isinstance(M, tuple) else M @ vs
        return out

    def ah_product(self, n, y):
        """S[:n+1, :n+1] @ y with the upper triangle −(lower)^† (2D layout, y (2(n+1), m))."""
        bc, m = self.bc, n + 1
        out = np.zeros((2 * m, y.shape[1]), complex)
        for I in range(0, n // bc + 1):
            a0, a1 = I * bc, min((I + 1) * bc, m)
            ya, oa = y[2 * a0:2 * a1], out[2 * a0:2 * a1]
            b = self.rowbuf.get(I)
            if b is not None:
                B = b.reshape(2 * bc, -1)[:2 * (a1 - a0)]
                lo = B[:, :2 * a0]
                oa += B[:, 2 * a0:2 * a1] @ ya
            else:
                B = self.near[I].reshape(2 * bc, 4 * bc)
                lo = B[:, :2 * bc] if I > 0 else B[:, :0]
                oa += B[:, 2 * bc:] @ ya
            if lo.shape[1]:
                c0 = a0 - lo.shape[1] // 2
                oa += lo @ y[2 * c0:2 * a0]
                out[2 * c0:2 * a0] -= lo.conj().T @ ya
        for (lk, I, J), (U, V) in self.leaf.items():
            r0, c0 = (I << lk) * bc, (J << lk) * bc
            rs, cs = slice(2 * r0, 2 * r0 + U.shape[0]), slice(2 * c0, 2 * c0 + V.shape[1])
            out[rs] += U @ (V @ y[cs])
            out[cs] -= V.conj().T @ (U.conj().T @ y[rs])
        return out

    # -- bookkeeping -----------------------------------------------------------------------
    @property
    def nbytes(self) -> int:
        """Bytes held by the representation (dense rows, near band, factors, level map)."""
        return (sum(b.nbytes for b in self.rowbuf.values()) + sum(a.nbytes for a in self.near)
                + sum(U.nbytes + V.nbytes for U, V in self.leaf.values()) + self.level.nbytes)

    def ranks(self) -> list[tuple[int, int]]:
        """(level, rank) of every factored block."""
        return [(k[0], U.shape[1]) for k, (U, _) in self.leaf.items()]

    def state(self, prefix: str) -> dict:
        """The exact arrays of the representation (for a checkpoint)."""
        keys = sorted(self.leaf)
        ranks = [self.leaf[k][0].shape[1] for k in keys]
        st = {prefix + "done": np.array(self.done), prefix + "level": self.level,
              prefix + "near": (np.stack(self.near) if self.near
                                else np.zeros((0, self.bc, 2, 2 * self.bc, 2), complex)),
              prefix + "keys": np.array([[*k, r] for k, r in zip(keys, ranks)],
                                        np.int64).reshape(-1, 4),
              prefix + "U": np.concatenate([self.leaf[k][0].ravel() for k in keys] + [
                  np.zeros(0, complex)]),
              prefix + "V": np.concatenate([self.leaf[k][1].ravel() for k in keys] + [
                  np.zeros(0, complex)])}
        for I, b in self.rowbuf.items():
            st[f"{prefix}rows{I}"] = b
        return st

    def load_state(self, arrays: dict, prefix: str) -> None:
        """Restore from :meth:`state` (a fresh instance of the same shape)."""
        self.done = int(arrays[prefix + "done"])
        self.level = np.array(arrays[prefix + "level"], np.int8)
        self.near = [np.array(a) for a in arrays[prefix + "near"]]
        self.leaf = {}
        ou = ov = 0
        U_all, V_all = arrays[prefix + "U"], arrays[prefix + "V"]
        for lk, I, J, r in arrays[prefix + "keys"].tolist():
            m2 = 2 * self.bc << lk
            self.leaf[lk, I, J] = (np.array(U_all[ou:ou + m2 * r]).reshape(m2, r),
                                   np.array(V_all[ov:ov + r * m2]).reshape(r, m2))
            ou += m2 * r
            ov += r * m2
        self.rowbuf = {}
        for name, a in arrays.items():
            if name.startswith(prefix + "rows"):
                self.rowbuf[int(name[len(prefix) + 4:])] = np.array(a)
        self._rl.clear()
