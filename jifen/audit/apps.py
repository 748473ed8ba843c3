from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "jifen.audit"
    label = "audit"
    verbose_name = "审计日志"
