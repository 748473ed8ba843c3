import secrets

from django.conf import settings
from django.db import models

from jifen.org.models import Member, Organization


def new_board_token() -> str:
    return secrets.token_urlsafe(24)


class WindowKind(models.TextChoices):
    ENTRIES = "entries", "记分公示"
    ANNUAL = "annual", "年度积分公示"


class Window(models.Model):
    """A publicity window (公示): over a branch's entries that were ready when it opened, or
    (kind `annual`) over the year's official totals before the democratic appraisal."""

    branch = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="windows",
                               verbose_name="支部")
    title = models.CharField("公示标题", max_length=100)
    kind = models.CharField(max_length=10, choices=WindowKind.choices,
                            default=WindowKind.ENTRIES)
    year = models.PositiveSmallIntegerField("年度", null=True, blank=True)  # annual windows
    starts_on = models.DateField("公示开始")
    ends_on = models.DateField("公示截止")
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                  related_name="+")
    opened_at = models.DateTimeField(auto_now_add=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="+")
    # An unguessable link for the notice board; empty when the branch does not publish one.
    board_token = models.CharField(max_length=40, blank=True, db_index=True)

    class Meta:
        ordering = ["-starts_on", "-id"]
        verbose_name = "公示"

    def __str__(self) -> str:
        return f"{self.branch.name}：{self.title}"

    @property
    def is_closed(self) -> bool:
        return self.closed_at is not None

    @property
    def is_annual(self) -> bool:
        return self.kind == WindowKind.ANNUAL


class ObjectionState(models.TextChoices):
    OPEN = "open", "待支部查核"
    UPHELD = "upheld", "异议成立"
    DISMISSED = "dismissed", "异议不成立"
    ESCALATED = "escalated", "已申诉，待组织部专项查核"
    RULED_UPHELD = "ruled_upheld", "专项查核：异议成立"
    RULED_DISMISSED = "ruled_dismissed", "专项查核：异议不成立"


class Objection(models.Model):
    """异议: a member of the branch objects to an entry during its window; the branch answers;
    the objector may escalate (申诉) to the org department, which rules (专项查核)."""

    # An objection is to one entry, or (in an annual window) to one member's total.
    entry = models.ForeignKey("scoring.Entry", null=True, blank=True, on_delete=models.PROTECT,
                              related_name="objections")
    window = models.ForeignKey(Window, null=True, blank=True, on_delete=models.PROTECT,
                               related_name="total_objections")
    subject = models.ForeignKey(Member, null=True, blank=True, on_delete=models.PROTECT,
                                related_name="total_objections", verbose_name="异议对象")
    raised_by = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="objections",
                                  verbose_name="提出人")
    reason = models.TextField("异议理由")
    state = models.CharField(max_length=20, choices=ObjectionState.choices,
                             default=ObjectionState.OPEN)
    raised_at = models.DateTimeField(auto_now_add=True)
    reply = models.TextField("支部答复", blank=True)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    answered_at = models.DateTimeField(null=True, blank=True)
    escalation_reason = models.TextField("申诉理由", blank=True)
    escalated_at = models.DateTimeField(null=True, blank=True)
    ruling = models.TextField("专项查核结论", blank=True)
    ruled_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="+")
    ruled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-raised_at"]
        verbose_name = "异议"

    def __str__(self) -> str:
        target = self.entry if self.entry_id else f"{self.subject} 的年度积分"
        return f"{self.raised_by} 对 {target} 的异议"

    @property
    def branch(self):
        return self.entry.branch if self.entry_id else self.window.branch

    @property
    def year(self) -> int:
        return self.entry.year if self.entry_id else self.window.year

    @property
    def is_pending(self) -> bool:
        return self.state in (ObjectionState.OPEN, ObjectionState.ESCALATED)
