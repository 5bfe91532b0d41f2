r"""Model layer of the Kadanoff–Baym quench (paper Eqs. 4–8): parameters, bands, kernels.

Conventions (docs/conventions.md, floquetsym.conventions): ħ = 1, Nambu spinor
Ψ_k = (ψ_{k↑}, ψ†_{-k↓}), Pauli matrices τ1..τ3.  Units: E_F = 1 for the 2D band, J = 1 for the
1D tight-binding band.

Green's functions (paper Eq. 4, G = −i⟨T_C Ψ Ψ†⟩), per band energy ξ (2×2 Nambu):
    G^<(t,t') = i⟨Ψ†(t')Ψ(t)⟩,  G^>(t,t') = −i⟨Ψ(t)Ψ†(t')⟩,
    ρ_ξ(t) = −i G^<_ξ(t,t) = ⟨Ψ_b† Ψ_a⟩ (so ρ_11 = n_↑, ρ_22 = 1 − n_↓, ρ_12 = ⟨ψ_{-k↓}ψ_{k↑}⟩).
Mean-field BdG Hamiltonian h_ξ(t) = ξ τ3 + Re Δ τ1 − Im Δ τ2, gap (Eq. 4 with the phonon
propagator replaced by λ ν0^{-1} δ(t,t')):
    Δ(t) = −(λ(t)/ν0) Σ_ξ w_ξ ρ_{ξ,12}(t),      λ(t<0) = λ_i, λ(t≥0) = λ_f,
which in equilibrium is the BCS equation 1 = (λ/ν0) Σ w tanh(E/2T)/(2E).

Self-energies (Eqs. 5, 6), Fermi-surface averaged, hence local (k-independent):
    Σ^≷(t,s) = K^≷(t−s) τ3 G^≷_loc(t,s) τ3,   G_loc = Σ_ξ w_ξ G_ξ  (w includes the DOS),
    K^>(τ) = γ_el/(2π ν0) + ∫_0^{ω_D} dΩ α²F(Ω) [(1+n_B(Ω)) e^{−iΩτ} + n_B(Ω) e^{iΩτ}],
    K^<(τ) = K^>(−τ) = conj K^>(τ),
    α²F(Ω) = 2 λ_el-ph Ω²/ω_D² θ(ω_D − Ω)   (so that λ_el-ph = ∫ dΩ α²F/Ω).
The paper's prefactors −i in Eqs. (5, 6) are inconsistent with G = −i⟨T Ψ Ψ†⟩; we fix the
signs (docs/conventions.md) so that the normal state at T = 0 has the textbook
Im Σ^R(ω) = −π ∫_0^{|ω|} α²F  (phonons) and Σ^R = −i γ_el/2  (Born disorder, γ_el = 1/τ_el).
Phonons are kept in equilibrium at the initial temperature T (no back action).

Superfluid density (Eqs. 7, 8, Appendix B), per unit mass:
    n_s(t) = D(t) − P(t),
    D(t) = Σ_ξ w_ξ m^{-1}_ξ n_ξ(t),  n_ξ = 1 + ρ_11 − ρ_22  (both spins),
    P(t) = −Σ_ξ w_ξ v²_ξ Tr η_ξ(t),   η_ξ = ∂ρ_ξ/∂ε for h → h + ε τ0 (static Doppler shift),
so that −j_p/A = P with δh = −v·A τ0.  2D band (ξ = k²/2m − E_F): m^{-1} = 1 (D = n, the
conserved density: the literal Nambu trace of Eq. 8 loses n to an ordering constant at half
filling) and ⟨v_x²⟩ = (ξ + E_F) θ(ξ_c − ξ) (velocity vertex cut off as in Appendix B, Heaviside at
ξ_c, default the band top).  The Heaviside cut makes ∂²ξ/∂k² carry −u_c δ(u − u_c),
u = ξ + E_F, i.e. the boundary term B = (ξ_c + E_F) n(ξ_c) of Appendix B, which cancels the
unphysical surface contribution exactly: D_cut = ∫_{−E_F}^{ξ_c} dξ [n_ξ − n(ξ_c)].  We report
n_s = n − P (docs/conventions.md: D = n, clean n_s(t) exactly constant) and B(t) separately; n_s − B is the
cut-off version (exactly 0 in any normal state).  B is O(Δ²/E_F²) in a clean superconductor
(it moves after a quench) and O(γ_el/E_F) with disorder-broadened tails.
1D band ξ = −J cos k: m^{-1} = ∂²ξ/∂k² = −ξ, v² = J² − ξ², no boundary term.
A normal state has n_s = 0 (checked in the tests).
"""
from __future__ import annotations

import math
import warnings
from dataclasses import dataclass, field, fields

import numpy as np

from floquetsym.params import require, require_finite, require_int
from floquetsym.result import ConvergenceWarning

from .stepping import steps_for

__all__ = ["KBParams", "Band", "make_band", "switching_ramp", "debye_a2f", "bath_kernel",
           "bcs_gap", "expm_bdg", "thermal_state", "equal_time_observables", "KBSetup",
           "kb_setup", "KBResult", "prepared_state_spread", "checked", "PREP_SPREAD_TOL",
           "OBSERVABLES"]

#: the equal-time series every KB stepper records at every step (KBResult fields)
OBSERVABLES = ("ns", "ns_dia", "ns_para", "density", "ns_boundary")

_BANDS = ("flat2d", "tb1d")
_MODES = ("gkba", "full")
_RAMPS = ("sin2", "smooth")


@dataclass(frozen=True, kw_only=True)
class KBParams:
    """Parameters of one quench run (units E_F = 1 for ``flat2d``, J = 1 for ``tb1d``).

    lam_i, lam_f : BCS coupling before/after the quench at t = 0 (dimensionless λν0 for
        ``flat2d``; on-site U/J for ``tb1d``).
    lam_ph, omega_d : electron–phonon λ_el-ph and Debye energy of α²F ∝ Ω² θ(ω_D − Ω).
    gamma_el : elastic (Born) scattering rate 1/τ_el.
    temperature : initial temperature = phonon-bath temperature (> 0).
    dt, t_max : time step and final time; the run starts at t = −t_prep from the uncorrelated
        mean-field thermal state and switches the self-energies on smoothly over t_ramp
        (adiabatic switching), so the state at t = 0⁻ is the correlated equilibrium when
        t_ramp ≫ 2π/2E_min (lowest pair energy of the ξ grid; ``meta["prep_delta_spread"]``).
    n_xi, xi_stretch : ξ grid (midpoints of a sinh-stretched grid, denser near ξ = 0).
    ramp_shape : ``"sin2"`` (r = sin²(πx/2), x = (t + t_prep)/t_ramp) or ``"smooth"`` (the C^∞
        step r = g(x)/(g(x) + g(1 − x)), g(x) = e^{−1/x}); :func:`switching_ramp`.  Both leave an
        undamped Higgs oscillation on a discrete ξ grid when t_ramp is short on the scale of
        2π/(2E_min); for long switchings ``"smooth"`` is more adiabatic (measured, N_ξ = 12,
        t_ramp = 100: Δ spread ±0.15 % vs ±0.55 %; t_ramp = 40: ±9 % vs ±6 %).
    vertex_cutoff : ξ_c of the Heaviside cut-off of the velocity vertex (Appendix B).
    mode : ``"gkba"`` (GKBA, O(N_t² N_ξ)) or ``"full"`` (two-time KB, O(N_t³ N_ξ), small grids).
    """

    band: str = "flat2d"
    lam_i: float = 0.25
    lam_f: float = 0.45
    lam_ph: float = 0.0
    omega_d: float = 0.16
    gamma_el: float = 0.0
    temperature: float = 0.005
    dt: float = 0.1
    t_max: float = 50.0
    t_prep: float = 40.0
    t_ramp: float = 20.0
    n_xi: int = 200
    xi_stretch: float = 1.5
    vertex_cutoff: float = 1.0
    mode: str = "gkba"
    hopping: float = 1.0
    ramp_shape: str = "sin2"

    def __post_init__(self):
        for f in fields(self):
            v = getattr(self, f.name)
            if f.name in ("band", "mode", "ramp_shape"):
                continue
            if f.name == "n_xi":
                object.__setattr__(self, f.name, require_int("n_xi", v, 4, 20000))
                continue
            object.__setattr__(self, f.name, require_finite(f.name, v))
        require(self.band in _BANDS, "band", self.band, f"in {_BANDS}")
        require(self.mode in _MODES, "mode", self.mode, f"in {_MODES}")
        require(self.ramp_shape in _RAMPS, "ramp_shape", self.ramp_shape, f"in {_RAMPS}")
        require(self.lam_i >= 0, "lam_i", self.lam_i, ">= 0")
        require(self.lam_f >= 0, "lam_f", self.lam_f, ">= 0")
        require(self.lam_ph >= 0, "lam_ph", self.lam_ph, ">= 0 (λ_el-ph)")
        require(self.omega_d > 0, "omega_d", self.omega_d, "> 0 (Debye energy)")
        require(self.gamma_el >= 0, "gamma_el", self.gamma_el, ">= 0 (1/τ_el)")
        require(self.temperature > 0, "temperature", self.temperature,
                "> 0 (phonon bath temperature; use e.g. 1e-3 for T → 0)")
        require(self.dt > 0, "dt", self.dt, "> 0")
        require(self.t_max >= 0, "t_max", self.t_max, ">= 0")
        require(self.t_prep >= 0, "t_prep", self.t_prep, ">= 0")
        require(0 <= self.t_ramp <= self.t_prep, "t_ramp", self.t_ramp, f"in [0, t_prep={self.t_prep}]")
        steps_for("t_prep", self.t_prep, self.dt)      # the quench at t = 0 is a grid time
        steps_for("t_max", self.t_max, self.dt)        # the run ends exactly at t_max
        require(self.xi_stretch >= 0, "xi_stretch", self.xi_stretch, ">= 0")
        require(self.hopping > 0, "hopping", self.hopping, "> 0")
        e_max = self.hopping if self.band == "tb1d" else 1.0
        require(-e_max < self.vertex_cutoff <= e_max, "vertex_cutoff", self.vertex_cutoff,
                f"in (-{e_max}, {e_max}]")
        # the fastest phase per step is (2 E_max + ω_D) dt: beyond ~1 rad the quadratures are garbage
        w_max = 2.0 * math.hypot(e_max, 1.0) + self.omega_d
        require(w_max * self.dt <= 1.0, "dt", self.dt,
                f"<= {1.0 / w_max:.3g} (fastest frequency 2E_max + ω_D = {w_max:.3g})")
        if w_max * self.dt > 0.35:
            warnings.warn(f"dt={self.dt} is coarse for the fastest frequency {w_max:.3g}: "
                          "expect errors of a few per cent; check convergence in dt",
                          ConvergenceWarning, stacklevel=2)

    @property
    def n_prep(self) -> int:
        return steps_for("t_prep", self.t_prep, self.dt)

    @property
    def n_steps(self) -> int:
        return self.n_prep + steps_for("t_max", self.t_max, self.dt)

    def as_dict(self) -> dict:
        return {f.name: getattr(self, f.name) for f in fields(self)}


@dataclass(frozen=True)
class Band:
    """ξ nodes with weights w (Σ w = ∫ν dξ), DOS at the Fermi level ν0, vertices v² and m^{-1}."""

    xi: np.ndarray
    w: np.ndarray
    nu0: float
    v2: np.ndarray
    m_inv: np.ndarray
    pair_norm: float          # Δ = −(λ·pair_norm) Σ w ρ_12

    @property
    def n(self) -> int:
        return self.xi.size


def switching_ramp(p: KBParams, t_on) -> np.ndarray:
    """Switching factor r ∈ [0, 1] of the self-energies (Σ(t,s) → r(t) r(s) Σ(t,s)) at the
    times ``t_on`` since the start of the run (t_on = t + t_prep): 0 at t_on = 0, 1 from
    t_on = t_ramp on (1 everywhere if t_ramp = 0); shape ``p.ramp_shape`` (KBParams)."""
    t_on = np.asarray(t_on, dtype=float)
    if p.t_ramp == 0:
        return np.ones(t_on.shape)
    x = np.clip(t_on / p.t_ramp, 0.0, 1.0)
    if p.ramp_shape == "sin2":
        return np.sin(0.5 * math.pi * x) ** 2

    def g(y):
        return np.where(y > 0, np.exp(-1.0 / np.where(y > 0, y, 1.0)), 0.0)

    return g(x) / (g(x) + g(1.0 - x))


def make_band(p: KBParams) -> Band:
    """Discretise the band of ``p`` (midpoint rule; 2D flat DOS or 1D tight binding)."""
    n = p.n_xi
    x = (np.arange(n) + 0.5) / n * 2.0 - 1.0          # midpoints of [-1, 1]
    if p.band == "flat2d":
        a = p.xi_stretch
        if a > 0:
            xi = np.sinh(a * x) / math.sinh(a)
            w = (2.0 / n) * a * np.cosh(a * x) / math.sinh(a)
        else:
            xi, w = x.copy(), np.full(n, 2.0 / n)
        v2 = (xi + 1.0) * (xi <= p.vertex_cutoff)
        return Band(xi, w, 1.0, v2, np.ones(n), 1.0)
    J = p.hopping
    k = (np.arange(n) + 0.5) * math.pi / n             # k in (0, π); ±k equivalent
    xi = -J * np.cos(k)
    w = np.full(n, 1.0 / n)                            # per site and spin, Σ w = 1
    v2 = (J * np.sin(k)) ** 2 * (xi <= p.vertex_cutoff)
    return Band(xi, w, 1.0 / (math.pi * J), v2, -xi, 1.0)


def debye_a2f(omega, lam_ph: float, omega_d: float):
    """Debye Eliashberg function α²F(Ω) = 2 λ Ω²/ω_D² θ(ω_D − Ω), ∫ α²F/Ω dΩ = λ."""
    omega = np.asarray(omega, dtype=float)
    return np.where((omega >= 0) & (omega <= omega_d), 2.0 * lam_ph * omega ** 2 / omega_d ** 2, 0.0)


def bath_kernel(p: KBParams, taus, band: Band | None = None):
    """K^>(τ) of the module docstring on the lags ``taus``; returns (K, error estimate).

    Gauss–Legendre in Ω with enough nodes for the largest phase ω_D τ_max; the error estimate
    is the difference to a rule with half as many nodes.
    """
    taus = np.asarray(taus, dtype=float)
    band = band or make_band(p)
    c_dis = p.gamma_el / (2.0 * math.pi * band.nu0)
    if p.lam_ph == 0:
        return np.full(taus.shape, c_dis, dtype=complex), 0.0

    def quad(m):
        x, wq = np.polynomial.legendre.leggauss(m)
        om = 0.5 * p.omega_d * (x + 1.0)
        wq = 0.5 * p.omega_d * wq * debye_a2f(om, p.lam_ph, p.omega_d)
        nb = 1.0 / np.expm1(np.minimum(om / p.temperature, 700.0))
        ph = np.exp(-1j * np.outer(taus, om))
        return ph @ (wq * (1.0 + nb)) + ph.conj() @ (wq * nb)

    m = int(64 + 2 * p.omega_d * (np.abs(taus).max(initial=0.0)))
    k_hi, k_lo = quad(m), quad(max(m // 2, 32))
    return c_dis + k_hi, float(np.abs(k_hi - k_lo).max())


def bcs_gap(lam: float, band: Band, temperature: float) -> float:
    """Mean-field gap on the discrete band: 1 = λ·pair_norm Σ w tanh(E/2T)/(2E); 0 if none."""
    if lam == 0:
        return 0.0
    from scipy.optimize import brentq
    g = lam * band.pair_norm

    def f(d):
        e = np.sqrt(band.xi ** 2 + d * d)
        return g * np.sum(band.w * np.tanh(e / (2 * temperature)) / (2 * e)) - 1.0

    hi = 10.0 * (1.0 + g)
    if f(1e-12) <= 0:
        return 0.0
    return float(brentq(f, 1e-12, hi, xtol=1e-15, rtol=1e-14))


def expm_bdg(xi, delta, dt):
    """exp(−i h dt) for h = ξτ3 + ReΔ τ1 − ImΔ τ2, closed form, shape (n, 2, 2)."""
    xi = np.asarray(xi, dtype=float)
    e = np.sqrt(xi ** 2 + abs(delta) ** 2)
    c, s = np.cos(e * dt), np.where(e > 0, np.sin(e * dt) / np.where(e > 0, e, 1.0), dt)
    out = np.empty(xi.shape + (2, 2), dtype=complex)
    out[..., 0, 0] = c - 1j * s * xi
    out[..., 1, 1] = c + 1j * s * xi
    out[..., 0, 1] = -1j * s * delta
    out[..., 1, 0] = -1j * s * np.conj(delta)
    return out


def thermal_state(xi, delta, temperature):
    """Uncorrelated thermal ρ = f(h) and η = f'(h) (= ∂ρ/∂ε for h → h + ετ0), shape (n, 2, 2)."""
    xi = np.asarray(xi, dtype=float)
    e = np.sqrt(xi ** 2 + abs(delta) ** 2)
    safe = np.where(e > 0, e, 1.0)
    th_e = np.where(e > 0, np.tanh(e / (2 * temperature)) / safe, 0.5 / temperature)
    rho = np.empty(xi.shape + (2, 2), dtype=complex)
    rho[..., 0, 0] = 0.5 * (1 - th_e * xi)
    rho[..., 1, 1] = 0.5 * (1 + th_e * xi)
    rho[..., 0, 1] = -0.5 * th_e * delta
    rho[..., 1, 0] = -0.5 * th_e * np.conj(delta)
    fp = -0.25 / temperature / np.cosh(np.minimum(e / (2 * temperature), 350.0)) ** 2
    eta = np.zeros_like(rho)
    eta[..., 0, 0] = fp
    eta[..., 1, 1] = fp
    return rho, eta


def equal_time_observables(p: KBParams, band: Band, rho, eta) -> tuple[float, float, float, float]:
    """(n, D, P, B) of the module docstring from ρ_ξ and η_ξ = ∂ρ_ξ/∂ε (shape (n_ξ, 2, 2)):
    density n, diamagnetic D = Σ w m^{-1} n_ξ, paramagnetic P = −Σ w v² Tr η_ξ, and the
    Appendix-B boundary term B = (E_F + ξ_c) n(ξ_c) (flat2d; n(ξ_c) extrapolated linearly)."""
    b = band
    nxi = 1.0 + (rho[:, 0, 0] - rho[:, 1, 1]).real
    dens = float(np.sum(b.w * nxi))
    dia = float(np.sum(b.w * b.m_inv * nxi))
    para = float(-np.sum(b.w * b.v2 * (eta[:, 0, 0] + eta[:, 1, 1]).real))
    bnd = 0.0
    if p.band == "flat2d":          # Heaviside vertex cut at ξ_c ⇒ −u_c δ(u − u_c) in ∂²ξ/∂k²
        xc = p.vertex_cutoff
        inside = b.xi <= xc
        x2, n2 = b.xi[inside][-2:], nxi[inside][-2:]
        bnd = float((xc + 1.0) * (n2[1] + (n2[1] - n2[0]) * (xc - x2[1]) / (x2[1] - x2[0])))
    return dens, dia, para, bnd


# ----------------------------------------------------------------------------- shared set-up
@dataclass(frozen=True, eq=False)
class KBSetup:
    """What both KB steppers (GKBA and two-time) are built on: the discrete band, the time
    grid t_n = (n − n_prep) dt, the bath kernel K^≷(t_n − t_0) with its quadrature error, the
    switching ramp r(t_n), and the coupling λ(t) (λ_i before the quench at t = 0, λ_f from it)."""

    p: KBParams
    band: Band
    times: np.ndarray
    kg: np.ndarray
    kl: np.ndarray
    kernel_error: float
    ramp: np.ndarray

    @property
    def S(self) -> int:
        """Number of grid times (steps + 1)."""
        return self.times.size

    @property
    def scattering(self) -> bool:
        return self.p.lam_ph > 0 or self.p.gamma_el > 0

    def lam(self, n: int) -> float:
        return self.p.lam_i if self.times[n] < -1e-12 else self.p.lam_f

    def gap(self, rho, n: int) -> complex:
        """Δ(t_n) = −λ(t_n)·pair_norm Σ_ξ w ρ_ξ,12 for ρ on the full band."""
        b = self.band
        return -self.lam(n) * b.pair_norm * np.sum(b.w * rho[:, 0, 1])


def kb_setup(p: KBParams) -> KBSetup:
    """Band, grid, kernel and ramp of ``p``; warns (ConvergenceWarning) when the ξ grid is too
    coarse for the requested times (recurrence of the discrete ξ sum before t_max)."""
    band = make_band(p)
    S = p.n_steps + 1
    times = (np.arange(S) - p.n_prep) * p.dt
    kg, err = bath_kernel(p, np.arange(S) * p.dt, band)
    setup = KBSetup(p, band, times, kg, np.conj(kg), err, switching_ramp(p, times - times[0]))
    _check_xi_grid(p, band)
    _check_dt_for_gap(p, band)
    return setup


def _check_dt_for_gap(p: KBParams, b: Band) -> None:
    """The rule of :class:`KBParams` on the fastest phase (2E_max + ω_D) dt assumes Δ <= 1;
    after a strong quench the gap is larger: Δ(0⁺) = (λ_f/λ_i) Δ_i, then near the final
    gap.  Same limits (refuse above 1 rad per step, warn above 0.35) with that Δ."""
    d_i = bcs_gap(p.lam_i, b, p.temperature)
    d_max = max(d_i, bcs_gap(p.lam_f, b, p.temperature),
                (p.lam_f / p.lam_i) * d_i if p.lam_i > 0 else 0.0)
    if d_max <= 1.0:
        return                                    # covered by KBParams
    e_max = p.hopping if p.band == "tb1d" else 1.0
    w_max = 2.0 * math.hypot(e_max, d_max) + p.omega_d
    require(w_max * p.dt <= 1.0, "dt", p.dt,
            f"<= {1.0 / w_max:.3g} for the gap Δ = {d_max:.3g} of this quench (fastest "
            f"frequency 2√(E_max² + Δ²) + ω_D = {w_max:.3g})")
    if w_max * p.dt > 0.35:
        warnings.warn(f"dt={p.dt} is coarse for the gap Δ = {d_max:.3g} of this quench (fastest "
                      f"frequency {w_max:.3g}): expect errors of a few per cent; check "
                      "convergence in dt", ConvergenceWarning, stacklevel=4)


def _check_xi_grid(p: KBParams, b: Band) -> None:
    d0 = max(bcs_gap(p.lam_i, b, p.temperature), bcs_gap(p.lam_f, b, p.temperature))
    if d0 == 0:                     # normal state: only the recurrence time matters
        d0 = 0.05
    win = np.abs(b.xi) < 6 * d0
    if win.sum() < 8:
        warnings.warn(f"only {int(win.sum())} ξ points within 6Δ of the Fermi level: "
                      f"increase n_xi={p.n_xi}", ConvergenceWarning, stacklevel=4)
        return
    e = np.sqrt(b.xi[win] ** 2 + d0 ** 2)
    de = np.abs(np.diff(e)).max()
    t_rec = 2 * math.pi / (2 * de)
    span = p.t_prep + p.t_max
    if t_rec < span:
        warnings.warn(f"ξ grid too coarse for the requested times: recurrences of the "
                      f"discrete ξ sum at t ≈ {t_rec:.3g} < t_prep + t_max = {span:.3g}; "
                      f"increase n_xi={p.n_xi}", ConvergenceWarning, stacklevel=4)


# ----------------------------------------------------------------------------- result
@dataclass(frozen=True)
class KBResult:
    """Time series of one quench run.  ``times`` start at −t_prep; the quench is at t = 0.

    delta : Δ(t) (complex; real in the absence of symmetry breaking),
    ns, ns_dia, ns_para : n_s = D − P with D = n (docs/conventions.md), per unit mass;
        ns_boundary : the Appendix-B boundary term B = (E_F + ξ_c) n(ξ_c); ``ns − ns_boundary``
        is n_s with the velocity vertex cut off exactly (zero in any normal state),
    density : n(t) (conserved; n_s/n is the superfluid fraction for the 2D band).
    meta : diagnostics (self-consistency residual, number drift, wall time, kernel error,
        the prepared state's hold-window means and spreads ``prep_*``
        (:func:`prepared_state_spread`), ``caveats``, ...).
    """

    params: KBParams
    times: np.ndarray
    delta: np.ndarray
    ns: np.ndarray
    ns_dia: np.ndarray
    ns_para: np.ndarray
    density: np.ndarray
    ns_boundary: np.ndarray
    meta: dict = field(default_factory=dict)

    def after_quench(self):
        """Boolean mask of t ≥ 0."""
        return self.times >= -1e-12

    def at(self, t: float) -> int:
        """Index of the grid time closest to t."""
        return int(np.argmin(np.abs(self.times - t)))


PREP_SPREAD_TOL = 0.02


def prepared_state_spread(r: KBResult, t_end: float = 0.0) -> dict:
    """Stationarity of the prepared state: over the hold window [−(t_prep − t_ramp), t_end)
    from the end of the switching to the quench (default; a no-quench run may pass
    ``t_end=np.inf``), the mean |Δ| and n_s and their peak-to-peak spreads relative to the mean
    |Δ| and to n.  A non-adiabatic switching leaves an undamped amplitude (Higgs)
    oscillation on a discrete ξ grid (:mod:`numerics.kadanoff_baym`: ±6 % with t_ramp = 40,
    ±0.55 % with t_ramp = 100 at N_ξ = 12); empty window → ``None`` values."""
    p = r.params
    m = (r.times >= -(p.t_prep - p.t_ramp) - 1e-9) & (r.times < t_end - 1e-9)
    out = {"prep_hold": float(p.t_prep - p.t_ramp), "prep_delta_mean": None,
           "prep_delta_spread": None, "prep_ns_mean": None, "prep_ns_spread": None}
    if m.sum() < 2:
        return out
    d, ns = np.abs(r.delta[m]), r.ns[m]
    out["prep_delta_mean"], out["prep_ns_mean"] = float(d.mean()), float(ns.mean())
    out["prep_delta_spread"] = float(np.ptp(d) / d.mean()) if d.mean() > 0 else 0.0
    out["prep_ns_spread"] = float(np.ptp(ns) / max(abs(r.density[0]), 1e-300))
    return out


def checked(r: KBResult) -> KBResult:
    """``r`` with :func:`prepared_state_spread` recorded in ``r.meta``; warns (ConvergenceWarning)
    when Δ varies by more than ``PREP_SPREAD_TOL`` over the hold window before the quench.
    Both steppers' ``run`` end here."""
    info = prepared_state_spread(r)
    r.meta.update(info)
    s = info["prep_delta_spread"]
    if s is not None and s > PREP_SPREAD_TOL:
        p = r.params
        warnings.warn(f"the prepared state is not stationary: Δ varies by {100 * s:.1f} % over "
                      f"the hold window t ∈ [{-(p.t_prep - p.t_ramp):g}, 0); the switching "
                      f"(t_ramp={p.t_ramp:g}) is not adiabatic for the lowest pair energy — "
                      "increase t_ramp and t_prep (mode='gkba' with phonons: see "
                      "meta['caveats'])", ConvergenceWarning, stacklevel=4)
    return r
