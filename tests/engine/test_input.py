"""Input that breaks a rule is refused, every problem named; nothing is clamped or dropped."""

from __future__ import annotations

import copy
import datetime
import json
import subprocess
import sys
from decimal import Decimal
from typing import Any

import pytest

from jifen.engine import EngineError, Entry, Member, compute, load_preset, parse_case
from jifen.engine.cli import main

BASE_CASE: dict[str, Any] = {
    "scheme": "jining-2017",
    "year": 2025,
    "members": [
        {"id": "t1", "category": "teacher", "group": "一支部"},
        {"id": "s1", "category": "student", "group": "一支部", "months": [9, 10, 11, 12]},
        {"id": "x1", "category": "teacher", "group": "一支部", "exempt": True},
    ],
    "entries": [
        {
            "member": "t1",
            "item": "A-J04",
            "points": "3",
            "date": "2025-03-14",
            "status": "confirmed",
        },
    ],
}


def _case(*entries: dict[str, Any], **changes: Any) -> dict[str, Any]:
    case = copy.deepcopy(BASE_CASE)
    case["entries"] += [dict(e) for e in entries]
    case.update(changes)
    return case


def _entry(**changes: Any) -> dict[str, Any]:
    entry = {
        "member": "t1",
        "item": "A-J04",
        "points": 2,
        "date": "2025-05-01",
        "status": "confirmed",
    }
    entry.update(changes)
    return entry


def _problems(case: dict[str, Any]) -> list[str]:
    with pytest.raises(EngineError) as refused:
        parse_case(case)
    return refused.value.problems


def test_a_sound_case_parses():
    scheme, year, members, entries = parse_case(_case())

    assert (scheme.key, year) == ("jining-2017", 2025)
    assert members[1].months == (9, 10, 11, 12)
    assert entries[0].points == Decimal(3)


ENTRY_ERRORS = [
    (_entry(points=7), "entries[1]: 分值 7 超出项目 A-J04 的范围 1–5"),
    (_entry(points="2.3"), "entries[1]: 分值 2.3 不是 0.5 的整数倍"),
    (_entry(points=0), "entries[1]: 分值 0 超出项目 A-J04 的范围 1–5"),
    (_entry(points="-2"), "entries[1]: 分值 -2 超出项目 A-J04 的范围 1–5"),
    (_entry(points="many"), "entries[1]: 分值 'many' 不是数字"),
    (_entry(points=True), "entries[1]: 分值 True 不是数字"),
    (_entry(member="nobody"), 'entries[1]: 未知党员 "nobody"'),
    (_entry(item="A-Z99"), 'entries[1]: 未知项目 "A-Z99"'),
    (_entry(item="A-J06"), 'entries[1]: 项目 A-J06 不适用于教工（teacher）党员 "t1"'),
    (_entry(date="2024-12-31"), "entries[1]: 日期 2024-12-31 不在 2025 年内"),
    (_entry(date="2025-02-30"), "entries[1]: 日期 '2025-02-30' 无效"),
    (_entry(date="20250301"), "entries[1]: 日期 '20250301' 无效"),
    (
        _entry(member="s1", item="A-J06", date="2025-03-01"),
        'entries[1]: 日期 2025-03-01 不在党员 "s1" 的管理月份（9、10、11、12 月）内',
    ),
    (_entry(status="done"), 'entries[1]: 未知状态 "done"'),
    (_entry(member="x1"), 'entries[1]: 党员 "x1" 不列入管理范围'),
    (_entry(reverses=1), "entries[1]: reverses 指向本条记录自己"),
    (_entry(reverses=9), "entries[1]: reverses 指向的 entries[9] 不存在"),
    (_entry(reverses=-1), "entries[1]: reverses 指向的 entries[-1] 不存在"),
    (_entry(item="A-J03", reverses=0), "entries[1]: reverses 指向的 entries[0] 属于其他党员或"),
    (_entry(reverses="0"), "entries[1]: reverses 应为另一条记录在 entries 中的序号"),
    (_entry(item="A-V01", points=1), "entries[1]: 分值 1 超出项目 A-V01 的范围 0–0"),
    (
        {"member": "t1", "item": "A-J04", "points": 2, "status": "confirmed"},
        "entries[1]: 缺少字段 date",
    ),
    ({**_entry(), "note": "x"}, 'entries[1]: 未知字段 "note"'),
]


@pytest.mark.parametrize(("entry", "message"), ENTRY_ERRORS, ids=[m for _, m in ENTRY_ERRORS])
def test_broken_entry_is_refused_by_index(entry, message):
    problems = _problems(_case(entry))

    assert len(problems) == 1, problems
    assert message in problems[0]


def test_a_reversal_of_a_reversal_is_refused():
    problems = _problems(_case(_entry(points=3, reverses=0), _entry(points=3, reverses=1)))

    assert problems == ["entries[2]: reverses 指向的 entries[1] 本身就是冲正记录"]


MEMBER_ERRORS = [
    (
        {"id": "t1", "category": "teacher", "group": "二支部"},
        'members[3]: id "t1" 重复（首次出现在 members[0]）',
    ),
    ({"id": "z", "category": "staff", "group": "一支部"}, 'members[3]: 未知的党员类别 "staff"'),
    (
        {"id": "z", "category": "teacher", "group": "一支部", "months": [0]},
        "members[3]: 月份 0 无效，应为 1–12",
    ),
    (
        {"id": "z", "category": "teacher", "group": "一支部", "months": []},
        "members[3]: months 须至少列出一个月份",
    ),
    (
        {"id": "z", "category": "teacher", "group": "一支部", "months": [3, 3]},
        "members[3]: months 中有月份重复",
    ),
    ({"id": "z", "category": "teacher"}, "members[3]: 缺少字段 group"),
    (
        {"id": "z", "category": "teacher", "group": "一", "exempt": "yes"},
        "members[3]: exempt 应为 true 或 false",
    ),
]


@pytest.mark.parametrize(("member", "message"), MEMBER_ERRORS, ids=[m for _, m in MEMBER_ERRORS])
def test_broken_member_is_refused_by_index(member, message):
    case = _case()
    case["members"].append(member)

    problems = _problems(case)

    assert len(problems) == 1, problems
    assert message in problems[0]


def test_every_problem_of_a_case_is_listed():
    problems = _problems(_case(_entry(points=9), _entry(item="A-Z99"), _entry(status="?")))

    assert [p.split(":")[0] for p in problems] == ["entries[1]", "entries[2]", "entries[3]"]


def test_case_level_problems():
    assert _problems({"scheme": "jining-2017"}) == [
        "case: 缺少字段 year",
        "case: 缺少字段 members",
        "case: 缺少字段 entries",
    ]
    assert _problems(_case(year="2025")) == ["case: 年度 year 应为整数"]
    assert _problems(_case(scheme="nope")) == [
        'scheme: 未知的预设方案 "nope"（可用：jining-2017、chuxiong-2019）'
    ]
    assert _problems([1, 2]) == ["case: 应为 JSON 对象"]


def test_a_scheme_object_in_the_case_is_checked():
    from jifen.engine import scheme_to_dict

    scheme = scheme_to_dict(load_preset("jining-2017"))
    scheme["floor"] = "99"

    assert _problems(_case(scheme=scheme)) == ["scheme: 最低分 99 大于基础分 80"]


def test_compute_checks_dataclass_input_too():
    scheme = load_preset("jining-2017")
    people = [Member("t1", "teacher", "一支部"), Member("t1", "teacher", "一支部")]
    entries = [
        Entry("t1", "A-J04", Decimal(6), datetime.date(2025, 3, 1), "confirmed"),
        Entry("t1", "A-J04", 2.5, datetime.date(2025, 3, 1), "confirmed"),  # type: ignore[arg-type]
        Entry("t1", "A-J04", Decimal(2), datetime.datetime(2025, 3, 1), "confirmed"),
    ]

    with pytest.raises(EngineError) as refused:
        compute(scheme, 2025, people, entries)

    assert refused.value.problems == [
        'members[1]: id "t1" 重复（首次出现在 members[0]）',
        "entries[0]: 分值 6 超出项目 A-J04 的范围 1–5",
        "entries[1]: 分值 points 必须是 Decimal 数值",
        "entries[2]: 日期 date 必须是 datetime.date",
    ]


def test_cli_prints_every_problem_on_stderr_and_nothing_on_stdout(tmp_path, capsys):
    path = tmp_path / "case.json"
    entries = [_entry(member="a"), _entry(member="b")]
    case = {"scheme": "jining-2017", "year": 2025, "members": [], "entries": entries}
    path.write_text(json.dumps(case), encoding="utf-8")

    code = main([str(path)])

    out, err = capsys.readouterr()
    assert code == 2
    assert out == ""
    assert err.splitlines() == ['entries[0]: 未知党员 "a"', 'entries[1]: 未知党员 "b"']


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("{not json", "case.json: 不是有效的 JSON：第 1 行第 2 列，此处应为用双引号括起的字段名"),
        ('{"year": 2025, "year": 2026}', 'case.json: 同一对象中字段 "year" 出现了两次'),
        ('{"scheme": "jining-2017", "year": NaN}', "case.json: NaN 不是有效数字"),
        ('{"scheme": "jining-2017",\n "year": 2025,}', "不是有效的 JSON：第 2 行第 15 列"),
    ],
)
def test_cli_refuses_unreadable_json(tmp_path, capsys, text, message):
    path = tmp_path / "case.json"
    path.write_text(text, encoding="utf-8")

    assert main([str(path)]) == 2

    out, err = capsys.readouterr()
    assert out == ""
    assert message in err


def test_cli_refuses_a_missing_file_and_bad_usage(tmp_path, capsys):
    assert main([str(tmp_path / "absent.json")]) == 2
    assert capsys.readouterr().err == f"{tmp_path / 'absent.json'}: 无法读取文件：文件不存在\n"
    assert main([str(tmp_path)]) == 2
    assert "无法读取文件" in capsys.readouterr().err
    assert main([]) == 2
    assert main(["a.json", "b.json"]) == 2
    assert capsys.readouterr().err.startswith("用法：jifen compute CASE.json")


def test_cli_refuses_a_file_that_is_not_utf8(tmp_path, capsys):
    path = tmp_path / "case.json"
    path.write_bytes('{"scheme": "济宁"}'.encode("gbk"))

    assert main([str(path)]) == 2
    assert capsys.readouterr().err == f"{path}: 无法读取文件：文件不是 UTF-8 编码的文本\n"


def test_module_entry_point_exits_2_on_a_broken_case(tmp_path):
    path = tmp_path / "case.json"
    path.write_text('{"scheme": "jining-2017"}', encoding="utf-8")

    run = subprocess.run(
        [sys.executable, "-m", "jifen.engine", str(path)], capture_output=True, text=True
    )

    assert run.returncode == 2
    assert run.stdout == ""
    assert "case: 缺少字段 year" in run.stderr
