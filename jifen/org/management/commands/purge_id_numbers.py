from django.core.management.base import BaseCommand, CommandError

from jifen.core.errors import ConflictError
from jifen.org.services import purge_id_numbers


class Command(BaseCommand):
    help = ("关闭身份证号码采集（JIFEN_COLLECT_ID_NUMBER=False）后，删除所有已登记的身份证号码。"
            "不可撤销；此前的备份中仍有这些号码。")

    def handle(self, *args, **options):
        try:
            count = purge_id_numbers()
        except ConflictError as e:
            raise CommandError(e.message) from e
        self.stdout.write(f"已删除 {count} 名党员的身份证号码。")
