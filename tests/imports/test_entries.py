"""Ledger imports for a branch: entries through create_entry, every row error by row number."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied

from jifen.audit.models import AuditEntry
from jifen.imports import services
from jifen.imports.errors import ImportRejected
from jifen.org.enums import ExemptionState
from jifen.org.models import Exemption, Member
from jifen.results.models import YearResult, YearState
from jifen.scoring.enums import EntryState, Source
from jifen.scoring.models import Entry
from jifen.testing.factories import make_member
from tests.imports.support import entry_row, upload, xlsx
from tests.ledger import YEAR, day

pytestmark = pytest.mark.django_db


def run(world, rows, actor="recorder", branch=None):
    return services.import_file("entries", actor=world.users[actor] if isinstance(actor, str)
                                else actor, upload=upload(xlsx(rows, "entries")),
                                branch=branch or world.b1)


def errors_of(world, rows, actor="recorder", branch=None) -> list[str]:
    with pytest.raises(ImportRejected) as caught:
        run(world, rows, actor, branch)
    assert not Entry.objects.exists()
    return [str(e) for e in caught.value.errors]


def test_a_good_batch_records_every_entry_for_review(ledger):
    rows = [entry_row(ledger.other_member, points=2, occurred_on=day(3, 5)),
            entry_row(ledger.member, item="a-j04", points="2.5", name="", reason="志愿服务")]

    outcome = run(ledger, rows)

    assert outcome.created == 2
    dues, service = Entry.objects.order_by("id")
    assert (dues.member, dues.item_code, dues.points, dues.occurred_on, dues.state,
            dues.source, dues.created_by, dues.branch) == (
        ledger.other_member, "A-B02", Decimal("2"), day(3, 5), EntryState.SUBMITTED,
        Source.RECORDED, ledger.users["recorder"], ledger.b1)
    # an item that needs evidence waits as a draft, as with create_entry without files
    assert (service.item_code, service.points, service.state) == (
        "A-J04", Decimal("2.5"), EntryState.DRAFT)


def test_each_entry_and_the_import_are_audited_in_the_branch(ledger):
    run(ledger, [entry_row(ledger.other_member), entry_row(ledger.member)], actor="committee")

    actions = list(AuditEntry.objects.filter(action__startswith=("scoring.entry"))
                   .values_list("action", flat=True))
    assert actions == ["scoring.entry.recorded", "scoring.entry.recorded"]
    summary = AuditEntry.objects.get(action="imports.entries.imported")
    assert (summary.org, summary.data["rows"], summary.data["created"]) == (ledger.b1, 2, 2)


def test_every_error_kind_is_reported_with_its_row_number(ledger):
    other, me = ledger.other_member, Member.objects.get(user=ledger.users["recorder"])
    newcomer = make_member(ledger.b1, name="新党员")
    newcomer.joined_on = day(3, 15)
    newcomer.save()
    Exemption.objects.create(member=ledger.member, year=YEAR, reason="病",
                             state=ExemptionState.APPROVED, proposed_by=ledger.users["secretary"])
    rows = [
        entry_row(other),                                                    # 2 fine
        entry_row(other, item="A-X99"),                                      # 3
        entry_row(other, points=3),                                          # 4 A-B02 is 1–2
        entry_row(other, points=1.3),                                        # 5
        entry_row(other, points="两分"),                                      # 6
        entry_row(ledger.b2_member),                                         # 7 other branch
        entry_row(other, staff_no="NOPE"),                                   # 8
        entry_row(newcomer, occurred_on=day(3, 1)),                          # 9 before joining
        entry_row(other, occurred_on=dt.date(2019, 5, 1)),                   # 10 no scheme
        entry_row(ledger.member),                                            # 11 exempt
        entry_row(me),                                                       # 12 own, recorded item
        entry_row(other, name="别人"),                                        # 13
        entry_row(other, item="A-B10"),                                      # 14 students only
        entry_row(other, reason="", occurred_on="三月"),                       # 15
        entry_row(other, item="", points=""),                                # 16
    ]

    errors = errors_of(ledger, rows)

    staff_b2 = ledger.b2_member.staff_no
    assert errors == [
        "第 3 行：本支部适用的计分方案中没有项目 A-X99。",
        "第 4 行：项目 A-B02 每次分值应在 1–2 之间。",
        "第 5 行：分值须为 0.5 的整数倍。",
        "第 6 行：分值“两分”不是数字。",
        f"第 7 行：工号/学号 {staff_b2} 不是本支部党员。",
        "第 8 行：工号/学号 NOPE 不是本支部党员。",
        "第 9 行：发生日期早于该党员入党时间。",
        "第 10 行：计算机学院教工党支部 2019 年还没有计分方案。",
        f"第 11 行：普通党员 {YEAR} 年不列入管理范围，不记分。",
        "第 12 行：项目 A-B02 不能由本人申报，由支部记录。",
        f"第 13 行：姓名“别人”与工号/学号 {other.staff_no} 登记的姓名不一致。",
        "第 14 行：项目 A-B10 不适用于教工党员。",
        "第 15 行：发生日期“三月”不是有效日期，请写成 2024-03-15 的格式。",
        "第 15 行：请填写事由说明。",
        "第 16 行：请填写分值。",
        "第 16 行：请填写项目编号。",
    ]


def test_a_date_in_the_future_is_refused(ledger):
    tomorrow = dt.date.today() + dt.timedelta(days=1)

    errors = errors_of(ledger, [entry_row(ledger.other_member, occurred_on=tomorrow)])

    assert errors[0] == "第 2 行：发生日期不能晚于今天。"


def test_a_filed_year_refuses_every_row_of_that_year(ledger):
    YearResult.objects.create(branch=ledger.b1, year=YEAR, state=YearState.FILED)

    errors = errors_of(ledger, [entry_row(ledger.other_member), entry_row(ledger.member)])

    message = f"计算机学院教工党支部 {YEAR} 年的结果已审核备案，该年度已锁定，不能再记分。"
    assert errors == [f"第 2 行：{message}", f"第 3 行：{message}"]


def test_ones_own_row_is_a_declaration_when_the_item_allows_it(ledger):
    me = Member.objects.get(user=ledger.users["recorder"])

    run(ledger, [entry_row(me, item="A-J01", points=2)])

    assert Entry.objects.get().source == Source.DECLARED


def test_one_bad_row_among_a_thousand_writes_nothing(ledger):
    rows = [entry_row(ledger.other_member, reason=f"第 {n} 次") for n in range(1000)]
    rows[998]["item"] = "A-X99"

    errors = errors_of(ledger, rows)

    assert errors == ["第 1000 行：本支部适用的计分方案中没有项目 A-X99。"]
    assert not AuditEntry.objects.filter(action__startswith="scoring.").exists()


@pytest.mark.parametrize("actor", ["org_admin", "reviewer", "member"])
def test_only_those_who_record_in_the_branch_may_import(ledger, actor):
    with pytest.raises(PermissionDenied):
        run(ledger, [entry_row(ledger.other_member)], actor=actor)


def test_a_recorder_may_not_import_into_another_branch(ledger):
    with pytest.raises(PermissionDenied):
        run(ledger, [entry_row(ledger.b2_member)], branch=ledger.b2)
