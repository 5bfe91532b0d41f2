"""The documentation site builds with warnings as errors, executing every tutorial (Sphinx +
MyST + myst-nb; docs/conf.py).  A broken docstring, link, page or tutorial fails this test."""
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def test_docs_build_without_warnings(tmp_path):
    pytest.importorskip("sphinx")
    pytest.importorskip("myst_nb")
    env = dict(os.environ, MPLBACKEND="Agg", OPENBLAS_NUM_THREADS="1",
               FLOQUETSYM_CACHE_DIR=os.environ.get("FLOQUETSYM_CACHE_DIR", str(tmp_path / "cache")))
    proc = subprocess.run([sys.executable, "-m", "sphinx", "-W", "--keep-going", "-q", "-b", "html",
                           "-d", str(tmp_path / "doctrees"), str(ROOT / "docs"),
                           str(tmp_path / "html")],
                          capture_output=True, text=True, timeout=900, env=env, cwd=ROOT)
    problems = [ln for ln in proc.stderr.splitlines() if "IPKernelApp" not in ln and ln.strip()]
    assert proc.returncode == 0, "\n".join(problems[-60:])
    html = tmp_path / "html"
    for page in ("index", "guide/verdicts", "tutorials/quench", "tutorials/dask_sweep",
                 "api/index"):
        assert (html / f"{page}.html").exists(), page
    # the tutorials really ran: their printed results are in the pages
    quench = (html / "tutorials" / "quench.html").read_text()
    assert quench.count("identical: True") == 3
    assert "same table: True" in (html / "tutorials" / "dask_sweep.html").read_text()
