"""The JSON face of the engine (ENGINE.md): a case in, a result out.

parse_case() reads a case as parsed JSON and reports every problem at once: the shape of each
member and entry first, then (when the scheme and the members are sound) every rule an entry
breaks. Unknown keys are refused, never ignored.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Mapping, Sequence
from typing import Any, NamedTuple

from .amounts import cents, to_decimal
from .compute import input_problems
from .errors import EngineError
from .presets import load_preset
from .records import ALL_MONTHS, Entry, Member, MemberResult, Result
from .scheme import Scheme
from .scheme_build import scheme_from_dict

_CASE_KEYS = {"scheme", "year", "members", "entries"}
_MEMBER_KEYS = {"id", "category", "group", "months", "exempt"}
_ENTRY_KEYS = {"member", "item", "points", "date", "status", "reverses"}
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


class Case(NamedTuple):
    """A parsed case: unpack it as `scheme, year, members, entries = parse_case(data)`."""

    scheme: Scheme
    year: int
    members: tuple[Member, ...]
    entries: tuple[Entry, ...]


def _unknown_keys(where: str, data: Mapping[str, Any], known: set[str]) -> list[str]:
    return [f'{where}: 未知字段 "{key}"' for key in sorted(set(data) - known, key=str)]


def _missing(where: str, data: Mapping[str, Any], required: Sequence[str]) -> list[str]:
    return [f"{where}: 缺少字段 {key}" for key in required if key not in data]


def _read_scheme(value: object, problems: list[str]) -> Scheme | None:
    try:
        if isinstance(value, str):
            return load_preset(value)
        if isinstance(value, Mapping):
            return scheme_from_dict(value)
        problems.append("scheme: 应为预设方案名称或方案对象")
    except EngineError as error:
        problems += [f"scheme: {p}" if not p.startswith("scheme") else p for p in error.problems]
    return None


def _read_member(index: int, data: object, problems: list[str]) -> Member | None:
    where = f"members[{index}]"
    if not isinstance(data, Mapping):
        problems.append(f"{where}: 应为 JSON 对象")
        return None
    found = _unknown_keys(where, data, _MEMBER_KEYS) + _missing(
        where, data, ("id", "category", "group")
    )
    for key in ("id", "category", "group"):
        if key in data and not isinstance(data[key], str):
            found.append(f"{where}: 字段 {key} 应为文本")
    months = data.get("months", list(ALL_MONTHS))
    if not isinstance(months, list):
        found.append(f"{where}: months 应为月份（1–12）的列表")
    exempt = data.get("exempt", False)
    if not isinstance(exempt, bool):
        found.append(f"{where}: exempt 应为 true 或 false")
    problems += found
    if found:
        return None
    return Member(data["id"], data["category"], data["group"], tuple(months), exempt)


def _read_date(where: str, value: object, problems: list[str]) -> datetime.date | None:
    if isinstance(value, str) and _DATE.fullmatch(value):
        try:
            return datetime.date.fromisoformat(value)
        except ValueError:
            pass
    problems.append(f"{where}: 日期 {value!r} 无效，应为 YYYY-MM-DD 格式的日期")
    return None


def _read_entry(index: int, data: object, problems: list[str]) -> Entry | None:
    where = f"entries[{index}]"
    if not isinstance(data, Mapping):
        problems.append(f"{where}: 应为 JSON 对象")
        return None
    found = _unknown_keys(where, data, _ENTRY_KEYS)
    found += _missing(where, data, ("member", "item", "points", "date", "status"))
    for key in ("member", "item", "status"):
        if key in data and not isinstance(data[key], str):
            found.append(f"{where}: 字段 {key} 应为文本")
    points = to_decimal(data.get("points"))
    if "points" in data and points is None:
        found.append(f"{where}: 分值 {data['points']!r} 不是数字")
    day = _read_date(where, data["date"], found) if "date" in data else None
    reverses = data.get("reverses")
    if reverses is not None and (isinstance(reverses, bool) or not isinstance(reverses, int)):
        found.append(f"{where}: reverses 应为另一条记录在 entries 中的序号（整数）")
    problems += found
    if found or points is None or day is None:
        return None
    return Entry(data["member"], data["item"], points, day, data["status"], reverses)


def _read_list(data: Mapping[str, Any], key: str, problems: list[str]) -> list[Any]:
    value = data.get(key)
    if not isinstance(value, list):
        problems.append(f"case: 字段 {key} 应为列表" if key in data else f"case: 缺少字段 {key}")
        return []
    return value


def parse_case(data: object) -> Case:
    """Read a case (parsed JSON); raise EngineError listing every problem in it."""
    if not isinstance(data, Mapping):
        raise EngineError("case: 应为 JSON 对象")
    problems = _unknown_keys("case", data, _CASE_KEYS) + _missing("case", data, ("scheme", "year"))
    scheme = _read_scheme(data["scheme"], problems) if "scheme" in data else None
    year = data.get("year")
    if "year" in data and (isinstance(year, bool) or not isinstance(year, int)):
        problems.append("case: 年度 year 应为整数")
    shape_ok = not problems
    members = [
        _read_member(i, m, problems) for i, m in enumerate(_read_list(data, "members", problems))
    ]
    entries = [
        _read_entry(i, e, problems) for i, e in enumerate(_read_list(data, "entries", problems))
    ]
    if shape_ok and scheme is not None and isinstance(year, int) and None not in members:
        problems += input_problems(scheme, year, members, entries)
    if problems or scheme is None or not isinstance(year, int):
        raise EngineError(problems)
    kept_members = tuple(m for m in members if m is not None)
    return Case(scheme, year, kept_members, tuple(e for e in entries if e is not None))


def _member_to_dict(result: MemberResult) -> dict[str, Any]:
    components, months = result.components, result.months
    return {
        "id": result.id,
        "total": None if result.total is None else cents(result.total),
        "components": None if components is None else {k: cents(v) for k, v in components.items()},
        "months": None if months is None else {str(m): cents(v) for m, v in months.items()},
        "veto": result.veto,
        "rank": result.rank,
        "ranked": result.ranked,
        "grade": result.grade,
        "flags": list(result.flags),
        "explain": list(result.explain),
    }


def result_to_dict(result: Result) -> dict[str, Any]:
    """Return the result in the JSON form of ENGINE.md (scores as strings with 2 decimals)."""
    return {
        "scheme": result.scheme,
        "year": result.year,
        "members": [_member_to_dict(m) for m in result.members],
    }
