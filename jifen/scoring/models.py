from django.conf import settings
from django.db import models
from django.db.models import Q

from jifen.org.models import Member, Organization
from jifen.schemes.models import Scheme
from jifen.scoring.enums import EntryState, Source


class Entry(models.Model):
    """One ledger line (台账). Points are a magnitude; the item's category gives the sign.

    The item's code, title, category and range are copied from the scheme when the entry is made,
    so that a later edit of a scheme never changes history. `branch` is where it was recorded
    (it stays there if the member transfers). A confirmed entry is never edited: a correction is a
    new entry with `reverses` set (冲正) that goes through the same workflow.
    """

    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="entries",
                               verbose_name="党员")
    branch = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+",
                               verbose_name="记录支部")
    root = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    scheme = models.ForeignKey(Scheme, on_delete=models.PROTECT, related_name="entries")
    year = models.PositiveSmallIntegerField("年度", db_index=True)
    item_code = models.CharField("项目编号", max_length=20)
    item_title = models.CharField("记分项目", max_length=200)
    item_category = models.CharField(max_length=40)
    item_min = models.DecimalField(max_digits=6, decimal_places=1)
    item_max = models.DecimalField(max_digits=6, decimal_places=1)
    points = models.DecimalField("分值", max_digits=6, decimal_places=1)
    occurred_on = models.DateField("发生日期")
    reason = models.TextField("事由说明")
    source = models.CharField("来源", max_length=10, choices=Source.choices)
    state = models.CharField("状态", max_length=12, choices=EntryState.choices,
                             default=EntryState.SUBMITTED, db_index=True)
    reverses = models.OneToOneField("self", null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="reversal", verbose_name="冲正的记录")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+", verbose_name="录入人")
    created_at = models.DateTimeField(auto_now_add=True)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+",
                                    verbose_name="初评人")
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_note = models.TextField(blank=True)
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+",
                                    verbose_name="总支审核人")
    approved_at = models.DateTimeField(null=True, blank=True)
    approval_note = models.TextField(blank=True)
    needs_approval = models.BooleanField(default=False)
    evidence_required = models.BooleanField(default=False)
    window = models.ForeignKey("publicity.Window", null=True, blank=True,
                               on_delete=models.PROTECT, related_name="entries")
    confirmed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-occurred_on", "-id"]
        verbose_name = "台账记录"
        verbose_name_plural = "台账记录"
        indexes = [
            models.Index(fields=["member", "year", "state"]),
            models.Index(fields=["branch", "state"]),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(points__gte=0), name="entry_points_magnitude"),
        ]

    def __str__(self) -> str:
        return f"{self.member.name} {self.item_code} {self.points} ({self.occurred_on})"

    @property
    def is_reversal(self) -> bool:
        return self.reverses_id is not None


class Evidence(models.Model):
    """A proof file. Stored under a random name outside the static root; served by a view that
    checks permission, never by the web server directly."""

    entry = models.ForeignKey(Entry, on_delete=models.PROTECT, related_name="evidence")
    stored_name = models.CharField(max_length=80, unique=True)
    original_name = models.CharField("文件名", max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        verbose_name = "证明材料"

    def __str__(self) -> str:
        return self.original_name


class Score(models.Model):
    """A member's official score for a year: the engine's result over confirmed entries, stored
    so that ranking pages read numbers instead of recomputing a branch on every request. It is
    rewritten (for the whole branch, since ranks move together) in the transaction that confirms
    an entry; `jifen rebuild_scores` recomputes all of them from the ledger and reports drift, and
    `jifen recompute` rebuilds them set-based (jifen/scoring/bulk.py). The bulk path leaves
    `explain` empty: an explanation is written from the ledger when someone reads it."""

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="scores")
    year = models.PositiveSmallIntegerField()
    branch = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    # the partition key of a distributed deployment (docs/deploy.md): cheap to carry now
    root = models.ForeignKey(Organization, null=True, on_delete=models.CASCADE, related_name="+")
    scheme = models.ForeignKey(Scheme, on_delete=models.PROTECT, related_name="+")
    total = models.DecimalField(max_digits=7, decimal_places=2, null=True)
    components = models.JSONField(null=True)
    months = models.JSONField(null=True)
    veto = models.BooleanField(default=False)
    rank = models.PositiveIntegerField(null=True)
    ranked = models.PositiveIntegerField(default=0)
    grade = models.CharField(max_length=30)
    flags = models.JSONField(default=list)
    explain = models.JSONField(default=list)
    computed_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["rank", "member__name"]
        constraints = [
            models.UniqueConstraint(fields=["member", "year"], name="score_one_per_member_year"),
        ]
        indexes = [models.Index(fields=["branch", "year", "rank"])]

    def __str__(self) -> str:
        return f"{self.member} {self.year}: {self.total}"


class OrgStat(models.Model):
    """An organization's figures for a year: a branch's own members, or for a general branch or a
    committee the sum over its whole subtree. Kept beside the scores so that a dashboard over a
    province reads a parent's row and its children's rows, not a million scores. A branch's row
    is rewritten with its scores (and its ancestors' rows move by the difference, in the same
    transaction); `jifen recompute` rebuilds them all."""

    org = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    root = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    branches = models.PositiveIntegerField(default=0)  # branches in the subtree
    members = models.PositiveIntegerField(default=0)  # scored or exempt, in scope this year
    ranked = models.PositiveIntegerField(default=0)
    exempt = models.PositiveIntegerField(default=0)
    total_sum = models.DecimalField(max_digits=14, decimal_places=2, default=0)
    grades = models.JSONField(default=dict)  # grade key -> members
    flags = models.JSONField(default=dict)  # flag key -> members
    computed_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["org", "year"], name="orgstat_one_per_year"),
        ]
        indexes = [models.Index(fields=["root", "year"])]

    def __str__(self) -> str:
        return f"{self.org_id} {self.year}: {self.members}"
