from django.core.management.base import BaseCommand

from jifen.publicity.services import close_ended_windows


class Command(BaseCommand):
    help = "结束所有公示期已满的公示，认定无异议的记录（可重复运行，供每日 cron 调用）。"

    def handle(self, *args, **options):
        count = close_ended_windows()
        self.stdout.write(f"已认定 {count} 条记录。")
