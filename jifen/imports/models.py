import json
import uuid

from django.conf import settings
from django.db import models

from jifen.core import crypto
from jifen.imports.enums import ImportKind
from jifen.org.models import Organization


class PendingImport(models.Model):
    """An upload that passed every check, waiting for its uploader to confirm the preview.

    Only the cells read from the sheet are kept, never the file, and encrypted like other personal
    data (a roster holds phone and ID numbers). Confirming re-validates these very cells and is
    refused unless the result is the plan the preview showed (`plan_digest`). A row lives until it
    is confirmed or cancelled, or at most until `expires_at`; expired rows are deleted on every
    upload and by `jifen purge_imports` (cron), so nothing outlives 24 hours.
    """

    token = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField("导入类型", max_length=10, choices=ImportKind.choices)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                    related_name="+")
    # the branch of a ledger import; a roster names its branch on every row
    branch = models.ForeignKey(Organization, null=True, blank=True, on_delete=models.CASCADE,
                               related_name="+")
    file_name = models.CharField("文件名", max_length=255)
    file_sha256 = models.CharField(max_length=64)
    row_count = models.PositiveIntegerField("数据行数")
    cells_cipher = models.TextField(editable=False)
    plan_digest = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(db_index=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "待确认的导入"

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.file_name}"

    @staticmethod
    def seal(cells: list[dict]) -> str:
        return crypto.encrypt(json.dumps(cells, ensure_ascii=False, separators=(",", ":")))

    @property
    def cells(self) -> list[dict]:
        return json.loads(crypto.decrypt(self.cells_cipher))
