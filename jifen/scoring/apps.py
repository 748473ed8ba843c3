from django.apps import AppConfig


class ScoringConfig(AppConfig):
    name = "jifen.scoring"
    label = "scoring"
    verbose_name = "积分台账"

    def ready(self) -> None:
        from jifen.scoring import scores  # noqa: F401  (connects the transfer receiver)
