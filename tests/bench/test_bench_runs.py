"""The benchmarks are measured by hand (make bench); the suite only checks that they run."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_ledger_benchmark_runs_on_a_tiny_branch():
    result = subprocess.run(
        [sys.executable, "bench/ledger.py", "--members", "3", "--window", "6", "--requests", "2"],
        cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    assert "branch ranking page" in result.stdout and "confirm a window of" in result.stdout
