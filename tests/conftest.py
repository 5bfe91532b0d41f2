import os

os.environ.setdefault("MPLBACKEND", "Agg")
# Small batched LAPACK calls run 3-10x slower with OpenBLAS threads on a 2-core machine
# (measured by the Floquet and BdG tests); one thread per process, set before numpy loads.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import numpy as np  # noqa: E402
import pytest  # noqa: E402


@pytest.fixture
def rng():
    """Reproducible randomness for tests (seeded per test)."""
    return np.random.default_rng(20261127)


@pytest.fixture(autouse=True)
def _kernel_cache(tmp_path_factory, monkeypatch):
    """Each test session uses its own kernel cache folder unless CI/the user set one."""
    if "FLOQUETSYM_CACHE_DIR" not in os.environ:
        d = tmp_path_factory.getbasetemp() / "kernel-cache"
        monkeypatch.setenv("FLOQUETSYM_CACHE_DIR", str(d))
