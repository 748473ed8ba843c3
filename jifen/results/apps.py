from django.apps import AppConfig


class ResultsConfig(AppConfig):
    name = "jifen.results"
    label = "results"
    verbose_name = "年度结果运用"
