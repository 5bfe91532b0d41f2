"""Each symbol, matrix and the reservoir self-energy is defined once (floquetsym.conventions)."""
import numpy as np
import pytest
import sympy as sp

from floquetsym import conventions as cv


def test_one_theta_and_one_set_of_pauli_matrices():
    from floquetsym import keldysh, pairs_symbolic
    assert keldysh.theta is pairs_symbolic.theta is cv.symbolic().theta
    assert keldysh.Delta is pairs_symbolic.Delta and keldysh.TAU1 is pairs_symbolic.T1
    for k in range(4):
        num = np.array(cv.pauli(k, "sympy").tolist(), dtype=complex)
        assert np.array_equal(num, cv.pauli(k))
        assert np.allclose(cv.pauli(k) @ cv.pauli(k), np.eye(2))
    # τ1 τ2 = i τ3
    assert np.allclose(cv.TAU1 @ cv.TAU2, 1j * cv.TAU3)
    with pytest.raises(ValueError, match="k="):
        cv.pauli(4)


def test_reservoir_is_retarded_and_consistent():
    w = np.array([-1.3, 0.2, 2.5])
    g = 0.07
    assert np.allclose(cv.reservoir_z(w, g, "R"), w + 1j * g)
    assert np.allclose(cv.reservoir_z(w, g, "A"), np.conj(cv.reservoir_z(w, g, "R")))
    # Σ^K = Σ^R h − h Σ^A
    h = cv.distribution(w, 0.3)
    assert np.allclose(cv.sigma_keldysh(w, g, 0.3), (cv.sigma_reservoir(g, "R") - cv.sigma_reservoir(g, "A")) * h)
    # long double kept, SymPy gives sympy.I
    assert cv.reservoir_z(w.astype(np.longdouble), g).dtype == np.clongdouble
    s = cv.symbolic()
    assert cv.reservoir_z(s.omega, s.gamma, "A") == s.omega - sp.I * s.gamma
    with pytest.raises(ValueError, match="side"):
        cv.reservoir_z(w, g, "K")


def test_hierarchy_is_the_function():
    import floquetsym
    from floquetsym import hierarchy
    assert callable(hierarchy) and hierarchy is floquetsym.hierarchy
    assert hierarchy(order=1)[1, 1].R.shape == (2, 2)
