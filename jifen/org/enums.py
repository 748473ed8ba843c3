from django.db import models


class OrgKind(models.TextChoices):
    COMMITTEE = "committee", "党委"
    GENERAL_BRANCH = "general_branch", "党总支"
    BRANCH = "branch", "党支部"


class Gender(models.TextChoices):
    MALE = "male", "男"
    FEMALE = "female", "女"


class MemberCategory(models.TextChoices):
    TEACHER = "teacher", "教工"
    STUDENT = "student", "学生"


class MemberStatus(models.TextChoices):
    FULL = "full", "正式党员"
    PROBATIONARY = "probationary", "预备党员"


class Role(models.TextChoices):
    ORG_ADMIN = "org_admin", "组织部管理员"
    REVIEWER = "reviewer", "党总支审核人"
    SECRETARY = "secretary", "支部书记"
    COMMITTEE = "committee", "支委"
    RECORDER = "recorder", "记分员"
    # The three security roles (三权分立): they see no business data and hold no other role.
    SYSTEM_ADMIN = "system_admin", "系统管理员"
    SECURITY_ADMIN = "security_admin", "安全管理员"
    AUDIT_ADMIN = "audit_admin", "审计管理员"


SECURITY_ROLES = frozenset({Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN, Role.AUDIT_ADMIN})


# Which kinds of organization each role may be held on.
ROLE_ORG_KINDS = {
    Role.ORG_ADMIN: {OrgKind.COMMITTEE},
    Role.REVIEWER: {OrgKind.GENERAL_BRANCH, OrgKind.COMMITTEE},
    Role.SECRETARY: {OrgKind.BRANCH},
    Role.COMMITTEE: {OrgKind.BRANCH},
    Role.RECORDER: {OrgKind.BRANCH},
    Role.SYSTEM_ADMIN: {OrgKind.COMMITTEE},
    Role.SECURITY_ADMIN: {OrgKind.COMMITTEE},
    Role.AUDIT_ADMIN: {OrgKind.COMMITTEE},
}


class ExemptionState(models.TextChoices):
    PROPOSED = "proposed", "待审批"
    APPROVED = "approved", "已批准"
    REFUSED = "refused", "未批准"


class RankingVisibility(models.TextChoices):
    FULL = "full", "公开完整排名"
    OWN = "own", "仅本人名次"
    HIDDEN = "hidden", "不显示排名"
