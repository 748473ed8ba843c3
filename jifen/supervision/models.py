from django.conf import settings
from django.db import models
from django.db.models import Q

from jifen.org.models import Organization
from jifen.scoring.models import Entry
from jifen.supervision.enums import CheckResult


class SpotCheck(models.Model):
    """One random spot check (随机抽查, Doc A §五(三)): a sample of the confirmed entries of a
    subtree and year, drawn for a review of their evidence.

    The sample depends only on `seed` and the population (see jifen.supervision.sampling), so
    anyone can draw it again and get the same entries; `population_digest` fingerprints the
    population the draw saw, so a later redraw can tell whether the data has changed since.
    """

    org = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="spot_checks",
                            verbose_name="抽查范围")
    year = models.PositiveSmallIntegerField("年度")
    seed = models.PositiveBigIntegerField("随机种子")
    size = models.PositiveSmallIntegerField("抽查数量")
    population = models.PositiveIntegerField("范围内已认定记录数")
    population_digest = models.CharField(max_length=64)
    note = models.CharField("抽查说明", max_length=200, blank=True)
    drawn_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                 related_name="+", verbose_name="抽取人")
    drawn_at = models.DateTimeField("抽取时间", auto_now_add=True)

    class Meta:
        ordering = ["-drawn_at", "-id"]
        verbose_name = "随机抽查"
        verbose_name_plural = "随机抽查"

    def __str__(self) -> str:
        return f"{self.org.name} {self.year}年随机抽查（种子 {self.seed}）"


class SpotCheckItem(models.Model):
    """One drawn entry and what the check of its evidence found."""

    spot_check = models.ForeignKey(SpotCheck, on_delete=models.PROTECT, related_name="items")
    entry = models.ForeignKey(Entry, on_delete=models.PROTECT, related_name="spot_checks",
                              verbose_name="台账记录")
    position = models.PositiveSmallIntegerField("序号")
    result = models.CharField("核查结果", max_length=10, choices=CheckResult.choices,
                              default=CheckResult.PENDING)
    note = models.TextField("核查说明", blank=True)
    checked_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+",
                                   verbose_name="核查人")
    checked_at = models.DateTimeField("核查时间", null=True, blank=True)

    class Meta:
        ordering = ["spot_check", "position"]
        verbose_name = "抽查记录"
        constraints = [
            models.UniqueConstraint(fields=["spot_check", "entry"], name="spot_check_entry_once"),
            models.UniqueConstraint(fields=["spot_check", "position"],
                                    name="spot_check_position_once"),
            models.CheckConstraint(
                condition=Q(result=CheckResult.PENDING) | Q(checked_by__isnull=False),
                name="spot_check_result_has_checker",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.spot_check_id}#{self.position} {self.get_result_display()}"

    @property
    def is_checked(self) -> bool:
        return self.result != CheckResult.PENDING
