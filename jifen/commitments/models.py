"""公开承诺 (commitments and their fulfilment reports), 亮明身份 (identity posts), 晒出业绩
(monthly performance publications) and 述职 (year-end reports).

Like a ledger entry, a commitment keeps the branch it was made in: a member who transfers leaves
it with the branch that reviewed it.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q

from jifen.commitments.enums import (
    CommitmentKind,
    CommitmentState,
    Outcome,
    PostKind,
    ReportState,
)
from jifen.org.models import Member, Organization


class Commitment(models.Model):
    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="commitments",
                               verbose_name="党员")
    branch = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+",
                               verbose_name="支部")
    year = models.PositiveSmallIntegerField("年度", db_index=True)
    kind = models.CharField("承诺类别", max_length=10, choices=CommitmentKind.choices)
    content = models.TextField("承诺内容")
    state = models.CharField("状态", max_length=12, choices=CommitmentState.choices,
                             default=CommitmentState.SUBMITTED)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+",
                                    verbose_name="审核人")
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_note = models.TextField("审核意见", blank=True)
    publicized_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                      on_delete=models.PROTECT, related_name="+")
    publicized_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField("年终评定", max_length=10, choices=Outcome.choices, blank=True)
    outcome_note = models.TextField("评定说明", blank=True)
    outcome_on = models.DateField("评定日期", null=True, blank=True)
    outcome_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+",
                                   verbose_name="评定人")
    outcome_at = models.DateTimeField(null=True, blank=True)
    # 承诺未兑现 turned into the scheme's deduction entry: at most once per commitment.
    deduction_entry = models.OneToOneField("scoring.Entry", null=True, blank=True,
                                           on_delete=models.PROTECT, related_name="commitment",
                                           verbose_name="扣分记录")

    class Meta:
        ordering = ["-year", "member__name", "kind", "id"]
        verbose_name = "公开承诺"
        verbose_name_plural = "公开承诺"
        indexes = [models.Index(fields=["branch", "year", "state"]),
                   models.Index(fields=["member", "year"])]
        constraints = [
            models.CheckConstraint(condition=Q(deduction_entry__isnull=True) | Q(outcome="not"),
                                   name="commitment_deduction_only_when_not_fulfilled"),
        ]

    def __str__(self) -> str:
        return f"{self.member.name} {self.year}年{self.get_kind_display()}"

    @property
    def is_approved(self) -> bool:
        return self.state in CommitmentState.approved


class CommitmentReport(models.Model):
    """践诺: what the member did to keep a commitment, verified by the branch."""

    commitment = models.ForeignKey(Commitment, on_delete=models.CASCADE, related_name="reports")
    content = models.TextField("践诺情况")
    reported_on = models.DateField("日期")
    state = models.CharField("状态", max_length=12, choices=ReportState.choices,
                             default=ReportState.SUBMITTED)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    verified_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+",
                                    verbose_name="核实人")
    verified_at = models.DateTimeField(null=True, blank=True)
    verify_note = models.TextField("核实意见", blank=True)

    class Meta:
        ordering = ["reported_on", "id"]
        verbose_name = "践诺报告"

    def __str__(self) -> str:
        return f"{self.commitment} 践诺 {self.reported_on:%Y-%m-%d}"


class IdentityPost(models.Model):
    """A 党员示范岗, 党员先锋岗 or 党员责任区 of a branch, with the members on it."""

    branch = models.ForeignKey(Organization, on_delete=models.PROTECT,
                               related_name="identity_posts", verbose_name="支部")
    kind = models.CharField("类别", max_length=10, choices=PostKind.choices)
    name = models.CharField("名称", max_length=100)
    place = models.CharField("地点", max_length=100, blank=True)
    duties = models.TextField("职责")
    members = models.ManyToManyField(Member, related_name="identity_posts", verbose_name="党员")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["branch__path", "kind", "name", "id"]
        verbose_name = "亮明身份岗位"

    def __str__(self) -> str:
        return f"{self.get_kind_display()}：{self.name}"


class BranchBoard(models.Model):
    """A branch's choice to show its commitment board on an unguessable public link (群众监督);
    no row, or an empty token, means the board is for logged-in branch members only."""

    branch = models.OneToOneField(Organization, on_delete=models.CASCADE,
                                  related_name="commitment_board")
    public_token = models.CharField(max_length=40, blank=True, db_index=True)
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+")
    changed_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "承诺公示栏"

    def __str__(self) -> str:
        return f"{self.branch.name} 承诺公示栏"


class PerformancePublication(models.Model):
    """晒出业绩: a branch's monthly summary as published (the rows are a snapshot, so what the
    members saw stays what was published even if an entry is later rejected)."""

    branch = models.ForeignKey(Organization, on_delete=models.PROTECT,
                               related_name="performance_publications", verbose_name="支部")
    year = models.PositiveSmallIntegerField("年度")
    month = models.PositiveSmallIntegerField("月份")
    rows = models.JSONField(default=list)
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                     related_name="+")
    published_at = models.DateTimeField()

    class Meta:
        ordering = ["-year", "-month", "branch__path"]
        verbose_name = "业绩公示"
        constraints = [
            models.UniqueConstraint(fields=["branch", "year", "month"],
                                    name="performance_publication_per_month"),
            models.CheckConstraint(condition=Q(month__gte=1, month__lte=12),
                                   name="performance_publication_month_range"),
        ]

    def __str__(self) -> str:
        return f"{self.branch.name} {self.year}年{self.month}月业绩公示"


class YearReport(models.Model):
    """述职: the member's short year-end report and the branch's remark on it."""

    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="year_reports",
                               verbose_name="党员")
    branch = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField("年度")
    content = models.TextField("述职内容")
    written_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+", verbose_name="填写人")
    written_at = models.DateTimeField(auto_now=True)
    remark = models.TextField("支部评语", blank=True)
    remark_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="+",
                                  verbose_name="评语人")
    remark_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-year", "member__name"]
        verbose_name = "年终述职"
        constraints = [
            models.UniqueConstraint(fields=["member", "year"], name="year_report_per_member"),
        ]

    def __str__(self) -> str:
        return f"{self.member.name} {self.year}年述职"

    @property
    def on_behalf(self) -> bool:
        return self.written_by_id != self.member.user_id
