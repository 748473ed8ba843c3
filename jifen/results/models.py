from django.conf import settings
from django.db import models

from jifen.org.models import Member, Organization


class YearState(models.TextChoices):
    OPEN = "open", "进行中"
    SUBMITTED = "submitted", "已报送，待审核备案"
    FILED = "filed", "已审核备案（锁定）"


class YearResult(models.Model):
    """A branch's year-end (结果运用): submitted by the secretary, filed (审核备案) by the general
    branch or the org department, which locks the year; the org department may reopen it."""

    branch = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="year_results")
    year = models.PositiveSmallIntegerField("年度")
    state = models.CharField(max_length=10, choices=YearState.choices, default=YearState.OPEN)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField(null=True, blank=True)
    filed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="+")
    filed_at = models.DateTimeField(null=True, blank=True)
    reopened_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    reopened_at = models.DateTimeField(null=True, blank=True)
    reopen_reason = models.TextField("重新开放理由", blank=True)

    class Meta:
        ordering = ["-year", "branch__path"]
        verbose_name = "年度结果"
        constraints = [
            models.UniqueConstraint(fields=["branch", "year"], name="year_result_per_branch"),
        ]

    def __str__(self) -> str:
        return f"{self.branch.name} {self.year}年 {self.get_state_display()}"


class Appraisal(models.Model):
    """The branch meeting's final grade (民主评议); a grade other than the engine's proposal needs
    a reason."""

    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="appraisals")
    year = models.PositiveSmallIntegerField("年度")
    proposed_grade = models.CharField("系统建议等次", max_length=30)
    grade = models.CharField("评定等次", max_length=30)
    reason = models.TextField("与建议不同的理由", blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+")
    decided_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "评议结果"
        constraints = [
            models.UniqueConstraint(fields=["member", "year"], name="appraisal_per_member_year"),
        ]

    def __str__(self) -> str:
        return f"{self.member} {self.year}: {self.grade}"


class Talk(models.Model):
    """诫勉谈话 with a member flagged for admonishment."""

    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="talks")
    year = models.PositiveSmallIntegerField("年度")
    held_on = models.DateField("谈话日期")
    by = models.CharField("谈话人", max_length=100)
    notes = models.TextField("谈话情况")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-held_on"]
        verbose_name = "诫勉谈话"

    def __str__(self) -> str:
        return f"{self.member} {self.held_on}"


class Disposal(models.Model):
    """处置 of a member determined unqualified (中组发〔2014〕21号): the decision and its date."""

    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="disposals")
    year = models.PositiveSmallIntegerField("年度")
    decision = models.TextField("处置决定")
    decided_on = models.DateField("决定日期")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "不合格党员处置"
        constraints = [
            models.UniqueConstraint(fields=["member", "year"], name="disposal_per_member_year"),
        ]

    def __str__(self) -> str:
        return f"{self.member} {self.year}"
