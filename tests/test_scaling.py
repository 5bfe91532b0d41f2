"""Scaling laws of n_s near ω0 = 2Δ and the fitting code (floquetsym.scaling)."""
import numpy as np
import pytest

from floquetsym import DriveParams
from floquetsym.scaling import detuning_data, fit, local_exponents, resonance_gamma_data


def test_fit_recovers_known_power_law_and_ci(rng):
    x = np.geomspace(1e-3, 1e-1, 12)
    y = -0.7 * x ** -1.3 * np.exp(1e-3 * rng.standard_normal(x.size))
    f = fit(x, y)
    assert f.contains(-1.3) and f.ci[1] - f.ci[0] < 0.01
    assert f.constant == pytest.approx(-0.7, rel=1e-2)
    g = fit(x, 2.0 - 0.25 * np.log(x), law="log")
    assert g.exponent == pytest.approx(-0.25, abs=1e-12) and g.constant == pytest.approx(2.0)


@pytest.mark.parametrize("bad", [dict(x=[1, 2], y=[1, 2]), dict(x=[1, -2, 3], y=[1, 2, 3]),
                                 dict(x=[1, 2, 3], y=[1, -2, 3]), dict(x=[1, 2, 3], y=[1, 2, 3], law="exp")])
def test_fit_bad_input(bad):
    with pytest.raises(ValueError):
        fit(**bad)


def test_ns2_resonance_exponent_minus_one():
    """(a) n_s^(2)/n_s^(0) at ω0 = 2Δ, T = 0: fit over γ ∈ [1e-3, 1e-2]Δ is within 0.05 of the
    converged local exponent (measured at γ = 1e-5Δ: −1 to 1e-3), and negative (paper: −θ²/Δγ)."""
    d = resonance_gamma_data(np.geomspace(1e-3, 1e-2, 5))
    f = fit(d["gamma"], d["ratio"])
    dc = resonance_gamma_data([1e-5, 2e-5])
    converged = local_exponents(dc["gamma"], dc["ratio"])[0]
    assert converged == pytest.approx(-1.0, abs=1e-3)
    assert abs(f.exponent - converged) < 0.05
    assert f.constant < 0 and np.all(d["ratio"] < 0)
    # γ·n_s^(2)/n_s^(0) → −θ²/(4Δ) (the −1/8 of n_s^(2) over n_s^(0) = Δ/2)
    assert dc["ratio"][0] * 1e-5 == pytest.approx(-0.25, rel=1e-3)


def test_ns1_resonance_log_gamma():
    """(b) |n_s^(1)|/n_s^(0) at 2Δ is linear in ln γ: successive slopes per ln γ agree and Re n_s^(1)
    tends to the slope −θ/(2πΔ) (ratio), while Im n_s^(1) → θ/8 stays finite."""
    g = np.array([1e-6, 1e-5, 1e-4])
    d = resonance_gamma_data(g, order=1)
    re = np.real(d["value"]) / d["ns0"]
    slopes = np.diff(re) / np.diff(np.log(g))
    assert slopes == pytest.approx(-1 / (2 * np.pi), rel=2e-3)
    assert np.imag(d["value"][0]) == pytest.approx(0.125, rel=1e-3)
    f = fit(g, d["ratio"], law="log")
    assert f.exponent < 0 and f.contains(np.diff(d["ratio"])[0] / np.diff(np.log(g))[0])


def test_detuning_replaces_gamma():
    """(c) at δ = 2Δ − ω0 > 0 and γ → 0, n_s^(2) ∝ −δ^(−1)."""
    d = detuning_data(np.geomspace(3e-3, 3e-2, 4))
    f = fit(d["delta"], d["value"])
    assert np.all(d["value"] < 0)
    assert f.exponent == pytest.approx(-1.0, abs=0.05)


def test_detuning_bad_input():
    with pytest.raises(ValueError, match="delta"):
        detuning_data([2.5], base=DriveParams(theta=1.0))


@pytest.mark.slow
def test_ns2_matches_floquet_solver_small_theta():
    """n_s[0](θ) − n_s^(0) from the non-perturbative Floquet solver (independent code)
    equals θ² n_s^(2) + O(θ⁴): the ratio → 1 like θ² (Richardson-extrapolated to 1 ± 1e-4);
    likewise n_s[1]/θn_s^(1) and n_s[2]/θ²n_s^(2)[2]."""
    import warnings

    from floquetsym import superfluid_density
    from floquetsym.floquet import floquet_solve
    from floquetsym.result import ConvergenceWarning
    ratios = []
    for th in (0.04, 0.02):
        p = DriveParams(omega0=1.5, gamma=0.05, theta=th)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            r = floquet_solve(p).ns_harmonics((0, 1, 2), tol=1e-8)
        n0 = superfluid_density(p, order=0).value
        ratios.append([(r[0].value - n0) / superfluid_density(p, order=2).value,
                       r[1].value / superfluid_density(p, order=1).value,
                       r[2].value / superfluid_density(p, order=2, harmonic=2).value])
    ratios = np.array(ratios)
    assert np.all(np.abs(ratios - 1) < 2e-3)
    extrap = (4 * ratios[1] - ratios[0]) / 3
    assert np.all(np.abs(extrap - 1) < 1e-4)


def test_plots_draw_data_and_fit():
    import matplotlib.pyplot as plt

    from floquetsym.app.plots import plot_fig2b, plot_fig2c, plot_scaling
    x = np.geomspace(1e-3, 1e-2, 4)
    f = fit(x, -0.25 / x)
    ax = plot_scaling(f, xlabel="γ", ylabel="-ratio")
    line = ax.get_lines()[-1]
    assert np.allclose(line.get_ydata(), np.abs(f.predict(line.get_xdata())))
    assert ax.get_xscale() == "log" and ax.get_yscale() == "log"
    axes = plot_fig2b(DriveParams(theta=0.2), omega=np.linspace(-3, 3, 61))
    fig = axes[0].figure                 # order 0 and occupied LDOS left, θ² term on a twin axis
    assert len(axes) == 3 and all(len(a.get_lines()) == 2 for a in axes)
    assert sum(len(a.get_lines()) for a in fig.axes) == 9 and len(fig.axes) == 6
    axes = plot_fig2c(np.array([1.0, 2.0]), np.array([-0.1, -1.0]), np.array([0.1 + 0.01j, 0.2 + 0.1j]),
                      theta=0.2, gamma=0.01)
    assert np.allclose(axes[0].get_lines()[0].get_ydata(), [-0.1, -1.0])
    plt.close("all")


def test_resonance_ratio_independent_of_temperature():
    """At ω0 = 2Δ the 1/γ law of n_s^(2)/n_s^(0) → −θ²/(4Δγ) holds at T > 0 too (measured:
    n_s^(2) carries the same tanh(Δ/2T) as n_s^(0))."""
    for T in (0.1, 0.3):
        d = resonance_gamma_data([1e-5], base=DriveParams(theta=1.0, omega0=2.0, temperature=T))
        assert d["ratio"][0] * 1e-5 == pytest.approx(-0.25, rel=1e-3)
