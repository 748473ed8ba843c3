"""`jifen compute` exactly as installed by `pip install -e .` (the console script)."""

import json
import subprocess
import sys
from pathlib import Path

CASES = Path(__file__).parent / "cases"
JIFEN = Path(sys.executable).parent / "jifen"


def test_installed_jifen_compute_reproduces_a_golden_case():
    result = subprocess.run([str(JIFEN), "compute", str(CASES / "a-basic.case.json")],
                            capture_output=True, text=True, check=True)
    expected = json.loads((CASES / "a-basic.expected.json").read_text())
    out = json.loads(result.stdout)
    for member in out["members"]:
        member.pop("explain")
    assert out == expected


def test_installed_jifen_compute_reads_stdin_and_refuses_bad_cases():
    case = (CASES / "error-points.case.json").read_text()
    result = subprocess.run([str(JIFEN), "compute", "-"], input=case, capture_output=True,
                            text=True)
    assert (result.returncode, result.stdout) == (2, "")
    assert "entries[0]" in result.stderr
