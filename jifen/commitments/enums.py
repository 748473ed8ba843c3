from enum import nonmember

from django.db import models


class CommitmentKind(models.TextChoices):
    """Doc A §三(二): the three kinds of commitment."""

    COMMON = "common", "共性承诺"
    POST = "post", "岗位承诺"
    DEED = "deed", "实事承诺"


class CommitmentState(models.TextChoices):
    SUBMITTED = "submitted", "待审核"
    RETURNED = "returned", "已退回"
    PASSED = "passed", "审核通过"
    PUBLICIZED = "publicized", "已公示"

    # approved by the branch: fulfilment may be reported and an outcome set
    approved = nonmember(("passed", "publicized"))
    # what counts as "has made one": a returned commitment must be fixed first
    standing = nonmember(("submitted", "passed", "publicized"))


class Outcome(models.TextChoices):
    FULFILLED = "fulfilled", "已兑现"
    PARTLY = "partly", "部分兑现"
    NOT = "not", "未兑现"


class ReportState(models.TextChoices):
    SUBMITTED = "submitted", "待核实"
    VERIFIED = "verified", "已核实"
    RETURNED = "returned", "已退回"


class PostKind(models.TextChoices):
    """Doc A §三(一): 党员示范岗、党员先锋岗、党员责任区."""

    MODEL = "model", "党员示范岗"
    VANGUARD = "vanguard", "党员先锋岗"
    AREA = "area", "党员责任区"
