"""Faults and edge cases of the numerics runs: runs end exactly at t_max, a normal ring has no
winding number, a too-coarse dt for a strong quench is flagged, a finished run extends to a
longer t_max, a foreign or corrupted checkpoint is refused naming the field, and a KB run and
a BdG run killed by SIGINT or SIGKILL at random points resume to byte-identical outputs."""
import os
import signal
import subprocess
import sys
import time
import warnings
from pathlib import Path

import numpy as np
import pytest

from floquetsym.result import ConvergenceWarning
from numerics import bdg1d, kadanoff_baym, pseudospin
from numerics.checkpoint import CheckpointError, load_checkpoint
from numerics.kb_model import KBParams

ROOT = Path(__file__).resolve().parents[1]
KB = dict(lam_i=0.3, lam_f=0.5, lam_ph=0.1, omega_d=0.35, gamma_el=0.05, n_xi=24, dt=0.1,
          t_prep=2.0, t_ramp=1.0, temperature=0.005)
KB_SERIES = ("times", "delta", "ns", "ns_dia", "ns_para", "density", "ns_boundary")
RING = dict(n_sites=16, disorder_width=1.0, seed=3, sample_every=5)
RING_SERIES = ("times", "delta", "energy", "particle_number", "winding", "step_times",
               "bond_slips", "min_abs", "max_phase_step", "slip_events")


def _quiet(f, *a, **kw):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)        # small ξ grids: deliberate
        return f(*a, **kw)


def _same(a, b, names):
    for name in names:
        x, y = np.asarray(getattr(a, name)), np.asarray(getattr(b, name))
        assert x.shape == y.shape and x.tobytes() == y.tobytes(), name


# ------------------------------------------------------------------ runs end at t_max
@pytest.mark.parametrize("make", [lambda: bdg1d.BdG1DParams(t_max=1.0, dt=0.3),
                                  lambda: bdg1d.BdG1DParams(t_max=0.01, dt=0.05),
                                  lambda: KBParams(t_max=1.05, dt=0.1),
                                  lambda: KBParams(t_prep=40.05, dt=0.1)])
def test_t_max_off_the_step_grid_is_refused(make):
    with pytest.raises(ValueError, match=r"(t_max|t_prep)=.*dt=0\.(3|05|1)"):
        make()


def test_runs_end_exactly_at_t_max():
    r = bdg1d.run(**RING, t_max=0.9, dt=0.3 / 4)
    assert r.times[-1] == pytest.approx(0.9, abs=1e-12) and r.step_times.size == 1 + 12
    k = _quiet(kadanoff_baym.run, **KB, t_max=1.1)
    assert k.times[-1] == pytest.approx(1.1, abs=1e-12)


# ------------------------------------------------------------------ normal ring: no winding
@pytest.mark.parametrize("kw", [dict(n_sites=31), dict(n_sites=33),
                                dict(n_sites=16, temperature=50.0),
                                dict(n_sites=16, lambda_i=0.0, lambda_f=0.0)])
def test_normal_ring_reports_no_winding(kw):
    # odd clean rings have no level at ξ = 0 and no gap at λ = 1.2; T ≫ T_c; λ = 0
    r = bdg1d.run(**kw, t_max=0.5, sample_every=2)
    assert np.all(r.mean_abs < 1e-12)                    # Δ ≡ 0 up to round-off
    assert not r.phase_defined.any()
    assert np.all(r.winding == 0) and r.summary()["final_winding"] is None
    with pytest.raises(ValueError, match="delta"):
        bdg1d.winding_number(r.delta[-1])


def test_superconducting_ring_keeps_its_winding():
    r = bdg1d.run(**RING, t_max=0.5)
    assert r.phase_defined.all() and r.summary()["final_winding"] == 0
    n = 16
    assert bdg1d.winding_number(0.3 * np.exp(2j * np.pi * 2 * np.arange(n) / n)) == 2


# ------------------------------------------------------------------ dt against a strong quench
def test_huge_quench_warns_about_the_time_step():
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        r = bdg1d.run(**RING, lambda_f=100.0, t_max=0.5)
    assert any(issubclass(w.category, ConvergenceWarning) and "2·max|Δ_i|·dt" in str(w.message)
               and "dt=0.05" in str(w.message) for w in caught), [str(w.message) for w in caught]
    assert r.meta["pair_phase_per_step"] > 1                   # sampled Δ_i, after the quench
    quiet = bdg1d.run(**RING, t_max=0.5)                 # the ordinary quench: no warning
    assert quiet.meta["pair_phase_per_step"] < 0.1
    with pytest.raises(ValueError, match="dt"):
        _quiet(kadanoff_baym.run, **{**KB, "lam_f": 100.0}, t_max=1.0)


# ------------------------------------------------------------------ extension to a longer t_max
def test_finished_ring_run_extends_to_a_longer_t_max(tmp_path):
    ck = tmp_path / "ring.npz"
    long = bdg1d.run(**RING, t_max=2.0)
    short = bdg1d.run(**RING, t_max=1.0, checkpoint=ck)          # 1.0 is a sample time
    assert short.times[-1] == 1.0
    ext = bdg1d.run(**RING, t_max=2.0, checkpoint=ck)
    assert ext.meta["resumed_from_step"] == 20
    _same(ext, long, RING_SERIES)
    with pytest.raises(ValueError, match="t_max"):
        bdg1d.run(**RING, t_max=1.5, checkpoint=ck)             # shorter than the file


@pytest.mark.parametrize("lam_ph", [0.0, 0.1])
def test_finished_kb_run_extends_to_a_longer_t_max(tmp_path, lam_ph):
    ck = tmp_path / "kb.npz"
    long = _quiet(kadanoff_baym.run, **{**KB, "lam_ph": lam_ph}, t_max=2.0)
    _quiet(kadanoff_baym.run, **{**KB, "lam_ph": lam_ph}, t_max=1.0, checkpoint=ck)
    ext = _quiet(kadanoff_baym.run, **{**KB, "lam_ph": lam_ph}, t_max=2.0, checkpoint=ck)
    assert ext.meta["resumed_from_step"] == 30
    if lam_ph == 0:                       # constant (Born) kernel: the same arithmetic
        _same(ext, long, KB_SERIES)
    else:                                 # the phonon kernel's nodes grow with t_max
        for name in KB_SERIES:
            assert np.max(np.abs(getattr(ext, name) - getattr(long, name))) < 1e-12, name
    with pytest.raises(ValueError, match="t_max"):
        _quiet(kadanoff_baym.run, **{**KB, "lam_ph": lam_ph}, t_max=0.5, checkpoint=ck)


# ------------------------------------------------------------------ foreign / corrupted files
def test_foreign_checkpoint_is_refused_naming_the_field(tmp_path):
    kb_ck, ring_ck, ps_ck = tmp_path / "kb.npz", tmp_path / "ring.npz", tmp_path / "ps.npz"
    _quiet(kadanoff_baym.run, **KB, t_max=0.5, checkpoint=kb_ck)
    bdg1d.run(**RING, t_max=0.5, checkpoint=ring_ck)
    with pytest.raises(ValueError, match=r"params\.lam_f"):
        _quiet(kadanoff_baym.run, **{**KB, "lam_f": 0.45}, t_max=0.5, checkpoint=kb_ck)
    with pytest.raises(ValueError, match=r"options\.correctors"):
        _quiet(kadanoff_baym.run, **KB, t_max=0.5, checkpoint=kb_ck, correctors=2)
    with pytest.raises(ValueError, match="kind"):                 # a ring file for the KB
        _quiet(kadanoff_baym.run, **KB, t_max=0.5, checkpoint=ring_ck)
    with pytest.raises(ValueError, match="key"):                  # a KB file for the ring
        bdg1d.run(**RING, t_max=0.5, checkpoint=kb_ck)
    with pytest.raises(ValueError, match=r"key\.params\.seed"):
        bdg1d.run(**{**RING, "seed": 4}, t_max=0.5, checkpoint=ring_ck)
    with pytest.raises(ValueError, match="disorder_sha256"):
        bdg1d.run(**RING, t_max=0.5, checkpoint=ring_ck, disorder=np.zeros(16))
    grid = pseudospin.xi_grid(5.0, 20)
    t = np.linspace(0, 1, 5)
    pseudospin.ClosedBCS(grid, coupling=0.3, dt=0.05).run(t, checkpoint=ps_ck)
    with pytest.raises(ValueError, match=r"params\.coupling"):
        pseudospin.ClosedBCS(grid, coupling=0.31, dt=0.05).run(t, checkpoint=ps_ck)


@pytest.mark.parametrize("where", [0.3, 0.6, 0.9])
def test_corrupted_checkpoint_is_refused(tmp_path, where):
    ck = tmp_path / "ring.npz"
    bdg1d.run(**RING, t_max=0.5, checkpoint=ck)
    raw = bytearray(ck.read_bytes())
    raw[int(len(raw) * where)] ^= 0x5A
    ck.write_bytes(bytes(raw))
    with pytest.raises(CheckpointError, match=str(ck.name)):
        bdg1d.run(**RING, t_max=0.5, checkpoint=ck)


# ------------------------------------------------------------------ SIGINT / SIGKILL, resume
RUNNER = r'''
import sys, warnings
import numpy as np
warnings.simplefilter("ignore")
which, ck, out = sys.argv[1:4]
if which == "kb":
    from numerics.kadanoff_baym import run
    r = run(lam_i=0.3, lam_f=0.5, lam_ph=0.1, omega_d=0.35, gamma_el=0.05, n_xi=32, dt=0.1,
            t_prep=4.0, t_ramp=2.0, t_max=40.0, checkpoint=ck or None, checkpoint_every=7)
    names = ("times", "delta", "ns", "ns_dia", "ns_para", "density", "ns_boundary")
else:
    from numerics.bdg1d import run
    r = run(n_sites=32, disorder_width=1.0, seed=1, t_max=100.0, sample_every=9,
            checkpoint=ck or None, checkpoint_every=13)
    names = ("times", "delta", "energy", "particle_number", "winding", "step_times",
             "bond_slips", "slip_events", "min_abs", "max_phase_step")
np.savez(out, **{k: getattr(r, k) for k in names})
print("resumed_from", r.meta["resumed_from_step"])
'''


def _launch(script, which, ck, out):
    env = {**os.environ, "PYTHONPATH": str(ROOT), "OPENBLAS_NUM_THREADS": "1",
           "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
    return subprocess.Popen([sys.executable, str(script), which, str(ck), str(out)], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


@pytest.mark.parametrize("which", ["kb", "bdg"])
def test_random_sigint_and_sigkill_then_resume_is_byte_identical(tmp_path, which):
    script = tmp_path / "runner.py"
    script.write_text(RUNNER)
    ref_out, out, ck = tmp_path / "ref.npz", tmp_path / "out.npz", tmp_path / "ck.npz"
    t0 = time.perf_counter()
    p = _launch(script, which, "", ref_out)
    assert p.wait(timeout=300) == 0, p.stderr.read()
    t_ref = time.perf_counter() - t0
    rng = np.random.default_rng(18 + len(which))
    kills = []
    for attempt in range(8):
        p = _launch(script, which, ck, out)
        sig = (signal.SIGINT, signal.SIGKILL)[attempt % 2]
        delay = float(rng.uniform(0.15, 0.9)) * t_ref
        try:
            p.wait(timeout=delay)
        except subprocess.TimeoutExpired:
            p.send_signal(sig)
            p.wait(timeout=60)
            kills.append((sig.name, round(delay, 2)))
            continue
        break
    else:
        p = _launch(script, which, ck, out)
        assert p.wait(timeout=300) == 0, p.stderr.read()
    stdout, stderr = p.communicate()
    assert p.returncode == 0, stderr
    resumed_from = stdout.split()[-1]
    print(which, "reference", round(t_ref, 2), "s; kills", kills, "; last run resumed from step",
          resumed_from)
    assert kills, "no run was interrupted: the kill times are too late"
    assert resumed_from != "None"              # the finishing run continued a killed one
    assert load_checkpoint(ck)[1]["format"]    # the file left behind is a valid checkpoint
    a, b = np.load(ref_out), np.load(out)
    assert sorted(a.files) == sorted(b.files)
    for k in a.files:
        assert a[k].tobytes() == b[k].tobytes(), (k, kills)
    assert ref_out.read_bytes() == out.read_bytes()
