from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command

from jifen.audit.models import AuditEntry
from jifen.core.errors import ConflictError
from jifen.org import services as org_services
from jifen.publicity import services as publicity
from jifen.scoring import services
from jifen.scoring.enums import EntryState, Source
from jifen.scoring.models import Entry, Score
from tests.ledger import (
    YEAR,
    close,
    day,
    pdf,
    publicize,
    record,
    through_review,
)


def state(entry):
    entry.refresh_from_db()
    return entry.state


def test_recorded_entry_goes_all_the_way_to_the_official_score(ledger):
    entry = record(ledger)
    assert (entry.state, entry.source) == (EntryState.SUBMITTED, Source.RECORDED)
    through_review(ledger, entry)
    window = publicize(ledger)
    assert state(entry) == EntryState.PUBLICIZED

    assert close(window) == 1

    assert state(entry) == EntryState.CONFIRMED
    score = Score.objects.get(member=ledger.other_member, year=YEAR)
    assert (score.total, score.grade) == (Decimal("83.00"), "qualified")
    assert list(AuditEntry.objects.filter(object_id=str(entry.pk),
            object_type="scoring.entry").order_by("id").values_list("action", flat=True)) == [
        "scoring.entry.recorded", "scoring.entry.reviewed"]


def test_the_item_copy_on_the_entry_never_changes_with_the_scheme(ledger):
    entry = record(ledger)
    entry.refresh_from_db()
    assert (entry.item_title, entry.item_min, entry.item_max) == (
        "宣传落实党的路线方针政策", Decimal(1), Decimal(5))
    ledger.scheme.refresh_from_db()
    assert ledger.scheme.is_locked  # the first entry froze the arithmetic


def test_member_declares_only_declarable_items_and_evidence_decides_draft(ledger):
    with pytest.raises(ValidationError) as excinfo:
        record(ledger, member=ledger.member, item="A-J02", actor="member")
    assert "不能由本人申报" in excinfo.value.message_dict["item"][0]

    draft = record(ledger, member=ledger.member, item="A-J04", actor="member")
    assert (draft.state, draft.source) == (EntryState.DRAFT, Source.DECLARED)
    services.add_evidence(actor=ledger.users["member"], entry=draft, upload=pdf())
    assert state(draft) == EntryState.SUBMITTED

    with_file = record(ledger, member=ledger.member, item="A-J04", actor="member",
                       files=[pdf()])
    assert with_file.state == EntryState.SUBMITTED and with_file.evidence.count() == 1


@pytest.mark.parametrize("field, kwargs, message", [
    ("points", {"points": "7"}, "1–5"),
    ("points", {"points": "2.3"}, "0.5"),
    ("item", {"item": "A-J06"}, "不适用于教工党员"),
    ("item", {"item": "Z-99"}, "没有项目 Z-99"),
    ("occurred_on", {"when": day(1).replace(year=YEAR + 1)}, "不能晚于今天"),
])
def test_bad_entries_are_refused_with_the_field_named(ledger, field, kwargs, message):
    with pytest.raises(ValidationError) as excinfo:
        record(ledger, **kwargs)
    assert message in excinfo.value.message_dict[field][0]
    assert not Entry.objects.exists()


def test_a_member_cannot_record_for_others(ledger):
    with pytest.raises(PermissionDenied):
        record(ledger, member=ledger.other_member, actor="member")


def test_exempt_members_are_not_scored(ledger):
    exemption = org_services.propose_exemption(actor=ledger.users["secretary"],
                                               member=ledger.other_member, year=YEAR,
                                               reason="重病")
    org_services.decide_exemption(actor=ledger.users["org_admin"], exemption=exemption,
                                  approve=True)
    with pytest.raises(ValidationError, match="不列入管理范围"):
        record(ledger)


def test_four_eyes_no_review_of_own_entries_or_entries_about_oneself(ledger):
    by_committee = record(ledger, actor="committee")
    about_committee = record(ledger, member=ledger.users["committee"].member)
    audit_rows = AuditEntry.objects.count()
    for entry in (by_committee, about_committee):
        with pytest.raises(ConflictError, match="四眼原则"):
            services.review_entry(actor=ledger.users["committee"], entry=entry, approve=True)
        assert state(entry) == EntryState.SUBMITTED
    assert AuditEntry.objects.count() == audit_rows


def test_wrong_state_changes_nothing(ledger):
    entry = record(ledger)
    through_review(ledger, entry)
    with pytest.raises(ConflictError, match="初评通过"):
        services.review_entry(actor=ledger.users["secretary"], entry=entry, approve=False,
                              note="x")
    with pytest.raises(ConflictError):
        services.reverse_entry(actor=ledger.users["secretary"], entry=entry, reason="x")
    assert state(entry) == EntryState.REVIEWED


def test_rejection_needs_a_reason(ledger):
    entry = record(ledger)
    with pytest.raises(ValidationError):
        services.review_entry(actor=ledger.users["committee"], entry=entry, approve=False)
    services.review_entry(actor=ledger.users["committee"], entry=entry, approve=False,
                          note="无活动记录")
    assert state(entry) == EntryState.REJECTED


def test_commendation_needs_the_general_branchs_approval(ledger):
    far_member = ledger.far_member
    entry = services.create_entry(actor=ledger.far_committee, member=far_member,
                                  item_code="B-C02", points=Decimal(12),
                                  occurred_on=day(3), reason="省级表彰", files=[pdf()])
    services.review_entry(actor=ledger.users["outsider"], entry=entry, approve=True)
    with pytest.raises(ConflictError, match="没有可以公示"):
        publicize(ledger, branch=ledger.far, actor="outsider")
    with pytest.raises(PermissionDenied):
        services.approve_entry(actor=ledger.users["reviewer"], entry=entry, approve=True)
    services.approve_entry(actor=ledger.far_reviewer, entry=entry, approve=True)
    window = publicize(ledger, branch=ledger.far, actor="outsider")
    close(window)
    score = Score.objects.get(member=far_member, year=YEAR)
    assert score.months[str(3)] == "72.00"


def test_disputed_entries_wait_while_the_rest_are_confirmed(ledger):
    disputed, clean = record(ledger), record(ledger, item="A-J03")
    for entry in (disputed, clean):
        through_review(ledger, entry)
    window = publicize(ledger)
    objection = publicity.raise_objection(actor=ledger.users["member"], entry=disputed,
                                          reason="未见其参加")
    assert close(window) == 1
    assert (state(disputed), state(clean)) == (EntryState.DISPUTED, EntryState.CONFIRMED)

    publicity.answer_objection(actor=ledger.users["secretary"], objection=objection,
                               upheld=False, reply="有签到表为证")
    assert state(disputed) == EntryState.CONFIRMED  # its window is over: confirmed at once
    with pytest.raises(ConflictError, match="冲正"):
        publicity.escalate_objection(actor=ledger.users["member"], objection=objection,
                                     reason="仍不同意")


def test_full_appeal_path_during_the_window(ledger):
    entry = record(ledger)
    through_review(ledger, entry)
    window = publicize(ledger)
    objection = publicity.raise_objection(actor=ledger.users["member"], entry=entry,
                                          reason="未见其参加")
    with pytest.raises(PermissionDenied):
        publicity.answer_objection(actor=ledger.users["member"], objection=objection,
                                   upheld=True, reply="x")
    publicity.answer_objection(actor=ledger.users["secretary"], objection=objection,
                               upheld=False, reply="有签到表为证")
    assert state(entry) == EntryState.PUBLICIZED
    with pytest.raises(PermissionDenied):
        publicity.escalate_objection(actor=ledger.users["secretary"], objection=objection,
                                     reason="x")
    publicity.escalate_objection(actor=ledger.users["member"], objection=objection,
                                 reason="签到表是补签的")
    assert state(entry) == EntryState.DISPUTED
    with pytest.raises(PermissionDenied):
        publicity.rule_objection(actor=ledger.users["secretary"], objection=objection,
                                 upheld=False, reply="x")
    publicity.rule_objection(actor=ledger.users["org_admin"], objection=objection, upheld=False,
                             reply="经专项查核，记录属实")
    assert state(entry) == EntryState.PUBLICIZED
    close(window)
    assert state(entry) == EntryState.CONFIRMED
    assert Score.objects.get(member=ledger.other_member).total == Decimal("83.00")


def test_upheld_objection_voids_the_entry(ledger):
    entry = record(ledger)
    through_review(ledger, entry)
    publicize(ledger)
    objection = publicity.raise_objection(actor=ledger.users["member"], entry=entry,
                                          reason="重复记分")
    publicity.answer_objection(actor=ledger.users["committee"], objection=objection,
                               upheld=True, reply="核实为重复记分，予以撤销")
    assert state(entry) == EntryState.REJECTED


def test_only_branch_members_object_and_only_during_the_window(ledger):
    entry = record(ledger)
    through_review(ledger, entry)
    with pytest.raises(ConflictError):
        publicity.raise_objection(actor=ledger.users["member"], entry=entry, reason="x")
    publicize(ledger)
    with pytest.raises(PermissionDenied):
        publicity.raise_objection(actor=ledger.far_objector, entry=entry, reason="x")


def test_window_cannot_close_early_and_closing_twice_does_nothing(ledger):
    entry = record(ledger)
    through_review(ledger, entry)
    window = publicize(ledger)
    with pytest.raises(ConflictError, match="不能提前结束"):
        publicity.close_window(actor=ledger.users["secretary"], window=window)
    assert close(window) == 1
    assert close(window) == 0


def test_close_publicity_command_is_idempotent(ledger, capsys):
    entry = record(ledger)
    through_review(ledger, entry)
    window = publicize(ledger)
    type(window).objects.filter(pk=window.pk).update(
        starts_on=day(1), ends_on=day(1, 5))
    call_command("close_publicity")
    call_command("close_publicity")
    assert capsys.readouterr().out.splitlines() == ["已认定 1 条记录。", "已认定 0 条记录。"]
    assert state(entry) == EntryState.CONFIRMED


def test_reversal_goes_through_the_workflow_and_cancels_both(ledger):
    entry = record(ledger)
    through_review(ledger, entry)
    close(publicize(ledger))
    reversal = services.reverse_entry(actor=ledger.users["secretary"], entry=entry,
                                      reason="记错了对象")
    assert reversal.state == EntryState.SUBMITTED and reversal.reverses == entry
    with pytest.raises(ConflictError, match="已有冲正"):
        services.reverse_entry(actor=ledger.users["secretary"], entry=entry, reason="again")
    assert Score.objects.get(member=ledger.other_member).total == Decimal("83.00")
    through_review(ledger, reversal)
    close(publicize(ledger))
    assert Score.objects.get(member=ledger.other_member).total == Decimal("80.00")
    assert state(entry) == EntryState.CONFIRMED  # never edited


def test_transfer_moves_the_score_to_the_new_branch_and_keeps_the_entry_where_it_was(ledger):
    entry = record(ledger)
    through_review(ledger, entry)
    close(publicize(ledger))
    org_services.transfer_member(actor=ledger.users["org_admin"], member=ledger.other_member,
                                 to_branch=ledger.b3, on=day(6))
    score = Score.objects.get(member=ledger.other_member, year=YEAR)
    assert (score.branch, score.total) == (ledger.b3, Decimal("83.00"))
    entry.refresh_from_db()
    assert entry.branch == ledger.b1


def test_exemption_approved_mid_year_takes_the_member_out_of_the_ranking(ledger):
    entry = record(ledger)
    through_review(ledger, entry)
    close(publicize(ledger))
    assert Score.objects.get(member=ledger.other_member).rank == 1

    exemption = org_services.propose_exemption(actor=ledger.users["secretary"],
                                               member=ledger.other_member, year=YEAR,
                                               reason="重病")
    org_services.decide_exemption(actor=ledger.users["org_admin"], exemption=exemption,
                                  approve=True)

    score = Score.objects.get(member=ledger.other_member)
    assert (score.total, score.rank, score.grade) == (None, None, "exempt")
    assert Score.objects.get(member=ledger.member).ranked == 4
