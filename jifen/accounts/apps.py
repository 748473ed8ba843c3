from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "jifen.accounts"
    label = "accounts"
    verbose_name = "账户"

    def ready(self) -> None:
        from jifen.accounts import checks, signals  # noqa: F401  (registers checks, receivers)
