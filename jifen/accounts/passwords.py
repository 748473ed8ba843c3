"""The password policy: validators with Chinese messages, expiry, and temporary passwords.

The validators are configured in settings.AUTH_PASSWORD_VALIDATORS from the JIFEN_PASSWORD_*
variables; Django runs them wherever a password is chosen (password change, created logins).
"""

import re
import secrets
from datetime import timedelta
from difflib import SequenceMatcher

from django.conf import settings
from django.contrib.auth import password_validation
from django.contrib.auth.hashers import check_password
from django.core.exceptions import ValidationError
from django.utils import timezone

CLASS_NAMES = "大写字母、小写字母、数字、符号"


class LengthValidator:
    """At least `min_length` characters and at most `max_length`, taken whole: Argon2 hashes
    every character, so a long password is never silently truncated."""

    def __init__(self, min_length: int = 10, max_length: int = 128):
        self.min_length, self.max_length = min_length, max_length

    def validate(self, password: str, user=None) -> None:
        if len(password) < self.min_length:
            raise ValidationError(f"密码太短，至少需要 {self.min_length} 个字符。",
                                  code="password_too_short")
        if len(password) > self.max_length:
            raise ValidationError(f"密码太长，最多 {self.max_length} 个字符。",
                                  code="password_too_long")

    def get_help_text(self) -> str:
        return f"密码长度为 {self.min_length}～{self.max_length} 个字符。"


def character_classes(password: str) -> int:
    """How many of upper case, lower case, digits and symbols (any other character) occur."""
    kinds = {"upper" if c.isupper() else "lower" if c.islower() else
             "digit" if c.isdigit() else "symbol" for c in password}
    return len(kinds)


class CharacterClassValidator:
    def __init__(self, min_classes: int = 3):
        self.min_classes = min_classes

    def validate(self, password: str, user=None) -> None:
        if character_classes(password) < self.min_classes:
            raise ValidationError(
                f"密码须至少包含{CLASS_NAMES}中的 {self.min_classes} 类。",
                code="password_too_simple")

    def get_help_text(self) -> str:
        return f"至少包含{CLASS_NAMES}中的 {self.min_classes} 类。"


class CommonPasswordValidator(password_validation.CommonPasswordValidator):
    """Django's list of 20,000 common passwords, with a Chinese message."""

    def get_error_message(self) -> str:
        return "该密码过于常见，容易被猜中，请换一个。"

    def get_help_text(self) -> str:
        return "不能使用常见密码。"


class PersonalInfoValidator:
    """Not like the username, the name or the staff/student number (工号/学号).

    The staff number comes from `user.member`; a login being created for a member, which is not
    linked yet, carries it as `user.pending_staff_no`. "Like" means: similar by Django's measure
    (SequenceMatcher ratio ≥ max_similarity) or containing the value (3+ characters, or 2+ for
    Chinese names).
    """

    def __init__(self, max_similarity: float = 0.7):
        self.max_similarity = max_similarity

    def validate(self, password: str, user=None) -> None:
        if user is None:
            return
        lowered = password.lower()
        for label, value in personal_values(user):
            if self._like(lowered, value.lower()):
                raise ValidationError(f"密码与{label}过于相似，请换一个。",
                                      code="password_too_similar")

    def _like(self, password: str, value: str) -> bool:
        for part in {*re.split(r"\W+", value), value}:
            if len(part) >= (3 if part.isascii() else 2) and part in password:
                return True
            if part and not password_validation.exceeds_maximum_length_ratio(
                    password, self.max_similarity, part) and SequenceMatcher(
                    a=password, b=part).quick_ratio() >= self.max_similarity:
                return True
        return False

    def get_help_text(self) -> str:
        return "不能与用户名、姓名或工号/学号相似。"


def personal_values(user) -> list[tuple[str, str]]:
    member = getattr(user, "member", None)  # None when unsaved or not a member's login
    values = [("用户名", user.get_username()), ("姓名", getattr(user, "name", "")),
              ("姓名", f"{user.last_name}{user.first_name}"), ("邮箱", user.email),
              ("工号/学号", member.staff_no if member is not None else ""),
              ("工号/学号", getattr(user, "pending_staff_no", ""))]
    return [(label, value) for label, value in values if value]


class HistoryValidator:
    """The new password must differ from the last `count` ones (the current one included)."""

    def __init__(self, count: int = 5):
        self.count = count

    def validate(self, password: str, user=None) -> None:
        if self.count <= 0 or user is None or user.pk is None:
            return
        hashes = list(user.password_history.order_by("-id")
                      .values_list("password", flat=True)[:self.count])
        if user.has_usable_password():
            hashes.append(user.password)
        if any(check_password(password, encoded) for encoded in hashes):
            raise ValidationError(f"新密码不能与最近 {self.count} 次使用过的密码相同。",
                                  code="password_reused")

    def get_help_text(self) -> str:
        return f"不能与最近 {self.count} 次使用过的密码相同。"


# --- expiry and forced changes ---------------------------------------------------------------

def password_expired(user) -> bool:
    """Older than JIFEN_PASSWORD_MAX_AGE_DAYS (0 = never). A password set before the time was
    recorded counts from the account's creation."""
    days = settings.JIFEN_PASSWORD_MAX_AGE_DAYS
    if not days:
        return False
    changed = user.password_changed_at or user.date_joined
    return timezone.now() - changed > timedelta(days=days)


def change_required_reason(user) -> str:
    """Why this user must change the password before anything else, or "" if they need not."""
    if not user.is_authenticated:
        return ""
    if user.must_change_password:
        return "您正在使用管理员设置的初始或临时密码，请先修改密码。"
    if password_expired(user):
        return (f"您的密码已超过 {settings.JIFEN_PASSWORD_MAX_AGE_DAYS} 天未修改，"
                "请先修改密码。")
    return ""


# --- temporary passwords ---------------------------------------------------------------------

# No look-alike characters (0/O, 1/l/I), since the password is read off a screen.
_ALPHABETS = ("ABCDEFGHJKLMNPQRSTUVWXYZ", "abcdefghijkmnpqrstuvwxyz", "23456789", "@#%&*+=?!")


def temporary_password() -> str:
    """A random password with all four classes, at least 16 characters (or the minimum)."""
    length = max(16, settings.JIFEN_PASSWORD_MIN_LENGTH)
    chars = [secrets.choice(alphabet) for alphabet in _ALPHABETS]
    everything = "".join(_ALPHABETS)
    chars += [secrets.choice(everything) for _ in range(length - len(chars))]
    secrets.SystemRandom().shuffle(chars)
    return "".join(chars)
