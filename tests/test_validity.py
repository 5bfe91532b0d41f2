"""Validity domains: over log-spaced extremes (1e-12 … 1e12 Δ) of γ, θ, ω0 and T every public
function either agrees with a closed form / independent route, or refuses with a ValueError
naming the parameter — never a silent wrong number."""
import math
import subprocess
import sys
import warnings

import mpmath as mp
import numpy as np
import pytest

from floquetsym.app.scan import equilibrium_point
from floquetsym.heating import gap_correction
from floquetsym.observables import superfluid_density
from floquetsym.pairs import pair_excitations, pair_excitations_asymptote
from floquetsym.params import DriveParams
from floquetsym.validity import DOMAINS

EXTREMES = [10.0 ** k for k in range(-12, 13, 3)]          # 1e-12, 1e-9, …, 1e12
BASE = dict(theta=0.05, omega0=1.5, gamma=1e-2, temperature=0.0)


def _params(**kw):
    return DriveParams(**(BASE | kw))


def _in_domain(fn, field, value):
    lo, hi = DOMAINS[fn].get(field, (None, None))
    return (lo is None or value >= lo) and (hi is None or value <= hi)


def _quiet(f, *a, **kw):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return f(*a, **kw)


def ns0_dynes_t0(g, d=1.0):
    """Closed form at T = 0: n_s^(0) = Δ/2 − (Δ/π) arctan(γ/Δ)."""
    return d / math.pi * math.atan2(d, g)


def ns0_dynes_reference(g, T, d=1.0):
    """Independent route at T > 0: the Lorentzian form (Δ/2π)∫tanh((Δ+γ tanφ)/2T)dφ in mpmath
    (30 digits), split at the φ of ω = 0, ±Δ and around ω ~ T."""
    mp.mp.dps = 30
    g, T, d = mp.mpf(g), mp.mpf(T), mp.mpf(d)
    f = lambda phi: mp.tanh((d + g * mp.tan(phi)) / (2 * T))      # noqa: E731
    cuts = sorted({mp.atan2(w - d, g) for w in (0, d, -d, T, -T, 10 * T, -10 * T)})
    pts = [-mp.pi / 2, *cuts, mp.pi / 2]
    return float(d / (2 * mp.pi) * mp.quad(f, pts))


def _check(fn, field, value, compute, expected=None, rel=1e-6):
    """``compute()`` raises ValueError naming ``field`` outside the domain; inside it agrees
    with ``expected`` (within ``rel`` or the reported error) or is at least finite."""
    if not _in_domain(fn, field, value):
        with pytest.raises(ValueError, match=field):
            compute()
        return None
    value_, error = compute()
    assert math.isfinite(value_) and math.isfinite(error) and error >= 0
    if expected is not None:
        assert abs(value_ - expected) <= max(rel * abs(expected), 3 * error), (value_, expected, error)
    return value_


# ------------------------------------------------------------------ superfluid_density

def _ns(order, **kw):
    def compute():
        r = _quiet(superfluid_density, _params(**kw), order=order)
        return r.value, r.error
    return compute


@pytest.mark.parametrize("g", EXTREMES)
def test_ns0_gamma_extremes_closed_form_or_refusal(g):
    _check("superfluid_density", "gamma", g, _ns(0, gamma=g), ns0_dynes_t0(g))


@pytest.mark.parametrize("T", EXTREMES)
def test_ns0_temperature_extremes_independent_route(T):
    _check("superfluid_density", "temperature", T, _ns(0, temperature=T),
           ns0_dynes_reference(1e-2, T), rel=1e-7)


@pytest.mark.parametrize("w0", EXTREMES)
def test_ns_omega0_extremes(w0):
    # order 0 does not depend on ω0; order 2 at ω0 ≪ γ is the quasi-static response
    # (θ²/4) ∂²n_s^(0)/∂Δ² = θ²γ³/(2π(Δ²+γ²)²) (T = 0), derived from the closed form above
    _check("superfluid_density", "omega0", w0, _ns(0, omega0=w0), ns0_dynes_t0(1e-2), rel=1e-8)
    g, th = 1e-2, 0.05
    quasi_static = th ** 2 * g ** 3 / (2 * math.pi * (1 + g * g) ** 2)
    _check("superfluid_density", "omega0", w0, _ns(2, omega0=w0),
           quasi_static if w0 <= 1e-6 else None, rel=1e-3)


@pytest.mark.parametrize("g", [g for g in EXTREMES if g >= 1 or g < 1e-8])
def test_ns2_gamma_extremes_quasi_static(g):
    # γ ≫ ω0: quasi-static θ²γ³/(2π(Δ²+γ²)²); at γ = 1e6 the old code gave 1.19e-14 ± 2e-15
    # against 3.98e-10
    th, w0 = 0.05, 1e-6 * min(g, 1.0)
    quasi_static = th ** 2 * g ** 3 / (2 * math.pi * (1 + g * g) ** 2)
    _check("superfluid_density", "gamma", g, _ns(2, gamma=g, omega0=w0), quasi_static, rel=1e-3)


@pytest.mark.parametrize("th", EXTREMES + [1e200])
def test_ns_theta_extremes_exact_theta_scaling(th):
    # the θ^k term is the θ-independent coefficient times θ^k (exact), or a refusal
    ref = _quiet(superfluid_density, _params(theta=1.0), order=2).value
    _check("superfluid_density", "theta", th, _ns(2, theta=th), ref * th ** 2 if th < 1e100 else None,
           rel=1e-12)


# ------------------------------------------------------------------ pair_excitations

def _pairs(**kw):
    def compute():
        r = _quiet(pair_excitations, _params(**kw))
        return r.value, r.error
    return compute


@pytest.mark.parametrize("g", EXTREMES)
def test_pairs_gamma_extremes(g):
    th = BASE["theta"]
    if g >= 1e3:       # γ ≫ Δ, ω0: 2θ²∫dξ/(γ² + 4ξ²) = πθ²/γ, corrections O((Δ + ω0)/γ)
        _check("pair_excitations", "gamma", g, _pairs(gamma=g), math.pi * th ** 2 / g, rel=3e-3)
    elif g <= 1e-6:    # resonant small-γ series of Eq. (D1), derived symbolically
        ref = pair_excitations_asymptote(_params(gamma=g, omega0=2.0), n_terms=4)
        _check("pair_excitations", "gamma", g, _pairs(gamma=g, omega0=2.0), ref, rel=1e-6)
    else:
        _check("pair_excitations", "gamma", g, _pairs(gamma=g))


@pytest.mark.parametrize("w0", EXTREMES)
def test_pairs_omega0_extremes(w0):
    # ω0 ≫ Δ, γ: the peak at ξ = ±ω0/2 has weight 2θ²·π/γ (ξ²/(ξ²+Δ²) → 1)
    ref = 2 * math.pi * BASE["theta"] ** 2 / BASE["gamma"] if w0 >= 1e3 else None
    _check("pair_excitations", "omega0", w0, _pairs(omega0=w0), ref, rel=1e-4)


@pytest.mark.parametrize("th", EXTREMES + [1e200])
def test_pairs_theta_extremes(th):
    ref = _quiet(pair_excitations, _params(theta=1.0)).value
    _check("pair_excitations", "theta", th, _pairs(theta=th), ref * th ** 2 if th < 1e100 else None,
           rel=1e-12)


@pytest.mark.parametrize("T", EXTREMES)
def test_pairs_temperature_extremes(T):
    _check("pair_excitations", "temperature", T, _pairs(temperature=T))


# ------------------------------------------------------------------ equilibrium_point

def _eq(**kw):
    def compute():
        r = equilibrium_point(**kw)
        return r["ns0"], r["ns0_error"]
    return compute


@pytest.mark.parametrize("g", EXTREMES + [1e-300])
def test_equilibrium_gamma_extremes_closed_form(g):
    # old code: 0.437 ± 3.5e-9 at γ = 1e-8 (exact 0.5), 8.8e-298 at γ = 1e-300
    _check("equilibrium_point", "gamma", g, _eq(gamma=g), ns0_dynes_t0(g), rel=1e-12)


@pytest.mark.parametrize("T", EXTREMES)
@pytest.mark.parametrize("g", [1e-9, 1e-2, 1e3])
def test_equilibrium_temperature_extremes_independent_route(T, g):
    expected = ns0_dynes_reference(g, T) if T <= 1e12 else None
    _check("equilibrium_point", "temperature", T, _eq(gamma=g, temperature=T), expected, rel=1e-9)


def test_equilibrium_routes_agree_where_both_apply():
    from floquetsym.app.scan import _equilibrium_lorentzian, _params as scan_params
    for g in (1e-5, 1e-4, 1e-2, 1.0, 1e3):
        for T in (0.0, 1e-3, 0.3, 10.0):
            a = equilibrium_point(gamma=g, temperature=T)
            b = _equilibrium_lorentzian(scan_params(gamma=g, temperature=T))
            assert abs(a["ns0"] - b["ns0"]) <= a["ns0_error"] + b["ns0_error"] + 1e-13 * b["ns0"]


# ------------------------------------------------------------------ gap_correction

@pytest.mark.parametrize("g", [1e-12, 1e-9, 2.0 + 1e-9, 1e3])
def test_gap_correction_refuses_outside_cutoff_model(g):
    with pytest.raises(ValueError, match="gamma"):
        gap_correction(_params(gamma=g), omega_co=20.0)


def test_bad_params_object_named():
    with pytest.raises(ValueError, match="p="):
        pair_excitations(None)


# ------------------------------------------------------------------ command line

def _cli(*argv, cwd=None):
    return subprocess.run([sys.executable, "-m", "floquetsym", *argv], capture_output=True,
                          text=True, timeout=300, cwd=cwd)


def test_cli_equilibrium_scan_small_gamma(tmp_path):
    out = _cli("scan", "equilibrium", "--gamma", "1e-8", "--executor", "serial", "--out",
               str(tmp_path / "eq"))
    assert out.returncode == 0, out.stderr
    ns0 = float((tmp_path / "eq.csv").read_text().splitlines()[1].split(",")[3])
    assert ns0 == pytest.approx(ns0_dynes_t0(1e-8), rel=1e-14)


@pytest.mark.parametrize("argv, name", [
    (("ns", "--order", "0", "--gamma", "1e8"), "gamma"),
    (("ns", "--theta", "1e200"), "theta"),
    (("ns", "--omega0", "1e300"), "omega0"),
    (("scan", "ns", "--theta", "1e200", "--out", "{tmp}/s"), "theta"),
    (("scan", "pairs", "--theta", "1e200", "--out", "{tmp}/s"), "theta"),
    (("scan", "equilibrium", "--gamma", "1e300", "--out", "{tmp}/s"), "gamma"),
])
def test_cli_out_of_domain_one_line(argv, name, tmp_path):
    out = _cli(*[a.replace("{tmp}", str(tmp_path)) for a in argv])
    lines = [ln for ln in out.stderr.splitlines() if ln.strip()]
    assert out.returncode == 2 and len(lines) == 1, out.stderr
    assert lines[0].startswith(f"floquetsym: error: {name}=")
    assert not list(tmp_path.iterdir())          # refused before anything was written


# ------------------------------------------------------------------ floquet_solve

@pytest.mark.parametrize("kw, name", [(dict(omega0=1e-3), "omega0"), (dict(omega0=1e-12), "omega0"),
                                      (dict(theta=1e3), "theta"), (dict(theta=1e12), "theta")])
def test_floquet_solve_refuses_truncations_that_cannot_fit(kw, name):
    # old code: MemoryError (900 GiB at ω0 = 1e-3) or a multi-minute hang
    from floquetsym import floquet_solve
    with pytest.raises(ValueError, match=f"^{name}="):
        floquet_solve(DriveParams(**kw))
