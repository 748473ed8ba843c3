from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.shortcuts import render

from jifen.org import permissions as perm
from jifen.org.enums import SECURITY_ROLES, ExemptionState, MemberCategory, OrgKind, Role
from jifen.org.models import Member, Organization, RoleAssignment
from jifen.scoring import queries as scoring_queries


@login_required
def home(request):
    """One home page; each of the user's role assignments contributes a card of real figures."""
    user = request.user
    assignments = RoleAssignment.objects.filter(user=user).select_related("org")
    # the security roles see no business figures, only where their own work is (三权分立)
    security = [a for a in assignments if a.role in SECURITY_ROLES]
    cards = [_scope_card(a.org, a.get_role_display(), user)
             for a in assignments if a.role not in SECURITY_ROLES]
    if user.is_superuser and not cards:
        cards = [_scope_card(root, "超级管理员", user)
                 for root in Organization.objects.filter(parent__isnull=True)]
    return render(request, "core/home.html", {
        "cards": cards,
        "member": perm.member_of(user),
        "todo": scoring_queries.todo(user),
        "security_assignments": security,
    })


CARD_BRANCHES = 50  # more than this (a province) and the card links to 积分总览 instead


def _scope_card(org: Organization, role_label: str, user) -> dict:
    subtree = Organization.objects.filter(path__startswith=org.path)
    branch_count = subtree.filter(kind=OrgKind.BRANCH).count()
    pending = perm.visible_exemptions(user).filter(
        member__branch__path__startswith=org.path, state=ExemptionState.PROPOSED
    ).select_related("member")
    if branch_count > CARD_BRANCHES:
        totals = Member.objects.filter(branch__path__startswith=org.path).aggregate(
            members=Count("id"), teachers=Count("id", filter=Q(category=MemberCategory.TEACHER)))
        branches, member_total, teacher_total = [], totals["members"], totals["teachers"]
    else:
        branches = list(subtree.filter(kind=OrgKind.BRANCH).annotate(
            member_count=Count("members"),
            teacher_count=Count("members", filter=Q(members__category=MemberCategory.TEACHER)),
        ))
        member_total = sum(b.member_count for b in branches)
        teacher_total = sum(b.teacher_count for b in branches)
    return {
        "org": org,
        "role": role_label,
        "branches": branches,
        "branch_count": branch_count,
        "member_total": member_total,
        "teacher_total": teacher_total,
        "pending_exemptions": pending,
        "can_decide": perm.has_role_over(user, org, {Role.ORG_ADMIN}),
    }
