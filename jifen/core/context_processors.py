from jifen.accounts import permissions as account_perm
from jifen.audit import permissions as audit_perm
from jifen.commitments import permissions as commitment_perm
from jifen.org import permissions as perm
from jifen.org.enums import Role
from jifen.scoring import permissions as scoring_perm
from jifen.supervision import permissions as supervision_perm


def navigation(request):
    """What the navigation shows: one flag per menu entry, from the user's roles."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    member = perm.member_of(user)
    return {
        "nav": {
            "my_member": member,
            "roster": perm.can_view_roster(user),
            "record": perm.has_any_role(user, scoring_perm.RECORD_ROLES),
            "review": perm.has_any_role(user, scoring_perm.REVIEW_ROLES),
            "approve": perm.has_any_role(user, scoring_perm.APPROVE_ROLES),
            "ranking": member is not None or perm.can_view_roster(user),
            "overview": scoring_perm.can_view_overview(user),
            "results": perm.has_any_role(user, [Role.ORG_ADMIN, Role.REVIEWER, Role.SECRETARY,
                                                Role.COMMITTEE]),
            "org_tree": perm.has_any_role(user, perm.ORG_MANAGER_ROLES),
            "roles": bool(perm.grantable_roles(user)),
            "logins": account_perm.can_manage_logins(user),
            "imports": perm.has_any_role(user, scoring_perm.RECORD_ROLES | {Role.ORG_ADMIN}),
            "schemes": member is not None or perm.can_view_roster(user),
            "exemptions": perm.has_any_role(
                user, [Role.ORG_ADMIN, Role.SECRETARY, Role.COMMITTEE]
            ),
            "commitments": perm.has_any_role(user, commitment_perm.OVERVIEW_ROLES),
            "supervision": perm.has_any_role(user, supervision_perm.SUPERVISE_ROLES),
            "audit": audit_perm.can_view_audit(user),
        }
    }
