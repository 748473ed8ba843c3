from django.core.management.base import BaseCommand

from jifen.core import clock
from jifen.core.demo import DEMO_OTP_SECRET, DEMO_PASSWORD, build_demo, ledger_from_another_year


class Command(BaseCommand):
    help = "创建演示学校（可重复运行）并列出演示账号。"

    def handle(self, *args, **options):
        stale = ledger_from_another_year(clock.today())
        logins = build_demo()
        if stale:
            self.stdout.write(self.style.WARNING(
                f"数据库中已有往年建立的演示台账，没有 {clock.today().year} 年的记录："
                "保留原样，未补建。如需按今天的日期重建演示数据，"
                "请删除数据库（默认 data/jifen.sqlite3）后重新运行。"))
        self.stdout.write(f"演示学校已就绪。演示账号（密码均为 {DEMO_PASSWORD}）：")
        for login in logins:
            mark = "【两步验证】" if login.two_factor else ""
            self.stdout.write(f"  {login.username:<12} {login.name:<8} {login.role}{mark}")
        last_year = clock.today().year - 1
        self.stdout.write(f"体验年终流程：用 xsshuji 登录，在“年终结果”中为 {last_year} 年"
                          "评定等次、报送，再用 shenhe 审核备案。")
        if any(login.two_factor for login in logins):
            key = " ".join(DEMO_OTP_SECRET[i:i + 4] for i in range(0, len(DEMO_OTP_SECRET), 4))
            self.stdout.write(
                "标有【两步验证】的账号登录后还须输入 6 位验证码：在身份验证器应用中手动添加密钥 "
                f"{key}（基于时间，30 秒），或运行 `jifen demo_otp 用户名` 显示当前验证码"
                "（仅限 DEBUG 模式）。")
