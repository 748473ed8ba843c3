"""The append-only audit log. Only `jifen.audit.services.log_action` writes it."""

from django.conf import settings
from django.db import models


class AppendOnlyError(Exception):
    """Raised on any attempt to change or delete an audit row."""


class AuditQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError("审计日志只能追加，不能修改。")

    def delete(self):
        raise AppendOnlyError("审计日志只能追加，不能删除。")


class Result(models.TextChoices):
    SUCCESS = "success", "成功"
    FAILURE = "failure", "失败"


class AuditEntry(models.Model):
    created_at = models.DateTimeField(db_index=True)  # set by log_action: it is hashed
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )
    actor_name = models.CharField("操作人", max_length=150, blank=True)
    actor_role = models.CharField("角色", max_length=200, blank=True)
    org = models.ForeignKey(
        "org.Organization", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    ip = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=300, blank=True)
    action = models.CharField("操作", max_length=80, db_index=True)
    object_type = models.CharField(max_length=60, blank=True)
    object_id = models.CharField(max_length=40, blank=True, db_index=True)
    object_repr = models.CharField("对象", max_length=200, blank=True)
    data = models.JSONField("变更内容", default=dict, blank=True)
    reason = models.TextField("理由", blank=True)
    result = models.CharField(max_length=10, choices=Result.choices, default=Result.SUCCESS)
    # Tamper evidence: row_hash = HMAC(key, prev_hash + canonical row); see jifen.audit.chain.
    prev_hash = models.CharField(max_length=64, blank=True)
    row_hash = models.CharField(max_length=64, blank=True)

    objects = AuditQuerySet.as_manager()

    class Meta:
        ordering = ["-id"]
        verbose_name = "审计记录"
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.actor_name} {self.action}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise AppendOnlyError("审计日志只能追加，不能修改。")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("审计日志只能追加，不能删除。")


class ChainHead(models.Model):
    """The single row every audit insert locks: it serializes writers so the chain stays a
    chain, and remembers the last hash."""

    last_hash = models.CharField(max_length=64, blank=True)
    last_id = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"audit chain head #{self.last_id}"
