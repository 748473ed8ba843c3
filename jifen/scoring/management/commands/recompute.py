from django.core.management.base import BaseCommand, CommandError

from jifen.core import clock
from jifen.org.models import Organization
from jifen.scoring.bulk import RecomputeBusy, recompute


class Command(BaseCommand):
    help = ("批量重算积分汇总（总分、分项、排名、等级、标记）与各支部统计：整个系统，或 --org 指定"
            "组织及其下级。计算在数据库中成批完成；同一时间只允许一个重算任务。")

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, default=clock.today().year)
        parser.add_argument("--org", type=int, help="只重算此组织（含下级）")
        parser.add_argument("--chunk", type=int, default=5000, help="每批写入的党员数")

    def handle(self, *args, year, org, chunk, verbosity, **options):
        scope = None
        if org is not None:
            scope = Organization.objects.filter(pk=org).first()
            if scope is None:
                raise CommandError(f"--org：组织 {org} 不存在。")
        if chunk < 1:
            raise CommandError("--chunk：应为正整数。")
        say = self.stdout.write if verbosity > 1 else None
        try:
            outcome = recompute(year, scope, chunk=chunk, progress=say)
        except RecomputeBusy:
            raise CommandError("另一个积分重算任务正在进行，请等它结束后再试。") from None
        seconds = sum(outcome.seconds.values())
        self.stdout.write(
            f"{year} 年积分已重算：{outcome.members} 名党员，{outcome.branches} 个支部，"
            f"{outcome.schemes} 个计分方案（SQL {outcome.seconds.get('sql', 0):.1f} 秒，"
            f"写入 {outcome.seconds.get('write', 0):.1f} 秒，共 {seconds:.1f} 秒）"
            + (f"；{outcome.engine_branches} 个支部的方案分值不是 0.1 的整数倍，已逐支部计算"
               if outcome.engine_branches else "") + "。")
