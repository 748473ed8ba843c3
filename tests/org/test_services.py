import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from jifen.audit.models import AppendOnlyError, AuditEntry
from jifen.core.errors import ConflictError
from jifen.org import services
from jifen.org.enums import ExemptionState, OrgKind, Role
from jifen.org.models import Member, Organization, RoleAssignment
from jifen.testing.factories import UserFactory

MEMBER = {"name": "张三", "gender": "male", "category": "teacher", "status": "full",
              "joined_on": dt.date(2010, 7, 1), "staff_no": "T100"}


def actions():
    return list(AuditEntry.objects.order_by("id").values_list("action", flat=True))


def test_create_organization_builds_path_and_audits(world):
    org = services.create_organization(actor=world.users["org_admin"], name="新支部",
                                       kind=OrgKind.BRANCH, parent=world.general)

    assert org.path == f"{world.general.path}{org.pk:010d}/"
    assert (org.depth, org.root_id) == (2, world.school.pk)
    assert actions() == ["org.organization.created"]


@pytest.mark.parametrize("kind, parent_attr, message", [
    (OrgKind.BRANCH, "b1", "党支部不能设在党支部之下"),
    (OrgKind.GENERAL_BRANCH, "general", "党总支不能设在党总支之下"),
    (OrgKind.COMMITTEE, "school", "党委不能设在党委之下"),
])
def test_create_organization_refuses_wrong_nesting(world, kind, parent_attr, message):
    with pytest.raises(ValidationError, match=message):
        services.create_organization(actor=world.users["org_admin"], name="x", kind=kind,
                                     parent=getattr(world, parent_attr))
    assert actions() == []


def test_only_superuser_creates_roots(world):
    with pytest.raises(PermissionDenied):
        services.create_organization(actor=world.users["org_admin"], name="x",
                                     kind=OrgKind.COMMITTEE, parent=None)
    root = services.create_organization(actor=UserFactory(is_superuser=True), name="新学校党委",
                                        kind=OrgKind.COMMITTEE, parent=None)
    assert (root.root_id, root.depth) == (root.pk, 0)


def test_secretary_cannot_create_outside_own_branch(world):
    with pytest.raises(PermissionDenied):
        services.create_member(actor=world.users["secretary"], branch=world.b2, **MEMBER)
    assert not Member.objects.filter(staff_no="T100").exists()


def test_create_member_with_login_requires_password_change(world):
    member = services.create_member(actor=world.users["secretary"], branch=world.b1,
                                    username="zhangsan", password="Strong-Pass-2025", **MEMBER)

    assert member.user.must_change_password
    assert member.user.check_password("Strong-Pass-2025")
    assert [(p.branch_id, p.end) for p in member.placements.all()] == [(world.b1.pk, None)]
    assert actions() == ["org.member.created"]


def test_staff_number_is_unique_within_a_root_only(world):
    services.create_member(actor=world.users["org_admin"], branch=world.b1, **MEMBER)
    with pytest.raises(ValidationError) as excinfo:
        services.create_member(actor=world.users["org_admin"], branch=world.b3, **MEMBER)
    assert excinfo.value.message_dict == {"staff_no": ["工号/学号 T100 已被其他党员使用。"]}

    services.create_member(actor=world.users["outsider"], branch=world.far, **MEMBER)  # other root


def test_weak_initial_password_is_refused_on_the_field(world):
    with pytest.raises(ValidationError) as excinfo:
        services.create_member(actor=world.users["secretary"], branch=world.b1,
                               username="zhangsan", password="123", **MEMBER)
    assert "password" in excinfo.value.message_dict
    assert not Member.objects.filter(staff_no="T100").exists()


def test_transfer_keeps_history(world):
    member = world.other_member

    services.transfer_member(actor=world.users["secretary"], member=member, to_branch=world.b3,
                             on=dt.date(2025, 3, 1))

    member.refresh_from_db()
    assert member.branch == world.b3
    history = [(p.branch_id, p.start, p.end) for p in member.placements.order_by("start")]
    assert history == [(world.b1.pk, dt.date(2020, 1, 1), dt.date(2025, 3, 1)),
                       (world.b3.pk, dt.date(2025, 3, 1), None)]
    entry = AuditEntry.objects.get(action="org.member.transferred")
    assert entry.data["before"]["branch"] == world.b1.pk and entry.org == world.b1


def test_transfer_to_another_root_is_refused(world):
    with pytest.raises(ValidationError, match="本单位党委"):
        services.transfer_member(actor=world.users["org_admin"], member=world.other_member,
                                 to_branch=world.far, on=dt.date(2025, 3, 1))
    world.other_member.refresh_from_db()
    assert world.other_member.branch == world.b1


def test_exemption_is_proposed_by_branch_and_decided_by_org_department(world):
    exemption = services.propose_exemption(actor=world.users["committee"],
                                           member=world.other_member, year=2025, reason="重病")
    with pytest.raises(PermissionDenied):
        services.decide_exemption(actor=world.users["secretary"], exemption=exemption,
                                  approve=True)

    services.decide_exemption(actor=world.users["org_admin"], exemption=exemption, approve=True)

    exemption.refresh_from_db()
    assert exemption.state == ExemptionState.APPROVED
    assert services.exempt_member_ids(2025) == {world.other_member.pk}
    assert actions() == ["org.exemption.proposed", "org.exemption.approved"]


def test_exemption_twice_in_a_year_conflicts(world):
    services.propose_exemption(actor=world.users["committee"], member=world.other_member,
                               year=2025, reason="重病")
    with pytest.raises(ConflictError):
        services.propose_exemption(actor=world.users["secretary"], member=world.other_member,
                                   year=2025, reason="重病")


def test_nobody_approves_their_own_exemption_proposal(world):
    exemption = services.propose_exemption(actor=world.users["org_admin"],
                                           member=world.other_member, year=2025, reason="重病")
    with pytest.raises(ConflictError, match="自己"):
        services.decide_exemption(actor=world.users["org_admin"], exemption=exemption,
                                  approve=True)
    exemption.refresh_from_db()
    assert exemption.state == ExemptionState.PROPOSED


def test_refusal_needs_a_note(world):
    exemption = services.propose_exemption(actor=world.users["secretary"],
                                           member=world.other_member, year=2025, reason="重病")
    with pytest.raises(ValidationError):
        services.decide_exemption(actor=world.users["org_admin"], exemption=exemption,
                                  approve=False, note=" ")


def test_roles_are_held_on_the_right_kind_of_organization(world):
    user = UserFactory()
    with pytest.raises(ValidationError, match="支部书记只能设在党支部"):
        services.assign_role(actor=world.users["org_admin"], user=user, role=Role.SECRETARY,
                             org=world.general)
    services.assign_role(actor=world.users["org_admin"], user=user, role=Role.SECRETARY,
                         org=world.b2)
    with pytest.raises(ConflictError):
        services.assign_role(actor=world.users["org_admin"], user=user, role=Role.SECRETARY,
                             org=world.b2)
    assert RoleAssignment.objects.filter(user=user).count() == 1


def test_one_user_may_hold_several_roles_in_several_organizations(world, client_for):
    user = world.users["secretary"]
    services.assign_role(actor=world.users["org_admin"], user=user, role=Role.RECORDER,
                         org=world.b2)
    html = client_for(user).get("/members/").content.decode()
    assert "学生党员" in html and "另一党员" in html and "远方党员" not in html


def test_audit_rows_cannot_be_changed_or_deleted(world):
    services.rename_organization(actor=world.users["org_admin"], org=world.b1, name="新名字")
    entry = AuditEntry.objects.get()
    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(AppendOnlyError):
        entry.delete()
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.update(reason="x")
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.all().delete()
    assert Organization.objects.get(pk=world.b1.pk).name == "新名字"
