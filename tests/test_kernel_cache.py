"""The kernel cache runs only code from a private folder: location, modes, refusal, regeneration."""
import logging
import os
import stat
import subprocess
import sys
import warnings

import numpy as np
import pytest

from floquetsym import kernel_cache as KC
from floquetsym import kernels as K
from floquetsym import keldysh as kd
from floquetsym.params import DriveParams
from floquetsym.version import __version__

P = DriveParams(theta=0.1, omega0=1.3, gamma=0.05)
W = np.array([0.3, 1.7])


@pytest.fixture(autouse=True)
def _fresh(monkeypatch):
    monkeypatch.setattr(K, "_MEMO", {})
    monkeypatch.setattr(KC, "_WARNED", set())
    monkeypatch.delenv("FLOQUETSYM_NO_CACHE", raising=False)


def _compile(key="cache-test"):
    return K.compile_kernel({"x": kd.omega * 2 + kd.gamma}, key=key)


def _plant(folder, marker, key="cache-test", monkeypatch=None):
    """A crafted cache file with a *valid* header and checksum whose body writes ``marker``."""
    good = folder.parent / "good"
    good.mkdir(mode=0o700)
    monkeypatch.setenv("FLOQUETSYM_CACHE_DIR", str(good))
    _compile(key)
    K._MEMO.clear()
    (src,) = good.iterdir()
    fkey, _, body = KC._split(src.read_text())
    body = f"open({str(marker)!r}, 'w').write('pwned')\n" + body
    dst = folder / src.name
    dst.write_text(f"# KEY: {fkey}\n# BODY_SHA256: {KC.sha(body)}\n{body}")
    return dst


def test_default_location_is_per_user_xdg_and_private(tmp_path, monkeypatch):
    monkeypatch.delenv("FLOQUETSYM_CACHE_DIR", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    d = KC.usable_cache_dir()
    assert d == tmp_path / "xdg" / "floquetsym" / __version__
    for folder in (d, d.parent, d.parent.parent):       # every folder it created: 0700
        assert stat.S_IMODE(os.stat(folder).st_mode) == 0o700
    monkeypatch.setenv("XDG_CACHE_HOME", "relative/xdg")   # XDG spec: relative paths are ignored
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert KC.default_cache_dir() == tmp_path / "home" / ".cache" / "floquetsym" / __version__
    kern = _compile()
    assert stat.S_IMODE(os.stat(kern.path).st_mode) == 0o600


@pytest.mark.parametrize("how", ["world-writable", "foreign-owned"])
def test_crafted_file_in_untrusted_folder_is_not_executed(tmp_path, monkeypatch, how):
    bad = tmp_path / "bad"
    bad.mkdir()
    marker = tmp_path / "marker"
    planted = _plant(bad, marker, monkeypatch=monkeypatch)
    if how == "world-writable":
        os.chmod(bad, 0o777)
    else:
        if os.geteuid() != 0:
            pytest.skip("making a folder owned by another user needs root")
        os.chmod(bad, 0o700)
        os.chown(bad, 65534, 65534)
        os.chown(planted, 65534, 65534)
    before = planted.read_bytes()
    monkeypatch.setenv("FLOQUETSYM_CACHE_DIR", str(bad))
    with pytest.warns(K.kernel_cache.KernelCacheWarning, match="not using it") as rec:
        kern = _compile()
        _compile("cache-test-2")                 # one warning per folder, not per kernel
    assert len(rec) == 1 and str(bad) in str(rec[0].message)
    assert not marker.exists()
    assert kern.path is None                     # built in memory
    assert np.allclose(kern(W, P)["x"], 2 * W + P.gamma)
    assert planted.read_bytes() == before and sorted(os.listdir(bad)) == [planted.name]


def test_crafted_file_end_to_end_cli(tmp_path, monkeypatch):
    """`floquetsym ns --backend symbolic` with a planted file in a 0777 cache folder."""
    bad = tmp_path / "bad"
    bad.mkdir()
    marker = tmp_path / "marker"
    good = tmp_path / "good"
    good.mkdir(mode=0o700)
    env = dict(os.environ, FLOQUETSYM_CACHE_DIR=str(good))
    env.pop("FLOQUETSYM_NO_CACHE", None)
    argv = [sys.executable, "-m", "floquetsym", "ns", "--order", "0", "--backend", "symbolic",
            "--gamma", "0.1", "--json"]
    ref = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=300, check=True)
    for src in good.iterdir():
        fkey, _, body = KC._split(src.read_text())
        body = f"open({str(marker)!r}, 'w').write('pwned')\n" + body
        (bad / src.name).write_text(f"# KEY: {fkey}\n# BODY_SHA256: {KC.sha(body)}\n{body}")
    os.chmod(bad, 0o777)
    env["FLOQUETSYM_CACHE_DIR"] = str(bad)
    out = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    assert not marker.exists()
    assert out.stdout == ref.stdout
    warn = [ln for ln in out.stderr.splitlines() if ln.strip()]
    assert len(warn) == 1 and "not using it" in warn[0], out.stderr


@pytest.mark.parametrize("how", ["group-writable", "symlink"])
def test_untrusted_file_in_private_folder_is_not_executed(tmp_path, monkeypatch, how):
    folder = tmp_path / "cache"
    folder.mkdir(mode=0o700)
    marker = tmp_path / "marker"
    planted = _plant(folder, marker, monkeypatch=monkeypatch)
    if how == "group-writable":
        os.chmod(planted, 0o664)
    else:
        target = tmp_path / "elsewhere.py"
        planted.rename(target)
        planted.symlink_to(target)
    monkeypatch.setenv("FLOQUETSYM_CACHE_DIR", str(folder))
    with pytest.warns(KC.KernelCacheWarning, match="not executing it"):
        kern = _compile()
    assert not marker.exists() and kern.path is None
    assert np.allclose(kern(W, P)["x"], 2 * W + P.gamma)
    assert os.path.islink(planted) == (how == "symlink")     # left alone, not overwritten


def test_planted_file_in_trusted_folder_with_wrong_checksum_is_regenerated(tmp_path, monkeypatch):
    folder = tmp_path / "cache"
    folder.mkdir(mode=0o700)
    marker = tmp_path / "marker"
    planted = _plant(folder, marker, monkeypatch=monkeypatch)
    text = planted.read_text().replace("pwned", "PWNED")     # checksum no longer matches
    planted.write_text(text)
    monkeypatch.setenv("FLOQUETSYM_CACHE_DIR", str(folder))
    kern = _compile()
    assert not marker.exists() and kern.path == planted
    assert "pwned" not in planted.read_text().lower()


@pytest.mark.parametrize("junk", [bytes(range(256)) * 4, b"\xff\xfe garbage", b""])
def test_undecodable_file_is_regenerated_and_named(tmp_path, monkeypatch, caplog, junk):
    monkeypatch.setenv("FLOQUETSYM_CACHE_DIR", str(tmp_path))
    path = _compile().path
    good = path.read_bytes()
    path.write_bytes(junk)
    os.chmod(path, 0o600)
    K._MEMO.clear()
    with caplog.at_level(logging.DEBUG, logger="floquetsym.kernels"), warnings.catch_warnings():
        warnings.simplefilter("error")            # regeneration is silent apart from the debug log
        kern = _compile()
    assert path.read_bytes() == good
    assert np.allclose(kern(W, P)["x"], 2 * W + P.gamma)
    assert any(str(path) in r.getMessage() and r.levelno == logging.DEBUG for r in caplog.records)


@pytest.mark.parametrize("where", ["file", "proc", "readonly-parent"])
def test_unusable_folder_falls_back_with_one_warning(tmp_path, monkeypatch, where):
    if where == "file":
        target = tmp_path / "afile"
        target.write_text("x")
    elif where == "proc":
        target = "/proc/x/cache"
    else:
        ro = tmp_path / "ro"
        ro.mkdir()
        os.chmod(ro, 0o500)
        target = ro / "cache"
        if os.geteuid() == 0:        # root writes anyway: a group-writable parent is refused instead
            os.chmod(ro, 0o775)
    monkeypatch.setenv("FLOQUETSYM_CACHE_DIR", str(target))
    with pytest.warns(KC.KernelCacheWarning) as rec:
        kern = _compile()
        _compile("another")
    assert len(rec) == 1
    assert kern.path is None and np.allclose(kern(W, P)["x"], 2 * W + P.gamma)


def test_ci_script_uses_mktemp():
    text = (K.Path(__file__).resolve().parents[1] / ".ci" / "run").read_text()
    assert "mktemp -d" in text and "$$" not in text
