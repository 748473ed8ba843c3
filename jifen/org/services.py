"""State changes of organizations, members, exemptions and roles.

Each function checks permission, locks what it changes, validates, saves and writes its audit row
in one transaction.
"""

import datetime as dt
from dataclasses import dataclass
from io import BytesIO

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from jifen.audit.services import Action, log_action, log_actions
from jifen.core import clock, crypto, xlsx
from jifen.core.errors import ConflictError
from jifen.core.validators import normalize_id_number, validate_id_number, validate_phone
from jifen.org import permissions as perm
from jifen.org.enums import ROLE_ORG_KINDS, SECURITY_ROLES, ExemptionState, OrgKind, Role
from jifen.org.models import Exemption, Member, Organization, Placement, RoleAssignment
from jifen.org.signals import exemption_approved, member_transferred

# Which kinds may hang under which: a branch may sit under a committee directly (Doc A).
ALLOWED_PARENT_KINDS = {
    OrgKind.COMMITTEE: set(),
    OrgKind.GENERAL_BRANCH: {OrgKind.COMMITTEE},
    OrgKind.BRANCH: {OrgKind.COMMITTEE, OrgKind.GENERAL_BRANCH},
}

MEMBER_FIELDS = ("name", "gender", "category", "status", "joined_on", "staff_no")
ID_NUMBER_NOT_COLLECTED = "本系统已停止采集身份证号码，请不要填写。"


# --- organizations ---------------------------------------------------------------------------

@transaction.atomic
def create_organization(
    *, actor, name: str, kind: str, parent: Organization | None
) -> Organization:
    if parent is None:
        if not perm.can_create_root(actor):
            raise PermissionDenied("只有超级管理员可以创建顶级党委。")
    elif not perm.can_manage_org(actor, parent):
        raise PermissionDenied("您无权在该组织下新建组织。")
    _check_placement(kind, parent)
    name = name.strip()
    if not name:
        raise ValidationError({"name": "请填写组织名称。"})
    org = Organization.objects.create(name=name, kind=kind, parent=parent, path="")
    # Zero-padded so that ordering by path is tree order ("/0000000002/" before "/0000000010/").
    org.path = f"{parent.path if parent else '/'}{org.pk:010d}/"
    org.depth = parent.depth + 1 if parent else 0
    org.root_id = parent.root_id if parent else org.pk
    org.save(update_fields=["path", "depth", "root"])
    log_action("org.organization.created", actor=actor, obj=org, org=org,
               data={"after": {"name": org.name, "kind": kind, "parent": parent and parent.pk}})
    return org


def _check_placement(kind: str, parent: Organization | None) -> None:
    allowed = ALLOWED_PARENT_KINDS[OrgKind(kind)]
    if parent is None and kind != OrgKind.COMMITTEE:
        raise ValidationError({"parent": "只有党委可以作为顶级组织。"})
    if parent is not None and parent.kind not in allowed:
        raise ValidationError(
            {"kind": f"{OrgKind(kind).label}不能设在{OrgKind(parent.kind).label}之下。"}
        )


@transaction.atomic
def rename_organization(*, actor, org: Organization, name: str) -> Organization:
    if not perm.can_manage_org(actor, org):
        raise PermissionDenied("您无权修改该组织。")
    org = Organization.objects.select_for_update().get(pk=org.pk)
    name = name.strip()
    if not name:
        raise ValidationError({"name": "请填写组织名称。"})
    before = org.name
    org.name = name
    org.save(update_fields=["name"])
    log_action("org.organization.renamed", actor=actor, obj=org, org=org,
               data={"before": {"name": before}, "after": {"name": name}})
    return org


# --- members -------------------------------------------------------------------------------

def _set_personal_data(member: Member, *, phone: str | None, id_number: str | None) -> None:
    """Validate and encrypt; None leaves a value unchanged, "" clears it."""
    errors = {}
    if phone is not None:
        phone = phone.strip()
        if phone:
            try:
                validate_phone(phone)
            except ValidationError as e:
                errors["phone"] = e.messages
            member.phone_cipher = crypto.encrypt(phone)
            member.phone_index = crypto.blind_index(phone, purpose="phone")
        else:
            member.phone_cipher = member.phone_index = None
    if id_number is not None:
        id_number = normalize_id_number(id_number)
        if id_number and not settings.JIFEN_COLLECT_ID_NUMBER:
            # Every way in (form, import, API) ends here: refuse rather than drop it silently.
            errors["id_number"] = ID_NUMBER_NOT_COLLECTED
        elif id_number:
            try:
                validate_id_number(id_number)
            except ValidationError as e:
                errors["id_number"] = e.messages
            member.id_number_cipher = crypto.encrypt(id_number)
            member.id_number_index = crypto.blind_index(id_number, purpose="id_number")
        else:
            member.id_number_cipher = member.id_number_index = None
    if errors:
        raise ValidationError(errors)


def _check_unique(member: Member) -> None:
    others = Member.objects.exclude(pk=member.pk)
    errors = {}
    if others.filter(root_id=member.root_id, staff_no=member.staff_no).exists():
        errors["staff_no"] = f"工号/学号 {member.staff_no} 已被其他党员使用。"
    if member.id_number_index and others.filter(id_number_index=member.id_number_index).exists():
        errors["id_number"] = "该身份证号码已登记在其他党员名下。"
    if errors:
        raise ValidationError(errors)


def _public_fields(member: Member) -> dict:
    data = {f: str(getattr(member, f)) for f in MEMBER_FIELDS}
    data["branch"] = member.branch_id
    data["phone"] = member.phone_masked
    data["id_number"] = member.id_number_masked
    return data


@dataclass
class NewMember:
    """One member to register (see create_members)."""

    branch: Organization
    name: str
    gender: str
    category: str
    status: str
    joined_on: dt.date
    staff_no: str
    phone: str = ""
    id_number: str = ""
    username: str = ""
    password: str = ""


def create_member(*, actor, branch: Organization, **fields) -> Member:
    """Register a member in a branch; optionally create their login (must change password)."""
    return create_members(actor=actor, rows=[NewMember(branch=branch, **fields)])[0]


@transaction.atomic
def create_members(*, actor, rows: list[NewMember]) -> list[Member]:
    """Register members: every check of a single registration, then bulk inserts and one audit
    row per member (imports register thousands at once).

    A bad row raises its ValidationError with `row_index` set to the row's position.
    """
    allowed: set[int] = set()
    members = []
    for index, row in enumerate(rows):
        try:
            members.append(_new_member(actor, row, allowed))
        except ValidationError as e:
            e.row_index = index
            raise
    _check_unique_together(members)
    for member, row in zip(members, rows, strict=True):
        if row.username:
            member.user = _create_login(username=row.username, password=row.password,
                                        name=member.name, staff_no=member.staff_no)
    Member.objects.bulk_create(members)
    today = clock.today()
    Placement.objects.bulk_create([Placement(member=m, branch=m.branch, start=today)
                                   for m in members])
    log_actions([Action("org.member.created", actor=actor, obj=m, org=m.branch,
                        data={"after": _public_fields(m), "login": row.username or None})
                 for m, row in zip(members, rows, strict=True)])
    return members


def _new_member(actor, row: NewMember, allowed: set[int]) -> Member:
    branch = row.branch
    if branch.pk not in allowed:
        if not perm.can_manage_members(actor, branch):
            raise PermissionDenied("您无权在该支部登记党员。")
        if branch.kind != OrgKind.BRANCH:
            raise ValidationError({"branch": "党员只能登记在党支部。"})
        allowed.add(branch.pk)
    member = Member(branch=branch, root_id=branch.root_id, name=row.name.strip(),
                    gender=row.gender, category=row.category, status=row.status,
                    joined_on=row.joined_on, staff_no=row.staff_no.strip())
    _set_personal_data(member, phone=row.phone, id_number=row.id_number)
    member.full_clean(exclude=["root", "branch", "user"], validate_constraints=False)
    return member


def _check_unique_together(members: list[Member]) -> None:
    """Staff numbers per root and ID numbers: against the database and within the batch."""
    taken_staff = set(Member.objects.filter(
        root_id__in={m.root_id for m in members}, staff_no__in={m.staff_no for m in members},
    ).values_list("root_id", "staff_no"))
    indexes = {m.id_number_index for m in members if m.id_number_index}
    taken_ids = set(Member.objects.filter(id_number_index__in=indexes)
                    .values_list("id_number_index", flat=True)) if indexes else set()
    for index, member in enumerate(members):
        errors = {}
        if (member.root_id, member.staff_no) in taken_staff:
            errors["staff_no"] = f"工号/学号 {member.staff_no} 已被其他党员使用。"
        if member.id_number_index and member.id_number_index in taken_ids:
            errors["id_number"] = "该身份证号码已登记在其他党员名下。"
        if errors:
            error = ValidationError(errors)
            error.row_index = index
            raise error
        taken_staff.add((member.root_id, member.staff_no))
        if member.id_number_index:
            taken_ids.add(member.id_number_index)


def _create_login(*, username: str, password: str, name: str, staff_no: str = ""):
    User = get_user_model()
    if User.objects.filter(username=username).exists():
        raise ValidationError({"username": f"用户名 {username} 已存在。"})
    user = User(username=username, name=name, must_change_password=True)
    user.pending_staff_no = staff_no  # the password must not look like the 工号/学号 either
    try:
        validate_password(password, user)
    except ValidationError as e:
        raise ValidationError({"password": e.messages}) from e
    user.set_password(password)
    user.password_changed_at = timezone.now()
    user.save()
    return user


@transaction.atomic
def update_member(*, actor, member: Member, phone: str | None = None,
                  id_number: str | None = None, **fields) -> Member:
    """Change a member's registration data (not the branch: that is a transfer)."""
    member = Member.objects.select_for_update().select_related("branch").get(pk=member.pk)
    if not perm.can_manage_members(actor, member.branch):
        raise PermissionDenied("您无权修改该党员的信息。")
    before = _public_fields(member)
    for name, value in fields.items():
        if name not in MEMBER_FIELDS:
            raise TypeError(f"update_member does not change {name!r}")
        setattr(member, name, value.strip() if isinstance(value, str) else value)
    _set_personal_data(member, phone=phone, id_number=id_number)
    member.full_clean(exclude=["root", "branch", "user"], validate_constraints=False)
    _check_unique(member)
    member.save()
    after = _public_fields(member)
    changed = {k: v for k, v in after.items() if before[k] != v}
    log_action("org.member.updated", actor=actor, obj=member, org=member.branch,
               data={"before": {k: before[k] for k in changed}, "after": changed})
    return member


@transaction.atomic
def purge_id_numbers() -> int:
    """Erase every stored ID-card number, once JIFEN_COLLECT_ID_NUMBER is off; return how many.

    The numbers are gone for good (backups made earlier still hold them). The audit row records
    how many members were affected, never which numbers.
    """
    if settings.JIFEN_COLLECT_ID_NUMBER:
        raise ConflictError("系统仍在采集身份证号码（JIFEN_COLLECT_ID_NUMBER 为 True），"
                            "请先关闭采集，再删除已登记的号码。")
    stored = Member.objects.filter(Q(id_number_cipher__isnull=False)
                                   | Q(id_number_index__isnull=False))
    count = stored.update(id_number_cipher=None, id_number_index=None)
    if count:
        log_action("org.member.id_numbers_purged", actor=None, data={"members": count})
    return count


@transaction.atomic
def transfer_member(*, actor, member: Member, to_branch: Organization, on: dt.date) -> Member:
    """Move a member to another branch of the same root; their history stays with them."""
    member = Member.objects.select_for_update().select_related("branch").get(pk=member.pk)
    if not perm.can_manage_members(actor, member.branch):
        raise PermissionDenied("您无权办理该党员的组织关系转接。")
    if to_branch.kind != OrgKind.BRANCH:
        raise ValidationError({"to_branch": "只能转入党支部。"})
    if to_branch.pk == member.branch_id:
        raise ValidationError({"to_branch": "转入支部与当前支部相同。"})
    if to_branch.root_id != member.root_id:
        raise ValidationError({"to_branch": "只能在本单位党委范围内转接。"})
    current = Placement.objects.select_for_update().get(member=member, end__isnull=True)
    if on < current.start:
        raise ValidationError({"on": f"转接日期不能早于在当前支部的起始日期 {current.start}。"})
    from_branch = member.branch
    current.end = on
    current.save(update_fields=["end"])
    Placement.objects.create(member=member, branch=to_branch, start=on)
    member.branch = to_branch
    member.save(update_fields=["branch"])
    member_transferred.send(sender=Member, member=member, from_branch=from_branch,
                            to_branch=to_branch, on=on)
    log_action("org.member.transferred", actor=actor, obj=member, org=from_branch,
               data={"before": {"branch": from_branch.pk, "branch_name": from_branch.name},
                     "after": {"branch": to_branch.pk, "branch_name": to_branch.name},
                     "on": on.isoformat()})
    return member


# --- exemptions ----------------------------------------------------------------------------

@transaction.atomic
def propose_exemption(*, actor, member: Member, year: int, reason: str) -> Exemption:
    if not perm.can_propose_exemption(actor, member):
        raise PermissionDenied("只有支部委员会可以提出不列入管理范围的申请。")
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": "请写明理由（如年老体弱、疾病等）。"})
    Member.objects.select_for_update().get(pk=member.pk)  # serialize proposals per member
    live = Exemption.objects.filter(
        member=member, year=year, state__in=[ExemptionState.PROPOSED, ExemptionState.APPROVED]
    )
    if live.exists():
        raise ConflictError(f"{member.name} 在 {year} 年已有待审批或已批准的申请。")
    exemption = Exemption.objects.create(member=member, year=year, reason=reason,
                                         proposed_by=actor)
    log_action("org.exemption.proposed", actor=actor, obj=exemption, org=member.branch,
               data={"member": member.pk, "year": year}, reason=reason)
    return exemption


@transaction.atomic
def decide_exemption(*, actor, exemption: Exemption, approve: bool, note: str = "") -> Exemption:
    exemption = Exemption.objects.select_for_update().select_related("member__branch").get(
        pk=exemption.pk
    )
    if not perm.has_role_over(actor, exemption.member.branch, {Role.ORG_ADMIN}):
        raise PermissionDenied("只有组织部可以审批不列入管理范围的申请。")
    if exemption.state != ExemptionState.PROPOSED:
        raise ConflictError("该申请已经审批过了。")
    if exemption.proposed_by_id == actor.pk:
        raise ConflictError("不能审批自己提出的申请。")
    if not approve and not note.strip():
        raise ValidationError({"note": "不予批准时请写明意见。"})
    exemption.state = ExemptionState.APPROVED if approve else ExemptionState.REFUSED
    exemption.decided_by = actor
    exemption.decided_at = clock.now()
    exemption.decision_note = note.strip()
    exemption.save(update_fields=["state", "decided_by", "decided_at", "decision_note"])
    log_action(f"org.exemption.{exemption.state}", actor=actor, obj=exemption,
               org=exemption.member.branch, data={"after": {"state": exemption.state}},
               reason=note)
    if approve:
        exemption_approved.send(sender=Exemption, exemption=exemption)
    return exemption


def exempt_member_ids(year: int) -> set[int]:
    return set(
        Exemption.objects.filter(year=year, state=ExemptionState.APPROVED)
        .values_list("member_id", flat=True)
    )


# --- roles ---------------------------------------------------------------------------------

@transaction.atomic
def assign_role(*, actor, user, role: str, org: Organization) -> RoleAssignment:
    if not perm.can_assign_role(actor, org, role):
        raise PermissionDenied(f"您无权在该组织分配{Role(role).label}角色。")
    if user.pk == actor.pk:
        raise PermissionDenied("不能给自己分配角色。")
    if org.kind not in ROLE_ORG_KINDS[Role(role)]:
        kinds = "、".join(OrgKind(k).label for k in ROLE_ORG_KINDS[Role(role)])
        raise ValidationError({"org": f"{Role(role).label}只能设在{kinds}。"})
    _check_duties_separate(user, role)
    try:
        with transaction.atomic():
            assignment = RoleAssignment.objects.create(user=user, role=role, org=org)
    except IntegrityError as e:
        raise ConflictError(f"{user} 已经是{org}的{Role(role).label}。") from e
    log_action("org.role.assigned", actor=actor, obj=assignment, org=org,
               data={"after": {"user": user.pk, "role": role, "org": org.pk}})
    return assignment


def _check_duties_separate(user, role: str) -> None:
    """三权分立: a security role is the only role its holder has (no business role, no second
    security role), so that no one account both runs the system and audits or scores it."""
    held = set(RoleAssignment.objects.filter(user=user).values_list("role", flat=True))
    held.discard(role)
    if role in SECURITY_ROLES and held:
        labels = "、".join(Role(r).label for r in sorted(held))
        raise ValidationError({"role": f"{user} 已担任{labels}，不能再担任{Role(role).label}"
                                       "（三权分立：安全类角色须由专人担任）。"})
    if role not in SECURITY_ROLES and held & SECURITY_ROLES:
        labels = "、".join(Role(r).label for r in sorted(held & SECURITY_ROLES))
        raise ValidationError({"role": f"{user} 是{labels}，不能再担任业务角色"
                                       f"{Role(role).label}（三权分立）。"})


@transaction.atomic
def revoke_role(*, actor, assignment: RoleAssignment) -> None:
    if not perm.can_assign_role(actor, assignment.org, assignment.role):
        raise PermissionDenied("您无权撤销该角色。")
    log_action("org.role.revoked", actor=actor, obj=assignment, org=assignment.org,
               data={"before": {"user": assignment.user_id, "role": assignment.role,
                                "org": assignment.org_id}})
    assignment.delete()


# --- personal data: reveal and roster export --------------------------------------------------

@transaction.atomic
def reveal_personal_data(*, actor, member: Member, reason: str) -> dict[str, str]:
    """Full phone and ID number, once, for a re-authenticated org department (see ReauthForm)."""
    if not perm.can_reveal_personal_data(actor, member):
        raise PermissionDenied("您无权查看该党员的完整个人信息。")
    log_action("org.member.personal_data_revealed", actor=actor, obj=member, org=member.branch,
               reason=reason, data={"fields": ["phone", "id_number"]})
    return {"phone": member.phone, "id_number": member.id_number}


@transaction.atomic
def export_roster(*, actor, members, scope: str, masked: bool, reason: str = "") -> bytes:
    """The roster as xlsx, audited with what was exported and whether it was masked.

    Unmasked, only members the actor may reveal are allowed, and the sheet names who exported
    it and when (a leaked printout can be traced back).
    """
    members = list(members.select_related("branch").order_by("branch__path", "name", "pk"))
    if not masked:
        allowed = set(perm.revealable_members(actor).filter(
            pk__in=[m.pk for m in members]).values_list("pk", flat=True))
        if len(allowed) != len(members):
            raise PermissionDenied("导出范围中有您无权查看完整个人信息的党员。")
        if not reason.strip():
            raise ValidationError({"reason": "请填写导出理由。"})
    log_action("org.members.exported", actor=actor, reason=reason,
               data={"scope": scope, "count": len(members), "masked": masked})
    return roster_workbook(members, masked=masked, actor=actor)


def roster_workbook(members: list[Member], *, masked: bool, actor) -> bytes:
    with_id = settings.JIFEN_COLLECT_ID_NUMBER or any(m.id_number_cipher for m in members)
    workbook, sheet = xlsx.new_workbook("党员名册")
    notice = ("个人信息已脱敏。" if masked
              else "含完整个人信息，仅限工作使用，不得复制、外传。")
    xlsx.write_row(sheet, 1, ["党员名册"], bold=True)
    xlsx.write_row(sheet, 2, [f"导出人：{actor.get_full_name() or actor.get_username()}　"
                              f"导出时间：{timezone.localtime():%Y-%m-%d %H:%M}　{notice}"])
    header = ["姓名", "性别", "所在支部", "工号/学号", "党员类别", "党员状态", "入党时间",
              "手机号码"] + (["身份证号码"] if with_id else [])
    xlsx.write_row(sheet, 3, header, bold=True)
    xlsx.header_style(sheet, 3, len(header))
    for row, m in enumerate(members, start=4):
        values = [m.name, m.get_gender_display(), m.branch.name, m.staff_no,
                  m.get_category_display(), m.get_status_display(),
                  m.joined_on.isoformat(),
                  m.phone_masked if masked else m.phone]
        if with_id:
            values.append(m.id_number_masked if masked else m.id_number)
        xlsx.write_row(sheet, row, values)
    xlsx.set_widths(sheet, [10, 6, 24, 14, 8, 10, 12, 14, 22][:len(header)])
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
