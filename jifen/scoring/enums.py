from enum import nonmember

from django.db import models


class EntryState(models.TextChoices):
    DRAFT = "draft", "草稿（待补证明材料）"
    SUBMITTED = "submitted", "待初评"
    REVIEWED = "reviewed", "初评通过"
    REJECTED = "rejected", "未通过"
    APPROVED = "approved", "总支审核通过"
    PUBLICIZED = "publicized", "公示中"
    DISPUTED = "disputed", "有异议"
    CONFIRMED = "confirmed", "已认定"

    # entries still on their way: they count in the provisional score only
    in_progress = nonmember(("submitted", "reviewed", "approved", "publicized", "disputed"))


class Source(models.TextChoices):
    RECORDED = "recorded", "记分员记录"
    DECLARED = "declared", "本人申报"
