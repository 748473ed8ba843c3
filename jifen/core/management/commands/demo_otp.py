import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django_otp.oath import TOTP

from jifen.accounts import twofactor
from jifen.accounts.models import User
from jifen.core.demo import DEMO_OTP_KEY


class Command(BaseCommand):
    help = "（仅 DEBUG 模式）显示演示账号当前的两步验证码。"

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, **options):
        # A code printed on the server would defeat the second factor: demo installations only,
        # and only for devices that carry the published demo secret.
        if not settings.DEBUG:
            raise CommandError("demo_otp 只能在 DEBUG=True 的开发或演示环境中使用。")
        user = User.objects.filter(username=options["username"]).first()
        device = twofactor.device_for(user) if user is not None else None
        if device is None or device.key != DEMO_OTP_KEY:
            raise CommandError(f"账号 {options['username']} 没有使用演示密钥的两步验证设备。")
        totp = TOTP(device.bin_key, device.step, device.t0, device.digits)
        left = device.step - int(time.time() - device.t0) % device.step
        return f"{totp.token():0{device.digits}d}（{left} 秒后更换）"
