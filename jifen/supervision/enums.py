from django.db import models


class CheckResult(models.TextChoices):
    PENDING = "pending", "待核查"
    FINE = "fine", "证明材料无误"
    PROBLEM = "problem", "发现问题"
