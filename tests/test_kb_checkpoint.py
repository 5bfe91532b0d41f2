"""Checkpoint/resume of the GKBA solver (numerics.kb_checkpoint): a resumed run is bit-identical."""
import warnings

import numpy as np
import pytest

from floquetsym.result import ConvergenceWarning
from numerics.checkpoint import CheckpointError, load_checkpoint
from numerics.kadanoff_baym import GKBAStepper, KBParams, run

# phonons + disorder: every history (Ud, Xl, Z) is live; n_prep = 40, 100 steps in all
P = KBParams(lam_i=0.3, lam_f=0.5, lam_ph=0.1, omega_d=0.35, gamma_el=0.05, n_xi=24, dt=0.1,
             t_prep=4, t_ramp=2, t_max=6, temperature=0.005)
SERIES = ("times", "delta", "ns", "ns_dia", "ns_para", "density", "ns_boundary")


def _quiet(f, *a, **kw):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)      # 24 ξ points: deliberate
        return f(*a, **kw)


class _Killed(GKBAStepper):
    """Raises KeyboardInterrupt in the step after ``kill_at`` (as a user's Ctrl-C would)."""

    kill_at = 0

    def step(self):
        if self.n == self.kill_at:
            raise KeyboardInterrupt
        super().step()


def _assert_same(a, b):
    for name in SERIES:
        assert np.array_equal(getattr(a, name), getattr(b, name)), name


@pytest.fixture(scope="module")
def ref():
    return _quiet(run, P)


@pytest.mark.parametrize("every, kill_at, with_ns", [(20, 47, True), (15, 52, True),
                                                     (15, 52, False)])
def test_resume_after_interrupt_is_bit_identical(tmp_path, ref, every, kill_at, with_ns):
    ck = tmp_path / "kb.npz"
    base = ref if with_ns else _quiet(run, P, with_ns=False)
    st = _quiet(_Killed, P, with_ns=with_ns)
    st.kill_at = kill_at
    with pytest.raises(KeyboardInterrupt):
        st.run(checkpoint=ck, checkpoint_every=every)
    last = kill_at - kill_at % every               # the last multiple of `every` reached
    arrays, header = load_checkpoint(ck)
    assert header["n"] == last and header["params"] == P.as_dict()
    assert arrays["Xl"].shape[0] == last + 1       # only the meaningful history rows
    assert ("Z" in arrays) == with_ns
    res = _quiet(run, P, checkpoint=ck, checkpoint_every=every, with_ns=with_ns)
    assert res.meta["resumed"] and res.meta["resumed_from_step"] == last
    _assert_same(res, base)
    assert res.meta["self_consistency_residual"] == base.meta["self_consistency_residual"]
    assert np.array_equal(res.meta["rho_final"], base.meta["rho_final"])
    assert load_checkpoint(ck)[1]["n"] == P.n_steps               # written at the end
    again = _quiet(run, P, checkpoint=ck, with_ns=with_ns)         # finished: no steps
    assert again.meta["resumed_from_step"] == P.n_steps
    _assert_same(again, base)


def test_state_and_load_state_continue_bit_identically(ref):
    a = _quiet(GKBAStepper, P)
    a.start()
    for _ in range(33):
        a.step()
    arrays, header = a.state()
    arrays = {k: v.copy() for k, v in arrays.items()}
    b = _quiet(GKBAStepper, P)
    b.load_state(arrays, header)
    assert b.n == 33
    for _ in range(b.S - 1 - b.n):
        b.step()
    assert np.array_equal(b.delta, ref.delta)
    assert np.array_equal(b.obs["ns"], ref.ns)


def test_fresh_run_meta_and_default_interval(tmp_path, ref):
    ck = tmp_path / "kb.npz"
    res = _quiet(run, P, checkpoint=ck)             # default every 500 > 100 steps: end only
    assert res.meta["resumed"] is False and res.meta["resumed_from_step"] is None
    assert res.meta["checkpoint"] == str(ck)
    _assert_same(res, ref)
    assert load_checkpoint(ck)[1]["n"] == P.n_steps
    fresh = _quiet(run, P, checkpoint=ck, resume=False)             # resume=False: from scratch
    assert fresh.meta["resumed_from_step"] is None
    _assert_same(fresh, ref)


def test_clean_run_resumes_without_histories(tmp_path):
    p = KBParams(lam_i=0.3, lam_f=0.5, n_xi=24, dt=0.1, t_prep=2, t_ramp=1, t_max=3)
    base = _quiet(run, p)
    ck = tmp_path / "kb.npz"
    st = _quiet(_Killed, p)
    st.kill_at = 23
    with pytest.raises(KeyboardInterrupt):
        st.run(checkpoint=ck, checkpoint_every=10)
    assert not {"Ud", "Xl", "Z"} & set(load_checkpoint(ck)[0])
    res = _quiet(run, p, checkpoint=ck)
    assert res.meta["resumed_from_step"] == 20
    _assert_same(res, base)


@pytest.mark.parametrize("kw", [{"lam_f": 0.45}, {"gamma_el": 0.04}, {"correctors": 2},
                                {"endpoint_iters": 4}, {"with_ns": False}])
def test_other_params_or_options_refused(tmp_path, ref, kw):
    ck = tmp_path / "kb.npz"
    _quiet(run, P, checkpoint=ck)
    with pytest.raises(ValueError, match="checkpoint"):
        _quiet(run, P, checkpoint=ck, **kw)


def test_corrupted_checkpoint_raises(tmp_path):
    ck = tmp_path / "kb.npz"
    _quiet(run, P, checkpoint=ck)
    raw = bytearray(ck.read_bytes())
    raw[len(raw) // 2] ^= 0xFF                      # inside the stored history data
    ck.write_bytes(bytes(raw))
    with pytest.raises(CheckpointError):
        _quiet(run, P, checkpoint=ck)
    ck.write_bytes(b"not a checkpoint")
    with pytest.raises(CheckpointError):
        _quiet(run, P, checkpoint=ck)


def test_bad_options_raise(tmp_path):
    with pytest.raises(ValueError, match="checkpoint_every"):
        _quiet(run, P, checkpoint=tmp_path / "kb.npz", checkpoint_every=0)
    with pytest.raises(ValueError, match="checkpoint"):
        run(KBParams(n_xi=8, t_prep=1, t_ramp=1, t_max=1, mode="full"),
            checkpoint=tmp_path / "full.npz")
    assert not (tmp_path / "kb.npz").exists()
