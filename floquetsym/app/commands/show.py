"""floquetsym show gK [--block R|A|K] [--shift M] [--latex]: print a hierarchy block."""
from __future__ import annotations

import re
import sys

from floquetsym.params import require

MAX_ORDER = 4

HELP = "print a block g^(k)_{w+m w0, w} of the Floquet-Usadel hierarchy (Eq. A1), e.g. 'show g2 --block K --shift 0 --latex'"


def add_arguments(p):
    p.add_argument("what", metavar="gK", help="which order: g0, g1, g2, g3, g4")
    p.add_argument("--block", default="K", choices=("R", "A", "K"), help="Keldysh component (default K)")
    p.add_argument("--shift", type=int, default=None, metavar="M",
                   help="Floquet shift m of g^(k)_{w+m w0, w} (default: 0 for even k, 1 for odd)")
    p.add_argument("--latex", action="store_true", help="print LaTeX instead of SymPy's pretty/str form")
    p.add_argument("--anomalous", action="store_true",
                   help="with --block K: the non-equilibrium part g^K - (g^R h_m - h_0 g^A)")


def run(args) -> int:
    mt = re.fullmatch(r"g(\d+)", args.what)
    require(mt is not None, "gK", args.what, "of the form g0, g1, g2, ...")
    k = int(mt.group(1))
    # Orders 3-4 are verified but print as very long graphs; beyond 4 generation takes hours
    # on one core, so the CLI refuses instead of hanging (the Python API has no such limit).
    require(k <= MAX_ORDER, "gK", args.what, f"of order <= {MAX_ORDER} on the command line "
            "(use floquetsym.hierarchy(order=k) for higher orders)")
    m = args.shift if args.shift is not None else k % 2
    from floquetsym.hierarchy_solve import ZERO, hierarchy

    h = hierarchy(order=k)
    legend = ("% s^{R}_{n} = s^R(w+n w0), G^{R}_{n}, F^{R}_{n}: g^R(w+n w0) = G tau3 - i F tau1 "
              "(likewise A), h_{n} = tanh((w+n w0)/2T)")
    if args.anomalous:
        require(args.block == "K", "--block", args.block, "K with --anomalous")
        e = h.anomalous(k, m)
    else:
        e = h.block(k, m, args.block)
    if e is ZERO:
        print(f"g^({k})_{{{m}}} {args.block} = 0 (parity: m must satisfy |m| <= k and m = k mod 2)")
        return 0
    if args.latex:
        import sympy as sp
        from floquetsym.keldysh import latex_names
        print(legend)
        print(sp.latex(e, symbol_names=latex_names(e)))
    elif k <= 2:
        import sympy as sp
        print(sp.pretty(e, use_unicode=sys.stdout.encoding.lower().startswith("utf")))
    else:
        print(str(e))
    return 0
