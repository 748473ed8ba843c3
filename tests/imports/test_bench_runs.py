"""The import benchmark is measured by hand (python bench/imports.py); the suite only checks
that it runs."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_import_benchmark_runs_on_a_few_rows():
    result = subprocess.run([sys.executable, "bench/imports.py", "--rows", "20"], cwd=ROOT,
                            capture_output=True, text=True, timeout=300)

    assert result.returncode == 0, result.stderr
    assert "API import of the roster" in result.stdout
    assert "API import of 20 ledger entries" in result.stdout
