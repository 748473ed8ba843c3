from django.core.management.base import BaseCommand

from jifen.imports.services import purge_expired


class Command(BaseCommand):
    help = ("删除已过期的待确认导入（上传后一小时未确认的表格数据）。"
            "可重复运行，供 cron 每小时调用。")

    def handle(self, *args, **options):
        self.stdout.write(f"已删除 {purge_expired()} 个过期的待确认导入。")
