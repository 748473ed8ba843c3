from pathlib import Path

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from jifen.core.backup import BackupError, restore_backup, row_counts


class Command(BaseCommand):
    help = "把加密备份恢复到空数据库（非空数据库一律拒绝），并核对行数和审计链。"

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path)

    def handle(self, *args, path: Path, **options):
        try:
            manifest = restore_backup(Path(path))
        except BackupError as e:
            raise CommandError(str(e)) from e
        counts = row_counts()
        differ = {t: (n, counts.get(t)) for t, n in manifest["rows"].items()
                  if counts.get(t) != n}
        if differ:
            raise CommandError(f"恢复后的行数与备份清单不符：{differ}")
        call_command("verify_audit", stdout=self.stdout)
        self.stdout.write(f"已从 {path} 恢复，{sum(counts.values())} 行与清单一致。")
