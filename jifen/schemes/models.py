from functools import cached_property

from django.db import models

from jifen import engine
from jifen.org.models import Organization


class Scheme(models.Model):
    """A scoring scheme (计分方案) of one organization for one year.

    `definition` is the engine's JSON form (the same that `jifen compute` accepts inline), so the
    stored scheme is exactly what is computed. A root organization's scheme is the reference
    standard (参考标准); a lower organization's scheme refines its nearest ancestor's (`parent`).
    Once ledger entries use it, `arithmetic_locked_at` is set and only texts may change.
    """

    org = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="schemes",
                            verbose_name="组织")
    year = models.PositiveSmallIntegerField("年度")
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT,
                               related_name="children", verbose_name="上级方案")
    preset = models.CharField("来源预设", max_length=40, blank=True)
    definition = models.JSONField("方案内容")
    arithmetic_locked_at = models.DateTimeField("计分规则锁定时间", null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-year", "org__path"]
        verbose_name = "计分方案"
        verbose_name_plural = "计分方案"
        constraints = [
            models.UniqueConstraint(fields=["org", "year"], name="scheme_one_per_org_year"),
        ]

    def __str__(self) -> str:
        return f"{self.org.name} {self.year}年 {self.title}"

    @property
    def title(self) -> str:
        return self.definition.get("title", "")

    @property
    def is_reference(self) -> bool:
        return self.org.parent_id is None

    @property
    def is_locked(self) -> bool:
        return self.arithmetic_locked_at is not None

    @cached_property
    def engine_scheme(self) -> engine.Scheme:
        return engine.scheme_from_dict(self.definition)
