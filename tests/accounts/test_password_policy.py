"""The password policy: length, character classes, common passwords, personal information,
history; every message in Chinese; configurable through the environment."""

import os
import subprocess
import sys

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError

import jifen.settings
from jifen.accounts.models import PasswordHistory
from jifen.accounts.passwords import character_classes, temporary_password
from jifen.org import services as org_services
from jifen.testing.factories import UserFactory
from tests.accounts.support import change, login

pytestmark = pytest.mark.django_db


def messages(password, user=None) -> list[str]:
    try:
        validate_password(password, user)
    except ValidationError as e:
        return e.messages
    return []


def is_chinese(message: str) -> bool:
    return any("\u4e00" <= c <= "\u9fff" for c in message)


@pytest.mark.parametrize("password, expected", [
    ("Ab1!ab1!a", "至少需要 10 个字符"),
    ("abcdefghijk", "至少包含大写字母、小写字母、数字、符号中的 3 类"),
    ("abcdefgh12", "至少包含大写字母、小写字母、数字、符号中的 3 类"),
    ("Password123", "过于常见"),
    ("A" * 64 + "b1" * 32 + "!", "最多 128 个字符"),
])
def test_weak_passwords_are_refused_with_a_chinese_message(password, expected):
    found = messages(password)

    assert any(expected in m for m in found), found
    assert all(is_chinese(m) for m in found)


@pytest.mark.parametrize("password", ["Strong-Pass-2025", "lower-and-123", "UPPER lower 中文",
                                      "Zz9" + "x" * 125])
def test_good_passwords_pass(password):
    assert messages(password) == []


def test_symbols_are_any_other_character():
    assert character_classes("Aa1!") == 4
    assert character_classes("中文密码abc") == 2


def test_a_password_of_128_characters_works_whole_and_is_not_truncated(client):
    long = "Aa1!" + "x" * 123 + "y"
    user = UserFactory(username="longpass")
    assert len(long) == 128 and messages(long, user) == []

    user.set_password(long)
    user.save()

    assert login(client, "longpass", long[:-1] + "z").status_code == 200  # last one differs
    assert login(client, "longpass", long).status_code == 302


@pytest.mark.parametrize("attrs, password, label", [
    ({"username": "zhangwei"}, "Zhangwei2025!", "用户名"),
    ({"username": "u1", "name": "张伟"}, "张伟Abcdef12", "姓名"),
    ({"username": "liuxiaoming"}, "Liuxiaomin9!", "用户名"),  # similar, not contained
])
def test_passwords_like_the_username_or_name_are_refused(attrs, password, label):
    user = UserFactory(**attrs)

    assert messages(password, user) == [f"密码与{label}过于相似，请换一个。"]


def test_passwords_like_the_members_staff_number_are_refused(world):
    user = world.users["member"]
    staff_no = world.member.staff_no

    assert messages(f"{staff_no}-Abcdef", user) == ["密码与工号/学号过于相似，请换一个。"]


def test_a_login_not_yet_linked_carries_its_staff_number():
    user = get_user_model()(username="newlogin", name="新人")
    user.pending_staff_no = "20230815"

    assert messages("Xy-20230815", user) == ["密码与工号/学号过于相似，请换一个。"]


def test_creating_a_members_login_refuses_a_password_like_the_staff_number(world):
    with pytest.raises(ValidationError, match="工号/学号"):
        org_services.create_member(
            actor=world.users["org_admin"], branch=world.b1, name="赵六", gender="male",
            category="teacher", status="full", joined_on=world.member.joined_on,
            staff_no="T20230815", username="zhaoliu", password="T20230815-Ab")


def test_the_last_five_passwords_cannot_be_reused(client):
    user = UserFactory(username="cycler")
    passwords = [f"Cycle-Pass-{n}x" for n in range(1, 7)]
    for new in passwords[:5]:
        user.set_password(new)
        user.save()

    assert PasswordHistory.objects.filter(user=user).count() == 5
    for old in passwords[:5]:
        assert messages(old, user) == ["新密码不能与最近 5 次使用过的密码相同。"]
    user.set_password(passwords[5])
    user.save()
    assert messages(passwords[0], user) == []  # the sixth-last is allowed again


def test_the_change_page_refuses_the_current_password(client):
    UserFactory(username="same")
    login(client, "same", "Correct-Horse-42")

    response = change(client, "Correct-Horse-42", "Correct-Horse-42")

    assert "新密码不能与最近 5 次使用过的密码相同。" in response.content.decode()


def test_history_keeps_hashes_in_the_configured_hasher_never_the_password():
    user = UserFactory(username="hashes")
    user.set_password("History-Pass-1")
    user.save()

    stored = PasswordHistory.objects.get(user=user).password
    assert stored == user.password and "History-Pass-1" not in stored
    assert stored.startswith("md5$")  # tests hash with MD5 for speed; production below
    assert jifen.settings.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")


def test_temporary_passwords_pass_the_policy():
    for _ in range(20):
        password = temporary_password()
        assert len(password) == 16 and messages(password) == []


def test_policy_defaults():
    assert (jifen.settings.JIFEN_PASSWORD_MIN_LENGTH, jifen.settings.JIFEN_PASSWORD_MIN_CLASSES,
            jifen.settings.JIFEN_PASSWORD_HISTORY, jifen.settings.JIFEN_PASSWORD_MAX_AGE_DAYS,
            jifen.settings.JIFEN_SESSION_ABSOLUTE_HOURS) == (10, 3, 5, 90, 8)


def _run(code: str, **env) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", code], env={**os.environ, **env},
                          capture_output=True, text=True)


def test_policy_comes_from_the_environment():
    code = ("import django; django.setup()\n"
            "from django.contrib.auth.password_validation import validate_password\n"
            "validate_password('Abcdefgh1!x')\n")

    result = _run(code, JIFEN_PASSWORD_MIN_LENGTH="12", DJANGO_SETTINGS_MODULE="jifen.settings")

    assert result.returncode != 0 and "至少需要 12 个字符" in result.stderr


def test_a_minimum_length_below_eight_is_refused():
    result = _run("import django; django.setup()", JIFEN_PASSWORD_MIN_LENGTH="6",
                  DJANGO_SETTINGS_MODULE="jifen.settings")

    assert result.returncode != 0 and "JIFEN_PASSWORD_MIN_LENGTH" in result.stderr
