from django.apps import AppConfig


class CommitmentsConfig(AppConfig):
    name = "jifen.commitments"
    label = "commitments"
    verbose_name = "公开承诺与亮明身份"
