from django.apps import AppConfig


class ImportsConfig(AppConfig):
    name = "jifen.imports"
    label = "imports"
    verbose_name = "Excel 导入"
