from django.apps import AppConfig


class SchemesConfig(AppConfig):
    name = "jifen.schemes"
    label = "schemes"
    verbose_name = "计分方案"
