r"""Validity domains: the parameter ranges where each public function's numerics are accurate.

Every public function that takes a :class:`~floquetsym.params.DriveParams` checks it against
its domain here and raises a ``ValueError`` naming the parameter and the allowed range outside
it, instead of returning a number that could be wrong.  Ranges are in units of Δ (``delta``);
a bound ``None`` means unbounded on that side.  Each bound was set where the function was
measured against a closed form or an independent route (docs/validity.md lists the numbers):

* ``superfluid_density`` / ``ldos`` / ``scan_ns``: γ ∈ [1e-8, 1e4]Δ (below, the γ-wide
  features sit within ~1e4 ulp of the breakpoints; above 1e4Δ the order-0 value drifts from
  Δ/2 − (Δ/π)arctan(γ/Δ) — 2.5e-4 relative at 1e6Δ, sign-wrong at 1e8Δ — and the order-2
  value from its γ ≫ Δ form θ²γ³/(2π(Δ²+γ²)²) by 3e4 at 1e6Δ); ω0 ≤ 1e4Δ (the quadrature
  scale follows ω0: at ω0 = 1e6Δ the order-2 error bar is 4e5 times the value);
  θ ≤ 1e6Δ (the θ^k term is the computed coefficient times θ^k; beyond 1e6Δ it is no longer
  a perturbative correction of anything and θ^k overflows near 1e154Δ).
* ``pair_excitations``: γ ≤ 1e6Δ (at 1e9Δ the value is negative, 1e-20, against the γ ≫ Δ
  form πθ²/γ = 7.9e-12), ω0 ≤ 1e6Δ, θ ≤ 1e6Δ.
* ``gap_correction``: γ ∈ [1e-8Δ, ω_co/10] (the App. D cut-off model needs γ ≪ ω_co),
  θ ≤ 1e6Δ.
* ``equilibrium_point`` (application layer): γ ≤ 1e12Δ, T ≤ 1e12Δ.
* ``floquet_solve``: the truncation M ≤ 400 (``floquet.MAX_HARMONICS``; the default M grows
  like (Δ + 2θ + 4max(ω0, Δ))/ω0 + 2θ/ω0 and asked for 900 GiB at ω0 = 1e-3Δ), refused as
  ``omega0``/``n_harmonics``; γ ≳ 1e3Δ is refused by the existing window check (``n_central``).
* every function: Δ ∈ [1e-100, 1e100] (so that squares and inverses of every energy stay
  inside double precision).
"""
from __future__ import annotations

from .params import require

__all__ = ["DOMAINS", "check_domain", "DELTA_RANGE"]

#: absolute range of Δ accepted by every function
DELTA_RANGE = (1e-100, 1e100)

#: function -> {field: (lo, hi)} in units of Δ; None = unbounded
DOMAINS: dict[str, dict[str, tuple[float | None, float | None]]] = {
    "superfluid_density": {"gamma": (1e-8, 1e4), "omega0": (None, 1e4), "theta": (None, 1e6)},
    "ldos": {"gamma": (1e-8, 1e4), "omega0": (None, 1e4), "theta": (None, 1e6)},
    "pair_excitations": {"gamma": (None, 1e6), "omega0": (None, 1e6), "theta": (None, 1e6)},
    "gap_correction": {"gamma": (1e-8, None), "theta": (None, 1e6)},
    "equilibrium_point": {"gamma": (None, 1e12), "temperature": (None, 1e12)},
}


def check_domain(function: str, p, **extra: tuple[float, float | None, float | None]) -> None:
    """Raise ``ValueError`` unless every field of ``p`` lies in ``DOMAINS[function]``.

    ``extra``: further bounds ``name=(value, lo, hi)`` in absolute units (e.g. a γ bound
    that depends on a cut-off)."""
    lo_d, hi_d = DELTA_RANGE
    require(lo_d <= p.delta <= hi_d, "delta", p.delta, f"in [{lo_d:g}, {hi_d:g}]")
    for field, (lo, hi) in DOMAINS[function].items():
        v = getattr(p, field)
        if lo is not None:
            require(v >= lo * p.delta, field, v, f">= {lo:g}*delta in {function} "
                    "(the range where its numerics are verified; docs/validity.md)")
        if hi is not None:
            require(v <= hi * p.delta, field, v, f"<= {hi:g}*delta in {function} "
                    "(the range where its numerics are verified; docs/validity.md)")
    for name, (v, lo, hi) in extra.items():
        if lo is not None:
            require(v >= lo, name, v, f">= {lo:g} in {function} (docs/validity.md)")
        if hi is not None:
            require(v <= hi, name, v, f"<= {hi:g} in {function} (docs/validity.md)")
