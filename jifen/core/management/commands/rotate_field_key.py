from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from jifen.core.keyrotation import RotationError, RotationReport, rotate_field_key


class Command(BaseCommand):
    help = ("把所有加密的个人信息（手机号码、身份证号码、待确认导入）改用当前版本的密钥重新加密，"
            "并重算查重索引。先在 JIFEN_FIELD_KEY 中把新密钥写在最前、保留旧密钥，再运行。"
            "可重复运行；全部成功或全部不变。")

    def add_arguments(self, parser):
        parser.add_argument("--check", action="store_true",
                            help="只统计仍使用旧版本密钥的行数，不做修改")

    def handle(self, *args, check: bool, **options):
        try:
            report = rotate_field_key(dry_run=check)
        except RotationError as e:
            raise CommandError(str(e)) from e
        configured = "、".join(str(v) for v in report.configured)
        self.stdout.write(f"当前密钥：第 {report.current} 版（JIFEN_FIELD_KEY 中配置了第 "
                          f"{configured} 版）。")
        for column in report.columns:
            self.stdout.write(_column_line(column, check=check))
        self.stdout.write(_summary(report, check=check))


def _column_line(column, *, check: bool) -> str:
    versions = "，".join(f"第 {v} 版 {n} 行" for v, n in sorted(column.versions.items()))
    line = f"{column.column.label}：共 {column.rows} 行" + (f"（{versions}）" if versions else "")
    if check:
        return line + "。"
    return line + f"；重新加密 {column.reencrypted} 行，重算索引 {column.reindexed} 行。"


def _summary(report: RotationReport, *, check: bool) -> str:
    old = sum(report.old_versions.values())
    if check:
        text = (f"共 {old} 行仍使用旧版本密钥，{report.reindexed} 个索引需要重算。"
                if old or report.reindexed else "全部数据已使用当前密钥，无需轮换。")
        if old and getattr(settings, "JIFEN_BACKUP_KEY_DERIVED", False):
            text += "注意：JIFEN_BACKUP_KEY 未显式设置，轮换前须先设置（见 README）。"
        return text
    if not (report.reencrypted or report.reindexed):
        return f"无需修改：全部数据已使用第 {report.current} 版密钥，索引正确。"
    text = (f"完成：重新加密 {report.reencrypted} 行，重算索引 {report.reindexed} 行，"
            f"全部数据已使用第 {report.current} 版密钥。")
    if len(report.configured) > 1:
        text += ("现在可以从 JIFEN_FIELD_KEY 中删除旧密钥；请离线保存旧密钥，"
                 "恢复轮换前的备份时仍需要它。")
    return text
