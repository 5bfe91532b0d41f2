"""CLI contract: every --help works; bad arguments give one line and exit code 2."""
import subprocess
import sys

import pytest

from floquetsym.app.cli import COMMANDS, main


@pytest.mark.parametrize("name", COMMANDS)
def test_help(name, capsys):
    with pytest.raises(SystemExit) as exc:
        main([name, "--help"])
    assert exc.value.code == 0
    assert "usage: floquetsym " + name in capsys.readouterr().out


BAD = [
    ["nonsense"],
    ["scan", "ns", "--omega0", "1:2"],
    ["scan", "equilibrium", "--gamma", "-0.1"],
    ["scan", "ns", "--workers", "0"],
    ["bench", "nosuchbench"],
    ["reproduce", "--only", "nosuchpanel", "--out", "{tmp}"],
    ["ns", "--gamma", "-1"],
    ["ns", "--order", "41"],
    ["ns", "--omega0", "nan"],
    ["show", "g9"],
]


@pytest.mark.parametrize("argv", BAD, ids=[" ".join(a[:3]) for a in BAD])
def test_bad_arguments_one_line_exit_2(argv, tmp_path):
    argv = [a.replace("{tmp}", str(tmp_path)) for a in argv]
    proc = subprocess.run([sys.executable, "-m", "floquetsym", *argv], capture_output=True,
                          text=True, timeout=300)
    assert proc.returncode == 2, proc.stderr
    assert "Traceback" not in proc.stderr
    lines = [ln for ln in proc.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1 and lines[0].startswith("floquetsym"), proc.stderr
