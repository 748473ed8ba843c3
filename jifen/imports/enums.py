from django.db import models


class ImportKind(models.TextChoices):
    MEMBERS = "members", "党员名册"
    ENTRIES = "entries", "台账记录"
