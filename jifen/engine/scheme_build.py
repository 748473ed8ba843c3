"""Read a scheme from its JSON form (the preset form of presets.json).

Two stages, each reporting every problem it finds: first the shape (missing keys, wrong types,
unknown keys, numbers that are not numbers), then, once the shape is sound, the contradictions
that Scheme itself refuses (scheme_check). Unknown keys are refused rather than dropped, so that
a typing mistake in an exported file never silently changes a score.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from .amounts import to_decimal
from .errors import EngineError
from .scheme import Category, FlagRule, GradeRule, Item, RankShare, Scheme
from .vocab import MEMBER_CATEGORIES

_SCHEME_KEYS = {
    "key", "title", "source", "period", "annual", "base", "floor", "ceiling", "publicity_days",
    "categories", "items", "grades", "flags", "flag_rules",
}  # fmt: skip
_CATEGORY_KEYS = {"key", "title", "sign", "mode", "cap_per_period", "inside"}
_ITEM_KEYS = {
    "code", "title", "description", "category", "min", "max", "cap_per_period", "applies_to",
    "evidence_required", "declarable", "needs_general_branch_approval", "marks_no_identity",
}  # fmt: skip
_GRADE_KEYS = {"key", "title", "min_total", "max_total_below", "otherwise", "rank"}
_FLAG_RULE_KEYS = {"flag", "below", "marks_no_identity", "rank"}


class _Reader:
    """Pull typed values out of one JSON object, noting each problem under the object's name."""

    def __init__(self, data: object, where: str, keys: set[str], problems: list[str]) -> None:
        self.where = where
        self.problems = problems
        if not isinstance(data, Mapping):
            problems.append(f"{where}: 应为 JSON 对象")
            data = {}
        self.data: Mapping[str, Any] = data
        for key in sorted(set(data) - keys, key=str):
            problems.append(f'{where}: 未知字段 "{key}"')

    def _problem(self, text: str) -> None:
        self.problems.append(f"{self.where}: {text}")

    def _missing(self, key: str) -> None:
        self._problem(f"缺少字段 {key}")

    def text(self, key: str) -> str:
        value = self.data.get(key)
        if key not in self.data:
            self._missing(key)
        elif not isinstance(value, str):
            self._problem(f"字段 {key} 应为文本")
        else:
            return value
        return ""

    def optional_text(self, key: str) -> str | None:
        value = self.data.get(key)
        if value is None or isinstance(value, str):
            return value
        self._problem(f"字段 {key} 应为文本或 null")
        return None

    def flag(self, key: str) -> bool:
        value = self.data.get(key, False)
        if not isinstance(value, bool):
            self._problem(f"字段 {key} 应为 true 或 false")
            return False
        return value

    def number(self, key: str) -> Decimal:
        if key not in self.data:
            self._missing(key)
            return Decimal(0)
        return self.optional_number(key) or Decimal(0)

    def optional_number(self, key: str) -> Decimal | None:
        value = self.data.get(key)
        if value is None:
            return None
        number = to_decimal(value)
        if number is None:
            self._problem(f"字段 {key} 的值 {value!r} 不是数字")
        return number

    def whole(self, key: str) -> int:
        value = self.data.get(key)
        if key not in self.data:
            self._missing(key)
        elif isinstance(value, bool) or not isinstance(value, int):
            self._problem(f"字段 {key} 应为整数")
        else:
            return value
        return 0

    def array(self, key: str) -> list[Any]:
        value = self.data.get(key)
        if not isinstance(value, list):
            if key in self.data:
                self._problem(f"字段 {key} 应为列表")
            else:
                self._missing(key)
            return []
        return value

    def rank(self) -> RankShare | None:
        value = self.data.get("rank")
        if value is None:
            return None
        if not isinstance(value, Mapping) or len(value) != 1:
            self._problem('字段 rank 应为 {"top": 比例} 或 {"bottom": 比例}')
            return None
        ((side, share),) = value.items()
        number = to_decimal(share)
        if number is None:
            self._problem(f"字段 rank 的比例 {share!r} 不是数字")
            return None
        return RankShare(str(side), number)


def _category(data: object, index: int, problems: list[str]) -> Category:
    read = _Reader(data, f"categories[{index}]", _CATEGORY_KEYS, problems)
    return Category(
        key=read.text("key"),
        title=read.text("title"),
        sign=read.text("sign"),
        mode=read.optional_text("mode") or "sum",
        cap_per_period=read.optional_number("cap_per_period"),
        inside=read.optional_text("inside"),
    )


def _item(data: object, index: int, problems: list[str]) -> Item:
    read = _Reader(data, f"items[{index}]", _ITEM_KEYS, problems)
    applies_to = read.array("applies_to") if "applies_to" in read.data else list(MEMBER_CATEGORIES)
    if not all(isinstance(c, str) for c in applies_to):
        problems.append(f"items[{index}]: applies_to 中的每一项都应为文本")
    return Item(
        code=read.text("code"),
        title=read.text("title"),
        description=read.optional_text("description"),
        category=read.text("category"),
        min=read.number("min"),
        max=read.number("max"),
        cap_per_period=read.optional_number("cap_per_period"),
        applies_to=tuple(str(c) for c in applies_to),
        evidence_required=read.flag("evidence_required"),
        declarable=read.flag("declarable"),
        needs_general_branch_approval=read.flag("needs_general_branch_approval"),
        marks_no_identity=read.flag("marks_no_identity"),
    )


def _grade(data: object, index: int, problems: list[str]) -> GradeRule:
    read = _Reader(data, f"grades[{index}]", _GRADE_KEYS, problems)
    conditions = {"min_total", "max_total_below", "otherwise"} & set(read.data)
    if not conditions:
        problems.append(f"grades[{index}]: 至少须给出 min_total、max_total_below、otherwise 之一")
    if "otherwise" in read.data and read.data["otherwise"] is not True:
        problems.append(f"grades[{index}]: otherwise 给出时只能为 true")
    return GradeRule(
        key=read.text("key"),
        title=read.text("title"),
        min_total=read.optional_number("min_total"),
        max_total_below=read.optional_number("max_total_below"),
        otherwise=read.data.get("otherwise") is True,
        rank=read.rank(),
    )


def _flag_rule(data: object, index: int, problems: list[str]) -> FlagRule:
    read = _Reader(data, f"flag_rules[{index}]", _FLAG_RULE_KEYS, problems)
    return FlagRule(
        flag=read.text("flag"),
        below=read.optional_number("below"),
        marks_no_identity=read.flag("marks_no_identity"),
        rank=read.rank(),
    )


def _flag_notes(data: Mapping[str, Any], problems: list[str]) -> tuple[tuple[str, str], ...] | None:
    notes = data.get("flags")
    if notes is None:
        return None
    if not isinstance(notes, Mapping) or not all(isinstance(v, str) for v in notes.values()):
        problems.append('flags: 应为由文本组成的对象（标记规则写在 "flag_rules" 中）')
        return None
    return tuple((str(k), v) for k, v in notes.items())


def _parts(read: _Reader, problems: list[str]) -> dict[str, Any]:
    """Read the lists of a scheme; nothing is built from a list that is not a list."""
    return {
        "categories": tuple(
            _category(c, i, problems) for i, c in enumerate(read.array("categories"))
        ),
        "items": tuple(_item(d, i, problems) for i, d in enumerate(read.array("items"))),
        "grades": tuple(_grade(g, i, problems) for i, g in enumerate(read.array("grades"))),
        "flag_rules": tuple(
            _flag_rule(r, i, problems) for i, r in enumerate(read.array("flag_rules"))
        ),
    }


def scheme_from_dict(data: object) -> Scheme:
    """Build a Scheme from its JSON form, raising EngineError with every problem found."""
    problems: list[str] = []
    read = _Reader(data, "scheme", _SCHEME_KEYS, problems)
    fields: dict[str, Any] = {
        "key": read.text("key"),
        "title": read.text("title"),
        "source": read.optional_text("source"),
        "period": read.text("period"),
        "annual": read.optional_text("annual"),
        "base": read.number("base"),
        "floor": read.number("floor"),
        "ceiling": read.optional_number("ceiling"),
        "publicity_days": read.whole("publicity_days"),
        "flag_notes": _flag_notes(read.data, problems),
        **_parts(read, problems),
    }
    if problems:
        raise EngineError(problems)
    return Scheme(**fields)
