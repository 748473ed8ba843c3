"""亮明身份: a branch's 党员示范岗, 党员先锋岗 and 党员责任区, and the public link of its board.

Posts are standing arrangements rather than a year's record, so the filed-year lock does not
apply to them; the audit log keeps every version.
"""

import secrets

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from jifen.audit.services import log_action
from jifen.commitments import permissions as perm
from jifen.commitments.enums import PostKind
from jifen.commitments.models import BranchBoard, IdentityPost
from jifen.commitments.services import clean_text
from jifen.org.enums import OrgKind
from jifen.org.models import Member, Organization


def _check(actor, branch: Organization, what: str = "设置亮明身份岗位") -> None:
    if branch.kind != OrgKind.BRANCH:
        raise ValidationError({"org_id": "亮明身份岗位和公示栏以党支部为单位设置。"})
    if not perm.can_lead(actor, branch):
        raise PermissionDenied(f"只有本支部书记或支委可以{what}。")


def _clean(branch, kind, name, place, duties, members) -> tuple[str, str, str, list[Member]]:
    errors: dict[str, str] = {}
    if kind not in PostKind.values:
        errors["kind"] = "请选择类别：党员示范岗、党员先锋岗或党员责任区。"
    name = (name or "").strip()
    if not name:
        errors["name"] = "请填写名称。"
    elif len(name) > 100:
        errors["name"] = "名称不超过 100 字。"
    place = (place or "").strip()
    if len(place) > 100:
        errors["place"] = "地点不超过 100 字。"
    duties = clean_text(duties, "duties", "请填写职责。", errors)
    members = list(members)
    if not members:
        errors["member_ids"] = "请至少选择一名党员。"
    elif any(m.branch_id != branch.pk for m in members):
        errors["member_ids"] = f"只能选择{branch.name}的党员。"
    if errors:
        raise ValidationError(errors)
    return name, place, duties, members


def _lock(post: IdentityPost) -> IdentityPost:
    return IdentityPost.objects.select_for_update(of=("self",)).select_related("branch").get(
        pk=post.pk)


def _snapshot(post: IdentityPost) -> dict:
    return {"kind": post.kind, "name": post.name, "place": post.place, "duties": post.duties,
            "members": sorted(m.pk for m in post.members.all())}


@transaction.atomic
def create_post(*, actor, branch: Organization, kind: str, name: str, duties: str,
                members, place: str = "") -> IdentityPost:
    _check(actor, branch)
    name, place, duties, members = _clean(branch, kind, name, place, duties, members)
    post = IdentityPost.objects.create(branch=branch, kind=kind, name=name, place=place,
                                       duties=duties, created_by=actor)
    post.members.set(members)
    log_action("commitments.post.created", actor=actor, obj=post, org=branch,
               data={"after": _snapshot(post)})
    return post


@transaction.atomic
def update_post(*, actor, post: IdentityPost, kind: str, name: str, duties: str, members,
                place: str = "") -> IdentityPost:
    post = _lock(post)
    _check(actor, post.branch)
    name, place, duties, members = _clean(post.branch, kind, name, place, duties, members)
    before = _snapshot(post)
    post.kind, post.name, post.place, post.duties = kind, name, place, duties
    post.save(update_fields=["kind", "name", "place", "duties", "updated_at"])
    post.members.set(members)
    log_action("commitments.post.updated", actor=actor, obj=post, org=post.branch,
               data={"before": before, "after": _snapshot(post)})
    return post


@transaction.atomic
def delete_post(*, actor, post: IdentityPost) -> None:
    post = _lock(post)
    _check(actor, post.branch)
    log_action("commitments.post.deleted", actor=actor, obj=post, org=post.branch,
               data={"before": _snapshot(post)})
    post.delete()


@transaction.atomic
def set_public_board(*, actor, branch: Organization, public: bool) -> BranchBoard:
    """Give the branch's board an unguessable public link (names and commitments only), or
    withdraw it; a new link each time, so a withdrawn one stays dead."""
    _check(actor, branch, "设置公示栏的公开链接")
    board, _ = BranchBoard.objects.select_for_update().get_or_create(
        branch=branch, defaults={"changed_by": actor})
    board.public_token = secrets.token_urlsafe(24) if public else ""
    board.changed_by = actor
    board.save(update_fields=["public_token", "changed_by", "changed_at"])
    log_action(f"commitments.board.{'link_enabled' if public else 'link_disabled'}",
               actor=actor, obj=board, org=branch)
    return board
