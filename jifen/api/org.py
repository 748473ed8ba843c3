"""API.md §Organizations, members, roles — thin wrappers over jifen.org.services."""

import datetime as dt

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.shortcuts import get_object_or_404
from ninja import Router, Schema, Status

from jifen.api.common import ERRORS, Page, get_visible_or_404, paginate
from jifen.org import permissions as perm
from jifen.org import services
from jifen.org.enums import Gender, MemberCategory, MemberStatus, OrgKind, Role
from jifen.org.models import Exemption, Member, Organization

router = Router(tags=["组织与党员"])


class OrgOut(Schema):
    id: int
    name: str
    kind: OrgKind
    parent_id: int | None


class OrgIn(Schema):
    name: str
    kind: OrgKind
    parent_id: int | None = None


@router.get("/orgs", response={200: Page, **ERRORS})
def list_orgs(request, page: int = 1, size: int = 50):
    return paginate(_orgs_for(request.user), page, size, _org_out)


def _orgs_for(user):
    """The organizations the user sees, or manages as system or security administrator."""
    managers = perm.ORG_MANAGER_ROLES | perm.ROLE_MANAGER_ROLES
    return (perm.visible_organizations(user)
            | perm.managed_organizations(user, managers)).order_by("path")


def _org_out(org) -> dict:
    return {"id": org.pk, "name": org.name, "kind": org.kind, "parent_id": org.parent_id}


@router.post("/orgs", response={201: OrgOut, **ERRORS})
def create_org(request, payload: OrgIn):
    parent = None
    if payload.parent_id is not None:
        parent = get_visible_or_404(_orgs_for(request.user), payload.parent_id)
    org = services.create_organization(actor=request.user, name=payload.name, kind=payload.kind,
                                       parent=parent)
    return Status(201, _org_out(org))


class RoleIn(Schema):
    user_id: int
    role: Role
    org_id: int


class RoleAssignmentOut(Schema):
    id: int
    user_id: int
    role: str
    org_id: int


@router.post("/roles", response={201: RoleAssignmentOut, **ERRORS})
def assign_role(request, payload: RoleIn):
    org = get_visible_or_404(_orgs_for(request.user), payload.org_id)
    if not perm.can_assign_role(request.user, org, payload.role):
        raise PermissionDenied("您无权在该组织分配该角色。")
    user = get_object_or_404(get_user_model(), pk=payload.user_id, is_active=True)
    assignment = services.assign_role(actor=request.user, user=user, role=payload.role, org=org)
    return Status(201, {"id": assignment.pk, "user_id": user.pk, "role": assignment.role,
                        "org_id": org.pk})


@router.delete("/roles/{assignment_id}", response={204: None, **ERRORS})
def revoke_role(request, assignment_id: int):
    assignment = get_visible_or_404(
        perm.visible_role_assignments(request.user).select_related("org"), assignment_id
    )
    services.revoke_role(actor=request.user, assignment=assignment)
    return Status(204, None)


class MemberOut(Schema):
    id: int
    name: str
    gender: str
    category: str
    status: str
    joined_on: dt.date
    org_id: int
    staff_or_student_no: str
    phone: str
    id_number: str
    user_id: int | None


def member_out(member: Member) -> dict:
    # Personal data always leaves masked through the API; full values only in the web page.
    return {"id": member.pk, "name": member.name, "gender": member.gender,
            "category": member.category, "status": member.status,
            "joined_on": member.joined_on, "org_id": member.branch_id,
            "staff_or_student_no": member.staff_no, "phone": member.phone_masked,
            "id_number": member.id_number_masked, "user_id": member.user_id}


@router.get("/members", response={200: Page, **ERRORS})
def list_members(request, org_id: int | None = None, q: str = "", page: int = 1,
                 size: int = 50):
    members = perm.visible_members(request.user)
    if org_id is not None:
        org = get_visible_or_404(perm.visible_organizations(request.user), org_id)
        members = members.filter(branch__path__startswith=org.path)
    if q:
        members = members.filter(Q(name__contains=q) | Q(staff_no__contains=q))
    return paginate(members, page, size, member_out)


@router.get("/members/{member_id}", response={200: MemberOut, **ERRORS})
def get_member(request, member_id: int):
    return member_out(get_visible_or_404(perm.visible_members(request.user), member_id))


class MemberIn(Schema):
    name: str
    gender: Gender
    category: MemberCategory
    status: MemberStatus
    joined_on: dt.date
    org_id: int
    staff_or_student_no: str
    phone: str = ""
    id_number: str = ""  # a value is refused (400) when JIFEN_COLLECT_ID_NUMBER is off
    username: str = ""
    password: str = ""


@router.post("/members", response={201: MemberOut, **ERRORS})
def create_member(request, payload: MemberIn):
    branch = get_visible_or_404(perm.visible_organizations(request.user), payload.org_id)
    data = payload.dict(exclude={"org_id", "staff_or_student_no"})
    member = services.create_member(actor=request.user, branch=branch,
                                    staff_no=payload.staff_or_student_no, **data)
    return Status(201, member_out(member))


class TransferIn(Schema):
    org_id: int
    on: dt.date


@router.post("/members/{member_id}/transfer", response={200: MemberOut, **ERRORS})
def transfer_member(request, member_id: int, payload: TransferIn):
    member = get_visible_or_404(perm.visible_members(request.user), member_id)
    if not perm.can_manage_members(request.user, member.branch):
        raise PermissionDenied("您无权办理该党员的组织关系转接。")
    # Any branch of the member's root may receive them (as in the web form).
    target = get_object_or_404(Organization, root_id=member.root_id, pk=payload.org_id)
    member = services.transfer_member(actor=request.user, member=member, to_branch=target,
                                      on=payload.on)
    return member_out(member)


class ExemptionIn(Schema):
    member_id: int
    year: int
    reason: str


class ExemptionOut(Schema):
    id: int
    member_id: int
    year: int
    reason: str
    state: str
    decision_note: str


class RefuseIn(Schema):
    note: str


def _exemption_out(e: Exemption) -> dict:
    return {"id": e.pk, "member_id": e.member_id, "year": e.year, "reason": e.reason,
            "state": e.state, "decision_note": e.decision_note}


@router.post("/exemptions", response={201: ExemptionOut, **ERRORS})
def propose_exemption(request, payload: ExemptionIn):
    member = get_visible_or_404(perm.visible_members(request.user), payload.member_id)
    exemption = services.propose_exemption(actor=request.user, member=member, year=payload.year,
                                           reason=payload.reason)
    return Status(201, _exemption_out(exemption))


@router.post("/exemptions/{exemption_id}/approve", response={200: ExemptionOut, **ERRORS})
def approve_exemption(request, exemption_id: int):
    return _decide(request, exemption_id, approve=True, note="")


@router.post("/exemptions/{exemption_id}/refuse", response={200: ExemptionOut, **ERRORS})
def refuse_exemption(request, exemption_id: int, payload: RefuseIn):
    return _decide(request, exemption_id, approve=False, note=payload.note)


def _decide(request, exemption_id: int, *, approve: bool, note: str) -> dict:
    exemption = get_visible_or_404(
        perm.visible_exemptions(request.user).select_related("member__branch"), exemption_id
    )
    exemption = services.decide_exemption(actor=request.user, exemption=exemption,
                                          approve=approve, note=note)
    return _exemption_out(exemption)
