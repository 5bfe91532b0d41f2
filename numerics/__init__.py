"""Time-domain side of floquetsym: pseudospin (uniform BdG), 1D BdG (Appendix C),
Kadanoff–Baym quench (Eqs. 4–8), sweeps and checkpoints.

May import ``floquetsym.conventions`` / ``floquetsym.params`` / ``floquetsym.result`` only.
"""
