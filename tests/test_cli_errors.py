"""One error path for the command line, output files and worker processes.

User errors (paths, permissions, ranges) → one line naming the argument, exit 2; internal
errors → traceback + a line asking for a report, exit 1; outputs 0644 under umask 022;
``--workers`` honoured; ``--out DIR/`` writes into DIR."""
import concurrent.futures as cf
import importlib
import os
import stat
import subprocess
import sys

import pytest

from floquetsym.app.cli import main

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
EQ = ["scan", "equilibrium", "--gamma", "0.01,0.1", "--executor", "serial"]


def _cli(*argv, env=None, umask=None):
    cmd = [sys.executable, "-m", "floquetsym", *argv]
    preexec = (lambda: os.umask(umask)) if umask is not None else None
    return subprocess.run(cmd, capture_output=True, text=True, timeout=300, cwd=ROOT,
                          env=env, preexec_fn=preexec)


def _one_line(proc, code=2):
    lines = [ln for ln in proc.stderr.splitlines() if ln.strip()]
    assert proc.returncode == code, proc.stderr
    assert len(lines) == 1 and "Traceback" not in proc.stderr, proc.stderr
    return lines[0]


@pytest.fixture
def afile(tmp_path):
    f = tmp_path / "afile"
    f.write_text("x")
    return f


@pytest.mark.parametrize("where", ["under-file", "proc", "proc-readonly", "empty"])
@pytest.mark.parametrize("cmd", ["scan", "reproduce"])
def test_bad_out_paths_one_line_naming_out(cmd, where, afile, tmp_path):
    out = {"under-file": str(afile / "x"), "proc": "/proc/x/out",
           "proc-readonly": "/proc/self/out", "empty": ""}[where]
    argv = [*EQ, "--out", out] if cmd == "scan" else ["reproduce", "--only", "fig2a", "--out",
                                                      out, "--no-progress"]
    line = _one_line(_cli(*argv))
    assert line.startswith("floquetsym: error: --out=")


def test_read_only_folder(tmp_path):
    ro = tmp_path / "ro"
    ro.mkdir()
    os.chmod(ro, 0o500)
    try:
        if os.access(ro, os.W_OK):
            pytest.skip("running as a user who may write into read-only folders (root)")
        line = _one_line(_cli(*EQ, "--out", str(ro / "eq")))
        assert "--out=" in line and "cannot write" in line
    finally:
        os.chmod(ro, 0o700)


def test_unknown_panel_leaves_no_folder(tmp_path):
    line = _one_line(_cli("reproduce", "--only", "nosuchpanel", "--out", str(tmp_path / "new")))
    assert "nosuchpanel" in line and not (tmp_path / "new").exists()


@pytest.mark.parametrize("cache", ["/proc/x", "file", "/proc/self"])
def test_unusable_cache_folder_one_warning_and_a_result(cache, afile):
    env = dict(os.environ, FLOQUETSYM_CACHE_DIR=str(afile) if cache == "file" else cache)
    env.pop("FLOQUETSYM_NO_CACHE", None)
    proc = _cli("ns", "--order", "0", "--gamma", "0.1", "--backend", "symbolic", env=env)
    line = _one_line(proc, code=0)
    assert line.startswith("floquetsym: warning: kernel cache folder")
    assert "n_s^(0)" in proc.stdout


def test_internal_error_keeps_traceback_and_asks_for_report(monkeypatch, capsys):
    mod = importlib.import_module("floquetsym.app.commands.ns")

    def broken(args):
        raise RuntimeError("a bug")
    monkeypatch.setattr(mod, "run", broken)
    assert main(["ns"]) == 1
    err = capsys.readouterr().err
    assert "Traceback" in err and "RuntimeError: a bug" in err
    assert err.strip().splitlines()[-1].startswith("floquetsym: internal error")
    assert "please report" in err


def test_html_report_has_no_raw_markdown(tmp_path):
    from floquetsym.app.panels import Claim, Panel, PanelOutput
    from floquetsym.app.reproduce import Done, write_report
    out = PanelOutput(claims=[Claim("a **bold** claim", "1 ± 0", "> 0", True)],
                      notes="**note** with `code`")
    write_report(tmp_path, [Done(Panel("p", "t", None), out, "", 1.0)], [], quick=True,
                 elapsed=1.0, interrupted=True)
    html = (tmp_path / "report.html").read_text()
    assert "**" not in html and "<strong>Interrupted: partial report.</strong>" in html
    assert "<strong>note</strong>" in html and "<code>code</code>" in html


def test_output_modes_follow_umask(tmp_path):
    proc = _cli(*EQ, "--out", str(tmp_path / "eq"), umask=0o022)
    assert proc.returncode == 0, proc.stderr
    for suffix in (".csv", ".npz", ".json", ".png", ".journal.jsonl"):
        mode = stat.S_IMODE(os.stat(tmp_path / f"eq{suffix}").st_mode)
        assert mode == 0o644, (suffix, oct(mode))


def test_out_folder_with_trailing_slash(tmp_path):
    proc = _cli(*EQ, "--out", str(tmp_path / "dir") + "/")
    assert proc.returncode == 0, proc.stderr
    assert (tmp_path / "dir" / "equilibrium.csv").exists()
    assert not (tmp_path / "dir.csv").exists()
    assert str(tmp_path / "dir" / "equilibrium.csv") in proc.stdout


def test_workers_option_reaches_the_process_pool(monkeypatch, tmp_path):
    import numerics.sweeps as sw
    seen = []

    class Recording(cf.ProcessPoolExecutor):
        def __init__(self, max_workers=None, **kw):
            seen.append(max_workers)
            super().__init__(max_workers=max_workers, **kw)
    monkeypatch.setattr(sw.cf, "ProcessPoolExecutor", Recording)
    assert main(["scan", "equilibrium", "--gamma", "0.01,0.02,0.03", "--workers", "1",
                 "--out", str(tmp_path / "eq")]) == 0
    assert seen == [1]


def _pid(**_):
    return {"pid": float(os.getpid())}


def test_one_worker_requested_one_spawned():
    from numerics.sweeps import sweep
    res = sweep(_pid, [{"x": float(i)} for i in range(6)], max_workers=1)
    assert len({r["pid"] for r in res.rows}) == 1
    assert res.rows[0]["pid"] != os.getpid()
    with pytest.raises(ValueError, match="max_workers"):
        sweep(_pid, [{"x": 0.0}], max_workers=0)


def test_code_hash_follows_the_source(tmp_path, monkeypatch):
    from numerics.sweeps import code_hash
    (tmp_path / "mod_h18.py").write_text("def f(**kw):\n    return {'y': 1.0}\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    import mod_h18
    h1 = code_hash(mod_h18.f)
    (tmp_path / "mod_h18.py").write_text("def f(**kw):\n    return {'y': 2.0}\n")
    assert code_hash(mod_h18.f) != h1
    from floquetsym.app.scan import ns_point, pairs_point
    assert code_hash(ns_point) == code_hash(pairs_point)       # same module, same library


@pytest.mark.parametrize("argv, name", [
    (["ns", "--rtol", "1e300"], "rtol"),
    (["scan", "equilibrium", "--gamma", "0.01:0.1:100000000", "--out", "{tmp}/x"], "range"),
    (["scan", "equilibrium", "--gamma", "0.01:0.1:1000", "--T", "0:1:1001", "--out", "{tmp}/x"],
     "grid"),
])
def test_tolerance_and_grid_size_bounds(argv, name, tmp_path):
    line = _one_line(_cli(*[a.replace("{tmp}", str(tmp_path)) for a in argv]))
    assert line.startswith(f"floquetsym: error: {name}")
    assert not list(tmp_path.iterdir())
