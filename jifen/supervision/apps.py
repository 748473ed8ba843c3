from django.apps import AppConfig


class SupervisionConfig(AppConfig):
    name = "jifen.supervision"
    label = "supervision"
    verbose_name = "督导检查与统计图表"
