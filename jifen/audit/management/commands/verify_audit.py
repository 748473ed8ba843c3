from django.core.management.base import BaseCommand, CommandError

from jifen.audit import chain
from jifen.audit.models import AuditEntry, ChainHead


class Command(BaseCommand):
    help = "逐条校验审计日志的哈希链，指出第一条被篡改、插入或删除的记录。"

    def handle(self, *args, **options):
        first = AuditEntry.objects.order_by("id").first()
        if first is not None and first.prev_hash and not _purged_up_to(first.prev_hash):
            raise CommandError(f"审计日志校验失败：第 {first.pk} 号记录之前的记录缺失，"
                               "且没有相应的保留期清理记录。")
        verdict = chain.verify(AuditEntry.objects.order_by("id").iterator())
        if not verdict.ok:
            raise CommandError(f"审计日志校验失败：第 {verdict.broken_id} 号记录{verdict.reason}。"
                               f"此前 {verdict.checked} 条记录完好。")
        last = AuditEntry.objects.order_by("-id").first()
        head = ChainHead.objects.filter(pk=1).first()
        if last is not None and (head is None or head.last_hash != last.row_hash):
            raise CommandError("审计日志校验失败：链尾与记录的最后哈希不符（末尾记录被删除）。")
        self.stdout.write(f"审计日志完好：{verdict.checked} 条记录，哈希链连续。")


def _purged_up_to(row_hash: str) -> bool:
    """Rows before the first one may only be missing because purge_audit removed them."""
    return AuditEntry.objects.filter(action="audit.log.purged",
                                     data__last_deleted_hash=row_hash).exists()
