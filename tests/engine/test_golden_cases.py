"""Every golden case of shared/cases, through the command line and through the Python API."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from jifen.engine import EngineError, compute, parse_case, result_to_dict

from .support import CASES, read_json, without_explain

GOLDEN = sorted(CASES.glob("*.case.json"))


def _expected(case: Path) -> dict:
    return read_json(case.with_name(case.name.replace(".case.json", ".expected.json")))


def _run_cli(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "jifen.engine", *args],
        input=stdin,
        capture_output=True,
        text=True,
        encoding="utf-8",
        check=False,
    )


def test_golden_cases_are_present():
    assert len(GOLDEN) >= 6


@pytest.mark.parametrize("case", GOLDEN, ids=lambda p: p.name)
def test_golden_case_through_the_command_line(case):
    expected = _expected(case)

    run = _run_cli(str(case))

    if "exit" in expected:
        assert run.returncode == expected["exit"] == 2
        assert run.stdout == ""
        assert len(run.stderr.strip().splitlines()) == len(expected["errors"])
        return
    assert run.returncode == 0, run.stderr
    assert run.stderr == ""
    assert without_explain(json.loads(run.stdout)) == expected


@pytest.mark.parametrize("case", GOLDEN, ids=lambda p: p.name)
def test_golden_case_through_the_api(case):
    expected = _expected(case)
    data = read_json(case)

    if "exit" in expected:
        with pytest.raises(EngineError) as refused:
            compute(*parse_case(data))
        assert len(refused.value.problems) == len(expected["errors"])
        return
    result = result_to_dict(compute(*parse_case(data)))

    assert without_explain(result) == expected
    assert all(member["explain"] for member in result["members"])


def test_golden_error_names_the_entry_and_the_range():
    run = _run_cli(str(CASES / "error-points.case.json"))

    assert run.stderr.strip() == "entries[0]: 分值 7 超出项目 A-J04 的范围 1–5"


def test_case_read_from_standard_input():
    case = CASES / "a-basic.case.json"

    run = _run_cli("-", stdin=case.read_text(encoding="utf-8"))

    assert run.returncode == 0
    assert without_explain(json.loads(run.stdout)) == _expected(case)
