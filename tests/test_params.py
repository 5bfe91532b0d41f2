import math

import numpy as np
import pytest

from floquetsym import DriveParams
from floquetsym import conventions as cv


@pytest.mark.parametrize("field,bad", [
    ("gamma", 0.0), ("gamma", -1e-3), ("delta", 0.0), ("delta", -1.0), ("omega0", 0.0),
    ("omega0", -2.0), ("theta", -0.1), ("temperature", -0.01), ("gamma", math.nan),
    ("delta", math.inf), ("theta", "0.1"), ("omega0", True),
])
def test_bad_params_name_the_field(field, bad):
    with pytest.raises(ValueError, match=field):
        DriveParams(**{field: bad})


def test_params_frozen_and_floats():
    p = DriveParams(delta=1, theta=0, omega0=2, gamma=1e-2)
    assert isinstance(p.delta, float)
    with pytest.raises(AttributeError):
        p.delta = 2.0


def test_equilibrium_closed_forms(rng):
    w = rng.uniform(-3, 3, 50)
    for gamma in (1e-2, 1e-4):
        gr = cv.g_retarded(w, 1.0, gamma)
        ga = cv.g_advanced(w, 1.0, gamma)
        # g^R g^R = 1, g^A = -tau3 (g^R)^dagger tau3
        assert np.allclose(gr @ gr, np.eye(2), atol=1e-10)
        assert np.allclose(ga, -cv.TAU3 @ np.conj(np.swapaxes(gr, -1, -2)) @ cv.TAU3, atol=1e-12)
        # retarded: g^R -> tau3 far above the gap, analytic in the UHP (Im s > 0)
        assert np.all(cv.s_retarded(w, 1.0, gamma).imag > 0)
        assert np.allclose(cv.g_retarded(np.array([1e6]), 1.0, gamma)[0], cv.TAU3, atol=1e-5)
        assert np.allclose(cv.g_advanced(np.array([1e6]), 1.0, gamma)[0], -cv.TAU3, atol=1e-5)
        assert np.allclose(cv.dynes_dos(w, 1.0, gamma), gr[:, 0, 0].real)
