"""``floquetsym bench ring``: runs per hour of the proliferation map's work, batched vs one-seed.

The map advances one disorder sample at the four λ_f of the map; the batched stepper
(:class:`numerics.bdg1d_batch.BatchStepper`) does this from one shared thermal start with one
batched matrix product per sub-flow, the baseline runs :func:`numerics.bdg1d.run` four times
(a thermal start each).  Both are timed here on the same machine in the same call, at the
stated N and t (quick: N = 128, t = 10/J; full: N = 512, t = 20/J); rows give runs (one λ_f,
one sample) per hour and the ratio.  Also the ms per member-step of the batched stepper with
8 members vs one-seed steps (the orbital update vectorised over members).
"""
from __future__ import annotations

import time

import numpy as np

from floquetsym.app.bench import Row, timeit

__all__ = ["run"]

LAMBDA_F = (1.6, 2.0, 3.0, 4.0)


def run(quick: bool = False) -> list[Row]:
    from numerics.bdg1d import BdG1DParams, BdG1DStepper
    from numerics.bdg1d import run as bdg_run
    from numerics.bdg1d_batch import BatchStepper
    from numerics.ring_model import RingModel
    n, t_max = (128, 10.0) if quick else (512, 20.0)
    model = RingModel(n_sites=n)
    p = model.bdg1d_params(seed=0, dt=0.05, t_max=t_max)
    t0 = time.perf_counter()
    for lf in LAMBDA_F:
        bdg_run(p, lambda_f=lf)
    single = time.perf_counter() - t0
    t0 = time.perf_counter()
    st = BatchStepper(p, seeds=[0] * len(LAMBDA_F), lambda_f=LAMBDA_F)
    st.start()
    while st.n_step < p.n_steps:
        st.advance(1)
        st.last_mid                                   # slips are read every step in the map
    batch = time.perf_counter() - t0
    k = len(LAMBDA_F)
    rows = [Row("ring", f"map runs/hour, N={n}, t={t_max:g}/J, 4 λ_f from one start",
                3600 * k / batch, "runs/h", baseline="bdg1d.run per λ_f",
                baseline_value=3600 * k / single, ratio=single / batch,
                goal="map (640 runs, N=512, t=200/J) in <= 60 min on 2 cores")]
    rng = np.random.default_rng(0)
    x = rng.standard_normal((n, 4, n)) / np.sqrt(2 * n)
    one = BdG1DStepper(BdG1DParams(n_sites=n, disorder_width=1.1, dt=0.05))
    one.start({"orbitals": x})
    t_one = timeit(lambda: one.advance(5), repeat=3) / 5
    many = BatchStepper(BdG1DParams(n_sites=n, disorder_width=1.1, dt=0.05), seeds=range(8))
    many.start({"orbitals": np.array([x] * 8)})
    t_many = timeit(lambda: many.advance(2), repeat=3) / 2 / 8
    rows.append(Row("ring", f"step per member, 8 members, N={n}", t_many * 1e3, "ms",
                    baseline="one-seed BdG1DStepper step", baseline_value=t_one * 1e3,
                    ratio=t_one / t_many))
    return rows
