"""floquetsym scan QUANTITY --AXIS RANGE ... --out STEM: a sweep written as CSV + PNG."""
from __future__ import annotations

HELP = ("scan an observable (ns, pairs, equilibrium, exact = the exact n_s(θ, ω0) map) over ranges "
        "'a:b:n[:log]'; writes CSV, NPZ, JSON, PNG")


def add_arguments(p):
    p.add_argument("quantity", choices=["ns", "pairs", "equilibrium", "exact"])
    for name, default in (("omega0", "2.0"), ("gamma", "0.01"), ("theta", "0.05"), ("delta", "1.0")):
        p.add_argument(f"--{name}", default=default, help=f"value or range (default {default})")
    p.add_argument("--T", "--temperature", dest="temperature", default="0", help="temperature (default 0)")
    p.add_argument("--order", type=int, default=2, help="order in θ for ns (default 2)")
    p.add_argument("--harmonic", type=int, default=None, help="Floquet harmonic for ns")
    p.add_argument("--out", default="scan/out",
                   help="output stem: STEM.csv, STEM.npz, STEM.json, STEM.png; a folder 'DIR/' "
                        "means DIR/QUANTITY (default %(default)s)")
    p.add_argument("--executor", choices=["process", "thread", "serial"], default="process",
                   help="where points run (default: local processes, all cores)")
    p.add_argument("--workers", type=int, default=None,
                   help="number of worker processes or threads (default: one per core)")
    p.add_argument("--force", action="store_true",
                   help="discard a journal written for other parameters or by other code, and "
                        "recompute (default: refuse)")
    p.add_argument("--tol", type=float, default=1e-6,
                   help="exact: relative tolerance of n_s and of the M -> M+2 change (default 1e-6)")
    p.add_argument("--max-harmonics", type=int, default=30,
                   help="exact: largest Floquet index allowed; beyond it a point is flagged (default 30)")


def run(args) -> int:
    import concurrent.futures as cf

    from floquetsym.app.paths import output_stem
    from floquetsym.app.scan import scan
    if args.workers is not None and args.workers < 1:
        raise ValueError(f"--workers={args.workers} is not allowed: need --workers >= 1")
    axes = dict(omega0=args.omega0, gamma=args.gamma, theta=args.theta, delta=args.delta,
                temperature=args.temperature)
    if args.quantity == "exact":
        from floquetsym.app.exact_scan import run_exact_map
        stem = output_stem(args.out, args.quantity)
        ex = {"process": None, "thread": cf.ThreadPoolExecutor(max_workers=args.workers),
              "serial": cf.ThreadPoolExecutor(max_workers=1)}[args.executor]
        try:
            m = run_exact_map(args.theta, args.omega0, gamma=float(args.gamma),
                              temperature=float(args.temperature), tol=args.tol,
                              max_harmonics=args.max_harmonics, out=stem, executor=ex,
                              progress=True, max_workers=args.workers)
        finally:
            if ex is not None:
                ex.shutdown(wait=True, cancel_futures=True)
        s = m.summary()
        print(f"{s['grid'][0]} x {s['grid'][1]} points ({s['n_flagged']} flagged) -> {stem}"
              f".csv/.npz/.json/.map.npz/.summary.json/.png; minimum n_s/n_s0 = "
              f"{s['minimum']['value']:.6g} at theta={s['minimum']['theta']:g}, "
              f"omega0={s['minimum']['omega0']:g}")
        return 0
    extra = {}
    if args.quantity == "ns":
        extra = {"order": args.order, "harmonic": args.harmonic}
    else:
        axes = {k: v for k, v in axes.items() if not (args.quantity == "equilibrium" and k in ("omega0", "theta"))}
    scan(args.quantity, out=None, executor=None, dry_run=True, **axes, **extra)   # validate first
    stem = output_stem(args.out, args.quantity)
    ex = {"process": None, "thread": cf.ThreadPoolExecutor(max_workers=args.workers),
          "serial": cf.ThreadPoolExecutor(max_workers=1)}[args.executor]
    try:
        res = scan(args.quantity, out=stem, executor=ex, progress=True, max_workers=args.workers,
                   force=args.force, **axes, **extra)
    finally:
        if ex is not None:
            ex.shutdown(wait=True, cancel_futures=True)
    print(f"{len(res.points)} points -> {stem}.csv, {stem}.png")
    return 0
