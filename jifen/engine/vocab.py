"""The fixed words of the engine's data: member categories, signs, modes, statuses, flags."""

from __future__ import annotations

MEMBER_CATEGORIES: tuple[str, ...] = ("teacher", "student")
MEMBER_CATEGORY_TITLES: dict[str, str] = {"teacher": "教工", "student": "学生"}

PERIODS: tuple[str, ...] = ("year", "month")
SIGNS: tuple[str, ...] = ("+", "-", "veto")
MODES: tuple[str, ...] = ("sum", "max")
RANK_SIDES: tuple[str, ...] = ("top", "bottom")
ANNUAL_MEAN = "mean_of_in_scope_months"

# Ledger states (SPEC §4). Only CONFIRMED counts; every other known state is accepted and ignored.
CONFIRMED = "confirmed"
STATUS_TITLES: dict[str, str] = {
    "draft": "草稿",
    "submitted": "待初评",
    "reviewed": "初评通过",
    "rejected": "未通过",
    "approved": "党总支已审核",
    "publicized": "公示中",
    "disputed": "有异议",
    "reversed": "已冲正",
    "confirmed": "已认定",
}
STATUSES: frozenset[str] = frozenset(STATUS_TITLES)

# Flags a scheme's flag rules may raise; "veto" is never a rule: the engine sets it on every veto.
VETO_FLAG = "veto"
RULE_FLAGS: tuple[str, ...] = ("admonish", "no_award", "unqualified")
FLAG_TITLES: dict[str, str] = {
    "admonish": "诫勉谈话",
    "no_award": "取消评先评优资格",
    "unqualified": "不合格",
    VETO_FLAG: "一票否决",
}

# Grade keys the engine itself hands out.
EXEMPT_GRADE = "exempt"
PENDING_GRADE = "pending"
PENDING_TITLE = "待支部研究确定"

# "base" is the first key of a result's components, so no category may use it.
BASE_COMPONENT = "base"
