r"""High-order two-time Kadanoff–Baym solver (paper Eq. 4 with the local self-energies (5), (6)).

Same model, contour, preparation and observables as :mod:`numerics.kb_full` (the order-2
reference): the uncorrelated mean-field thermal state at t0 = −t_prep, self-energies switched
on as r(t) r(s) Σ(t,s), the quench λ_i → λ_f at t = 0.  What differs is how the two-time
equations are stepped and what is stored.

Time step n (t_n = t0 + n dt), as in NESSi (Schüler et al., Comput. Phys. Commun. 257, 107484
(2020)), for every stored ξ:

1. **Retarded row** G^R(t_n, t') for t' ≤ t_n from the conjugate equation, integrated in t'
   downward from G^R(t_n, t_n) = −i,
       −i∂_{t'} G^R(t_n,t') = G^R(t_n,t') h(t') + ∫_{t'}^{t_n} ds G^R(t_n,s) Σ^R(s,t').
2. **Lesser column** G^<(t, t_n) for t ≤ t_n from the equation in t, integrated upward from
   G^<(t0, t_n) = ρ0 G^A(t0, t_n) (uncorrelated initial state: G^<(t, t0) = −G^R(t,t0) ρ0),
       i∂_t G^<(t,t_n) = h(t) G^<(t,t_n) + ∫_{t0}^{t} Σ^R(t,s) G^<(s,t_n) ds + Q(t),
       Q(t) = ∫_{t0}^{t_n} Σ^<(t,s) G^A(s,t_n) ds   (one matrix product, all ξ and t at once).
   Its end point is the density matrix, ρ(t_n) = −i G^<(t_n, t_n) (hermitised).
3. The gap Δ(t_n) = −λ(t_n) Σ_ξ w ρ_12 and the new self-energy row
   Σ^≷(t_n, s) = r r K^≷ τ3 G^≷_loc(t_n, s) τ3 (G^<(t_n,s) = −G^<(s,t_n)†, G^> = G^R + G^<).

Steps 1–3 depend on the new row itself (Σ(t_n, ·), Δ(t_n)), but only through end points of
the integrals (weight dt): with the row predicted to O(dt^q) by polynomial extrapolation
along the diagonals, one sweep gives it to O(dt^{q+1}) (local), enough for global order q + 1
(``correctors`` = 0, default; each corrector repeats the sweeps).  The rows where the
extrapolation has no smooth stencil (the first ``order`` + 1 rows and those just after the
quench) iterate the sweeps until the row changes by less than ``sc_tol`` (relative).

Each sweep is a linear Volterra integro-differential equation solved in the frame rotating
with ξτ3 by Gregory-type quadrature and Adams–Moulton steps of order q + 1 = ``order``
(:mod:`numerics.kb_sweep`, :mod:`numerics.kb_quadrature`); the quench (a jump of h at t = 0)
is a breakpoint that no stencil straddles.

**Storage**: only the *local* two-time functions Σ^R and Σ^<, as full squares: the upper
triangle of Σ^R holds the smooth continuation (Σ^> − Σ^<)(t,s) = −Σ^R(s,t)† (s > t), which
the start blocks of the sweeps interpolate through (as in NESSi), 2 N_t² · 64 bytes, plus
O(N_ξ N_t) for the current row and column — no per-ξ two-time array (the order-2 solver stores
N_ξ N_t² · 128 bytes).  With ``compress_tol`` > 0 the squares are replaced by the hierarchical
low-rank storage of :mod:`numerics.kb_hodlr` (the last block rows and a near-diagonal band of
``compress_block`` steps dense, older off-diagonal blocks as truncated-SVD factors merged into a
hierarchy; memory below O(N_t²), measured in docs/kb_solver.md); every read of Σ (predictor,
stencils, history products, Q, checkpoints) then goes through it.  Work O(N_ξ N_t³) as before,
but in matrix products and with ``order`` raising the usable dt.

Paramagnetic response (Eq. 7) from the new row and column, as in :mod:`numerics.kb_full`:
    η(t_n) = −i ∫ ds [G^R(t_n,s) G^<(s,t_n) + G^<(t_n,s) G^A(s,t_n)] + G^R(t_n,t0) η0 G^A(t0,t_n).

Particle–hole reduction G_{−ξ} = τ1 G_ξ τ1 on symmetric grids (``symmetric``), as kb_full.

Checkpoints: Σ^R, Σ^< up to step n (the squares, or the exact arrays of the compressed
storage: dense rows, near band, factors), the pair amplitude and the observables are the whole
state; a run resumed from a checkpoint is bit-identical to an uninterrupted one.
"""
from __future__ import annotations

import math
import time
from pathlib import Path

import numpy as np

from floquetsym.params import require, require_int
from floquetsym.result import provenance

from .kb_blas import blas_threads
from .kb_model import (Band, KBParams, bath_kernel, bcs_gap, equal_time_observables, make_band,
                       switching_ramp, thermal_state)
from .kb_quadrature import split_weights
from .kb_sweep import sweep

__all__ = ["GregoryKBStepper", "MemoryBudgetError", "gregory_memory_estimate", "rank_model",
           "run_gregory"]

KIND = "numerics.kb_gregory.GregoryKBStepper/1"


def gregory_memory_estimate(p: KBParams, symmetric: bool = True, compress_tol: float = 0.0,
                            compress_block: int = 128, order: int = 5) -> float:
    """Bytes of the run.  Dense (``compress_tol`` = 0): Σ^R and Σ^< squares (N_t² · 64 B
    each, plus a temporary copy of Σ^< in the Q product) and the per-step work arrays (Q, the
    sweeps: ~12 N_ξ N_t · 64 B).  Compressed (:mod:`numerics.kb_hodlr`, per function): two
    dense block rows (2 b N_t · 64 B), the near band (2 b N_t · 64 B), the factors of the final
    partition (:func:`numerics.kb_hodlr.partition_sizes`) at the ranks of :func:`rank_model`
    for each level's block length, and a temporary of one dense block row in the products.
    The run itself also checks its measured storage against ``max_bytes`` after every step
    (:class:`MemoryBudgetError`), since the ranks are a model."""
    s = p.n_steps + 1
    nx = p.n_xi // 2 if symmetric else p.n_xi
    work = 12.0 * nx * s * 64
    if compress_tol <= 0:
        return 2.0 * s * s * 64 + work + 8.0 * s * s * 16
    from .kb_hodlr import partition_sizes
    b = int(compress_block)
    fac = sum(cnt * 2 * (2 * b << lev) * rank_model(p, compress_tol, b << lev) * 16
              for lev, cnt in partition_sizes(s, b, keep=order).items())
    return 2.0 * (2 * b * s * 64 + 2 * b * s * 64 + fac) + b * s * 64 + work


#: Rank model of the factored Σ blocks, from the measurements of ``derivations/kb_rank_origin.py``
#: and ``derivations/kb_memory_scaling.py`` (docs/kb_solver.md, "Where the ranks come from"):
#: the largest rank of a block T = steps·dt long at tolerance 1e-8 is ≈ 18 (T / 6.4)^0.6 for
#: λ_el-ph = 0.1, ω_D = 0.16 (T = 6.4 … 205; 184 at T = 410, where it grows slower) and ≈ 24 (T / 6.4)^0.6 at the map's corner
#: λ_el-ph = 0.3, ω_D = 0.6 (T ≤ 51); it does not depend on N_ξ (12, 24 and 48 agree to ±2)
#: and grows by ≈ 3 per decade of tolerance.  The model takes the larger corner with a 25 %
#: margin.
RANK_T0, RANK_AT_T0, RANK_POWER, RANK_PER_DECADE, RANK_MARGIN = 6.4, 24.0, 0.6, 3.0, 1.25


def rank_model(p: KBParams, compress_tol: float, steps: int) -> int:
    """Rank assumed by the memory estimate for a factored block of ``steps`` × ``steps``
    time steps (a (2·steps)² matrix with the Nambu indices):

        r = min(2·steps, ⌈1.25 (24 + 3 log10(1e-8 / tol)) (steps·dt / 6.4)^0.6⌉)

    a fit to the measured ranks (constants above), **a model, not a bound**: the ranks depend
    on the coupling and ω_D, and on this model's data they still grow at the longest blocks
    measured, so the run checks its measured storage too.  Measured against it: the estimate
    is 1.7–2.1× the storage of the bench model's runs at N_t = 401 … 6401 (docs/kb_solver.md)
    and 1.87× in the test run."""
    decades = math.log10(1e-8 / compress_tol)
    base = max(RANK_AT_T0 + RANK_PER_DECADE * decades, 4.0)
    r = RANK_MARGIN * base * (steps * p.dt / RANK_T0) ** RANK_POWER
    return int(min(2 * steps, math.ceil(r)))


class MemoryBudgetError(RuntimeError):
    """The measured Σ storage of a compressed run exceeded ``max_bytes`` (the ranks grew past
    :func:`rank_model`); the run stops after writing its checkpoint, if it has one, and can be
    resumed from it with a larger ``max_bytes``."""


class InstabilityError(RuntimeError):
    """The time stepping left the physical states: the run is refused, not continued."""


#: largest excursion of an eigenvalue of an equal-time Nambu density matrix outside [0, 1]
#: accepted as discretisation error (a blown-up run leaves it by orders of magnitude)
RHO_TOL = 1e-2


def check_density_matrix(rho, t: float, dt: float, tol: float = RHO_TOL) -> None:
    """Every ρ_ξ = ⟨ψ_ξ ψ_ξ†⟩ (Nambu, Hermitian 2x2) has eigenvalues in [0, 1]; raise
    :class:`InstabilityError` naming ``dt`` when one leaves [−tol, 1 + tol] or is not finite
    (an unstable step, e.g. strong coupling at a large dt), instead of returning wrong numbers."""
    ev = np.linalg.eigvalsh(rho) if np.isfinite(rho).all() else np.array([np.nan])
    out = float(np.nanmax(np.maximum(-ev, ev - 1.0))) if np.isfinite(ev).all() else np.inf
    if out > tol:
        raise InstabilityError(
            f"two-time run unstable at t = {t:g}: an equal-time density matrix has an eigenvalue "
            f"{out:.3g} outside [0, 1] (tolerance {tol:g}); reduce dt (now {dt:g}) or add "
            f"corrector sweeps (correctors=1)")


def _dag(x):
    return np.conj(np.swapaxes(x, -1, -2))


def _mirror(x):
    return x[..., ::-1, ::-1]


def _t3(x):
    y = x.copy()
    y[..., 0, 1] *= -1
    y[..., 1, 0] *= -1
    return y


def _dhat(d):
    """Gap part of h: [[0, Δ], [Δ*, 0]] for an array of Δ, shape (..., 2, 2)."""
    d = np.asarray(d, dtype=complex)
    out = np.zeros(d.shape + (2, 2), complex)
    out[..., 0, 1] = d
    out[..., 1, 0] = np.conj(d)
    return out


def _extrap_coeffs(k: int) -> np.ndarray:
    """c_i (i = 1..k) with f(0) ≈ Σ c_i f(−i): degree k−1 extrapolation."""
    return np.array([(-1) ** (i + 1) * math.comb(k, i) for i in range(1, k + 1)], float)


class GregoryKBStepper:
    """High-order two-time KB stepper (module docstring); ``start`` / ``step`` / ``run``."""

    def __init__(self, p: KBParams, *, order: int = 5, correctors: int = 0, sc_tol: float = 1e-11,
                 max_correctors: int = 12, symmetric: bool | None = None,
                 progress: bool = False, max_bytes: float = 4e9, threads: int | None = 1,
                 block: int = 48, compress_tol: float = 0.0, compress_block: int = 128):
        require(p.mode == "full", "mode", p.mode, "'full' (the two-time solver)")
        self.order = require_int("order", order, 2, 7)
        require(sc_tol >= 1e-14, "sc_tol", sc_tol,
                ">= 1e-14 (the corrector cannot converge below rounding)")
        self.sc_tol = float(sc_tol)
        self.correctors = require_int("correctors", correctors, 0, 50)
        self.max_correctors = require_int("max_correctors", max_correctors, self.correctors, 100)
        self.block = require_int("block", block, 8, 4096)
        require(0 <= compress_tol < 1, "compress_tol", compress_tol, "in [0, 1) (0: no compression)")
        self.compress_tol = float(compress_tol)
        self.compress_block = require_int("compress_block", compress_block, 16, 4096)
        self.compressed = self.compress_tol > 0
        require(max_bytes > 0, "max_bytes", max_bytes, "> 0 (bytes the run may hold)")
        self.max_bytes = float(max_bytes)
        self.p, self.progress, self.threads = p, progress, threads
        from .kb_full import _half_band, symmetric_grid
        self.full_band: Band = make_band(p)
        sym_ok = symmetric_grid(self.full_band)
        if symmetric is None:
            symmetric = sym_ok
        require(not symmetric or sym_ok, "symmetric", symmetric,
                f"False for this ξ grid (needs an even n_xi symmetric about ξ = 0; n_xi={p.n_xi})")
        self.symmetric = bool(symmetric)
        need = gregory_memory_estimate(p, self.symmetric, self.compress_tol,
                                       self.compress_block, self.order)
        require(need <= max_bytes, "t_max", p.t_max,
                f"small enough for the run to fit max_bytes={max_bytes:.3g} (needs {need:.3g} "
                f"bytes for N_t = {p.n_steps + 1} steps, "
                + ("compressed Σ storage" if compress_tol > 0 else "Σ squares 2·N_t²·64 B")
                + "; reduce t_max or t_prep, or raise dt, or compress)")
        self.band = _half_band(self.full_band) if self.symmetric else self.full_band
        self.S = p.n_steps + 1
        self.times = (np.arange(self.S) - p.n_prep) * p.dt
        self.kg, self.kernel_error = bath_kernel(p, np.arange(self.S) * p.dt, self.full_band)
        self.kl = np.conj(self.kg)
        self.ramp = switching_ramp(p, self.times - self.times[0])
        self.b = p.n_prep
        self.q = self.order - 1
        u = np.arange(self.S) * p.dt
        ph = np.exp(-1j * np.outer(self.band.xi, u))
        self.E = np.stack([ph, np.conj(ph)], axis=-1)             # (X, S, 2)

    # -- helpers ---------------------------------------------------------------------------
    def _full(self, x):
        if not self.symmetric:
            return x
        return np.concatenate([_mirror(x[::-1]), x], axis=0)

    def _loc(self, g):
        """Σ_ξ w G_ξ over the full band, g of shape (X, m, 2, 2)."""
        s = np.einsum("x,xkab->kab", self.band.w, g)
        return s + _mirror(s) if self.symmetric else s

    def _pair(self, rho):
        return self.full_band.pair_norm * np.sum(self.full_band.w * self._full(rho)[:, 0, 1])

    def _lam(self, j: int, post: bool) -> float:
        """Coupling at node j; at the quench node the side is ``post`` (t = 0⁺) or not."""
        if j == self.b:
            return self.p.lam_f if post else self.p.lam_i
        return self.p.lam_i if j < self.b else self.p.lam_f

    def _gap_nodes(self, n: int, pair_n):
        """Δ at nodes 0..n (pre-quench side at the quench node) and Δ(0⁺)."""
        pr = self.pair[:n + 1].copy()
        pr[n] = pair_n
        lam = np.where(np.arange(n + 1) < self.b, self.p.lam_i, self.p.lam_f)
        d = -lam * pr
        d_post = None
        if self.b <= n:
            d[self.b] = -self.p.lam_i * pr[self.b]
            d_post = -self.p.lam_f * pr[self.b]
        return d, d_post

    # -- state -----------------------------------------------------------------------------
    def start(self):
        p, S, b = self.p, self.S, self.band
        d0 = bcs_gap(p.lam_i, self.full_band, p.temperature)
        self.rho0, self.eta0 = thermal_state(b.xi, d0, p.temperature)
        if self.compressed:                                       # hierarchical low rank
            from .kb_hodlr import HierarchicalTwoTime
            self.hR, self.hL = (HierarchicalTwoTime(S, self.compress_block, self.compress_tol,
                                                    keep=self.q + 1) for _ in range(2))
            self.SR = self.SL = self._SL4 = None
        else:
            self.hR = self.hL = None
            self.SR = np.zeros((S, S, 2, 2), complex)
            self._SL4 = np.zeros((S, 2, S, 2), complex)           # [k, a, s, b]: gemm layout
            self.SL = self._SL4.transpose(0, 2, 1, 3)             # view [k, s, a, b]
        self.pair = np.zeros(S, complex)
        self.delta = np.zeros(S, complex)
        self.obs = {k: np.zeros(S) for k in ("ns", "ns_dia", "ns_para", "density", "ns_boundary")}
        self.sweeps = np.zeros(S, np.int32)
        self.sigma_peak = 0
        self.sc_residual = 0.0
        self.n = 0
        nx = b.n
        gr = np.broadcast_to(-1j * np.eye(2), (nx, 1, 2, 2)).copy()
        z = (1j * self.rho0)[:, None]
        self._set_row(0, gr, z)
        self.pair[0] = self._pair(self.rho0)
        self.delta[0] = -self._lam(0, True) * self.pair[0]
        self._measure(0, self.rho0, self.eta0)

    def _sigma_row(self, n, gr, z):
        """Σ^R(n, s), Σ^<(n, s) for s ≤ n from G^R(n, s) (X, n+1) and z_s = G^<(s, n)."""
        gl = -_dag(z)                                              # G^<(n, s)
        glr, gll = self._loc(gr), self._loc(gl)
        lags = n - np.arange(n + 1)
        rr = self.ramp[n] * self.ramp[:n + 1]
        sg = _t3(glr + gll) * (rr * self.kg[lags])[:, None, None]
        sl = _t3(gll) * (rr * self.kl[lags])[:, None, None]
        return sg - sl, sl

    def _set_row(self, n, gr, z):
        sr, sl = self._sigma_row(n, gr, z)
        sl[n] = 0.5 * (sl[n] - _dag(sl[n]))                        # Σ^≷(t,t) anti-hermitian
        sr[n] = 0.5 * (sr[n] - _dag(sr[n]))
        if self.compressed:
            self.hR.set_row(n, sr)
            self.hL.set_row(n, sl)
            return sr, sl
        self.SR[n, :n + 1] = sr
        self.SL[n, :n + 1] = sl
        self.SL[:n, n] = -_dag(sl[:n])
        self.SR[:n, n] = -_dag(sr[:n])                             # smooth continuation of Σ^>−Σ^<
        return sr, sl

    def _predict(self, n):
        """Extrapolate Σ(n, ·) along diagonals (fixed lag) from earlier rows, and the pair
        amplitude; no stencil crosses the quench row."""
        k = min(self.q, n - 1)
        if n > self.b:
            k = min(k, n - 1 - self.b)
        new = []
        for A, h in ((self.SR, self.hR), (self.SL, self.hL)):
            if self.compressed:                                    # S(i, s), s < n
                def row(i, h=h):
                    return np.concatenate([h.row(i), -_dag(h.block(i + 1, n, i, i + 1)[:, 0])])
            else:
                def row(i, A=A):
                    return A[i, :n]
            if k < 1:
                prev = row(n - 1)
                new.append(np.concatenate([prev[:1], prev]))
                continue
            c = _extrap_coeffs(k + 1)
            out = np.empty((n + 1, 2, 2), complex)
            lagmax = n - k - 1                                     # lags with k+1 earlier points
            acc = np.zeros((lagmax + 1, 2, 2), complex)
            for i, ci in enumerate(c, start=1):
                # row n−i, columns (n−i) − lag for lag = 0..lagmax
                acc += ci * row(n - i)[n - i - np.arange(lagmax + 1)]
            out[n - np.arange(lagmax + 1)] = acc
            cols = np.arange(0, n - lagmax)                        # small columns: fixed column
            acc = np.zeros((cols.size, 2, 2), complex)
            for i, ci in enumerate(c, start=1):
                acc += ci * row(n - i)[cols]
            out[cols] = acc
            new.append(out)
        pair = self.pair[n - 1] if k < 1 else np.dot(_extrap_coeffs(k + 1),
                                                      self.pair[n - 1::-1][:k + 1])
        if self.compressed:
            self.hR.set_row(n, new[0])
            self.hL.set_row(n, new[1])
            return pair
        self.SR[n, :n + 1], self.SL[n, :n + 1] = new
        self.SL[:n, n] = -_dag(self.SL[n, :n])
        self.SR[:n, n] = -_dag(self.SR[n, :n])
        return pair

    def _kink(self, n: int) -> bool:
        """Rows whose predictor cannot be of full order (the first rows, the rows just after
        the quench): these iterate the corrector to ``sc_tol``."""
        return n <= self.order + 1 or 0 <= n - self.b <= self.order + 1

    # -- one time step ---------------------------------------------------------------------
    def _sweeps(self, n, pair_n):
        p, dt, q, X = self.p, self.p.dt, self.q, self.band.n
        d, d_post = self._gap_nodes(n, pair_n)
        E = self.E[:, :n + 1]
        SR = self.SR
        # 1. retarded row, sweep node k ↔ t' = t_{n−k}
        Hr = _dhat(d[::-1])
        bp_r, H2r = None, None
        if self.b <= n:
            kb = n - self.b
            if 0 < kb < n or (kb == n and n > 0 and self.b == 0):
                Hr[kb] = _dhat(d_post)                             # t' ≥ 0 segment
                if 0 < kb < n:
                    bp_r, H2r = kb, _dhat(d[self.b])
        if self.b == 0 and n > 0:
            Hr[n] = _dhat(d_post)

        use = self.compressed
        hR = self.hR

        def kb_r(l0, l1, m0, m1):
            if use:
                blkr = hR.block(n - l1 + 1, n - l0 + 1, n - m1 + 1, n - m0 + 1)
            else:
                blkr = SR[n - l1 + 1:n - l0 + 1, n - m1 + 1:n - m0 + 1]
            return blkr[::-1, ::-1]

        if use:
            diag = hR.diag(0, n + 1)
            kd_r = diag[::-1]
        else:
            kd_r = SR[np.arange(n, -1, -1), np.arange(n, -1, -1)]
        v0 = np.broadcast_to(-1j * np.eye(2), (X, 2, 2)).astype(complex)

        def bulk_r(xw, t0, t1):                  # rows n−l (l < L), columns n−t (t0 ≤ t < t1)
            L = xw.shape[2]
            x2 = xw[:, :, ::-1, :].reshape(2 * X, 2 * L)
            y = hR.left(x2, n - L + 1, n + 1, n - t1 + 1, n - t0 + 1)
            return y.reshape(X, 2, t1 - t0, 2)[:, :, ::-1, :].transpose(0, 2, 1, 3)

        def bulk_l(xw, t0, t1):                  # rows t, columns l < L: Σ^R(t, l) z_l
            L = xw.shape[2]
            xT = xw.transpose(2, 3, 0, 1).reshape(2 * L, 2 * X)
            z = hR.right(t0, t1, 0, L, xT)
            return z.reshape(t1 - t0, 2, X, 2).transpose(2, 0, 3, 1)

        vr, it1 = sweep(v0, Hr, H2r, bp_r, kb_r, kd_r, None, E, q, dt, blk=self.block,
                        bulk=bulk_r if use else None)
        gr = vr[:, ::-1]                                           # G^R(n, s), s = 0..n
        # 2. lesser column (transposed), sweep node k ↔ t = t_k
        ga = _dag(gr)                                              # G^A(s, n)
        w = split_weights(n, self.b if 0 < self.b < n else None, q) * dt
        gaw = (ga * w[None, :, None, None]).transpose(1, 2, 0, 3).reshape(2 * (n + 1), 2 * X)
        if use:
            Q = self.hL.ah_product(n, gaw)
        else:
            SLn = self._SL4[:n + 1, :, :n + 1, :].reshape(2 * (n + 1), 2 * (n + 1))
            Q = SLn @ gaw
        Q = Q.reshape(n + 1, 2, X, 2).transpose(2, 0, 1, 3)        # (X, k, a, c)
        Hl = _dhat(d).transpose(0, 2, 1)
        bp_l, H2l = None, None
        if 0 < self.b < n:
            bp_l, H2l = self.b, _dhat(d_post).T
        elif self.b == 0 and n > 0:
            Hl[0] = _dhat(d_post).T

        def kb_l(l0, l1, m0, m1):
            blk = hR.block(m0, m1, l0, l1) if use else SR[m0:m1, l0:l1]
            return blk.transpose(1, 0, 3, 2)

        kd_l = (diag if use else SR[np.arange(n + 1), np.arange(n + 1)]).transpose(0, 2, 1)
        z0 = (self.rho0 @ ga[:, 0]).transpose(0, 2, 1)
        vl, it2 = sweep(z0, Hl, H2l, bp_l, kb_l, kd_l, Q.transpose(0, 1, 3, 2), E, q, dt,
                        blk=self.block, bulk=bulk_l if use else None)
        z = vl.transpose(0, 1, 3, 2)                               # G^<(t_k, t_n)
        rho = -1j * z[:, n]
        rho = 0.5 * (rho + _dag(rho))
        z[:, n] = 1j * rho
        return gr, z, rho, w

    def step(self):
        n = self.n + 1
        pair = self._predict(n) if n > 0 else self.pair[0]
        if self.compressed:
            old_sr, old_sl = self.hR.row(n).copy(), self.hL.row(n).copy()
        else:
            old_sr, old_sl = self.SR[n, :n + 1].copy(), self.SL[n, :n + 1].copy()
        res = np.inf
        for it in range(self.max_correctors + 1):
            gr, z, rho, w = self._sweeps(n, pair)
            sr, sl = self._set_row(n, gr, z)
            new_pair = self._pair(rho)
            scale = max(np.abs(sr).max(), np.abs(sl).max(), 1e-300)
            res_s = max(np.abs(sr - old_sr).max(), np.abs(sl - old_sl).max()) / scale
            res_p = abs(new_pair - pair) / max(abs(new_pair), 1e-300)
            res = max(res_s if scale > 1e-300 else 0.0, res_p)
            old_sr, old_sl, pair = sr.copy(), sl.copy(), new_pair
            if it >= self.correctors and (not self._kink(n) or res <= self.sc_tol):
                break
        self.sweeps[n] = it + 1
        self.sc_residual = max(self.sc_residual, float(res))
        self.pair[n] = pair
        self.delta[n] = -self._lam(n, True) * pair
        # η from the final row/column
        gl_row = -_dag(z)                                          # G^<(n, s)
        gg = np.einsum("s,xsab,xsbc->xac", w, gr, z) + np.einsum("s,xsab,xsbc->xac", w, gl_row,
                                                                   _dag(gr))
        eta = -1j * gg + gr[:, 0] @ self.eta0 @ _dag(gr[:, 0])
        check_density_matrix(rho, float(self.times[n]), self.p.dt)
        self.n = n
        self.sigma_peak = max(self.sigma_peak, self.sigma_bytes)
        if self.compressed:
            self.hR.update(n)
            self.hL.update(n)
        self._measure(n, rho, eta)
        if self.compressed and self.sigma_peak > self.max_bytes:
            raise MemoryBudgetError(
                f"max_bytes={self.max_bytes:.3g} exceeded at step {n} of {self.S - 1}: the "
                f"compressed Σ storage held {self.sigma_peak:.3g} bytes (the block ranks grew "
                f"past the model of numerics.kb_gregory.rank_model); resume from the checkpoint "
                f"with a larger max_bytes, or raise compress_tol")

    @property
    def sigma_bytes(self) -> int:
        """Bytes held now by the storage of Σ^R and Σ^< (squares, or the compressed form)."""
        if self.compressed:
            return self.hR.nbytes + self.hL.nbytes
        return self.SR.nbytes + self._SL4.nbytes

    def _measure(self, n, rho, eta):
        dens, dia, para, bnd = equal_time_observables(self.p, self.full_band, self._full(rho),
                                                      self._full(eta))
        o = self.obs
        o["density"][n], o["ns_dia"][n], o["ns_para"][n] = dens, dia, para
        o["ns"][n], o["ns_boundary"][n] = dia - para, bnd
        self.rho = rho

    # -- checkpoints -----------------------------------------------------------------------
    def _key(self) -> dict:
        return {"kind": KIND, "params": self.p.as_dict(),
                "options": {"order": self.order, "sc_tol": self.sc_tol,
                            "correctors": self.correctors,
                            "max_correctors": self.max_correctors,
                            "symmetric": self.symmetric, "block": self.block,
                            "compress_tol": self.compress_tol,
                            "compress_block": self.compress_block,
                            **({"storage": "hierarchical/1"} if self.compressed else {})}}

    def save(self, path) -> Path:
        from .checkpoint import save_checkpoint
        n = self.n
        if self.compressed:
            arrays = {**self.hR.state("R_"), **self.hL.state("L_")}
        else:
            arrays = {"SR": self.SR[:n + 1, :n + 1], "SL": self.SL[:n + 1, :n + 1]}
        arrays.update({"pair": self.pair[:n + 1], "delta": self.delta[:n + 1],
                  "sweeps": self.sweeps[:n + 1], "rho": self.rho,
                       "sc_residual": np.array(self.sc_residual),
                       "sigma_peak": np.array(self.sigma_peak)})
        arrays.update({"obs_" + k: v[:n + 1] for k, v in self.obs.items()})
        return save_checkpoint(path, arrays, {**self._key(), "n": n, "provenance": provenance()})

    def load(self, path) -> None:
        from .checkpoint import load_checkpoint
        arrays, header = load_checkpoint(path)
        key = self._key()
        require(all(header.get(k) == v for k, v in key.items()), "checkpoint", str(path),
                f"written by a two-time run with the same params and options {key['options']}")
        n = header["n"]
        self.start()
        if self.compressed:
            self.hR.load_state(arrays, "R_")
            self.hL.load_state(arrays, "L_")
        else:
            self.SR[:n + 1, :n + 1] = arrays["SR"]
            self.SL[:n + 1, :n + 1] = arrays["SL"]
        self.pair[:n + 1] = arrays["pair"]
        self.delta[:n + 1] = arrays["delta"]
        self.sweeps[:n + 1] = arrays["sweeps"]
        self.rho = np.array(arrays["rho"])
        self.sc_residual = float(arrays["sc_residual"])
        for k, v in self.obs.items():
            v[:n + 1] = arrays["obs_" + k]
        self.sigma_peak = int(arrays["sigma_peak"])
        self.n = int(n)

    def run(self, checkpoint=None, checkpoint_every: int = 200, resume: bool = True,
            stop_after: int | None = None):
        """start (or resume from ``checkpoint``) + steps; returns a KBResult
        (:class:`numerics.kadanoff_baym.KBResult`).  ``stop_after``: stop once this many steps
        are done (to test resumption)."""
        from .kb_model import KBResult, checked
        t0, c0 = time.perf_counter(), time.process_time()
        resumed = None
        if checkpoint is not None and resume and Path(checkpoint).exists():
            self.load(checkpoint)
            resumed = self.n
        else:
            self.start()
        every = require_int("checkpoint_every", checkpoint_every, 1)
        steps = range(self.n, self.S - 1)
        if self.progress:
            from tqdm import tqdm
            steps = tqdm(steps, desc="KB two-time (Gregory)", unit="step", total=self.S - 1,
                         initial=self.n)
        done = 0
        with blas_threads(self.threads):
            for _ in steps:
                try:
                    self.step()
                except MemoryBudgetError:
                    if checkpoint is not None:          # step n is complete: keep it
                        self.save(checkpoint)
                    raise
                done += 1
                if checkpoint is not None and self.n % every == 0:
                    self.save(checkpoint)
                if stop_after is not None and done >= stop_after:
                    break
        if checkpoint is not None:
            self.save(checkpoint)
        o = self.obs
        m = self.n + 1
        ranks = self.hR.ranks() + self.hL.ranks() if self.compressed else []
        dens = o["density"][:m]
        meta = {"mode": "full", "solver": "gregory", "order": self.order,
                "wall_s": time.perf_counter() - t0, "cpu_s": time.process_time() - c0,
                "self_consistency_residual": float(self.sc_residual),
                "sweeps_per_step": float(self.sweeps[1:m].mean()) if m > 1 else 0.0,
                "number_drift": float(np.abs(dens - dens[0]).max()),
                "kernel_error": self.kernel_error,
                "history_bytes": gregory_memory_estimate(
                    self.p, self.symmetric, self.compress_tol, self.compress_block, self.order),
                "sigma_bytes": self.sigma_bytes, "sigma_peak_bytes": self.sigma_peak,
                "symmetric": self.symmetric, "resumed_from_step": resumed,
                "compress_tol": self.compress_tol,
                "compress_ranks": float(np.mean([r for _, r in ranks])) if ranks else 0.0,
                "compress_max_rank": max((r for _, r in ranks), default=0),
                "complete": self.n == self.S - 1,
                "xi": self.full_band.xi.copy(), "rho_final": self._full(self.rho).copy(),
                "provenance": provenance()}
        return checked(KBResult(self.p, self.times[:m].copy(), self.delta[:m].copy(),
                                o["ns"][:m].copy(), o["ns_dia"][:m].copy(),
                                o["ns_para"][:m].copy(), dens.copy(),
                                o["ns_boundary"][:m].copy(), meta))


def run_gregory(p: KBParams, **kw):
    """Convenience: ``GregoryKBStepper(p, **solver options).run(checkpoint=...)``."""
    run_kw = {k: kw.pop(k) for k in ("checkpoint", "checkpoint_every", "resume", "stop_after")
              if k in kw}
    return GregoryKBStepper(p, **kw).run(**run_kw)
