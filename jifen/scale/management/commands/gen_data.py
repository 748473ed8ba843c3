from django.core.management.base import BaseCommand, CommandError

from jifen.core.demo import DEMO_PASSWORD
from jifen.scale.province import Refused, Spec, build_province


class Command(BaseCommand):
    help = ("在空数据库中生成一个模拟的省级党员积分数据集（多个党委、党总支、支部、党员和一年的"
            "台账记录），供性能测试和演示使用。")

    def add_arguments(self, parser):
        parser.add_argument("--members", type=int, required=True, help="党员总数")
        parser.add_argument("--entries-per-member", type=int, required=True,
                            help="每名党员的台账记录数（平均）")
        parser.add_argument("--year", type=int, required=True, help="记分年度")
        parser.add_argument("--seed", type=int, default=1, help="随机种子：相同种子生成相同数据")

    def handle(self, *args, **options):
        spec = Spec(members=options["members"], entries_per_member=options["entries_per_member"],
                    year=options["year"], seed=options["seed"])
        try:
            summary = build_province(spec, log=self.stdout.write)
        except Refused as e:
            raise CommandError(str(e)) from e
        self.stdout.write(f"生成完成，用时 {summary.seconds:.1f} 秒：")
        for table, count in summary.counts.items():
            self.stdout.write(f"  {LABELS.get(table, table)}：{count:,}")
        self.stdout.write(f"演示账号（密码均为 {DEMO_PASSWORD}）：province_admin（组织部管理员）、"
                          "province_secretary（支部书记）、province_member（党员）。")


LABELS = {
    "orgs": "党组织", "members": "党员", "placements": "所在支部记录",
    "windows": "公示", "entries": "台账记录", "objections": "异议", "users": "账号",
    "schemes": "计分方案", "roles": "角色分配",
}
