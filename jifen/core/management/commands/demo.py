from django.core.management.base import BaseCommand

from jifen.core.demo import DEMO_PASSWORD, build_demo


class Command(BaseCommand):
    help = "创建演示学校（可重复运行）并列出演示账号。"

    def handle(self, *args, **options):
        logins = build_demo()
        self.stdout.write(f"演示学校已就绪。演示账号（密码均为 {DEMO_PASSWORD}）：")
        for login in logins:
            self.stdout.write(f"  {login.username:<12} {login.name:<8} {login.role}")
