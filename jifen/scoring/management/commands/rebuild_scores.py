from django.core.management.base import BaseCommand

from jifen.core import clock
from jifen.scoring.rebuild import rebuild_scores


class Command(BaseCommand):
    help = "由台账重新计算所有党员的年度积分汇总，并列出与已存数据不一致之处。"

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, default=clock.today().year)

    def handle(self, *args, year, **options):
        drift, created = rebuild_scores(year)
        for d in drift:
            self.stdout.write(f"党员 {d.member_id} {d.field}: {d.stored} → {d.rebuilt}")
        self.stdout.write(f"{year} 年汇总已重建：{len(drift)} 处不一致，新建 {created} 条。")
