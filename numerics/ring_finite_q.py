r"""Finite-q instability of the homogeneous post-quench state: linear response in k space.

The clean ring after the quench stays homogeneous: per k a 2×2 Nambu density matrix ρ_k(t),
iρ̇_k = [h_k, ρ_k], h_k = ξ_k τ3 + Δ τ+ + Δ* τ−, ξ_k = 2J cos k, Δ(t) = −λ_f N⁻¹Σ_k ρ_k,12
(the pseudospin dynamics of Appendix C's ring; k = 2πn/N).  A perturbation of wavevector q
lives in the blocks X_k = δρ_{k+q,k}; with Ψ_i = N^{-1/2}Σ_k e^{iki}Ψ_k a local field
c e^{iqi} M couples Ψ_{k+q} to Ψ_k with amplitude cM, so the linearised (C1)–(C2) close in
the sector q (a q-shifted pairing channel):

    i Ẋ_k = h_{k+q} X_k − X_k h_k + δH ρ_k − ρ_{k+q} δH,
    δH = a τ+ + b̄ τ− + v τ3,
    a = −λ N⁻¹Σ_k X_k,01   (e^{iqi} part of δΔ_i),
    b̄ = −λ N⁻¹Σ_k X_k,10   (e^{iqi} part of δΔ_i*),
    v = s λ/2 · N⁻¹Σ_k (X_k,00 − X_k,11)   (Hartree, sign s of :mod:`numerics.ring_model`).

A phase modulation Δ_i → Δ_i e^{iθ_i} of the state, θ_i = θ_q e^{iqi} + c.c., enters as
X_k = (iθ_q/2)(τ3ρ_k − ρ_{k+q}τ3).  The growth rate γ(q) of the order-parameter fluctuation
|δΔ_q| = (|a|² + |b̄|²)^{1/2} (slope of its logarithm over a time window) marks the unstable q
band; its maximum gives the fastest-growing wavelength 2π/q*.  On the ring the same
quantities are read off the Fourier transform of Δ_i(t) − ⟨Δ⟩ after a small random phase
seed (:func:`ring_growth`); the two routes share no code beyond the band and λ.
Integrator: classical RK4 on (ρ_k, X_k) jointly (dt ≤ 0.02/J; error checked by halving dt).
Cf. Dzero, Yuzbashyan, Altshuler, EPL 85, 20004 (2009): a uniform oscillating Δ(t) is
parametrically unstable to pairs ±q.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from floquetsym.params import require, require_finite, require_int

__all__ = ["GrowthResult", "kspace_growth", "ring_growth", "fit_rates"]


@dataclass(frozen=True)
class GrowthResult:
    """|δΔ_q(t)| per q: ``q`` (n_q,), ``times`` (n_t,), ``amp`` (n_t, n_q), ``delta`` (n_t,)
    the homogeneous Δ(t) (k-space route) or ⟨Δ_i⟩ (ring)."""

    q: np.ndarray
    times: np.ndarray
    amp: np.ndarray
    delta: np.ndarray

    def rates(self, t0: float, t1: float) -> np.ndarray:
        return fit_rates(self.times, self.amp, t0, t1)

    def fastest(self, t0: float, t1: float) -> tuple[float, float]:
        """(q*, γ(q*)) of the largest growth rate over [t0, t1]."""
        r = self.rates(t0, t1)
        k = int(np.nanargmax(r))
        return float(self.q[k]), float(r[k])


def fit_rates(times, amp, t0: float, t1: float) -> np.ndarray:
    """Least-squares slope of log amp over t0 ≤ t ≤ t1, per column."""
    m = (times >= t0) & (times <= t1)
    require(m.sum() >= 3, "window", (t0, t1), "containing at least 3 samples")
    t = times[m]
    y = np.log(np.maximum(amp[m], 1e-300))
    tc = t - t.mean()
    return (tc @ (y - y.mean(axis=0))) / (tc @ tc)


def rk4_pair(rhs, rho, X, dt):
    """One classical Runge–Kutta step of the coupled pair (ρ, X) with ``rhs(ρ, X) → (ρ̇, Ẋ)``
    (the linearised q-sector dynamics here and in :mod:`numerics.ring_q`)."""
    k1 = rhs(rho, X)
    k2 = rhs(rho + 0.5 * dt * k1[0], X + 0.5 * dt * k1[1])
    k3 = rhs(rho + 0.5 * dt * k2[0], X + 0.5 * dt * k2[1])
    k4 = rhs(rho + dt * k3[0], X + dt * k3[1])
    return (rho + dt / 6 * (k1[0] + 2 * k2[0] + 2 * k3[0] + k4[0]),
            X + dt / 6 * (k1[1] + 2 * k2[1] + 2 * k3[1] + k4[1]))


def _thermal(xi, d0, temperature):
    e = np.hypot(xi, d0)
    th = np.ones_like(e) if temperature == 0 else np.tanh(e / (2 * temperature))
    rho = np.zeros((xi.size, 2, 2), complex)
    rho[:, 0, 0] = 0.5 * (1 - th * xi / np.where(e > 0, e, 1))
    rho[:, 1, 1] = 0.5 * (1 + th * xi / np.where(e > 0, e, 1))
    rho[:, 0, 1] = rho[:, 1, 0] = -0.5 * th * d0 / np.where(e > 0, e, 1)
    return rho


def kspace_growth(*, n_sites: int, hopping: float, lambda_i: float, lambda_f: float,
                  q_index, t_max: float, dt: float = 0.02, temperature: float = 0.0,
                  hartree: int = 0, seed: int = 0, sample_every: int = 10,
                  theta: float = 1e-8, theta_sites=None) -> GrowthResult:
    """Linearised dynamics of the sectors q = 2π·``q_index``/N around the homogeneous quench.

    Initial perturbation: a random phase modulation (seeded) of amplitude ``theta`` in every
    sector, or the modulation θ_i = ``theta_sites`` (real, per site: θ_q = N⁻¹Σ_i θ_i e^{−iqi}).
    Returns |δΔ_q(t)| (linear, so ``theta`` only sets the scale).
    """
    n = require_int("n_sites", n_sites, lo=4)
    dt, t_max = require_finite("dt", dt), require_finite("t_max", t_max)
    require(0 < dt <= 0.05, "dt", dt, "in (0, 0.05]")
    qi = np.atleast_1d(np.asarray(q_index, dtype=int))
    require(bool(np.all((qi >= 1) & (qi <= n // 2))), "q_index", qi, f"in [1, {n // 2}]")
    from .bdg1d_static import uniform_gap
    k = 2 * np.pi * np.arange(n) / n
    xi = 2 * hopping * np.cos(k)
    d0 = uniform_gap(n, hopping, lambda_i, temperature)
    rho = _thermal(xi, d0, temperature)
    shift = (np.arange(n)[None, :] + qi[:, None]) % n                  # index of k + q
    xiq = xi[shift]
    rng = np.random.default_rng(seed)
    if theta_sites is None:
        th = theta * (rng.standard_normal(qi.size) + 1j * rng.standard_normal(qi.size))
    else:
        ts = np.asarray(theta_sites, dtype=float)
        require(ts.shape == (n,), "theta_sites", ts.shape, f"({n},)")
        th = np.fft.fft(ts)[qi] / n
    t3 = np.diag([1.0, -1.0])
    X = 0.5j * th[:, None, None, None] * (t3 @ rho[None] - rho[shift] @ t3)
    rho = np.moveaxis(rho, 0, -1).reshape(4, n)                     # components 00, 01, 10, 11
    X = np.moveaxis(X, 1, -1).reshape(qi.size, 4, n).transpose(1, 0, 2)
    lam, s = lambda_f, hartree

    def rhs(rho, X):
        r00, r01, r10, r11 = rho
        D = -lam * r01.mean()
        Db = np.conj(D)
        drho = -1j * np.array([D * r10 - r01 * Db, 2 * xi * r01 + D * (r11 - r00),
                               Db * (r00 - r11) - 2 * xi * r10, Db * r01 - r10 * D])
        x00, x01, x10, x11 = X
        a = -lam * x01.mean(axis=1)[:, None]
        bb = -lam * x10.mean(axis=1)[:, None]
        v = 0.5 * s * lam * (x00 - x11).mean(axis=1)[:, None]
        q00, q01, q10, q11 = r00[shift], r01[shift], r10[shift], r11[shift]
        return drho, -1j * np.array([
            xiq * x00 + D * x10 - x00 * xi - x01 * Db + v * r00 + a * r10 - q00 * v - q01 * bb,
            xiq * x01 + D * x11 - x00 * D + x01 * xi + v * r01 + a * r11 - q00 * a + q01 * v,
            Db * x00 - xiq * x10 - x10 * xi - x11 * Db + bb * r00 - v * r10 - q10 * v - q11 * bb,
            Db * x01 - xiq * x11 - x10 * D + x11 * xi + bb * r01 - v * r11 - q10 * a + q11 * v])

    steps = int(round(t_max / dt))
    times, amp, dels = [], [], []

    def record(t, rho, X):
        a = -lam * X[1].mean(axis=1)
        bb = -lam * X[2].mean(axis=1)
        times.append(t)
        amp.append(np.sqrt(np.abs(a) ** 2 + np.abs(bb) ** 2))
        dels.append(-lam * rho[1].mean())

    record(0.0, rho, X)
    for i in range(1, steps + 1):
        rho, X = rk4_pair(rhs, rho, X, dt)
        if i % sample_every == 0 or i == steps:
            record(i * dt, rho, X)
    return GrowthResult(q=2 * np.pi * qi / n, times=np.array(times), amp=np.array(amp),
                        delta=np.array(dels))


def ring_growth(params, *, t_max: float | None = None, theta: float = 1e-8, seed: int = 0,
                sample_every: int = 10) -> GrowthResult:
    """The clean ring (:class:`numerics.bdg1d_batch.BatchStepper`, no disorder) after a random
    phase seed of size ``theta``: |δΔ_q(t)| = (|a_q|² + |a_{−q}|²)^{1/2} from the FFT of
    Δ_i − ⟨Δ⟩, for q = 2πm/N, m = 1..N/2."""
    from dataclasses import replace

    from .bdg1d_batch import BatchStepper
    p = replace(params, disorder_width=0.0, t_max=params.t_max if t_max is None else t_max)
    n = p.n_sites
    st = BatchStepper(p, seeds=[seed], phase_noise=theta, noise_seeds=[seed])
    st.start()
    times, amp, dels = [], [], []
    m = np.arange(1, n // 2 + 1)

    def record():
        dl = st.delta()[0]
        f = np.fft.fft(dl - dl.mean()) / n            # a_q: coefficient of e^{iqi}, q = 2πm/N
        times.append(st.t)
        amp.append(np.sqrt(np.abs(f[m]) ** 2 + np.abs(f[(-m) % n]) ** 2))
        dels.append(dl.mean())

    record()
    while st.n_step < p.n_steps:
        st.advance(min(sample_every, p.n_steps - st.n_step))
        record()
    return GrowthResult(q=2 * np.pi * m / n, times=np.array(times), amp=np.array(amp),
                        delta=np.array(dels))
