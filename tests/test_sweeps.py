"""Sweeps: identical numbers on every executor, resume after an interruption."""
import concurrent.futures as cf
import functools

import numpy as np
import pytest

from floquetsym.conventions import ns0_bcs
from floquetsym.app.scan import equilibrium_point, scan
from numerics.sweeps import grid, parse_range, sweep

POINTS = grid(gamma=[1e-3, 3e-3, 1e-2, 3e-2], temperature=[0.0, 0.3])


def test_equilibrium_point_limits():
    # independent closed forms: gamma -> 0 gives Delta/2 tanh(Delta/2T); first correction -gamma/pi at T=0
    for T in (0.0, 0.3):
        r = equilibrium_point(gamma=1e-4, temperature=T)
        assert r["ns0"] == pytest.approx(ns0_bcs(1.0, T), rel=1e-3)
    r = equilibrium_point(gamma=1e-3)
    assert r["ns0"] - 0.5 == pytest.approx(-1e-3 / np.pi, rel=1e-2)


def test_thread_process_identical():
    with cf.ThreadPoolExecutor(2) as ex:
        a = sweep(equilibrium_point, POINTS, executor=ex)
    with cf.ProcessPoolExecutor(2) as ex:
        b = sweep(equilibrium_point, POINTS, executor=ex)
    assert a.rows == b.rows                     # bit-identical, in point order
    assert a.to_csv_text() == b.to_csv_text()


def test_dask_identical():
    distributed = pytest.importorskip("distributed")
    with cf.ThreadPoolExecutor(2) as ex:
        a = sweep(equilibrium_point, POINTS, executor=ex)
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=None) as cluster, \
            distributed.Client(cluster) as client:
        b = sweep(equilibrium_point, POINTS, executor=client.get_executor())
    assert a.rows == b.rows


def test_interrupt_and_resume_gives_same_file(tmp_path):
    with cf.ThreadPoolExecutor(1) as ex:
        ref = sweep(equilibrium_point, POINTS, executor=ex, out=tmp_path / "ref")
    calls = []

    @functools.wraps(equilibrium_point)
    def flaky(**kw):
        if len(calls) == 3:
            raise KeyboardInterrupt
        calls.append(kw)
        return equilibrium_point(**kw)

    with cf.ThreadPoolExecutor(1) as ex, pytest.raises(KeyboardInterrupt):
        sweep(flaky, POINTS, executor=ex, out=tmp_path / "run")
    assert not (tmp_path / "run.csv").exists()
    journal = (tmp_path / "run.journal.jsonl").read_text().splitlines()
    assert len(journal) == 1 + 3                  # header + three finished points
    # a kill in the middle of a journal line: that point is simply recomputed
    (tmp_path / "run.journal.jsonl").write_text("\n".join(journal) + '\n{"key": "trunc')
    calls.clear()

    @functools.wraps(equilibrium_point)
    def counting(**kw):
        calls.append(kw)
        return equilibrium_point(**kw)

    with cf.ThreadPoolExecutor(1) as ex:
        res = sweep(counting, POINTS, executor=ex, out=tmp_path / "run")
    assert len(calls) == len(POINTS) - 3          # finished points skipped
    assert (tmp_path / "run.csv").read_bytes() == (tmp_path / "ref.csv").read_bytes()
    assert res.rows == ref.rows
    data = np.load(tmp_path / "run.npz")
    assert np.array_equal(data["ns0"], ref.column("ns0"))
    import json
    side = json.loads((tmp_path / "run.json").read_text())
    assert {"version", "git_revision", "points"} <= set(side)


def test_scan_writes_csv_png(tmp_path):
    with cf.ThreadPoolExecutor(2) as ex:
        res = scan("equilibrium", gamma="1e-3:1e-1:5:log", temperature="0,0.3", executor=ex,
                   out=tmp_path / "eq")
    assert len(res.points) == 10
    png = (tmp_path / "eq.png").read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    ns = res.column("ns0")
    # n_s^(0) decreases with broadening at fixed T (Dynes smearing removes condensate weight)
    assert np.all(np.diff(ns[::2]) < 0) and np.all(np.diff(ns[1::2]) < 0)


@pytest.mark.parametrize("bad", ["1:2", "a:b:3", "1:2:0", "-1:2:3:log", "1:2:3:lin", "nan"])
def test_parse_range_rejects(bad):
    with pytest.raises(ValueError, match="range"):
        parse_range(bad)


def test_scan_validates_before_running():
    with pytest.raises(ValueError, match="gamma"):
        scan("equilibrium", gamma="-1,0.1", executor=cf.ThreadPoolExecutor(1))
    with pytest.raises(ValueError, match="quantity"):
        scan("nope", gamma=0.1)


def _label_point(*, x, band="flat", scale=1.0):
    return {"y": x * scale, "twice": 2.0 * x}


def test_points_with_different_fields_are_written(tmp_path):
    """Points need not share their fields (e.g. a 1D-band run among flat-band ones): the files
    carry the union of the fields, a missing number as NaN, a missing text as empty."""
    pts = [{"x": 1.0, "band": "tb1d", "scale": 3.0}, {"x": 2.0}]
    with cf.ThreadPoolExecutor(1) as ex:
        res = sweep(_label_point, pts, executor=ex, out=tmp_path / "m")
    assert [r["y"] for r in res.rows] == [3.0, 2.0]
    head, first, second = (tmp_path / "m.csv").read_text().splitlines()
    assert head.split(",") == ["x", "band", "scale", "y", "twice"]
    assert second.split(",") == ["2.0", "", "", "2.0", "4.0"]
    z = np.load(tmp_path / "m.npz")
    assert list(z["band"]) == ["tb1d", ""]
    assert z["scale"][0] == 3.0 and np.isnan(z["scale"][1])
