"""Validators and masks for Chinese personal data."""

import re

from django.core.exceptions import ValidationError

PHONE_RE = re.compile(r"^1[3-9]\d{9}$")
ID_RE = re.compile(r"^\d{17}[\dX]$")
ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK_CHARS = "10X98765432"


def normalize_id_number(value: str) -> str:
    return value.strip().upper()


def id_number_check_char(first17: str) -> str:
    """The GB 11643-1999 check character for the first 17 digits."""
    total = sum(int(d) * w for d, w in zip(first17, ID_WEIGHTS, strict=True))
    return ID_CHECK_CHARS[total % 11]


def validate_phone(value: str) -> None:
    if not PHONE_RE.match(value):
        raise ValidationError("手机号码格式不正确，应为 11 位数字且以 13–19 开头。", code="phone")


def validate_id_number(value: str) -> None:
    value = normalize_id_number(value)
    if not ID_RE.match(value):
        raise ValidationError("身份证号码应为 18 位，最后一位可以是 X。", code="id_number")
    if id_number_check_char(value[:17]) != value[17]:
        raise ValidationError("身份证号码校验位不正确，请核对。", code="id_number_checksum")


def mask_phone(value: str) -> str:
    return f"{value[:3]}****{value[-4:]}" if value else ""


def mask_id_number(value: str) -> str:
    return f"{value[:3]}{'*' * (len(value) - 7)}{value[-4:]}" if value else ""
