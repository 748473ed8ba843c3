"""The branch's view of commitments: who still owes a 实事承诺; identity posts; the board link."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from jifen.commitments import identity, queries, services
from jifen.commitments.enums import CommitmentState
from jifen.commitments.models import BranchBoard, IdentityPost
from jifen.org.enums import ExemptionState
from jifen.org.models import Exemption
from jifen.testing.factories import make_member
from tests.commitments.support import actions, commit, passed
from tests.ledger import YEAR


def names(members) -> list[str]:
    return [m.name for m in members]


def test_a_member_without_a_deed_commitment_is_listed_as_missing(ledger):
    before = set(names(queries.missing_deed(ledger.b1, YEAR)))
    assert before == {"secretary本人", "committee本人", "recorder本人", "普通党员", "另一党员"}

    commit(ledger)  # 普通党员: a deed
    commit(ledger, user="recorder", kind="common", content="按时参加组织生活")  # not a deed
    returned = commit(ledger, user="committee")
    services.review_commitment(actor=ledger.users["secretary"], commitment=returned,
                               approve=False, reason="请具体些")

    missing = {m.name: m for m in queries.missing_deed(ledger.b1, YEAR)}
    assert set(missing) == {"secretary本人", "committee本人", "recorder本人", "另一党员"}
    assert missing["committee本人"].has_returned and not missing["recorder本人"].has_returned


def test_exempt_members_and_members_not_yet_in_the_party_owe_nothing(ledger):
    Exemption.objects.create(member=ledger.other_member, year=YEAR, reason="长期患病",
                             proposed_by=ledger.users["secretary"],
                             state=ExemptionState.APPROVED)
    newcomer = make_member(ledger.b1, name="新党员")
    newcomer.joined_on = dt.date(YEAR + 1, 1, 5)
    newcomer.save()

    missing = names(queries.missing_deed(ledger.b1, YEAR))

    assert "另一党员" not in missing and "新党员" not in missing
    assert "普通党员" in missing


def test_overview_sorts_the_year_into_queues(ledger):
    waiting = commit(ledger)
    approved = passed(ledger, user="recorder")
    report = services.report_fulfilment(actor=ledger.users["recorder"], commitment=approved,
                                        content="已完成")

    data = queries.overview(ledger.b1, YEAR)

    assert data["review"] == [waiting] and data["approved"] == [approved]
    assert data["verify"] == [report]
    assert data["counts"] == {"submitted": 1, "returned": 0, "passed": 1, "publicized": 0}
    assert (data["approved"][0].verified, data["approved"][0].pending) == (0, 1)


# --- identity posts (亮明身份) ---------------------------------------------------------------

def make_post(ledger, actor="secretary", **kwargs):
    fields = {"kind": "vanguard", "name": "学生事务先锋岗", "place": "学院办公室 203",
              "duties": "为学生办事不过夜", "members": [ledger.member, ledger.other_member]}
    return identity.create_post(actor=ledger.users[actor], branch=ledger.b1,
                                **{**fields, **kwargs})


def test_the_branch_records_its_posts_with_members_and_duties(ledger):
    post = make_post(ledger)

    assert (post.kind, post.get_kind_display(), post.place) == (
        "vanguard", "党员先锋岗", "学院办公室 203")
    assert set(post.members.all()) == {ledger.member, ledger.other_member}
    assert actions(post) == ["commitments.post.created"]
    board = queries.board(ledger.b1, YEAR)
    assert [(label, [p.name for p in items]) for label, items in board["posts"]] == [
        ("党员示范岗", []), ("党员先锋岗", ["学生事务先锋岗"]), ("党员责任区", [])]


def test_a_post_is_updated_and_deleted_on_the_record(ledger):
    post = make_post(ledger)
    identity.update_post(actor=ledger.users["committee"], post=post, kind="area",
                         name="实验楼三层责任区", duties="安全与卫生", members=[ledger.member])
    post.refresh_from_db()
    assert (post.kind, list(post.members.all())) == ("area", [ledger.member])

    identity.delete_post(actor=ledger.users["secretary"], post=post)

    assert not IdentityPost.objects.exists()
    assert actions(post) == ["commitments.post.created", "commitments.post.updated",
                             "commitments.post.deleted"]


@pytest.mark.parametrize("kwargs, field, message", [
    ({"name": ""}, "name", "请填写名称"),
    ({"duties": ""}, "duties", "请填写职责"),
    ({"kind": "hero"}, "kind", "请选择类别"),
    ({"members": []}, "member_ids", "请至少选择一名党员"),
])
def test_bad_posts_are_refused_with_the_field_named(ledger, kwargs, field, message):
    with pytest.raises(ValidationError) as excinfo:
        make_post(ledger, **kwargs)

    assert message in excinfo.value.message_dict[field][0]


def test_only_members_of_the_branch_go_on_its_posts(ledger):
    with pytest.raises(ValidationError) as excinfo:
        make_post(ledger, members=[ledger.member, ledger.b2_member])

    assert excinfo.value.message_dict["member_ids"] == ["只能选择计算机学院教工党支部的党员。"]


@pytest.mark.parametrize("actor", ["member", "recorder", "reviewer", "org_admin"])
def test_only_the_branch_secretary_or_committee_sets_posts(ledger, actor):
    with pytest.raises(PermissionDenied):
        make_post(ledger, actor=actor)


def test_the_public_link_is_new_each_time_and_can_be_withdrawn(ledger):
    first = identity.set_public_board(actor=ledger.users["secretary"], branch=ledger.b1,
                                      public=True).public_token
    identity.set_public_board(actor=ledger.users["committee"], branch=ledger.b1, public=False)
    assert BranchBoard.objects.get(branch=ledger.b1).public_token == ""

    second = identity.set_public_board(actor=ledger.users["secretary"], branch=ledger.b1,
                                       public=True).public_token

    assert len(first) >= 30 and first != second
    with pytest.raises(PermissionDenied):
        identity.set_public_board(actor=ledger.users["member"], branch=ledger.b1, public=True)


def test_the_board_shows_only_publicized_commitments(ledger):
    shown = passed(ledger)
    passed(ledger, user="recorder")
    commit(ledger, user="committee")
    services.publicize_commitments(actor=ledger.users["secretary"], branch=ledger.b1, year=YEAR)
    late = passed(ledger, user="secretary", reviewer="committee")

    board = queries.board(ledger.b1, YEAR)

    listed = [c for _member, items in board["by_member"] for c in items]
    assert shown in listed and late not in listed and len(listed) == 2
    assert all(c.state == CommitmentState.PUBLICIZED for c in listed)
