from django.core.management.base import BaseCommand

from jifen.core.crypto import generate_key


class Command(BaseCommand):
    help = ("生成一个随机的 32 字节密钥（base64），可用作 JIFEN_FIELD_KEY 或 JIFEN_BACKUP_KEY。"
            "轮换时写成 JIFEN_FIELD_KEY=\"2:<新密钥>,1:<旧密钥>\"。")

    def handle(self, *args, **options):
        # Printed alone on stdout so that it can be captured: KEY=$(jifen generate_field_key)
        self.stdout.write(generate_key())
