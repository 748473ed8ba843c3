"""Validating a member roster: the rules of org.services.create_member, for every row at once.

Everything the rows refer to is loaded in a few queries (the branches the importer manages, the
staff numbers, ID numbers and usernames already taken), and uniqueness is checked in memory, both
within the file and against the database. create_member checks again when the rows are written.
"""

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError

from jifen.core import clock, crypto
from jifen.core.validators import (
    mask_id_number,
    mask_phone,
    normalize_id_number,
    validate_id_number,
    validate_phone,
)
from jifen.imports import permissions as perm
from jifen.imports.enums import ImportKind
from jifen.imports.layouts import ID_NUMBER_REFUSED, MEMBERS
from jifen.imports.plan import Errors, Plan, parse_date, required
from jifen.org.enums import Gender, MemberCategory, MemberStatus
from jifen.org.models import Member, Organization

GENDERS = {label: value for value, label in Gender.choices}
CATEGORIES = {label: value for value, label in MemberCategory.choices}
STATUSES = {"正式": MemberStatus.FULL, "预备": MemberStatus.PROBATIONARY,
            **{label: value for value, label in MemberStatus.choices}}
NOT_YOURS = "支部不存在或不在您的管理范围。"
CHUNK = 500  # values per IN (…) query, well below SQLite's limit


@dataclass
class MemberRow:
    row: int
    name: str
    gender: str
    category: str
    status: str
    joined_on: dt.date | None
    staff_no: str
    branch: Organization | None
    phone: str
    id_number: str
    username: str

    def fingerprint(self) -> list:
        return [self.row, self.name, self.gender, self.category, self.status,
                self.joined_on.isoformat(), self.staff_no, self.branch.pk, self.phone,
                self.id_number, self.username]

    def get_gender_display(self) -> str:
        return Gender(self.gender).label

    def get_category_display(self) -> str:
        return MemberCategory(self.category).label

    def get_status_display(self) -> str:
        return MemberStatus(self.status).label

    @property
    def phone_masked(self) -> str:
        return mask_phone(self.phone)

    @property
    def id_number_masked(self) -> str:
        return mask_id_number(self.id_number)


def validate_members(*, actor, cells: list[dict]) -> Plan:
    """The plan for these rows, or ImportRejected listing every row's errors."""
    errors = Errors()
    branches = _branches_by_name(actor)
    parsed = [row for row in (_parse_row(errors, cell, branches) for cell in cells) if row]
    _check_unique_in_file(errors, parsed)
    _check_unique_in_database(errors, parsed)
    errors.raise_if_any()
    return Plan(ImportKind.MEMBERS, parsed)


def _branches_by_name(actor) -> dict[str, list[Organization]]:
    found: dict[str, list[Organization]] = {}
    for branch in perm.member_branches(actor):
        found.setdefault(branch.name.strip(), []).append(branch)
    return found


def _parse_row(errors: Errors, cell: dict, branches) -> MemberRow | None:
    """The row as parsed; a value that failed its check is left empty, so that the uniqueness
    checks still see the row's other values (every error of the row is reported)."""
    row = cell["_row"]
    if all(cell.get(k) == v for k, v in MEMBERS.example.items()):
        errors.add(row, "这是模板中的示例行，请删除后再导入。")
        return None
    name = required(errors, cell, "name", "姓名")
    if len(name) > 50:
        errors.add(row, "姓名不能超过 50 个字。", "name")
    staff_no = required(errors, cell, "staff_no", "工号/学号")
    if len(staff_no) > 30:
        errors.add(row, "工号/学号不能超过 30 个字符。", "staff_no")
    return MemberRow(
        row, name, gender=_choice(errors, cell, "gender", "性别", GENDERS),
        category=_choice(errors, cell, "category", "党员类别", CATEGORIES),
        status=_choice(errors, cell, "status", "党员状态", STATUSES),
        joined_on=_joined_on(errors, cell), staff_no=staff_no,
        branch=_branch(errors, cell, branches), phone=_phone(errors, cell),
        id_number=_id_number(errors, cell), username=_username(errors, cell),
    )


def _choice(errors: Errors, cell: dict, key: str, header: str, choices: dict) -> str:
    text = required(errors, cell, key, header)
    if text and text not in choices:
        allowed = "”或“".join(label for label in choices if len(label) <= 2)
        errors.add(cell["_row"], f"{header}应为“{allowed}”，不能是“{text}”。", key)
    return choices.get(text, "")


def _joined_on(errors: Errors, cell: dict):
    text = required(errors, cell, "joined_on", "入党时间")
    if not text:
        return None
    value = parse_date(text)
    if value is None:
        errors.add(cell["_row"], f"入党时间“{text}”不是有效日期，请写成 2010-07-01 的格式。",
                   "joined_on")
    elif value > clock.today():
        errors.add(cell["_row"], "入党时间不能晚于今天。", "joined_on")
    return value


def _branch(errors: Errors, cell: dict, branches) -> Organization | None:
    text = required(errors, cell, "branch", "所在支部")
    if not text:
        return None
    matches = branches.get(text, [])
    if not matches:
        errors.add(cell["_row"], f"所在支部“{text}”：{NOT_YOURS}", "branch")
        return None
    if len(matches) > 1:
        errors.add(cell["_row"], f"您的管理范围内有 {len(matches)} 个名为“{text}”的支部，无法确定是"
                                 "哪一个，请先在组织管理中区分它们的名称。", "branch")
        return None
    return matches[0]


def _phone(errors: Errors, cell: dict) -> str:
    phone = cell.get("phone", "")
    if phone:
        try:
            validate_phone(phone)
        except ValidationError as e:
            errors.add(cell["_row"], e.messages[0], "phone")
            return ""
    return phone


def _id_number(errors: Errors, cell: dict) -> str:
    id_number = normalize_id_number(cell.get("id_number", ""))
    if not id_number:
        return ""
    if not settings.JIFEN_COLLECT_ID_NUMBER:  # staged before collection was switched off
        errors.add(cell["_row"], ID_NUMBER_REFUSED, "id_number")
        return ""
    if "E+" in id_number:
        errors.add(cell["_row"], "身份证号码被 Excel 存成了数字，后几位已经丢失；请把该列设为文本"
                                 "格式后重新填写。", "id_number")
        return ""
    try:
        validate_id_number(id_number)
    except ValidationError as e:
        errors.add(cell["_row"], e.messages[0], "id_number")
        return ""
    return id_number


def _username(errors: Errors, cell: dict) -> str:
    username = cell.get("username", "")
    if not username:
        return ""
    user_model = get_user_model()
    try:
        user_model.username_validator(username)
    except ValidationError:
        errors.add(cell["_row"], f"登录用户名“{username}”只能包含字母、数字和 @ . + - _ 字符。",
                   "username")
        return ""
    if len(username) > 150:
        errors.add(cell["_row"], "登录用户名不能超过 150 个字符。", "username")
        return ""
    return username


def _check_unique_in_file(errors: Errors, rows: list[MemberRow]) -> None:
    first: dict[tuple, int] = {}
    for row in rows:
        keys = []
        if row.branch and row.staff_no:
            keys.append(("staff_no", (row.branch.root_id, row.staff_no),
                         f"工号/学号 {row.staff_no}"))
        if row.id_number:
            keys.append(("id_number", row.id_number, "身份证号码"))
        if row.username:
            keys.append(("username", row.username, f"登录用户名 {row.username}"))
        for column, value, what in keys:
            seen = first.setdefault((column, value), row.row)
            if seen != row.row:
                errors.add(row.row, f"{what}与第 {seen} 行重复。", column)


def _check_unique_in_database(errors: Errors, rows: list[MemberRow]) -> None:
    taken_staff = set()
    for part in _chunks([r for r in rows if r.branch and r.staff_no]):
        taken_staff |= set(Member.objects.filter(
            root_id__in={r.branch.root_id for r in part}, staff_no__in=[r.staff_no for r in part]
        ).values_list("root_id", "staff_no"))
    indexes = {r.row: crypto.blind_index(r.id_number, purpose="id_number")
               for r in rows if r.id_number}
    taken_ids = set()
    for part in _chunks(list(indexes.values())):
        taken_ids |= set(Member.objects.filter(id_number_index__in=part)
                         .values_list("id_number_index", flat=True))
    taken_names = set()
    for part in _chunks([r.username for r in rows if r.username]):
        taken_names |= set(get_user_model().objects.filter(username__in=part)
                           .values_list("username", flat=True))
    for row in rows:
        if row.branch and (row.branch.root_id, row.staff_no) in taken_staff:
            errors.add(row.row, f"工号/学号 {row.staff_no} 已被其他党员使用。", "staff_no")
        if indexes.get(row.row) in taken_ids:
            errors.add(row.row, "该身份证号码已登记在其他党员名下。", "id_number")
        if row.username in taken_names:
            errors.add(row.row, f"用户名 {row.username} 已存在。", "username")


def _chunks(values: list) -> list[list]:
    return [values[i:i + CHUNK] for i in range(0, len(values), CHUNK)]
