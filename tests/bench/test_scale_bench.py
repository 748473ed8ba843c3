"""`make bench` (bench/scale.py) is measured by hand on PostgreSQL; the suite only checks that it
runs end to end — migrate, gen_data, the raw aggregate, recompute, gunicorn and wrk on every
page — at a tiny size on a SQLite file of its own (never the suite's database, whichever it is).
"""

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PAGES = ["ceiling", "ranking", "my", "board", "overview", "api_scores"]


@pytest.mark.skipif(shutil.which("wrk") is None,
                    reason="wrk is not installed (bin/system-deps test installs it)")
def test_scale_benchmark_runs_on_a_tiny_province(tmp_path):
    out = tmp_path / "results"
    result = subprocess.run(
        [sys.executable, "bench/scale.py", "--sizes", "300", "--entries-per-member", "3",
         "--duration", "1s", "--connections", "2", "--recompute-runs", "1",
         "--database-url", f"sqlite:///{tmp_path / 'jifen_bench.sqlite3'}", "--out", str(out)],
        cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]

    report = Path(result.stdout.strip().splitlines()[-1].removeprefix("Report: "))
    assert report.parent == out and report.suffix == ".md"
    assert report.with_suffix(".png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert (out / "latest.md").read_text(encoding="utf-8") == report.read_text(encoding="utf-8")

    (size,) = json.loads(report.with_suffix(".json").read_text(encoding="utf-8"))["sizes"]
    assert size["members"] == 300 and size["rows"]["members"] >= 300
    assert size["raw_aggregate_rows"] > 0 and size["recompute_s"] > 0
    text = report.read_text(encoding="utf-8")
    for key in PAGES:
        page = size["pages"][key]
        assert page["requests"] > 0 and page["requests_per_s"] > 0, key
        assert 0 < page["p50_ms"] <= page["p99_ms"], key
        assert f"`{page['path']}`" in text, key  # the page's row in the report
