from django.apps import AppConfig


class OrgConfig(AppConfig):
    name = "jifen.org"
    label = "org"
    verbose_name = "组织与党员"
