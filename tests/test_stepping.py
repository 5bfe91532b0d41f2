"""One stepper protocol for numerics (numerics.stepping): every stepper starts, steps and runs
the same way, rejects unknown keywords, and its run() is its own step() repeated."""
import ast
import math
import warnings
from pathlib import Path

import numpy as np
import pytest

import numerics
from floquetsym.result import ConvergenceWarning
from numerics import bdg1d, kadanoff_baym, kb_full, pseudospin, stepping
from numerics.kb_model import KBParams

ROOT = Path(__file__).resolve().parents[1]
KB = KBParams(lam_i=0.3, lam_f=0.5, lam_ph=0.1, omega_d=0.35, gamma_el=0.02, n_xi=12, dt=0.1,
              t_prep=1.0, t_ramp=0.6, t_max=1.0, temperature=0.01)
RING = bdg1d.BdG1DParams(n_sites=12, disorder_width=1.0, seed=2, t_max=1.0, dt=0.05,
                         sample_every=100)


def _quiet(f, *a, **kw):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)        # tiny grids: deliberate
        return f(*a, **kw)


def _steppers():
    grid = pseudospin.xi_grid(5.0, 40)
    return {
        "driven": lambda **kw: pseudospin.DrivenDissipative(grid, theta=0.1, omega0=2.0,
                                                            gamma=0.05, **kw),
        "closed": lambda **kw: pseudospin.ClosedBCS(grid, coupling=0.4, dt=0.05, **kw),
        "ring": lambda **kw: bdg1d.BdG1DStepper(RING, **kw),
        "gkba": lambda **kw: _quiet(kadanoff_baym.GKBAStepper, KB, **kw),
        "full": lambda **kw: _quiet(kb_full.FullKBStepper, KB, **kw),
    }


@pytest.mark.parametrize("name", sorted(_steppers()))
def test_unknown_keyword_is_a_type_error_naming_it(name):
    make = _steppers()[name]
    with pytest.raises(TypeError, match="no_such_option"):
        make(no_such_option=1)


def test_module_run_functions_reject_unknown_keywords():
    with pytest.raises(TypeError, match="no_such_option"):
        kadanoff_baym.run(KB, no_such_option=1)
    with pytest.raises(TypeError, match="no_such_option"):
        bdg1d.run(RING, no_such_option=1)
    with pytest.raises(ValueError, match="with_ns"):          # a GKBA option for the full solver
        kadanoff_baym.run(KB, mode="full", with_ns=False)
    with pytest.raises(ValueError, match="iters"):            # a full-solver option for the GKBA
        kadanoff_baym.run(KB, iters=3)


@pytest.mark.parametrize("name", sorted(_steppers()))
def test_step_advances_by_dt_and_returns_observables_at_the_new_time(name):
    st = _steppers()[name]()
    st.start()
    t0 = st.t
    first = _quiet(st.step)
    second = _quiet(st.step)
    dt = second["t"] - first["t"]
    assert first["t"] == pytest.approx(t0 + dt) and dt > 0
    assert st.n == 2 and st.t == pytest.approx(second["t"])
    assert len(first) > 1                                       # t and at least one observable


def test_kb_run_is_its_steps_repeated():
    for cls in (kadanoff_baym.GKBAStepper, kb_full.FullKBStepper):
        ref = _quiet(cls(KB).run)
        st = _quiet(cls, KB)
        st.start()
        obs = [_quiet(st.step) for _ in range(st.S - 1)]
        assert np.array_equal([o["delta"] for o in obs], ref.delta[1:])
        assert np.array_equal([o["ns"] for o in obs], ref.ns[1:])
        assert np.array_equal([o["t"] for o in obs], ref.times[1:])


def test_ring_run_is_its_steps_repeated():
    ref = bdg1d.run(RING)                                       # samples at t = 0 and t_max only
    st = bdg1d.BdG1DStepper(RING)
    st.start()
    for _ in range(RING.n_steps):
        out = st.step()
    assert out["t"] == pytest.approx(RING.t_max)
    assert st.delta().tobytes() == ref.delta[-1].tobytes()
    assert out["delta_mid"].shape == (RING.n_sites,)


def test_pseudospin_steps_agree_with_advance_to():
    make = _steppers()["closed"]
    a, b = make(), make()
    a.start(), b.start()
    for _ in range(20):
        a.step()
    b.advance_to(20 * b.dt)
    assert np.max(np.abs(a.S - b.S)) < 1e-12


def test_progress_bar_and_fixed_grid_times():
    r0 = _quiet(kadanoff_baym.run, KB)
    r1 = _quiet(kadanoff_baym.run, KB, progress=True)
    assert r0.delta.tobytes() == r1.delta.tobytes()
    with pytest.raises(ValueError, match="times"):
        _quiet(kadanoff_baym.GKBAStepper(KB).run, [0.0, 1.0])
    with pytest.raises(ValueError, match="t0"):
        _quiet(kadanoff_baym.GKBAStepper(KB).start, t0=0.0)      # the grid starts at −t_prep


def test_drive_cadence():
    log = []
    done = stepping.drive(lambda: log.append("u"), total=7, done=2, every=2,
                          save=lambda: log.append("s"), callback=lambda: log.append("c"))
    assert done == 7
    # units 3..7: saves after the 4th and 6th unit, and after the last (7 is not a multiple)
    assert "".join(log) == "uc" + "usc" + "uc" + "usc" + "uc" + "s"
    log.clear()
    stepping.drive(lambda: log.append("u"), total=4, every=2, save=lambda: log.append("s"))
    assert "".join(log) == "uusuus"                             # last unit saved once
    with pytest.raises(ValueError, match="checkpoint_every"):
        stepping.drive(lambda: None, total=1, every=0, save=lambda: None)


def test_first_difference_names_the_field():
    got = {"kind": "a", "params": {"lam_f": 0.5, "dt": 0.1}}
    assert stepping.first_difference(got, {"kind": "a", "params": {"dt": 0.1}}) is None
    assert "params.lam_f" in stepping.first_difference(got, {"params": {"lam_f": 0.45}})
    assert "kind" in stepping.first_difference({}, {"kind": "a"})
    assert stepping.first_difference({"x": [1, 2]}, {"x": (1, 2)}) is None   # JSON round trip


def test_public_face_and_names():
    for name in numerics.__all__:
        assert getattr(numerics, name) is not None
    assert numerics.run_kb is kadanoff_baym.run and numerics.run_bdg1d is bdg1d.run
    assert numerics.RingEquilibrium is not numerics.MatsubaraEquilibrium
    assert numerics.RingEquilibrium.__name__ != numerics.MatsubaraEquilibrium.__name__


def test_kb_full_does_not_import_the_gkba_module():
    tree = ast.parse((ROOT / "numerics" / "kb_full.py").read_text())
    mods = {getattr(n, "module", None) for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)}
    mods |= {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
    assert not any(m and "kadanoff_baym" in m for m in mods)


def test_parameter_dataclasses_are_frozen():
    for obj in (KB, RING, pseudospin.DrivenDissipativeParams(theta=0.1, omega0=2.0, gamma=0.1),
                pseudospin.ClosedBCSParams(coupling=0.3), kadanoff_baym.GKBAOptions(),
                kb_full.FullKBOptions()):
        with pytest.raises(AttributeError):
            obj.dt = 1.0  # noqa: B010
    assert math.isclose(pseudospin.ClosedBCS(pseudospin.xi_grid(5.0, 40),
                                             pseudospin.ClosedBCSParams(coupling=0.3),
                                             dt=0.1).dt, 0.1)
