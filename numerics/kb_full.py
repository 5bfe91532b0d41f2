r"""Full two-time Kadanoff–Baym solver (paper Eq. 4 with the local self-energies (5), (6)).

Real-time contour from the uncorrelated mean-field thermal state at t0 = −t_prep (no Matsubara
branch needed: the initial state is uncorrelated; correlations are switched on with the same
ramp r(t) r(s) as the GKBA, see :mod:`numerics.kadanoff_baym`).  Per ξ (Langreth rules):

    i∂_t G^R(t,t') = h(t) G^R(t,t') + ∫_{t'}^{t} ds Σ^R(t,s) G^R(s,t'),        G^R(t,t) = −i,
    i∂_t G^<(t,t') = h(t) G^<(t,t') + ∫_{t0}^{t} Σ^R(t,s) G^<(s,t') + ∫_{t0}^{t'} Σ^<(t,s) G^A(s,t'),
    dρ/dt = −i[h, ρ] − (I + I†),  I = ∫_{t0}^{t} [Σ^>(t,s) G^<(s,t) − Σ^<(t,s) G^>(s,t)],

with G^<(t,t) = iρ, G^<(s,t) = −G^<(t,s)†, G^A(s,t) = G^R(t,s)†, Σ^≷(t,s) = K^≷ τ3 G^≷_loc τ3.
Storage: G^R and G^< on the lower triangle t ≥ t' (the upper triangle by the symmetries above,
filled for convenience), O(N_ξ N_t²) memory, O(N_ξ N_t³) work: small grids only — used to
validate the GKBA at short times.

Stepper (order 2, as the GKBA): each new time row t_{n+1} is obtained from row t_n by the
exponential midpoint for h and the trapezoid rule for the collision terms,
    G(n+1, j) = Ũ [G(n, j) − i dt/2 C(n, j)] − i dt/2 C(n+1, j),
the implicit C(n+1, ·) by ``iters`` fixed-point sweeps over the whole row, Δ_{n+1/2} by the same
predictor/corrector as the GKBA.

Particle–hole symmetry (default when it applies): on a ξ grid symmetric about 0 (the flat 2D
band always, the 1D band at half filling) with a real gap, h_{−ξ} = τ1 h_ξ τ1, the thermal state
obeys ρ_{−ξ} = τ1 ρ_ξ τ1, the local self-energies are τ1-invariant (τ1 τ3 G_loc τ3 τ1 = τ3 G_loc τ3
when G_loc = τ1 G_loc τ1) and hence
    G_{−ξ}(t,t') = τ1 G_ξ(t,t') τ1    for all t, t'
is preserved by the equations above (and Δ = −λ Σ_{ξ>0} w (ρ_12 + ρ_21) stays real).  Only the
ξ > 0 half is stored and stepped (``symmetric=True``): half the memory and work, the same
numbers to rounding (tests/test_kb.py).

Paramagnetic response (Eq. 7) from the two-time functions themselves:
    η(t) = −i (G∘G)^<(t,t) + G^R(t,t0) η0 G^A(t0,t),
    (G∘G)^<(t,t) = ∫_{t0}^{t} ds [G^R(t,s) G^<(s,t) + G^<(t,s) G^A(s,t)],
(δΣ = 0 by the angular average of the odd velocity vertex; η0 = f'(h0) for the initial state).
"""
from __future__ import annotations

import time
from dataclasses import dataclass, replace

import numpy as np

from floquetsym.params import require, require_int
from floquetsym.result import provenance

from .kb_model import (OBSERVABLES, Band, KBParams, KBResult, bcs_gap, checked,
                       equal_time_observables, expm_bdg, kb_setup, thermal_state)
from .stepping import drive, fixed_grid_times

__all__ = ["FullKBOptions", "FullKBStepper", "full_memory_estimate", "symmetric_grid"]


@dataclass(frozen=True, kw_only=True)
class FullKBOptions:
    """Solver options of :class:`FullKBStepper` (the physics is in :class:`KBParams`).

    iters : fixed-point sweeps of the implicit collision row per step (>= 1);
    correctors : self-consistency re-evaluations of Δ_{n+1/2} per step (>= 0);
    max_bytes : refuse runs whose two-time arrays need more memory;
    threads : BLAS threads during the steps (None: unchanged);
    symmetric : particle–hole reduction G_{−ξ} = τ1 G_ξ τ1 (None: wherever the grid allows).
    """

    iters: int = 2
    correctors: int = 1
    max_bytes: float = 2e9
    threads: int | None = 1
    symmetric: bool | None = None

    def __post_init__(self):
        require_int("iters", self.iters, lo=1)
        require_int("correctors", self.correctors, lo=0)
        require(self.max_bytes > 0, "max_bytes", self.max_bytes, "> 0")
        if self.threads is not None:
            require_int("threads", self.threads, lo=1)
        require(self.symmetric in (None, True, False), "symmetric", self.symmetric,
                "None, True or False")


def full_memory_estimate(p: KBParams, symmetric: bool = False) -> float:
    """Bytes of the two-time arrays (G^R and G^< full squares per stored ξ; half of the ξ
    points with ``symmetric``)."""
    s = p.n_steps + 1
    nx = p.n_xi // 2 if symmetric else p.n_xi
    return 2.0 * nx * s * s * 4 * 16


def symmetric_grid(band: Band) -> bool:
    """True when the ξ grid is mirror-symmetric about 0 with an even number of points and
    equal weights of mirror points (the condition of the particle–hole reduction)."""
    n = band.n
    return (n % 2 == 0 and np.allclose(band.xi, -band.xi[::-1], rtol=0, atol=1e-14)
            and np.allclose(band.w, band.w[::-1], rtol=1e-14, atol=0))


def _half_band(b: Band) -> Band:
    h = slice(b.n // 2, b.n)
    return Band(b.xi[h].copy(), b.w[h].copy(), b.nu0, b.v2[h].copy(), b.m_inv[h].copy(),
                b.pair_norm)


def _mirror(x):
    """τ1 X τ1 on the trailing 2×2 axes."""
    return x[..., ::-1, ::-1]


def _dag(x):
    return np.conj(np.swapaxes(x, -1, -2))


def _trapezoid(i, dt):
    """Trapezoid weights on t_0..t_i (all zero for i = 0)."""
    q = np.full(i + 1, dt)
    q[0] = q[-1] = 0.5 * dt
    return q if i > 0 else 0.0 * q


def _t3(x):
    y = x.copy()
    y[..., 0, 1] *= -1
    y[..., 1, 0] *= -1
    return y


class FullKBStepper:
    """Two-time KB solver, protocol of :mod:`numerics.stepping`; options
    :class:`FullKBOptions`; observables as :class:`numerics.kadanoff_baym.GKBAStepper`."""

    def __init__(self, p: KBParams, options: FullKBOptions | None = None, **kw):
        require(isinstance(p, KBParams), "p", type(p).__name__, "a KBParams")
        o = replace(options, **kw) if options is not None else FullKBOptions(**kw)
        self.setup = su = kb_setup(p)
        sym_ok = symmetric_grid(su.band)
        symmetric = sym_ok if o.symmetric is None else o.symmetric
        require(not symmetric or sym_ok, "symmetric", symmetric,
                f"False for this ξ grid (the particle–hole reduction needs an even n_xi and a "
                f"grid symmetric about ξ = 0; n_xi={p.n_xi})")
        self.symmetric = bool(symmetric)
        need = full_memory_estimate(p, self.symmetric)
        require(need <= o.max_bytes, "t_max", p.t_max,
                f"small enough for the two-time arrays to fit max_bytes={o.max_bytes:.3g} "
                f"(need {need:.3g} bytes: the full solver is for short validation runs)")
        self.p, self.options, self.iters, self.correctors = p, o, o.iters, o.correctors
        self.full_band = su.band
        self.band = _half_band(self.full_band) if self.symmetric else self.full_band
        self.S, self.times = su.S, su.times
        self.kg, self.kl, self.ramp = su.kg, su.kl, su.ramp
        self.n = None

    @property
    def t(self) -> float:
        """Current time t_n."""
        return float(self.times[self.n])

    def _full(self, x):
        """Per-ξ array of the stored points → all ξ points (mirror half by G_{−ξ} = τ1 G_ξ τ1)."""
        if not self.symmetric:
            return x
        return np.concatenate([_mirror(x[::-1]), x], axis=0)

    def gap(self, rho, n):
        return self.setup.gap(self._full(rho), n)

    # -- storage: G[x] is a (2S × 2S) matrix, G[x, 2i+a, 2j+c] = G^{ac}_ξ(t_i, t_j) ------------
    def _row(self, G, i, m=None):
        """Row i of G as a (n_ξ, m, 2, 2) view, columns j < m (default m = i + 1)."""
        m = i + 1 if m is None else m
        return G[:, 2 * i:2 * i + 2, :2 * m].reshape(self.band.n, 2, m, 2).transpose(0, 2, 1, 3)

    # -- self-energy rows ------------------------------------------------------------------
    def _sigma_row(self, i):
        """Σ^R(i, k), Σ^<(i, k), Σ^>(i, k) for k ≤ i (local, shape (i+1, 2, 2))."""
        w = self.band.w
        gl_loc = np.einsum("x,xkab->kab", w, self._row(self.GL, i))
        gr_loc = np.einsum("x,xkab->kab", w, self._row(self.GR, i))
        if self.symmetric:                 # + the mirrored half, τ1 G τ1
            gl_loc, gr_loc = gl_loc + _mirror(gl_loc), gr_loc + _mirror(gr_loc)
        gg_loc = gr_loc + gl_loc
        lags = i - np.arange(i + 1)
        rr = self.ramp[i] * self.ramp[:i + 1]
        sg = _t3(gg_loc) * (rr * self.kg[lags])[:, None, None]
        sl = _t3(gl_loc) * (rr * self.kl[lags])[:, None, None]
        return sg - sl, sl, sg

    def _collisions(self, i):
        """C^R(i, j), C^<(i, j) for j ≤ i and the equal-time I(i) (trapezoid rule).

        The history sums are three batched matrix products with the stored squares (G^A is
        not stored: Σ_k Σ^<(i,k) G^A(k,j) = [Σ_k G^R(j,k) Σ^<(i,k)†]†), followed by the
        O(N_ξ i) end-point corrections of the trapezoid rule.
        """
        dt, m, nx = self.p.dt, i + 1, self.band.n
        sr, sl, sg = self._sigma_row(i)
        GR, GL = self.GR[:, :2 * m, :2 * m], self.GL[:, :2 * m, :2 * m]

        def flat(s):                       # (m, 2, 2) → (2, 2m), [a, (k, b)]
            return s.transpose(1, 0, 2).reshape(2, 2 * m)

        def unflat(y):                     # (nx, 2, 2m) → (nx, m, 2, 2)
            return y.reshape(nx, 2, m, 2).transpose(0, 2, 1, 3)

        gr_i = self._row(self.GR, i)
        gr_col0 = GR[:, :, 0:2].reshape(nx, m, 2, 2)                         # G^R(j, 0)
        q = _trapezoid(i, dt)
        # ∫_{t_j}^{t_i} Σ^R(i,k) G^R(k,j): G^R(k<j) = 0, G^R(j,j) = −i
        cr = unflat(np.matmul(dt * flat(sr), GR))
        cr += 0.5j * dt * sr[None]
        cr -= 0.5 * dt * np.einsum("ab,xjbc->xjac", sr[i], gr_i)
        # ∫_{t0}^{t_i} Σ^R(i,k) G^<(k,j)   (G^< is stored on the full square)
        cl = unflat(np.matmul(flat(sr * q[:, None, None]), GL))
        # + ∫_{t0}^{t_j} Σ^<(i,k) G^A(k,j):  G^A(k>j) = 0, G^A(j,j) = i, G^A(0,j) = G^R(j,0)†
        x = np.matmul(GR, np.conj(flat(sl)).T).reshape(nx, m, 2, 2)          # [x, j, c, a]
        cl += dt * np.conj(x).transpose(0, 1, 3, 2)
        cl -= 0.5 * dt * np.einsum("ab,xjbc->xjac", sl[0], _dag(gr_col0))
        cl -= 0.5j * dt * sl[None]
        # equal time: I = ∫ [Σ^>(i,s) G^<(s,i) − Σ^<(i,s) G^>(s,i)], G^≷(s,i) = −G^≷(i,s)†
        gl_i = self._row(self.GL, i)
        I = (np.einsum("s,sab,xsbc->xac", q, sg, -_dag(gl_i))
             - np.einsum("s,sab,xsbc->xac", q, sl, -_dag(gr_i + gl_i)))
        return cr, cl, I

    # -- stepping ----------------------------------------------------------------------------
    def start(self, state=None, t0: float | None = None):
        """Uncorrelated mean-field thermal state at λ_i, t = −t_prep (no other start state:
        the two-time solver keeps no checkpoints)."""
        require(state is None, "state", type(state).__name__, "None (the two-time solver "
                "starts from the thermal state)")
        fixed_grid_times(None, t0, float(self.times[0]), "the two-time stepper")
        p, b, S = self.p, self.band, self.S
        nx = b.n
        d0 = bcs_gap(p.lam_i, self.full_band, p.temperature)
        rho, eta = thermal_state(b.xi, d0, p.temperature)
        self.eta0 = eta
        self.GR = np.zeros((nx, 2 * S, 2 * S), complex)
        self.GL = np.zeros((nx, 2 * S, 2 * S), complex)
        self.rho = rho
        self._set_row(0, np.zeros((nx, 0, 2, 2)), np.zeros((nx, 0, 2, 2)), rho)
        self.delta = np.zeros(S, complex)
        self.delta[0] = self.gap(rho, 0)
        self.CR = np.zeros((nx, S, 2, 2), complex)     # C(n, j) of the current row n
        self.CL = np.zeros((nx, S, 2, 2), complex)
        self.Crho = np.zeros((nx, 2, 2), complex)
        self.n = 0
        self.obs = {k: np.zeros(S) for k in OBSERVABLES}
        self.sc_residual = 0.0
        self._measure(0)

    def _set_row(self, i, gr, gl, rho):
        """Write row i (j < i) and the diagonal of G^R and G^<, and the column G^<(j, i) = −G^<(i, j)†."""
        self._row(self.GR, i, i)[...] = gr
        self._row(self.GL, i, i)[...] = gl
        self.GR[:, 2 * i:2 * i + 2, 2 * i:2 * i + 2] = -1j * np.eye(2)
        self.GL[:, 2 * i:2 * i + 2, 2 * i:2 * i + 2] = 1j * rho
        nx = self.band.n
        col = self.GL[:, :2 * i, 2 * i:2 * i + 2].reshape(nx, i, 2, 2)
        col[...] = -_dag(gl)

    def _advance(self, d_half):
        n, i, dt = self.n, self.n + 1, self.p.dt
        Ut = expm_bdg(self.band.xi, d_half, dt)
        base_r = Ut[:, None] @ (self._row(self.GR, n) - 0.5j * dt * self.CR[:, :n + 1])
        base_l = Ut[:, None] @ (self._row(self.GL, n) - 0.5j * dt * self.CL[:, :n + 1])
        base_rho = Ut @ (self.rho - 0.5 * dt * self.Crho) @ _dag(Ut)
        gr, gl, rho = base_r, base_l, base_rho                          # predictor: C(n+1) ≈ 0
        for _ in range(self.iters):
            self._set_row(i, gr, gl, rho)
            cr, cl, I = self._collisions(i)
            crho = I + _dag(I)
            gr = base_r - 0.5j * dt * cr[:, :n + 1]
            gl = base_l - 0.5j * dt * cl[:, :n + 1]
            rho = base_rho - 0.5 * dt * crho
        self._set_row(i, gr, gl, rho)
        cr, cl, I = self._collisions(i)
        return rho, cr, cl, I + _dag(I)

    def step(self):
        n, i = self.n, self.n + 1
        d_n = self.gap(self.rho, n) if n == self.p.n_prep else self.delta[n]
        self.delta[n] = d_n
        d_half = d_n if n in (0, self.p.n_prep) else d_n + 0.5 * (d_n - self.delta[n - 1])
        for it in range(self.correctors + 1):
            rho, cr, cl, crho = self._advance(d_half)
            target = 0.5 * (d_n + self.gap(rho, n))
            res = abs(target - d_half)
            if it < self.correctors:
                d_half = target
        self.sc_residual = max(self.sc_residual, res)
        self.rho, self.CR[:, :i + 1], self.CL[:, :i + 1], self.Crho = rho, cr, cl, crho
        self.n = i
        self.delta[i] = self.gap(rho, i)
        self._measure(i)
        return {"t": float(self.times[i]), "delta": complex(self.delta[i]),
                **{k: float(v[i]) for k, v in self.obs.items()}}

    def _measure(self, i):
        q = _trapezoid(i, self.p.dt)
        gr, gl = self._row(self.GR, i), self._row(self.GL, i)
        # (G∘G)^<(i,i) = ∫ G^R(i,s) G^<(s,i) + G^<(i,s) G^A(s,i), G^<(s,i) = −G^<(i,s)†, G^A(s,i) = G^R(i,s)†
        gg = (np.einsum("s,xsab,xsbc->xac", q, gr, -_dag(gl))
              + np.einsum("s,xsab,xsbc->xac", q, gl, _dag(gr)))
        eta = -1j * gg + gr[:, 0] @ self.eta0 @ _dag(gr[:, 0])
        dens, dia, para, bnd = equal_time_observables(self.p, self.full_band,
                                                      self._full(self.rho), self._full(eta))
        o = self.obs
        o["density"][i], o["ns_dia"][i], o["ns_para"][i] = dens, dia, para
        o["ns"][i], o["ns_boundary"][i] = dia - para, bnd

    def run(self, times=None, *, checkpoint=None, progress: bool = False) -> KBResult:
        """start + steps to t_max + result (every step recorded; ``times`` and ``checkpoint``
        must be None: the two-time solver is for short validation runs)."""
        fixed_grid_times(times, None, 0.0, "the two-time stepper")
        require(checkpoint is None, "checkpoint", checkpoint,
                "None (checkpoints are for the GKBA solver only)")
        t0 = time.perf_counter()
        self.start()
        drive(self.step, total=self.S - 1, progress=progress, desc="KB two-time",
              threads=self.options.threads)
        o = self.obs
        dens = o["density"]
        meta = {"mode": "full", "wall_s": time.perf_counter() - t0,
                "self_consistency_residual": float(self.sc_residual),
                "number_drift": float(np.abs(dens - dens[0]).max()),
                "kernel_error": self.setup.kernel_error,
                "history_bytes": full_memory_estimate(self.p, self.symmetric),
                "symmetric": self.symmetric,
                "xi": self.full_band.xi.copy(), "rho_final": self._full(self.rho).copy(),
                "provenance": provenance()}
        return checked(KBResult(self.p, self.times.copy(), self.delta.copy(), o["ns"].copy(),
                                o["ns_dia"].copy(), o["ns_para"].copy(), dens.copy(),
                                o["ns_boundary"].copy(), meta))
