r"""Kadanoff–Baym quench of a BCS–Holstein superconductor (paper Eqs. 4–8, Figs. 1b–c, 3b).

Model, signs and units: see :mod:`numerics.kb_model` (docs/conventions.md).  Two solvers:

``mode="gkba"`` (default; figures)
    Generalised Kadanoff–Baym ansatz with mean-field (BdG) propagators,
    G^≷(t,s) = U(t,s) G^≷(s,s) for t > s,  G^R(t,s) = −i U(t,s),  U = T exp(−i∫h).
    The equal-time equation of motion (exact consequence of Eq. 4)
        dρ_ξ/dt = −i[h_ξ, ρ_ξ] − (I_ξ + I_ξ†),
        I_ξ(t) = ∫_{t0}^t ds [Σ^>(t,s) ρ_ξ(s) − Σ^<(t,s)(1 − ρ_ξ(s))] U_ξ(s,t)
    is closed by the GKBA, with the local Σ^≷(t,s) = K^≷(t−s) τ3 G^≷_loc(t,s) τ3 rebuilt from the
    stored U_ξ(s)†ρ_ξ(s).  Cost O(N_ξ N_t²), memory O(N_ξ N_t).  Number conserving (the sum over
    ξ of Tr τ3 (I + I†) vanishes identically, for any quadrature).
    The paramagnetic response (Eq. 7) is the linear response to a static Doppler shift
    h → h + ε τ0 (δh = −v·A τ0); because Σ is local and v odd, δΣ = 0 and
    η_ξ = ∂ρ_ξ/∂ε obeys the linearised equation with the phase e^{iε(t−s)} of U_ξ(s,t):
        dη/dt = −i[h, η] − (J + J†),
        J = ∫ds [Σ^>(η(s) + i(t−s)ρ(s)) + Σ^<(η(s) − i(t−s)(1−ρ(s)))] U(s,t),
    with η(t0) = f'(h(t0)) (the initial thermal state in the presence of A).  In the clean limit
    J = 0 and P(t) is constant: the paper's "the paramagnetic term commutes".

``mode="full"``
    The two-time Kadanoff–Baym equations for every ξ (:mod:`numerics.kb_full`);
    O(N_ξ N_t³) work and O(N_ξ N_t²) memory, halved by the particle–hole reduction
    G_{−ξ} = τ1 G_ξ τ1 on symmetric grids (default; ``run(p, symmetric=False)`` steps all ξ):
    validation of the GKBA and the reference for the prepared state and the claims.

Initial state (both modes): the uncorrelated mean-field thermal state at λ_i at t0 = −t_prep;
the self-energies are switched on as r(t) r(s) with r rising smoothly over t_ramp
(``ramp_shape``: sin², or the C^∞ step; adiabatic switching — with phonons the T-bath also
thermalises), then held until the quench at t = 0.  This replaces a Matsubara branch: the
real-time contour from an uncorrelated state needs none.  The prepared state is checked
against the correlated equilibrium computed independently on the Matsubara axis
(:mod:`numerics.kb_equilibrium`, same band, couplings and diagrams).  With ``mode="full"`` it
is that equilibrium, and it is stationary once the switching is adiabatic: on a discrete ξ
grid the amplitude (Higgs) mode excited by the switching is undamped (its frequency is the
grid's lowest pair energy 2E_min, not 2Δ), so t_ramp must be long on the scale 2π/2E_min.
Measured (λ = 0.3, λ_el-ph = 0.1, ω_D = 0.35, N_ξ = 12, dt = 0.2, 2E_min ≈ 0.20, hold 80/E_F
after the switching; Matsubara Δ = 0.0815, n_s = 1.7892):
    sin² over 40/E_F:   Δ 0.0755–0.0860 (±6 %, period ≈ 33/E_F, no decay);
    C^∞ over 40/E_F:    Δ 0.0732–0.0876 (±9 %);
    sin² over 100/E_F:  Δ 0.0807–0.0816 (±0.55 %), n_s 1.781–1.787;
    C^∞ over 100/E_F:   Δ 0.08104–0.08129 (±0.15 %), n_s 1.781–1.786, P 0.209–0.213 (0.2056).
The remaining 0.4 % between the mean Δ (0.0812) and the Matsubara value (same ξ grid) was not
separated further (dt = 0.2 here).  Small initial gaps need long switchings: λ_i = 0.25,
λ_el-ph = 0.1, ω_D = 0.04, N_ξ = 24 (2π/2E_min ≈ 70/E_F): C^∞ over 200/E_F gives Δ
0.0366–0.0367 (Matsubara 0.0368) and n_s/n 0.9074–0.9088 (0.9085) over the hold, whereas sin²
over 15/E_F lets n_s/n fall from 0.92 to 0.75 before the quench (with ω_D < 2Δ the
quasiparticles created by the switching cannot recombine and pile up at the gap edge).
Every run records ``meta["prep_delta_spread"]`` (peak-to-peak of |Δ| over the hold window
[−(t_prep − t_ramp), 0), relative) and warns above 2 %.

Known limitations of the GKBA (measured; tests/test_kb.py, floquetsym/app/panels/kb_check.py):
  * the HF-GKBA has undamped mean-field propagators, so it has no quasiparticle residue Z and
    the paramagnetic response P(t) = −Σ w v² Tr η of a superconductor with phonons grows
    secularly: same parameters as above, GKBA P = 0.60 at t = 0 and 0.72 at t = 20 (full: 0.22).  The
    growth sits at the gap edge (per-ξ contributions of the two ξ points next to the Fermi
    level grow by 0.047 per 50/E_F; converged in N_ξ = 48…200 and dt), where the (t−s)-weighted
    memory term of J (the ε-derivative of the bare propagator phase) has no damping to
    regularise it.  After the Fig. 1b quench with ω_D = 0.04 (λ_i = 0.25, N_ξ = 24) the GKBA's
    Δ(t) stays within 0.4 % / 2 % of the full solver's up to t = 20 / 50, its n_s(t) within
    0.013 n / 0.10 n: Δ(t) is usable, late-time n_s(t) with phonons is NOT.  A
    phenomenological damping e^{−γ_p(t−s)} removes the drift but heats the system and
    destroys Δ (tried: γ_p = 0.01, 0.03), so it is not offered.
  * a slower switching does not cure it (unlike the two-time solver's Higgs residue above):
    N_ξ = 48, C^∞ switching over 100/E_F, no quench: Δ 0.066–0.072 (Matsubara 0.0817), P
    0.65–0.83 (0.206) over the 50/E_F after the switching.
  * with Born disorder only, the GKBA's prepared state first approaches the Matsubara one
    (γ_el = 0.05: P ≈ 0.37–0.40 vs 0.398) but then drifts (Δ 0.068 → 0.061 in 80/E_F).
  * no-quench runs are exactly stationary in the clean case and in the normal state with bath.
  * Anderson's theorem holds only to O(γ_el/E_F) on the finite band (also in the Matsubara
    equilibrium: Δ drops by 1.7 % at γ_el = 0.02, 4 % at 0.05).

Time stepper (order 2): exponential midpoint for h (closed-form 2×2 exponentials), trapezoid
rule in the interaction picture for the collision term,
    ρ_{n+1} = Ũ (ρ_n − dt/2 C_n) Ũ† − dt/2 C_{n+1},   Ũ = exp(−i h(Δ_{n+1/2}) dt),
trapezoid quadrature of the memory integrals, the implicit end-point term solved by fixed-point
iteration, and Δ_{n+1/2} made self-consistent by a predictor (linear extrapolation) and
``correctors`` re-evaluations with Δ_{n+1/2} = (Δ_n + Δ_{n+1})/2.

Checkpoints (GKBA only; :mod:`numerics.kb_checkpoint`): ``run(p, checkpoint="q.npz")`` writes
U, ρ, η, the last collision terms, the history rows 0..n, Δ and the observables up to step n,
with the parameters and solver options, every ``checkpoint_every`` steps (default 500) and at
the end; run again with the same arguments and it resumes, bit-identical to an uninterrupted run.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, fields, replace

import numpy as np

from floquetsym.conventions import TAU3
from floquetsym.params import require, require_int
from floquetsym.result import provenance

from . import kb_checkpoint
from .kb_model import (OBSERVABLES, KBParams, KBResult, KBSetup, bcs_gap, checked,
                       equal_time_observables, expm_bdg, kb_setup, prepared_state_spread,
                       thermal_state)
from .stepping import checkpoint_interval, drive, fixed_grid_times

__all__ = ["KBParams", "KBResult", "GKBAOptions", "GKBAStepper", "run", "memory_estimate",
           "prepared_state_spread"]

_T3 = np.diag(TAU3).real                 # diagonal of τ3, (1, −1)


@dataclass(frozen=True, kw_only=True)
class GKBAOptions:
    """Solver options of :class:`GKBAStepper` (the physics is in :class:`KBParams`).

    with_ns : also propagate η = ∂ρ/∂ε for the paramagnetic n_s (doubles the memory terms);
    correctors : self-consistency re-evaluations of Δ_{n+1/2} per step (>= 0);
    endpoint_iters : fixed-point sweeps of the implicit end-point collision term (>= 1);
    max_bytes : refuse runs whose history arrays need more memory;
    threads : BLAS threads during the steps (1: fastest for these thin products; None: unchanged).
    """

    with_ns: bool = True
    correctors: int = 1
    endpoint_iters: int = 3
    max_bytes: float = 6e9
    threads: int | None = 1

    def __post_init__(self):
        require(isinstance(self.with_ns, bool), "with_ns", self.with_ns, "True or False")
        require_int("correctors", self.correctors, lo=0)
        require_int("endpoint_iters", self.endpoint_iters, lo=1)
        require(self.max_bytes > 0, "max_bytes", self.max_bytes, "> 0")
        if self.threads is not None:
            require_int("threads", self.threads, lo=1)


def memory_estimate(p: KBParams) -> float:
    """Bytes of the history arrays of a run with ``p`` (two-time squares for ``mode="full"``,
    with its default particle–hole reduction where the grid allows it)."""
    nt = p.n_steps + 1
    if p.mode == "full":
        from .kb_full import full_memory_estimate, symmetric_grid
        from .kb_model import make_band
        return full_memory_estimate(p, symmetric_grid(make_band(p)))
    return 3 * p.n_xi * nt * 4 * 16


def _dag(x):
    return np.conj(np.swapaxes(x, -1, -2))


def _t3x_t3(x):
    """τ3 X τ3 on the leading (a, ..., b) layout of shape (2, n, 2)."""
    y = x.copy()
    y[0, :, 1] *= -1
    y[1, :, 0] *= -1
    return y


class GKBAStepper:
    """GKBA time stepper (module docstring), protocol of :mod:`numerics.stepping`.

    ``GKBAStepper(p, options=None, **option_keywords)``: ``p`` a :class:`KBParams`, the
    solver options a :class:`GKBAOptions` or its fields as keywords.  ``start()`` prepares the
    uncorrelated thermal state at t = −t_prep, ``step()`` advances one dt and returns
    {t, delta, ns, ns_dia, ns_para, density, ns_boundary} at the new time; ``run()``.
    """

    def __init__(self, p: KBParams, options: GKBAOptions | None = None, **kw):
        require(isinstance(p, KBParams), "p", type(p).__name__, "a KBParams")
        o = replace(options, **kw) if options is not None else GKBAOptions(**kw)
        need = memory_estimate(p)
        require(need <= o.max_bytes, "t_max", p.t_max,
                f"small enough that the history fits in max_bytes={o.max_bytes:.3g} "
                f"(needs {need:.3g} bytes; reduce t_max, t_prep or n_xi, or raise dt)")
        self.p, self.options = p, o
        self.with_ns, self.correctors = o.with_ns, o.correctors
        self.endpoint_iters = o.endpoint_iters
        self.setup: KBSetup = kb_setup(p)
        su = self.setup
        self.band, self.S, self.times = su.band, su.S, su.times
        self.kg, self.kl, self.ramp, self.kernel_error = su.kg, su.kl, su.ramp, su.kernel_error
        self.scattering = su.scattering
        self.n = None

    def lam(self, n: int) -> float:
        return self.setup.lam(n)

    def gap(self, rho, n: int) -> complex:
        return self.setup.gap(rho, n)

    @property
    def t(self) -> float:
        """Current time t_n."""
        return float(self.times[self.n])

    # -- state ---------------------------------------------------------------------------
    def start(self, state: tuple[dict, dict] | None = None, t0: float | None = None) -> None:
        """Uncorrelated mean-field thermal state at λ_i, t = −t_prep; or continue from
        ``state`` = ``(arrays, header)`` as returned by :meth:`state` (bit-identically)."""
        fixed_grid_times(None, t0, float(self.times[0]), "the GKBA stepper")
        if state is not None:
            self.load_state(*state)
            return
        p, b, S = self.p, self.band, self.S
        nx = b.n
        d0 = bcs_gap(p.lam_i, b, p.temperature)
        rho, eta = thermal_state(b.xi, d0, p.temperature)
        self.rho, self.eta = rho, eta
        self.U = np.broadcast_to(np.eye(2, dtype=complex), (nx, 2, 2)).copy()
        self.C = np.zeros((nx, 2, 2), complex)
        self.D = np.zeros((nx, 2, 2), complex)
        if self.scattering:        # histories H[(s, c), (ξ, b)] = (U_ξ(s)† M_ξ(s))[b, c]
            self.Ud = np.zeros((S, 2, nx, 2), complex)
            self.Xl = np.zeros((S, 2, nx, 2), complex)
            self.Z = np.zeros((S, 2, nx, 2), complex) if self.with_ns else None
        self.n = 0
        self.delta = np.zeros(S, complex)
        self.delta[0] = self.gap(rho, 0)
        self.obs = {k: np.zeros(S) for k in OBSERVABLES}
        self.sc_residual = 0.0
        self._store(0)

    def _store(self, n: int):
        b = self.band
        if self.scattering:
            ud = _dag(self.U)
            self.Ud[n] = ud.transpose(2, 0, 1)
            self.Xl[n] = (ud @ self.rho).transpose(2, 0, 1)
            if self.with_ns:
                self.Z[n] = (ud @ self.eta).transpose(2, 0, 1)
        dens, dia, para, bnd = equal_time_observables(self.p, b, self.rho, self.eta)
        o = self.obs
        o["density"][n], o["ns_dia"][n], o["ns_para"][n] = dens, dia, para
        o["ns"][n] = dia - para
        o["ns_boundary"][n] = bnd

    # -- collision integrals -------------------------------------------------------------
    def _history(self, m: int, U):
        """History part (s < m) of I and J at time index m, before the factor U(t_m)†."""
        nx, dt = self.band.n, self.p.dt
        zero = np.zeros((nx, 2, 2), complex)
        if m == 0:
            return zero, zero
        Uw = (self.band.w[:, None, None] * U).transpose(1, 0, 2).reshape(2, 2 * nx)
        Xl2 = self.Xl.reshape(2 * self.S, 2 * nx)[:2 * m]      # contiguous row blocks
        Ud2 = self.Ud.reshape(2 * self.S, 2 * nx)[:2 * m]
        UwT = np.ascontiguousarray(Uw.T)
        Al = (Xl2 @ UwT).T.reshape(2, m, 2)                      # Al[a, s, c]
        Ag = (Ud2 @ UwT).T.reshape(2, m, 2) - Al
        q = np.full(m, dt)
        q[0] = 0.5 * dt
        q *= self.ramp[:m] * self.ramp[m]
        lags = m - np.arange(m)
        Bg = _t3x_t3(Ag) * (q * self.kg[lags])[None, :, None]
        Bl = _t3x_t3(Al) * (q * self.kl[lags])[None, :, None]
        Bs = (Bg + Bl).reshape(2, 2 * m)
        Bl = Bl.reshape(2, 2 * m)
        if self.with_ns:
            tau = np.repeat(lags * dt, 2)[None, :]
            L1 = np.conj(np.conj(np.vstack([Bs, tau * Bs])) @ Xl2)
            L2 = np.conj(np.conj(np.vstack([Bl, tau * Bl])) @ Ud2)
            N1 = np.conj(np.conj(Bs) @ self.Z.reshape(2 * self.S, 2 * nx)[:2 * m])
            M1, N2 = L1[:2], L1[2:]
            M2, N3 = L2[:2], L2[2:]
            Jh = N1 + 1j * N2 - 1j * N3
            Jh = Jh.reshape(2, nx, 2).transpose(1, 0, 2)
        else:
            M1 = np.conj(np.conj(Bs) @ Xl2)
            M2 = np.conj(np.conj(Bl) @ Ud2)
            Jh = zero
        Ih = (M1 - M2).reshape(2, nx, 2).transpose(1, 0, 2)
        return Ih, Jh

    def _endpoint(self, m: int, rho, eta):
        """End-point (s = t_m) terms of I and J, local in time (trapezoid weight dt/2)."""
        b = self.band
        if m == 0:
            z = np.zeros_like(rho)
            return z, z
        qe = 0.5 * self.p.dt * self.ramp[m] ** 2
        al = np.einsum("x,xab->ab", b.w, rho)
        ag = np.sum(b.w) * np.eye(2) - al
        t3 = np.diag(_T3)
        bg = qe * self.kg[0] * (t3 @ ag @ t3)
        bl = qe * self.kl[0] * (t3 @ al @ t3)
        ie = (bg + bl) @ rho - bl
        je = (bg + bl) @ eta if self.with_ns else np.zeros_like(rho)
        return ie, je

    def _advance(self, d_half):
        """One trial step n → n+1 with Δ_{n+1/2} = d_half; returns (U, ρ, η, C, D)."""
        m, dt = self.n + 1, self.p.dt
        Ut = expm_bdg(self.band.xi, d_half, dt)
        U = Ut @ self.U
        rho0 = Ut @ (self.rho - 0.5 * dt * self.C) @ _dag(Ut)
        eta0 = Ut @ (self.eta - 0.5 * dt * self.D) @ _dag(Ut)
        if not self.scattering:
            return U, rho0, eta0, self.C, self.D
        Ih, Jh = self._history(m, U)
        Ih, Jh = Ih @ _dag(U), Jh @ _dag(U)
        rho, eta = rho0 - 0.5 * dt * self.C, eta0 - 0.5 * dt * self.D   # first guess
        for _ in range(self.endpoint_iters):
            ie, je = self._endpoint(m, rho, eta)
            I, J = Ih + ie, Jh + je
            C, D = I + _dag(I), J + _dag(J)
            rho = rho0 - 0.5 * dt * C
            eta = eta0 - 0.5 * dt * D
        return U, rho, eta, C, D

    def step(self):
        n = self.n
        m = n + 1
        d_n = self.gap(self.rho, n) if m - 1 == self.p.n_prep else self.delta[n]
        self.delta[n] = d_n            # at t = 0 the gap jumps to λ_f/λ_i Δ(0⁻)
        if n == 0 or n == self.p.n_prep:
            d_half = d_n
        else:
            d_half = d_n + 0.5 * (d_n - self.delta[n - 1])
        for it in range(self.correctors + 1):
            U, rho, eta, C, D = self._advance(d_half)
            # on (t_n, t_{n+1}) the coupling is λ(t_n): the quench acts from t = 0 on
            target = 0.5 * (d_n + self.gap(rho, n))
            res = abs(target - d_half)
            if it < self.correctors:
                d_half = target
        self.sc_residual = max(self.sc_residual, res)
        self.U, self.rho, self.eta, self.C, self.D = U, rho, eta, C, D
        self.n = m
        self.delta[m] = self.gap(rho, m)
        self._store(m)
        return self.observables(m)

    def observables(self, n: int) -> dict:
        """{t, delta, ns, ns_dia, ns_para, density, ns_boundary} at step ``n`` (<= current)."""
        return {"t": float(self.times[n]), "delta": complex(self.delta[n]),
                **{k: float(v[n]) for k, v in self.obs.items()}}

    def state(self) -> tuple[dict, dict]:
        """``(arrays, header)`` of the current step: what a checkpoint holds (views, not
        copies; :mod:`numerics.kb_checkpoint`)."""
        return kb_checkpoint.gkba_state(self)

    def load_state(self, arrays: dict, header: dict) -> None:
        """Continue from ``state()`` output; ``ValueError`` naming ``checkpoint`` and the
        differing field if it was written with other params or solver options.  The
        continuation is bit-identical."""
        kb_checkpoint.load_gkba_state(self, arrays, header)

    def run(self, times=None, *, checkpoint=None, progress: bool = False,
            checkpoint_every: int | None = None, resume: bool = True) -> KBResult:
        """start + steps to t_max + result (every step recorded; ``times`` must be None).

        With ``checkpoint`` (a path) the state is saved every ``checkpoint_every`` steps
        (default 500) and at the end, and with ``resume`` an existing file of the same
        params and options is continued (bit-identical to an uninterrupted run;
        ``meta["resumed_from_step"]``)."""
        fixed_grid_times(times, None, 0.0, "the GKBA stepper")
        t0 = time.perf_counter()
        every = checkpoint_interval(checkpoint_every, checkpoint, kb_checkpoint.DEFAULT_EVERY)
        resumed_from = kb_checkpoint.resume(self, checkpoint, resume)
        if resumed_from is None:
            self.start()
        save = None if checkpoint is None else (lambda: kb_checkpoint.save_state(self, checkpoint))
        drive(self.step, total=self.S - 1, done=self.n, save=save, every=every,
              progress=progress, desc="GKBA", threads=self.options.threads)
        o = self.obs
        dens = o["density"]
        meta = {
            "mode": "gkba", "wall_s": time.perf_counter() - t0,
            "self_consistency_residual": float(self.sc_residual),
            "number_drift": float(np.abs(dens - dens[0]).max()),
            "kernel_error": self.kernel_error,
            "delta_mf_initial": bcs_gap(self.p.lam_i, self.band, self.p.temperature),
            "delta_mf_final": bcs_gap(self.p.lam_f, self.band, self.p.temperature),
            "history_bytes": memory_estimate(self.p), "provenance": provenance(),
            "xi": self.band.xi.copy(), "rho_final": self.rho.copy(),
            "resumed": resumed_from is not None, "resumed_from_step": resumed_from,
            "checkpoint": None if checkpoint is None else str(checkpoint),
            "caveats": ([] if not (self.with_ns and self.p.lam_ph > 0) else
                        ["GKBA n_s(t) with phonons: the paramagnetic term grows secularly at the "
                         "gap edge (HF propagators, no residue Z); trust Δ(t), check n_s(t) "
                         "against mode='full' on a small grid and numerics.kb_equilibrium "
                         "(module docstring)"]),
        }
        return checked(KBResult(self.p, self.times.copy(), self.delta.copy(), o["ns"].copy(),
                                o["ns_dia"].copy(), o["ns_para"].copy(), dens.copy(),
                                o["ns_boundary"].copy(), meta))


_PARAM_NAMES = frozenset(f.name for f in fields(KBParams))


def run(p: KBParams | None = None, *, progress: bool = False, checkpoint=None,
        checkpoint_every: int | None = None, resume: bool = True, **kwargs) -> KBResult:
    """Run one quench (``p.mode`` selects GKBA or the full two-time solver).

    Keywords that are fields of :class:`KBParams` are applied to ``p`` (``run(lam_f=0.5)``);
    the others are solver options (:class:`GKBAOptions`, or
    :class:`numerics.kb_full.FullKBOptions` for ``mode="full"``); any other keyword is a
    ``TypeError`` naming it.  ``with_ns`` and ``endpoint_iters`` are GKBA-only (``mode="full"``
    always computes n_s; a ``ValueError`` otherwise), ``iters`` and ``symmetric`` full-only.
    ``checkpoint``: path of an ``.npz`` (:mod:`numerics.kb_checkpoint`) written every
    ``checkpoint_every`` steps (default 500) and at the end; with ``resume=True`` an existing
    checkpoint of the same params and solver options is continued, bit-identical to an
    uninterrupted run; one of other params or options raises ``ValueError`` naming the
    differing field.  GKBA only: ``mode="full"`` (short validation runs) refuses a checkpoint.
    """
    from .kb_full import FullKBOptions, FullKBStepper
    params = {k: kwargs.pop(k) for k in list(kwargs) if k in _PARAM_NAMES}
    p = replace(p, **params) if p is not None else KBParams(**params)
    gkba_only = {"with_ns", "endpoint_iters"} & set(kwargs)
    full_only = {"iters", "symmetric"} & set(kwargs)
    if p.mode == "full":
        require(checkpoint is None, "checkpoint", checkpoint,
                'None for mode="full" (checkpoints are for the GKBA solver only)')
        if kwargs.get("with_ns", True) is True:
            kwargs.pop("with_ns", None)                  # the two-time solver always has n_s
        for k in sorted(gkba_only & set(kwargs)):
            require(False, k, kwargs[k], 'absent for mode="full" (a GKBA option)')
        return FullKBStepper(p, FullKBOptions(**kwargs)).run(progress=progress)
    for k in sorted(full_only):
        require(k == "symmetric" and not kwargs[k], k, kwargs[k],
                'absent for mode="gkba" (an option of the two-time solver, mode="full")')
    kwargs.pop("symmetric", None)
    return GKBAStepper(p, GKBAOptions(**kwargs)).run(
        checkpoint=checkpoint, checkpoint_every=checkpoint_every, resume=resume,
        progress=progress)
