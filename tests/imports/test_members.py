"""Roster imports: what a good file creates, and every kind of row error, by row number."""

import datetime as dt

import pytest
from django.contrib.auth import get_user_model

from jifen.audit.models import AuditEntry
from jifen.imports import services
from jifen.imports.errors import ImportRejected
from jifen.org.models import Member, Placement
from jifen.testing.factories import make_member, make_org
from tests.imports.support import member_row, upload, valid_id, xlsx

pytestmark = pytest.mark.django_db


def run(world, rows, actor="org_admin"):
    return services.import_file("members", actor=world.users[actor], upload=upload(xlsx(rows)))


def errors_of(world, rows, actor="org_admin") -> list[str]:
    before = Member.objects.count()
    with pytest.raises(ImportRejected) as caught:
        run(world, rows, actor)
    assert Member.objects.count() == before  # nothing written
    return [str(e) for e in caught.value.errors]


def test_a_good_roster_creates_every_member_through_the_service(world):
    rows = [member_row(name="王芳", staff_no="T001", phone="13812345678",
                       id_number=valid_id(7), category="教工", status="预备"),
            member_row(name="李雷", staff_no="S001", branch="计算机学院学生党支部", gender="男",
                       category="学生", phone="", id_number="", joined_on="2021/5/4")]

    outcome = run(world, rows)

    assert outcome.created == 2
    wang, li = Member.objects.get(staff_no="T001"), Member.objects.get(staff_no="S001")
    assert (wang.name, wang.branch, wang.category, wang.status, wang.gender) == (
        "王芳", world.b1, "teacher", "probationary", "female")
    assert (wang.phone, wang.id_number) == ("13812345678", valid_id(7))
    assert wang.phone_cipher.startswith("v1:") and "13812345678" not in wang.phone_cipher
    assert (li.branch, li.joined_on, li.phone, li.user) == (world.b2, dt.date(2021, 5, 4), "", None)
    assert Placement.objects.filter(member__in=[wang, li], end__isnull=True).count() == 2


def test_each_member_and_the_import_itself_are_audited(world):
    run(world, [member_row(staff_no="A1"), member_row(staff_no="A2", branch="机关党支部")])

    actions = list(AuditEntry.objects.order_by("id").values_list("action", flat=True))
    assert actions == ["org.member.created", "org.member.created", "imports.members.imported"]
    summary = AuditEntry.objects.get(action="imports.members.imported")
    assert summary.org == world.school  # the scope: the smallest subtree holding both branches
    assert summary.actor == world.users["org_admin"]
    assert summary.data["rows"] == 2 and summary.data["created"] == 2
    assert summary.data["branches"] == {str(world.b1.pk): 1, str(world.b3.pk): 1}
    assert summary.data["file"] == "导入.xlsx" and len(summary.data["sha256"]) == 64


def test_logins_are_created_with_a_one_time_password_that_must_be_changed(world):
    outcome = run(world, [member_row(staff_no="L1", username="wangfang")])

    account, = outcome.accounts
    user = get_user_model().objects.get(username="wangfang")
    assert user.check_password(account.password) and user.must_change_password
    assert Member.objects.get(staff_no="L1").user == user
    assert AuditEntry.objects.get(action="imports.members.imported").data["logins"] == 1
    assert account.password not in str(list(AuditEntry.objects.values_list("data", flat=True)))


def test_one_bad_row_among_a_thousand_writes_nothing_and_is_named(world):
    rows = [member_row(branch="机关党支部") for _ in range(1000)]
    rows[536]["phone"] = "12345"

    errors = errors_of(world, rows)

    assert errors == ["第 538 行：手机号码格式不正确，应为 11 位数字且以 13–19 开头。"]
    assert not AuditEntry.objects.filter(action__startswith="org.member").exists()


def test_every_error_kind_is_reported_with_its_row_number(world):
    taken = make_member(world.b1, name="已有党员").staff_no
    get_user_model().objects.create(username="taken")
    rows = [
        member_row(staff_no="OK1", id_number=valid_id(500)),  # 2 fine
        member_row(phone="1381234567"),  # 3
        member_row(id_number="110105198001010011"),  # 4 checksum
        member_row(id_number="1234"),  # 5 length
        member_row(id_number=1.1010519800101e17),  # 6 a number
        member_row(branch="远方党支部"),  # 7 other root
        member_row(branch="没有这个支部"),  # 8
        member_row(branch="计算机学院党总支"),  # 9 not a branch
        member_row(staff_no="OK1"),  # 10 dup in file
        member_row(staff_no=taken),  # 11 dup in DB
        member_row(gender="男性", category="职工", status="正式员工"),  # 12
        member_row(joined_on="2010-13-01"),  # 13
        member_row(joined_on=dt.date.today() + dt.timedelta(days=1)),  # 14
        member_row(name="", staff_no=""),  # 15
        member_row(username="taken"),  # 16
        member_row(username="bad name!"),  # 17
        member_row(id_number=valid_id(500)),  # 18 dup id
        member_row(name="长" * 51, staff_no="X" * 31),  # 19
    ]

    errors = errors_of(world, rows)

    assert errors == [
        "第 3 行：手机号码格式不正确，应为 11 位数字且以 13–19 开头。",
        "第 4 行：身份证号码校验位不正确，请核对。",
        "第 5 行：身份证号码应为 18 位，最后一位可以是 X。",
        "第 6 行：身份证号码被 Excel 存成了数字，后几位已经丢失；请把该列设为文本格式后重新填写。",
        "第 7 行：所在支部“远方党支部”：支部不存在或不在您的管理范围。",
        "第 8 行：所在支部“没有这个支部”：支部不存在或不在您的管理范围。",
        "第 9 行：所在支部“计算机学院党总支”：支部不存在或不在您的管理范围。",
        "第 10 行：工号/学号 OK1与第 2 行重复。",
        f"第 11 行：工号/学号 {taken} 已被其他党员使用。",
        "第 12 行：性别应为“男”或“女”，不能是“男性”。",
        "第 12 行：党员类别应为“教工”或“学生”，不能是“职工”。",
        "第 12 行：党员状态应为“正式”或“预备”，不能是“正式员工”。",
        "第 13 行：入党时间“2010-13-01”不是有效日期，请写成 2010-07-01 的格式。",
        "第 14 行：入党时间不能晚于今天。",
        "第 15 行：请填写姓名。",
        "第 15 行：请填写工号/学号。",
        "第 16 行：用户名 taken 已存在。",
        "第 17 行：登录用户名“bad name!”只能包含字母、数字和 @ . + - _ 字符。",
        "第 18 行：身份证号码与第 2 行重复。",
        "第 19 行：姓名不能超过 50 个字。",
        "第 19 行：工号/学号不能超过 30 个字符。",
    ]


def test_an_id_number_already_registered_is_refused(world):
    run(world, [member_row(staff_no="FIRST", id_number=valid_id(900))])

    errors = errors_of(world, [member_row(id_number=valid_id(900))])

    assert errors == ["第 2 行：该身份证号码已登记在其他党员名下。"]


def test_a_duplicate_username_within_the_file_is_named(world):
    errors = errors_of(world, [member_row(username="same"), member_row(username="same")])

    assert errors == ["第 3 行：登录用户名 same与第 2 行重复。"]


def test_a_secretary_imports_only_into_their_own_branch(world):
    errors = errors_of(world, [member_row(), member_row(branch="计算机学院学生党支部")],
                       actor="secretary")

    # b2 exists next door, but the answer does not say so
    assert errors == ["第 3 行：所在支部“计算机学院学生党支部”：支部不存在或不在您的管理范围。"]


def test_a_secretary_imports_into_their_branch(world):
    outcome = run(world, [member_row(staff_no="SEC1")], actor="secretary")

    assert outcome.created == 1 and Member.objects.get(staff_no="SEC1").branch == world.b1


def test_a_branch_name_twice_in_the_scope_is_ambiguous(world):
    make_org("机关党支部", "branch", world.general)

    errors = errors_of(world, [member_row(branch="机关党支部")])

    assert errors == ["第 2 行：您的管理范围内有 2 个名为“机关党支部”的支部，无法确定是哪一个，"
                      "请先在组织管理中区分它们的名称。"]


def test_the_same_staff_number_may_exist_in_another_school(world):
    far_staff_no = world.far_member.staff_no

    outcome = run(world, [member_row(staff_no=far_staff_no)])

    assert outcome.created == 1
    assert Member.objects.filter(staff_no=far_staff_no).count() == 2


def test_values_are_read_as_people_type_them(world):
    rows = [member_row(staff_no=20230001, phone=13912345678, joined_on="2019年7月1日",
                       status="预备党员", id_number=valid_id(15).lower())]

    run(world, rows)

    member = Member.objects.get(staff_no="20230001")
    assert (member.phone, member.joined_on, member.status) == (
        "13912345678", dt.date(2019, 7, 1), "probationary")
    assert member.id_number == valid_id(15)  # "x" read as "X"
