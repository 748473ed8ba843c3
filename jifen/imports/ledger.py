"""Validating a batch of ledger entries for one branch: the rules of scoring.services.create_entry
for every row at once.

The branch's members, the scheme of each year the rows mention, the approved exemptions and the
filed years are loaded once; nothing is queried per row. create_entry checks again on writing.
"""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from jifen.core import clock
from jifen.imports.enums import ImportKind
from jifen.imports.layouts import ENTRIES
from jifen.imports.plan import Errors, Plan, parse_date, parse_decimal, required
from jifen.org import permissions as org_perm
from jifen.org.enums import ExemptionState, MemberCategory
from jifen.org.models import Exemption, Member, Organization
from jifen.results.locks import is_year_locked
from jifen.schemes.queries import effective_scheme
from jifen.scoring.enums import EntryState, Source
from jifen.scoring.scores import months_in_scope
from jifen.scoring.services import HALF


@dataclass
class EntryRow:
    row: int
    member: Member | None
    item: dict | None
    points: Decimal | None
    occurred_on: dt.date | None
    reason: str
    scheme_id: int | None = None
    source: str = Source.RECORDED

    @property
    def state(self) -> str:
        # as create_entry does it: without evidence, an item that requires it stays a draft
        return EntryState.DRAFT if self.item["evidence_required"] else EntryState.SUBMITTED

    def get_state_display(self) -> str:
        return EntryState(self.state).label

    def get_source_display(self) -> str:
        return Source(self.source).label

    def fingerprint(self) -> list:
        return [self.row, self.member.pk, self.member.name, self.scheme_id, self.item["code"],
                self.item["title"], self.item["category"], str(self.points),
                self.occurred_on.isoformat(), self.reason, self.source, self.state]


class Schemes:
    """The branch's effective scheme per year, looked up once per year."""

    def __init__(self, branch: Organization) -> None:
        self.branch = branch
        self.by_year: dict[int, tuple] = {}

    def get(self, year: int):
        if year not in self.by_year:
            scheme = effective_scheme(self.branch, year)
            items = {i["code"].upper(): i for i in scheme.definition["items"]} if scheme else {}
            self.by_year[year] = (scheme, items)
        return self.by_year[year]


def validate_entries(*, actor, branch: Organization, cells: list[dict]) -> Plan:
    """The plan for these rows, or ImportRejected listing every row's errors."""
    errors = Errors()
    members = {m.staff_no: m for m in Member.objects.filter(branch=branch)}
    own = org_perm.member_of(actor)
    schemes = Schemes(branch)
    rows = [row for row in (_parse_row(errors, cell, members, schemes) for cell in cells) if row]
    for row in rows:
        if own is not None and row.member is not None and row.member.pk == own.pk:
            row.source = Source.DECLARED  # create_entry treats one's own row as a declaration
            if row.item is not None and not row.item["declarable"]:
                errors.add(row.row, f"项目 {row.item['code']} 不能由本人申报，由支部记录。",
                           "item")
    _check_exempt(errors, branch, rows)
    _check_locked(errors, branch, rows)
    errors.raise_if_any()
    return Plan(ImportKind.ENTRIES, rows)


def _parse_row(errors: Errors, cell: dict, members: dict, schemes: Schemes) -> EntryRow | None:
    row = cell["_row"]
    if all(cell.get(k) == v for k, v in ENTRIES.example.items()):
        errors.add(row, "这是模板中的示例行，请删除后再导入。")
        return None
    member = _member(errors, cell, members)
    occurred_on = _date(errors, cell, member)
    points = _points(errors, cell)
    reason = required(errors, cell, "reason", "事由说明")
    code = required(errors, cell, "item", "项目编号")
    entry = EntryRow(row, member, None, points, occurred_on, reason)
    if code and occurred_on is not None:
        scheme, items = schemes.get(occurred_on.year)
        if scheme is None:
            errors.add(row, f"{schemes.branch.name} {occurred_on.year} 年还没有计分方案。", "item")
        else:
            entry.scheme_id = scheme.pk
            entry.item = _item(errors, row, items.get(code.upper()), code, member, points)
    return entry


def _member(errors: Errors, cell: dict, members: dict) -> Member | None:
    staff_no = required(errors, cell, "staff_no", "工号/学号")
    if not staff_no:
        return None
    member = members.get(staff_no)
    if member is None:
        # the same answer whether the number is unknown or belongs to another branch
        errors.add(cell["_row"], f"工号/学号 {staff_no} 不是本支部党员。", "staff_no")
        return None
    name = cell.get("name", "")
    if name and name != member.name:
        errors.add(cell["_row"], f"姓名“{name}”与工号/学号 {staff_no} 登记的姓名不一致。", "name")
    return member


def _date(errors: Errors, cell: dict, member: Member | None) -> dt.date | None:
    text = required(errors, cell, "occurred_on", "发生日期")
    if not text:
        return None
    value = parse_date(text)
    if value is None:
        errors.add(cell["_row"], f"发生日期“{text}”不是有效日期，请写成 2024-03-15 的格式。",
                   "occurred_on")
    elif value > clock.today():
        errors.add(cell["_row"], "发生日期不能晚于今天。", "occurred_on")
    elif member is not None and value < member.joined_on:
        errors.add(cell["_row"], "发生日期早于该党员入党时间。", "occurred_on")
    elif member is not None and value.month not in months_in_scope(member, value.year):
        errors.add(cell["_row"], "发生日期不在该党员的记分期内。", "occurred_on")
    return value


def _points(errors: Errors, cell: dict) -> Decimal | None:
    text = required(errors, cell, "points", "分值")
    if not text:
        return None
    value = parse_decimal(text)
    if value is None:
        errors.add(cell["_row"], f"分值“{text}”不是数字。", "points")
    elif value % HALF != 0:
        errors.add(cell["_row"], "分值须为 0.5 的整数倍。", "points")
        return None
    return value


def _item(errors: Errors, row: int, item: dict | None, code: str, member: Member | None,
          points: Decimal | None) -> dict | None:
    if item is None:
        errors.add(row, f"本支部适用的计分方案中没有项目 {code}。", "item")
    elif member is not None and member.category not in item["applies_to"]:
        category = MemberCategory(member.category).label
        errors.add(row, f"项目 {item['code']} 不适用于{category}党员。", "item")
    elif points is not None and not Decimal(item["min"]) <= points <= Decimal(item["max"]):
        errors.add(row, f"项目 {item['code']} 每次分值应在 {item['min']}–{item['max']} 之间。",
                   "points")
    return item


def _check_exempt(errors: Errors, branch: Organization, rows: list[EntryRow]) -> None:
    years = {r.occurred_on.year for r in rows if r.occurred_on}
    exempt = set(Exemption.objects.filter(
        member__branch=branch, year__in=years, state=ExemptionState.APPROVED
    ).values_list("member_id", "year"))
    for row in rows:
        if row.member and row.occurred_on and (row.member.pk, row.occurred_on.year) in exempt:
            errors.add(row.row, f"{row.member.name} {row.occurred_on.year} 年不列入管理范围，"
                                "不记分。", "staff_no")


def _check_locked(errors: Errors, branch: Organization, rows: list[EntryRow]) -> None:
    years = {r.occurred_on.year for r in rows if r.occurred_on}
    locked = {year for year in years if is_year_locked(branch.pk, year)}
    for row in rows:
        if row.occurred_on and row.occurred_on.year in locked:
            errors.add(row.row, f"{branch.name} {row.occurred_on.year} 年的结果已审核备案，该年度已"
                                "锁定，不能再记分。", "occurred_on")
