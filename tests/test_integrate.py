"""Tests of the breakpoint-aware adaptive Gauss–Kronrod integrator (floquetsym.integrate)."""
import numpy as np
import pytest

from floquetsym.integrate import graded_panels, integrate_real_line
from floquetsym.result import ConvergenceWarning


@pytest.mark.parametrize("gamma", [1e-2, 1e-4, 1e-6])
def test_lorentzians_at_breakpoints(gamma):
    """Σ Lorentzians of width γ at the breakpoints integrate to their number (closed form)."""
    centres = np.array([-1.0, 0.3, 2.0])

    def f(w):
        return sum(gamma / np.pi / ((w - c) ** 2 + gamma ** 2) for c in centres) + 0j

    q = integrate_real_line(f, centres, width=gamma / 2, rtol=1e-10)
    assert q.converged
    assert abs(q.value[0] - 3.0) < 1e-9
    assert abs(q.value[0] - 3.0) <= q.error[0]          # the error estimate is honest
    assert q.n_passes <= 8      # graded panels resolve γ up front: no log2(1/γ) bisection passes


def test_power_law_tails_and_vector_integrand():
    """Tails |ω|→∞ by the u = L/ω map: ∫ dω/(1+ω²)^2 = π/2 and ∫ ω² e^{-ω²} = √π/2, together."""
    def f(w):
        return np.stack([1 / (1 + w ** 2) ** 2, w ** 2 * np.exp(-w ** 2) + 1j / (1 + w ** 2)], axis=-1)

    q = integrate_real_line(f, [0.0], width=0.1, rtol=1e-11)
    assert q.value[0] == pytest.approx(np.pi / 2, rel=1e-11)
    assert q.value[1] == pytest.approx(np.sqrt(np.pi) / 2 + 1j * np.pi, rel=1e-11)


def test_budget_exhausted_warns():
    """An unresolvable integrand (a kink not at a breakpoint, tiny budget) warns, never lies."""
    def f(w):
        return np.abs(np.sin(37.0 * w)) / (1 + w ** 2) + 0j

    with pytest.warns(ConvergenceWarning, match="not converged"):
        q = integrate_real_line(f, [], width=1.0, rtol=1e-12, max_panels=60)
    assert not q.converged
    assert q.error[0] > 1e-12 * abs(q.value[0])


def test_graded_panels_resolve_width():
    e = graded_panels(0.0, 1.0, 1e-4)
    assert e[0] == 0.0 and e[-1] == 1.0 and np.all(np.diff(e) > 0)
    assert e[1] - e[0] == pytest.approx(1e-4) and e[-1] - e[-2] == pytest.approx(1e-4)
    assert np.max(np.diff(e)) <= 0.5
    d = np.diff(e)
    assert d[2:6] / d[1:5] == pytest.approx(np.full(4, 3.0))   # geometric grading


@pytest.mark.parametrize("kw", [{"width": 0.0}, {"width": -1.0}, {"width": np.nan}])
def test_bad_width(kw):
    with pytest.raises(ValueError, match="width"):
        integrate_real_line(lambda w: w + 0j, [0.0], **kw)


def test_graded_panels_accepts_an_integer_ratio():
    """An int ratio gives the same panels as the float (no silent int64 overflow)."""
    assert np.array_equal(graded_panels(0.0, 0.5, 0.01, ratio=3), graded_panels(0.0, 0.5, 0.01, ratio=3.0))
