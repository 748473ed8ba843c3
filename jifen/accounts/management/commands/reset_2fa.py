from django.core.management.base import BaseCommand, CommandError

from jifen.accounts import services
from jifen.accounts.models import User


class Command(BaseCommand):
    help = ("重置一个账号的两步验证（删除验证器与备用码并退出其所有登录），"
            "用于超级管理员手机丢失等无人可在网页上重置的情形。")

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, **options):
        user = User.objects.filter(username=options["username"]).first()
        if user is None:
            raise CommandError(f"账号 {options['username']} 不存在。")
        if not services.reset_two_factor_from_console(user=user):
            return f"账号 {user.username} 未启用两步验证，无需重置。"
        return (f"已重置 {user.username} 的两步验证；其所有登录已退出，"
                "下次登录时须重新绑定验证器。")
