"""The engine stays pure: no Django import, and its benchmark runs."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_importing_the_engine_imports_no_django():
    subprocess.run(
        [
            sys.executable,
            "-c",
            "import jifen.engine, sys; "
            "assert not any(m == 'django' or m.startswith('django.') for m in sys.modules)",
        ],
        check=True,
    )


def test_engine_sources_do_not_mention_django_imports():
    sources = (ROOT / "jifen" / "engine").glob("*.py")

    assert not [p.name for p in sources if "import django" in p.read_text(encoding="utf-8")]


def test_the_benchmark_runs():
    run = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "engine.py"), "--tiny"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )

    assert run.returncode == 0, run.stderr
    assert "jining-2017" in run.stdout and "chuxiong-2019" in run.stdout
    assert "members/s" in run.stdout
