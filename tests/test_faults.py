"""Fault injection for scans: SIGINT / SIGKILL at random points, then resume → the same bytes;
a corrupted, foreign or stale journal → a one-line refusal naming the field (``--force`` restarts).
"""
import json
import os
import signal
import subprocess
import sys
import time

import numpy as np
import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
N_POINTS = 24
SCAN = ["scan", "ns", "--order", "2", "--omega0", f"1.6:2.4:{N_POINTS}", "--gamma", "0.02",
        "--theta", "0.05"]
OUTPUTS = (".csv", ".npz", ".json", ".png")


def _env():
    env = dict(os.environ, PYTHONPATH=ROOT + os.pathsep + os.environ.get("PYTHONPATH", ""))
    env.pop("FLOQUETSYM_NO_CACHE", None)
    return env


def _cmd(stem, executor, *extra):
    return [sys.executable, "-m", "floquetsym", *SCAN, "--executor", executor, "--workers", "2",
            "--out", str(stem), *extra]


def _run(stem, executor="serial", *extra):
    return subprocess.run(_cmd(stem, executor, *extra), capture_output=True, text=True,
                          timeout=600, env=_env(), cwd=ROOT)


def _records(journal):
    if not journal.exists():
        return 0
    return max(0, journal.read_bytes().count(b"\n") - 1)        # minus the header line


@pytest.fixture(scope="module")
def reference(tmp_path_factory):
    stem = tmp_path_factory.mktemp("ref") / "ns"
    out = _run(stem)
    assert out.returncode == 0, out.stderr
    return {s: stem.with_name(stem.name + s).read_bytes() for s in OUTPUTS}


def _interrupt(stem, executor, sig, after, group=False):
    """Start the scan, send ``sig`` once ``after`` points are journaled; return the exit code."""
    journal = stem.with_name(stem.name + ".journal.jsonl")
    # SIGINT at its default in the child: a suite started in the background by a shell (``cmd &``)
    # inherits SIGINT ignored, and Python then installs no KeyboardInterrupt handler
    proc = subprocess.Popen(_cmd(stem, executor), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, env=_env(), cwd=ROOT, start_new_session=True,
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    deadline = time.time() + 300
    while _records(journal) < after and proc.poll() is None and time.time() < deadline:
        time.sleep(0.005)
    if group:
        os.killpg(proc.pid, sig)         # Ctrl-C in a terminal: the whole process group
    else:
        os.kill(proc.pid, sig)
    try:
        _, err = proc.communicate(timeout=120)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    if sig == signal.SIGKILL:            # its workers notice the parent's death by themselves
        time.sleep(2.0)
        try:
            os.killpg(proc.pid, 0)
            leftover = True
        except ProcessLookupError:
            leftover = False
        assert not leftover, "workers of the killed scan are still alive"
    else:
        assert "Traceback" not in err and err.strip().splitlines()[-1] == "floquetsym: interrupted", err
    return proc.returncode


@pytest.mark.parametrize("executor", ["serial", "process"])
@pytest.mark.parametrize("sig, group", [(signal.SIGINT, False), (signal.SIGINT, True),
                                        (signal.SIGKILL, False)],
                         ids=["SIGINT", "SIGINT-group", "SIGKILL"])
def test_kill_at_random_point_then_resume_is_byte_identical(tmp_path, reference, sig, group,
                                                            executor):
    rng = np.random.default_rng([int(sig), int(group), len(executor), 18])
    stem = tmp_path / "ns"
    for after in sorted(rng.integers(1, N_POINTS - 4, size=2)):
        code = _interrupt(stem, executor, sig, int(after), group)
        assert code == (130 if sig == signal.SIGINT else -signal.SIGKILL)
        assert after <= _records(_journal(stem)) < N_POINTS      # interrupted mid-scan
        assert not stem.with_name("ns.csv").exists()
    out = _run(stem, executor)
    assert out.returncode == 0, out.stderr
    for s in OUTPUTS:
        assert stem.with_name(stem.name + s).read_bytes() == reference[s], s
    lines = stem.with_name("ns.journal.jsonl").read_text().splitlines()
    keys = [json.loads(ln)["key"] for ln in lines[1:]]
    assert len(set(keys)) == N_POINTS                      # every point journaled once


def _journal(stem):
    return stem.with_name(stem.name + ".journal.jsonl")


@pytest.mark.parametrize("line, field", [
    ("{}", "'key'"),
    ("[1, 2]", "JSON list"),
    ('{"key": "abc", "code": "x"}', "'row'"),
    ('{"key": "abc", "code": "x", "row": {"ns": "NaN?"}}', "'row'"),
    ('{"key": 1, "code": "x", "row": {}}', "'key'"),
    ("not json at all", "not JSON"),
])
def test_corrupted_journal_refused_naming_the_field(tmp_path, reference, line, field):
    stem = tmp_path / "ns"
    assert _run(stem).returncode == 0
    j = _journal(stem)
    lines = j.read_text().splitlines()
    lines.insert(2, line)
    j.write_text("\n".join(lines) + "\n")
    out = _run(stem)
    err = [ln for ln in out.stderr.splitlines() if ln.strip()]
    assert out.returncode == 2 and len(err) == 1, out.stderr
    assert field in err[0] and "line 3" in err[0] and "--force" in err[0]
    out = _run(stem, "serial", "--force")                   # --force discards the bad line
    assert out.returncode == 0, out.stderr
    assert stem.with_name("ns.csv").read_bytes() == reference[".csv"]


def test_foreign_journal_refused(tmp_path):
    stem = tmp_path / "ns"
    assert _run(stem).returncode == 0
    j = _journal(stem)
    lines = j.read_text().splitlines()
    header = json.loads(lines[0])
    header["function"] = "floquetsym.app.scan.pairs_point"
    j.write_text("\n".join([json.dumps(header)] + lines[1:]) + "\n")
    out = _run(stem)
    assert out.returncode == 2 and "field 'function'" in out.stderr, out.stderr


def test_stale_code_refused_then_force_recomputes(tmp_path, reference):
    """A journal whose points were computed by other code (a different `code` hash, as after
    an edit of ns_point) is never mixed into the output."""
    stem = tmp_path / "ns"
    assert _run(stem).returncode == 0
    j = _journal(stem)
    recs = [json.loads(ln) for ln in j.read_text().splitlines()]
    for r in recs:
        r["code"] = "0" * 32
        if "row" in r:
            r["row"]["ns"] = 12345.0                       # what the "old code" had computed
    j.write_text("".join(json.dumps(r) + "\n" for r in recs))
    stem.with_name("ns.csv").unlink()
    out = _run(stem)
    assert out.returncode == 2 and "field 'code'" in out.stderr, out.stderr
    assert not stem.with_name("ns.csv").exists()
    out = _run(stem, "serial", "--force")
    assert out.returncode == 0, out.stderr
    assert stem.with_name("ns.csv").read_bytes() == reference[".csv"]
    assert "12345" not in j.read_text()
