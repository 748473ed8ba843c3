from jifen.org import permissions as org_perm
from jifen.org.enums import Role
from jifen.scoring import permissions as scoring_perm


def can_appraise(user, branch) -> bool:
    """Record the branch meeting's outcome: the branch's secretary and committee."""
    return scoring_perm.can_lead_branch(user, branch)


def can_submit(user, branch) -> bool:
    return org_perm.has_role_over(user, branch, {Role.SECRETARY, Role.ORG_ADMIN})


def can_file(user, branch) -> bool:
    """审核备案: the general branch's reviewer or the org department."""
    return org_perm.has_role_over(user, branch, {Role.REVIEWER, Role.ORG_ADMIN})


def can_reopen(user, branch) -> bool:
    return org_perm.has_role_over(user, branch, {Role.ORG_ADMIN})


def can_view_results(user, branch) -> bool:
    return can_appraise(user, branch) or can_file(user, branch)
