r"""Finite-q superfluid stiffness n_s(q, t) of the homogeneous (clean) 1D state after a quench.

**Model.**  The clean ring of Appendix C (:class:`numerics.ring_model.RingModel`, hopping J,
ξ_k = 2J cos k, k = 2πn/N) stays homogeneous after the quench λ_i → λ_f: one pseudospin per
k (Nambu ψ_k = (c_{k↑}, c†_{−k↓}), ρ_k = ½(1 + S_k·τ), b_k = (Re Δ, −Im Δ, ξ_k),
Ṡ_k = 2 b_k × S_k, Δ = −λ_f N⁻¹Σ_k ρ_k,12), integrated by :class:`numerics.pseudospin.ClosedBCS`
on the lattice ξ_k with weights 1/N.  The Hartree part of (C1) vanishes in this state
(n_i = ½ at half filling), so the model's ``hartree`` does not enter.

**Stiffness at wavevector q** (paper Eqs. 7–8 on the lattice).  A vector potential A_i on
bond (i, i+1) enters as J e^{iA_i} c†_iσ c_{i+1,σ} + h.c., so
H(A) = H − Σ_i A_i ĵ_i − ½ Σ_i A_i² K̂_i + O(A³) with the bond current
ĵ_i = −iJ Σ_σ (c†_iσ c_{i+1,σ} − h.c.) and the bond hopping energy K̂_i.  The current
j_i = −∂H/∂A_i = ĵ_i + A_i K̂_i responds to A_i = A cos(qi) as j_i = −n_s(q) A_i with

    n_s(q) = D − Λ(q),     D = −⟨K̂_i⟩ = −N⁻¹Σ_k ξ_k S^z_k   (diamagnetic, Eq. 8),

and Λ(q) the paramagnetic current–current correlator (Eq. 7) at zero frequency.  In Nambu
space ĵ_q = Σ_i e^{−iqi} ĵ_i = −e^{iq/2} Σ_k v_{k+q/2} ψ†_k τ0 ψ_{k+q}, v_k = −2J sin k (the
current vertex is τ0, as in the paper).  With the eigenstates |k, ±⟩ of h_k = b_k·τ
(energies ±E_k, E_k = |b_k|) and their occupations f_±(k) = ½(1 ± σ_k), σ_k = b̂_k·S_k,
the static Kubo formula Λ(q) = N⁻¹Σ_k Σ_{ab} |⟨k,a|v τ0|k+q,b⟩|² (f_b(k+q) − f_a(k))/(E_a(k) −
E_b(k+q)) becomes, with the coherence factor c = (ξ_k ξ_{k+q} + |Δ|²)/(E_k E_{k+q}),

.. math:: \Lambda(q) = \frac1N\sum_k \frac{v_{k+q/2}^2}{2}\Big[(1-c)\,
          \frac{-(\sigma_k+\sigma_{k+q})}{E_k+E_{k+q}} + (1+c)\,
          \frac{\sigma_k-\sigma_{k+q}}{E_{k+q}-E_k}\Big],

the first term pair breaking (interband), the second the Landau (intraband) term; at
E_{k+q} = E_k it is the limit (1 + c)(−dσ/dE) (dσ/dE exact in equilibrium, from probe
pseudospins after a quench, or by second-order differences in E² along the k grid).  In the BCS ground state
(σ = −1) only pair breaking remains and D = N⁻¹Σ ξ²/E; at q = 0 the coherence factor kills it
(c = 1): n_s(0) = N⁻¹Σ[ξ²/E tanh(E/2T) − v²/(2T) sech²(E/2T)] in equilibrium, the BCS
lattice value of :func:`numerics.ring_stiffness.clean_stiffness`.  In the normal state
(Δ = 0) n_s(q) = 0 at every q for any occupation (f-sum rule on the lattice).

**Instantaneous state, zero frequency.**  After the quench S_k(t) is not parallel to b_k(t):
besides the occupations σ_k it carries coherences between |k,+⟩ and |k,−⟩ that oscillate at
2E_k.  Under the instantaneous Hamiltonian frozen at t these average out of any
zero-frequency response, so the static stiffness of the instantaneous state uses the
dephased state S → σ b̂ for both terms:

    n_s(q, t) = D_deph(t) − Λ(q, t),   D_deph = −N⁻¹Σ_k ξ_k σ_k ξ_k/E_k

(:attr:`FiniteQStiffness.ns`).  :attr:`FiniteQStiffness.ns_inst_dia` uses the instantaneous
D(t) = −K(t)/N instead; both equal the equilibrium value before the quench.  The uniform
n_s(t) of the ring (flux through the ring present from t = 0, :mod:`numerics.ring_stiffness`)
is the other order of limits (q = 0 first, then the response time): on the clean ring it is
exactly D(t) (the τ0 vertex commutes with h_k), while q → 0 of n_s(q, t) keeps the Landau
term of the non-thermal occupations, Λ(0, t) = N⁻¹Σ_k v_k² (−dσ_k/dE_k).
Measured (docs/ring.md): σ_k(t) oscillates in k on the scale π/t, so this Landau term grows
without bound after the quench, and q → 0 of this route is not the uniform n_s for t > 0.

**Dynamic route** (:func:`ns_q_dynamic`, the paper's own definition at finite q): A_q static
from the thermal start on and the current read at t, so that q → 0 is the ring's flux
response at every t; in equilibrium both routes coincide.  n_s(q, t) < 0 defines the unstable
band of either route.  Both are a bare (non-self-consistent) bubble: the
response of Δ itself (the q-shifted pairing channel) is the growth-rate route of
:mod:`numerics.ring_finite_q`.  Disorder is not treated: the model has no uniform
disorder-averaged pseudospin state (its disorder-averaged uniform calculation is the
two-time Green's-function one of :meth:`RingModel.kb_params`).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from floquetsym.params import require, require_finite

__all__ = ["FiniteQStiffness", "stiffness_q", "quench_states", "ns_q_quench", "DynamicStiffness",
           "ns_q_dynamic", "slip_spacing"]


def _dsigma_de(sigma, e):
    """dσ/dE = 2E dσ/d(E²) along the periodic k grid: central differences in x = E²
    (second order in the grid spacing), one-sided where x is stationary."""
    x = e * e
    tiny = 1e-12 * float(np.max(x))
    out = np.zeros_like(e)
    for dx, ds in ((x - np.roll(x, 1), sigma - np.roll(sigma, 1)),
                   (np.roll(x, -1) - x, np.roll(sigma, -1) - sigma),
                   (np.roll(x, -1) - np.roll(x, 1), np.roll(sigma, -1) - np.roll(sigma, 1))):
        ok = np.abs(dx) > tiny
        out = np.where(ok, ds / np.where(ok, dx, 1.0), out)
    return 2 * e * out


def stiffness_q(S, delta, *, hopping: float, q_index=None, dsigma_de=None):
    """n_s(q) of one homogeneous state: ``S`` (3, N) pseudospins on k = 2πn/N, gap ``delta``.

    ``dsigma_de`` (N,): dσ/dE per k for the Landau term at E_{k+q} = E_k (default: finite
    differences along the grid, :func:`_dsigma_de`; exact in equilibrium:
    −sech²(E/2T)/2T, from probe pseudospins after a quench, :func:`quench_states`).

    Returns (q, ns, D_deph, Λ(q), D_inst) for q = 2π·``q_index``/N (default 0..N/2), see the
    module docstring; per site, both spins, units of J (m = 1, lattice constant 1).
    """
    S = np.asarray(S, dtype=float)
    require(S.ndim == 2 and S.shape[0] == 3 and S.shape[1] >= 4, "S", S.shape, "(3, N), N >= 4")
    n = S.shape[1]
    hopping = require_finite("hopping", hopping)
    require(hopping > 0, "hopping", hopping, "> 0")
    qi = np.arange(n // 2 + 1) if q_index is None else np.atleast_1d(np.asarray(q_index, int))
    require(bool(np.all((qi >= 0) & (qi < n))), "q_index", qi, f"in [0, {n})")
    k = 2 * np.pi * np.arange(n) / n
    xi = 2 * hopping * np.cos(k)
    ad = abs(complex(delta))
    e = np.sqrt(xi ** 2 + ad ** 2)
    require(bool(np.all(e > 1e-9 * hopping)), "delta", delta,
            "!= 0 when ξ_k = 0 lies on the grid (N % 4 == 0)")
    b = np.stack([np.full(n, complex(delta).real), np.full(n, -complex(delta).imag), xi]) / e
    sigma = np.einsum("in,in->n", b, S)
    d_inst = float(-np.mean(xi * S[2]))
    d_deph = float(-np.mean(xi * sigma * xi / e))
    if dsigma_de is None:
        dsde = _dsigma_de(sigma, e)
    else:
        dsde = np.asarray(dsigma_de, dtype=float)
        require(dsde.shape == (n,), "dsigma_de", dsde.shape, f"({n},)")
    kp = (np.arange(n)[None, :] + qi[:, None]) % n                     # index of k + q
    ep, sp, xp = e[kp], sigma[kp], xi[kp]
    c = (xi * xp + ad ** 2) / (e * ep)
    v2 = (2 * hopping * np.sin(k[None, :] + np.pi * qi[:, None] / n)) ** 2
    inter = (1 - c) * (-(sigma + sp)) / (e + ep)
    de = ep - e
    degen = np.abs(de) <= 1e-12 * float(np.max(e))
    intra = (1 + c) * np.where(degen, -dsde, (sigma - sp) / np.where(degen, 1.0, de))
    lam = np.mean(0.5 * v2 * (inter + intra), axis=1)
    return 2 * np.pi * qi / n, d_deph - lam, d_deph, lam, d_inst


@dataclass(frozen=True)
class FiniteQStiffness:
    """n_s(q, t) of the homogeneous post-quench state.

    ``times`` (n_t,), ``q`` (n_q,), ``ns`` (n_t, n_q) = ``dia`` − ``para`` (dephased
    diamagnetic term, module docstring), ``dia_inst`` (n_t,) = −K(t)/N, ``delta`` (n_t,)
    complex homogeneous gap; ``meta``: model, dt, integrator.
    """

    times: np.ndarray
    q: np.ndarray
    ns: np.ndarray
    dia: np.ndarray
    para: np.ndarray
    dia_inst: np.ndarray
    delta: np.ndarray
    meta: dict

    @property
    def ns_inst_dia(self) -> np.ndarray:
        """D(t) − Λ(q, t) with the instantaneous (undephased) diamagnetic term."""
        return self.dia_inst[:, None] - self.para

    def unstable_band(self, i: int) -> np.ndarray:
        """The q (> 0) with n_s(q, t_i) < 0."""
        m = (self.ns[i] < 0) & (self.q > 0)
        return self.q[m]

    def most_negative(self) -> tuple[np.ndarray, np.ndarray]:
        """Per time: (q of the minimum of n_s over q > 0, that minimum)."""
        pos = self.q > 0
        j = np.argmin(self.ns[:, pos], axis=1)
        return self.q[pos][j], self.ns[:, pos][np.arange(len(j)), j]

    def band_edges(self) -> tuple[np.ndarray, np.ndarray]:
        """Per time: smallest and largest unstable q (NaN when none)."""
        lo = np.full(len(self.times), np.nan)
        hi = lo.copy()
        for i in range(len(self.times)):
            u = self.unstable_band(i)
            if u.size:
                lo[i], hi[i] = u.min(), u.max()
        return lo, hi


def _probe_x(x, delta_x):
    """Probe points in x = ξ² for dσ/dx: (x − δ, x + δ) centrally, (x + δ, x + 2δ) near x = 0."""
    central = x >= delta_x
    lo = np.where(central, x - delta_x, x + delta_x)
    hi = np.where(central, x + delta_x, x + 2 * delta_x)
    return central, lo, hi


def quench_states(model, times, *, dt: float = 0.02, probe: float = 1e-4):
    """Homogeneous clean pseudospin states of ``model`` (:class:`numerics.ring_model.RingModel`)
    at ``times``, from the thermal state at λ_i; returns (S (n_t, 3, N), Δ(t) (n_t,),
    dσ/dE (n_t, N)).

    dσ/dE comes from probe pseudospins at ξ² ± δ (δ = ``probe``·(2J)², central; forward
    three-point near ξ = 0) carried along in the same Δ(t) with weight 10⁻³⁰⁰ (they do not
    enter Δ): σ depends on ξ² only (Δ stays real: the grid is symmetric under ξ → −ξ and
    the dynamics under the π rotation about x that maps ξ to −ξ).
    """
    from .bdg1d_static import uniform_gap
    from .pseudospin import ClosedBCS, XiGrid
    times = np.asarray(times, dtype=float)
    require(times.ndim == 1 and times.size >= 1 and bool(np.all(np.diff(times) >= 0))
            and times[0] >= 0, "times", times.shape, "1-D, non-decreasing, >= 0")
    dt = require_finite("dt", dt)
    require(0 < dt <= 0.05, "dt", dt, "in (0, 0.05]")
    probe = require_finite("probe", probe)
    require(0 < probe <= 1e-2, "probe", probe, "in (0, 1e-2]")
    n, J = model.n_sites, model.hopping
    xi = 2 * J * np.cos(2 * np.pi * np.arange(n) / n)
    dx = probe * (2 * J) ** 2
    central, xlo, xhi = _probe_x(xi ** 2, dx)
    xi_all = np.concatenate([xi, np.sqrt(xlo), np.sqrt(xhi)])
    d0 = uniform_gap(n, J, model.lambda_i, model.temperature)
    e0 = np.sqrt(xi_all ** 2 + d0 ** 2)
    require(bool(np.all(e0 > 0)), "model", model, "gapped at λ_i or N % 4 != 0")
    th = np.ones_like(e0) if model.temperature == 0 else np.tanh(e0 / (2 * model.temperature))
    S0 = -th * np.stack([np.full_like(e0, d0), np.zeros_like(e0), xi_all]) / e0
    grid = XiGrid(xi_all, np.concatenate([np.full(n, 1.0 / n), np.full(2 * n, 1e-300)]))
    m = ClosedBCS(grid, coupling=model.lambda_f, dt=dt)     # Δ = −(λ_f/2) N⁻¹Σ(Sx − iSy)
    m.start(S0, 0.0)
    out, dels, dsde = [], [], []
    for t in times:
        S = m.advance_to(float(t))
        d = complex(-model.lambda_f * np.mean(S[0, :n] - 1j * S[1, :n]) / 2)
        e = np.sqrt(xi_all ** 2 + abs(d) ** 2)
        sig = (d.real * S[0] - d.imag * S[1] + xi_all * S[2]) / e
        s0, slo, shi = sig[:n], sig[n:2 * n], sig[2 * n:]
        dsdx = np.where(central, (shi - slo) / (2 * dx), (-3 * s0 + 4 * slo - shi) / (2 * dx))
        out.append(S[:, :n].copy())
        dels.append(d)
        dsde.append(2 * e[:n] * dsdx)
    return np.array(out), np.array(dels), np.array(dsde)


def ns_q_quench(model, times, *, dt: float = 0.02, q_index=None) -> FiniteQStiffness:
    """n_s(q, t) of the clean homogeneous quench of ``model`` at ``times`` (all lattice q
    0..N/2 unless ``q_index``)."""
    states, dels, dsde = quench_states(model, times, dt=dt)
    rows = [stiffness_q(S, d, hopping=model.hopping, q_index=q_index, dsigma_de=g)
            for S, d, g in zip(states, dels, dsde)]
    return FiniteQStiffness(times=np.asarray(times, float), q=rows[0][0],
                            ns=np.array([r[1] for r in rows]), dia=np.array([r[2] for r in rows]),
                            para=np.array([r[3] for r in rows]),
                            dia_inst=np.array([r[4] for r in rows]), delta=dels,
                            meta={"model": model.as_dict(), "dt": dt,
                                  "integrator": "ClosedBCS (implicit midpoint)"})


def slip_spacing(events, n_sites: int, t_max: float | None = None) -> float:
    """Mean distance (sites) between neighbouring distinct slip bonds on the ring,
    N / (number of distinct bonds), from ``events`` (k, 3) = (time, bond, sign) up to
    ``t_max``; NaN without slips."""
    ev = np.asarray(events, dtype=float).reshape(-1, 3)
    if t_max is not None:
        ev = ev[ev[:, 0] <= t_max]
    bonds = np.unique(ev[:, 1].astype(int))
    return float(n_sites / bonds.size) if bonds.size else float("nan")


# ----------------------------------------------------------------------------- dynamic route
def _static_x(xi, xiq, d, v, temperature):
    """X_k(0) of the thermal state of h_k (gap d) in a static A_q (a = 1): the equilibrium
    response, X = Σ_ab P'_a v P_b (f'_a − f_b)/(E'_a − E_b), limit v P'_a P_b f'(E) at E'_a = E_b."""
    def proj(x):
        e = np.sqrt(x ** 2 + abs(d) ** 2)
        h = np.zeros(x.shape + (2, 2), complex)
        h[..., 0, 0], h[..., 1, 1], h[..., 0, 1], h[..., 1, 0] = x, -x, d, np.conj(d)
        eye = np.eye(2)
        hn = h / e[..., None, None]
        return e, {+1: 0.5 * (eye + hn), -1: 0.5 * (eye - hn)}

    T = temperature

    def fermi(en):
        return (en < 0).astype(float) if T == 0 else 0.5 * (1 - np.tanh(en / (2 * T)))

    def dfermi(en):
        return np.zeros_like(en) if T == 0 else -0.25 / T / np.cosh(en / (2 * T)) ** 2

    e, P = proj(xi)
    ep, Pp = proj(xiq)
    X = np.zeros(np.broadcast_shapes(xi.shape, xiq.shape) + (2, 2), complex)
    for a in (1, -1):
        for b in (1, -1):
            den = a * ep - b * e
            deg = np.abs(den) <= 1e-12 * float(np.max(e))
            w = np.where(deg, dfermi(b * e), (fermi(a * ep) - fermi(b * e)) / np.where(deg, 1.0, den))
            X += (v * w)[..., None, None] * (Pp[a] @ P[b])
    return X


@dataclass(frozen=True)
class DynamicStiffness:
    """n_s(q, t) from Eqs. 7–8 at wavevector q (A_q static from the thermal start on):
    ``times`` (n_t,), ``q`` (n_q,), ``ns`` (n_t, n_q) = ``dia`` − ``para``, ``delta`` (n_t,)."""

    times: np.ndarray
    q: np.ndarray
    ns: np.ndarray
    dia: np.ndarray
    para: np.ndarray
    delta: np.ndarray
    meta: dict

    def unstable_band(self, i: int) -> np.ndarray:
        return self.q[(self.ns[i] < 0) & (self.q > 0)]

    def most_negative(self):
        pos = self.q > 0
        j = np.argmin(self.ns[:, pos], axis=1)
        return self.q[pos][j], self.ns[:, pos][np.arange(len(j)), j]


def ns_q_dynamic(model, *, q_index, t_max: float, dt: float = 0.02,
                 sample_every: int = 50) -> DynamicStiffness:
    r"""n_s(q, t) of the clean homogeneous quench as the paper defines n_s(t) (Eqs. 7–8): the
    current at time t in a static A_i = A_q e^{iqi} present from the thermal start on, with
    the Green's functions of the A → 0 history (bare bubble, Δ(t) not perturbed).

    The sector X_k = δρ_{k+q,k} obeys i Ẋ_k = h_{k+q} X_k − X_k h_k + a v_{k+q/2}(ρ_k − ρ_{k+q})
    (a = A_q e^{−iq/2}: the τ0 current vertex), X_k(0) the static response of the thermal start
    (:func:`_static_x`), and Λ(q, t) = −N⁻¹Σ_k v_{k+q/2} Tr X_k(t) / a, D(t) = −K(t)/N; the
    homogeneous ρ_k(t) is integrated alongside (RK4, Δ = −λ_f N⁻¹Σ ρ_k,01).  At q = 0 the source
    vanishes and X is conserved: n_s(0, t) = −K(t)/N − P_T, the ring's flux response.
    """
    from .bdg1d_static import uniform_gap
    from .ring_finite_q import _thermal, rk4_pair
    n, J, lam = model.n_sites, model.hopping, model.lambda_f
    dt, t_max = require_finite("dt", dt), require_finite("t_max", t_max)
    require(0 < dt <= 0.05, "dt", dt, "in (0, 0.05]")
    require(t_max >= 0, "t_max", t_max, ">= 0")
    qi = np.atleast_1d(np.asarray(q_index, dtype=int))
    require(bool(np.all((qi >= 0) & (qi <= n // 2))), "q_index", qi, f"in [0, {n // 2}]")
    k = 2 * np.pi * np.arange(n) / n
    xi = 2 * J * np.cos(k)
    kp = (np.arange(n)[None, :] + qi[:, None]) % n
    xiq = xi[kp]
    v = -2 * J * np.sin(k[None, :] + np.pi * qi[:, None] / n)
    d0 = uniform_gap(n, J, model.lambda_i, model.temperature)
    X = _static_x(xi[None, :], xiq, d0, v, model.temperature)
    X = np.moveaxis(X.reshape(qi.size, n, 4), -1, 0)              # (4, n_q, n): 00 01 10 11
    rho = _thermal(xi, d0, model.temperature).reshape(n, 4).T.copy()

    def rhs(rho, X):
        r00, r01, r10, r11 = rho
        D = -lam * r01.mean()
        Db = np.conj(D)
        drho = -1j * np.array([D * r10 - r01 * Db, 2 * xi * r01 + D * (r11 - r00),
                               Db * (r00 - r11) - 2 * xi * r10, Db * r01 - r10 * D])
        x00, x01, x10, x11 = X
        q00, q01, q10, q11 = r00[kp], r01[kp], r10[kp], r11[kp]
        return drho, -1j * np.array([
            xiq * x00 + D * x10 - x00 * xi - x01 * Db + v * (r00 - q00),
            xiq * x01 + D * x11 - x00 * D + x01 * xi + v * (r01 - q01),
            Db * x00 - xiq * x10 - x10 * xi - x11 * Db + v * (r10 - q10),
            Db * x01 - xiq * x11 - x10 * D + x11 * xi + v * (r11 - q11)])

    times, ns, dia, para, dels = [], [], [], [], []

    def record(t):
        d_t = float(-np.mean(xi * (rho[0] - rho[3])).real)
        p_t = (-(v * (X[0] + X[3])).mean(axis=1)).real
        times.append(t)
        dia.append(d_t)
        para.append(p_t)
        ns.append(d_t - p_t)
        dels.append(-lam * rho[1].mean())

    steps = int(round(t_max / dt))
    record(0.0)
    for i in range(1, steps + 1):
        rho, X = rk4_pair(rhs, rho, X, dt)
        if i % sample_every == 0 or i == steps:
            record(i * dt)
    return DynamicStiffness(times=np.array(times), q=2 * np.pi * qi / n, ns=np.array(ns),
                            dia=np.array(dia), para=np.array(para), delta=np.array(dels),
                            meta={"model": model.as_dict(), "dt": dt, "integrator": "RK4"})


def run_band(band: str, *, n_sites: int = 512, t_max: float = 200.0, out=None,
             q_dense: int = 32, q_step: int = 8, growth: bool = True) -> dict:
    """The measurements of docs/ring.md for one band at λ 1.2J → 2J (clean, T = 0): both
    n_s(q, t) routes, the k-space growth rates (:func:`numerics.ring_finite_q.kspace_growth`)
    on the same q set (q_index 1..``q_dense`` and every ``q_step``-th up to N/2)."""
    import json
    from pathlib import Path

    from .ring_finite_q import kspace_growth
    from .ring_model import RingModel
    model = RingModel(band=band, n_sites=n_sites, gamma_el=0.0)
    qi = np.unique(np.concatenate([np.arange(0, q_dense + 1),
                                   np.arange(q_dense, n_sites // 2 + 1, q_step)]))
    inst = ns_q_quench(model, np.arange(0.0, t_max + 1e-9, 5.0))
    dyn = ns_q_dynamic(model, q_index=qi, t_max=t_max, dt=0.02, sample_every=50)
    arrays = {"inst_times": inst.times, "inst_q": inst.q, "inst_ns": inst.ns, "inst_dia": inst.dia,
              "inst_dia_inst": inst.dia_inst, "dyn_times": dyn.times, "dyn_q": dyn.q,
              "dyn_ns": dyn.ns, "dyn_dia": dyn.dia, "dyn_delta": dyn.delta.real}
    if growth:
        g = kspace_growth(n_sites=n_sites, hopping=model.hopping, lambda_i=model.lambda_i,
                          lambda_f=model.lambda_f, q_index=qi[qi > 0], t_max=t_max, dt=0.02,
                          sample_every=50)
        arrays.update(growth_times=g.times, growth_q=g.q, growth_amp=g.amp)
    if out is not None:
        out = Path(out)
        out.mkdir(parents=True, exist_ok=True)
        np.savez_compressed(out / f"ns_q_{band}_N{n_sites}.npz", **arrays,
                            model=json.dumps(model.as_dict()))
    return arrays


if __name__ == "__main__":
    import sys
    for b in sys.argv[1:] or ["main_text", "appendix_c"]:
        run_band(b, out="results/ring_map")
