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
    p.add_argument("--out", default="scan/out", help="output stem (default %(default)s)")
    p.add_argument("--executor", choices=["process", "thread", "serial"], default="process",
                   help="where points run (default: local processes, all cores)")
    p.add_argument("--workers", type=int, default=None, help="number of workers")
    p.add_argument("--tol", type=float, default=1e-6,
                   help="exact: relative tolerance of n_s and of the M -> M+2 change (default 1e-6)")
    p.add_argument("--max-harmonics", type=int, default=30,
                   help="exact: largest Floquet index allowed; beyond it a point is flagged (default 30)")


def run(args) -> int:
    import concurrent.futures as cf

    from floquetsym.app.scan import scan
    if args.workers is not None and args.workers < 1:
        raise ValueError(f"workers={args.workers} is not allowed: need workers >= 1")
    ex = {"process": None, "thread": cf.ThreadPoolExecutor(max_workers=args.workers),
          "serial": cf.ThreadPoolExecutor(max_workers=1)}[args.executor]
    axes = dict(omega0=args.omega0, gamma=args.gamma, theta=args.theta, delta=args.delta,
                temperature=args.temperature)
    if args.quantity == "exact":
        from floquetsym.app.exact_scan import run_exact_map
        m = run_exact_map(args.theta, args.omega0, gamma=float(args.gamma),
                          temperature=float(args.temperature), tol=args.tol,
                          max_harmonics=args.max_harmonics, out=args.out,
                          executor=None if args.executor == "process" else ex, progress=True,
                          max_workers=args.workers)
        s = m.summary()
        print(f"{s['grid'][0]} x {s['grid'][1]} points ({s['n_flagged']} flagged) -> {args.out}"
              f".csv/.npz/.json/.map.npz/.summary.json/.png; minimum n_s/n_s0 = "
              f"{s['minimum']['value']:.6g} at theta={s['minimum']['theta']:g}, "
              f"omega0={s['minimum']['omega0']:g}")
        return 0
    extra = {}
    if args.quantity == "ns":
        extra = {"order": args.order, "harmonic": args.harmonic}
    else:
        axes = {k: v for k, v in axes.items() if not (args.quantity == "equilibrium" and k in ("omega0", "theta"))}
    res = scan(args.quantity, out=args.out, executor=ex, progress=True, **axes, **extra)
    print(f"{len(res.points)} points -> {args.out}.csv, {args.out}.png")
    return 0
