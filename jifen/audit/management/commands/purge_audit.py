import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone

from jifen.audit.models import AuditEntry
from jifen.audit.services import log_action
from jifen.core import clock

RETENTION_YEARS = 3  # 个人信息保护法 §56 and 等保 ask for years of logs; never less than this


class Command(BaseCommand):
    help = "删除早于指定日期的审计日志（至少保留最近 3 年，不接受更近的日期）。"

    def add_arguments(self, parser):
        parser.add_argument("--before", required=True, type=dt.date.fromisoformat,
                            help="删除此日期（不含）之前的记录，格式 YYYY-MM-DD")

    def handle(self, *args, before, **options):
        if isinstance(before, str):  # call_command(before="…") skips argparse's type=
            before = dt.date.fromisoformat(before)
        today = clock.today()
        limit = today.replace(year=today.year - RETENTION_YEARS)
        if before > limit:
            raise CommandError(f"拒绝执行：审计日志至少保留 {RETENTION_YEARS} 年，"
                               f"--before 不能晚于 {limit.isoformat()}。")
        cutoff = timezone.make_aware(dt.datetime.combine(before, dt.time.min))
        with transaction.atomic():
            if connection.vendor == "postgresql":  # the trigger lets DELETE through only here
                with connection.cursor() as cursor:
                    cursor.execute("SET LOCAL jifen.audit_purge = 'on'")
            old = AuditEntry.objects.filter(created_at__lt=cutoff)
            count = old.count()
            last = old.order_by("-id").first()
            # The queryset refuses deletes (append-only); retention uses the raw delete.
            old._raw_delete(old.db)
            log_action("audit.log.purged", actor=None, data={
                "before": before.isoformat(), "deleted": count,
                "last_deleted_hash": last.row_hash if last else ""})
        self.stdout.write(f"已删除 {before.isoformat()} 之前的审计记录 {count} 条。")
