from django.conf import settings
from django.db import models
from django.db.models import Q

from jifen.core import crypto
from jifen.core.validators import mask_id_number, mask_phone
from jifen.org.enums import (
    ExemptionState,
    Gender,
    MemberCategory,
    MemberStatus,
    OrgKind,
    RankingVisibility,
    Role,
)


class Organization(models.Model):
    """A Party organization. `path` is the materialized path of zero-padded ids from the root.

    Subtree queries are `path__startswith=org.path`. `root` is kept on every row because it is the
    natural partition key (see docs/deploy.md) and scopes uniqueness of staff numbers.
    """

    name = models.CharField("名称", max_length=100)
    kind = models.CharField("类型", max_length=20, choices=OrgKind.choices)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children",
        verbose_name="上级组织",
    )
    root = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    path = models.CharField(max_length=255, db_index=True, editable=False)
    depth = models.PositiveSmallIntegerField(default=0, editable=False)
    # A branch chooses how much of its ranking members see: people were pressured by public
    # rankings in other systems.
    ranking_visibility = models.CharField("排名公开方式", max_length=10,
                                          choices=RankingVisibility.choices,
                                          default=RankingVisibility.FULL)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["path"]
        verbose_name = "党组织"
        verbose_name_plural = "党组织"
        constraints = [
            models.CheckConstraint(
                condition=Q(parent__isnull=False) | Q(kind=OrgKind.COMMITTEE),
                name="org_only_committee_is_root",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_branch(self) -> bool:
        return self.kind == OrgKind.BRANCH

    def ancestor_ids(self) -> list[int]:
        return [int(part) for part in self.path.strip("/").split("/") if part]

    def is_within(self, other: "Organization") -> bool:
        return self.path.startswith(other.path)


class Member(models.Model):
    name = models.CharField("姓名", max_length=50)
    gender = models.CharField("性别", max_length=10, choices=Gender.choices)
    category = models.CharField("党员类别", max_length=10, choices=MemberCategory.choices)
    status = models.CharField("党员状态", max_length=15, choices=MemberStatus.choices)
    joined_on = models.DateField("入党时间")
    staff_no = models.CharField("工号/学号", max_length=30)
    branch = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="members", verbose_name="所在支部"
    )
    root = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    # Personal data: ciphertext ("v1:...") plus a keyed hash for look-ups; never stored in clear.
    phone_cipher = models.TextField(null=True, blank=True, editable=False)
    phone_index = models.CharField(max_length=64, null=True, blank=True, editable=False,
                                   db_index=True)
    id_number_cipher = models.TextField(null=True, blank=True, editable=False)
    id_number_index = models.CharField(max_length=64, null=True, blank=True, editable=False)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="member", verbose_name="登录账号",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["branch__path", "name", "id"]
        verbose_name = "党员"
        verbose_name_plural = "党员"
        constraints = [
            models.UniqueConstraint(fields=["root", "staff_no"], name="member_staff_no_per_root"),
            models.UniqueConstraint(
                fields=["id_number_index"], condition=Q(id_number_index__isnull=False),
                name="member_id_number_unique",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def phone(self) -> str:
        return crypto.decrypt(self.phone_cipher) if self.phone_cipher else ""

    @property
    def id_number(self) -> str:
        return crypto.decrypt(self.id_number_cipher) if self.id_number_cipher else ""

    @property
    def phone_masked(self) -> str:
        return mask_phone(self.phone)

    @property
    def id_number_masked(self) -> str:
        return mask_id_number(self.id_number)


class Placement(models.Model):
    """Where a member was, from when to when; a transfer closes one and opens the next."""

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="placements")
    branch = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    start = models.DateField("起始日期")
    end = models.DateField("截止日期", null=True, blank=True)

    class Meta:
        ordering = ["member", "start", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["member"], condition=Q(end__isnull=True), name="placement_one_open"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member} @ {self.branch} {self.start}–{self.end or ''}"


class Exemption(models.Model):
    """不列入管理范围 for one year: proposed by the branch, decided by the org department."""

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="exemptions")
    year = models.PositiveSmallIntegerField("年度")
    reason = models.TextField("理由")
    state = models.CharField(max_length=10, choices=ExemptionState.choices,
                             default=ExemptionState.PROPOSED)
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    related_name="+")
    proposed_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField("审批意见", blank=True)

    class Meta:
        ordering = ["-year", "-proposed_at"]
        verbose_name = "免于管理申请"
        constraints = [
            models.UniqueConstraint(
                fields=["member", "year"],
                condition=Q(state__in=[ExemptionState.PROPOSED, ExemptionState.APPROVED]),
                name="exemption_one_live_per_year",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member} {self.year}年 {self.get_state_display()}"


class RoleAssignment(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="role_assignments")
    role = models.CharField("角色", max_length=20, choices=Role.choices)
    org = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="roles",
                            verbose_name="组织")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["org__path", "role", "user__username"]
        verbose_name = "角色分配"
        constraints = [
            models.UniqueConstraint(fields=["user", "role", "org"], name="role_once_per_org"),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()} · {self.org}"
