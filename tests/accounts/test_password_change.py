"""Changing the password, and the forced change: after an administrator set it, or after it
expired. The change page and logout stay open; the API answers 403 instead of redirecting."""

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from jifen.accounts.services import issue_token
from jifen.testing.factories import UserFactory
from tests.accounts.support import PASSWORD, audit, change, is_logged_in, login

pytestmark = pytest.mark.django_db
NEW = "Brand-New-Pass-7"
CHANGE_URL = "/accounts/password/"


def test_change_needs_the_old_password_and_says_so_in_chinese(client):
    UserFactory(username="alice")
    login(client, "alice", PASSWORD)

    html = change(client, "wrong-old", NEW).content.decode()

    assert "原密码不正确，请重新输入。" in html
    mismatch = change(client, PASSWORD, NEW, "Other-Pass-77").content.decode()
    assert "两次输入的新密码不一致。" in mismatch
    assert get_user_model().objects.get(username="alice").check_password(PASSWORD)


def test_change_records_the_time_clears_the_flag_and_is_audited(client):
    user = UserFactory(username="alice", must_change_password=True)
    login(client, "alice", PASSWORD)
    before = timezone.now()

    response = change(client, PASSWORD, NEW)

    user.refresh_from_db()
    assert response.status_code == 302 and response["Location"] == "/"
    assert user.check_password(NEW) and not user.must_change_password
    assert user.password_changed_at >= before
    [row] = audit("accounts.password.changed")
    assert (row.actor_id, row.data) == (user.pk, {"username": "alice"})


def test_must_change_password_sends_every_page_to_the_change_page(client):
    UserFactory(username="fresh", must_change_password=True)

    response = login(client, "fresh", PASSWORD)

    assert response.status_code == 302 and is_logged_in(client)
    for path in ["/", "/members/", "/ledger/", "/accounts/users/"]:
        assert client.get(path)["Location"] == CHANGE_URL, path
    page = client.get(CHANGE_URL).content.decode()
    assert "管理员设置的初始或临时密码" in page

    change(client, PASSWORD, NEW)

    assert client.get("/").status_code == 200


def test_an_expired_password_sends_every_page_to_the_change_page(client, settings):
    settings.JIFEN_PASSWORD_MAX_AGE_DAYS = 90
    user = UserFactory(username="old")
    get_user_model().objects.filter(pk=user.pk).update(
        password_changed_at=timezone.now() - dt.timedelta(days=91))
    login(client, "old", PASSWORD)

    assert client.get("/")["Location"] == CHANGE_URL
    assert "已超过 90 天未修改" in client.get(CHANGE_URL).content.decode()

    change(client, PASSWORD, NEW)

    assert client.get("/").status_code == 200


def test_a_password_within_its_age_is_not_expired(client, settings):
    settings.JIFEN_PASSWORD_MAX_AGE_DAYS = 90
    user = UserFactory(username="recent")
    get_user_model().objects.filter(pk=user.pk).update(
        password_changed_at=timezone.now() - dt.timedelta(days=89))
    login(client, "recent", PASSWORD)

    assert client.get("/").status_code == 200


def test_without_a_recorded_change_the_age_counts_from_account_creation(client, settings):
    user = UserFactory(username="legacy")
    get_user_model().objects.filter(pk=user.pk).update(
        password_changed_at=None, date_joined=timezone.now() - dt.timedelta(days=200))
    login(client, "legacy", PASSWORD)

    assert client.get("/")["Location"] == CHANGE_URL
    settings.JIFEN_PASSWORD_MAX_AGE_DAYS = 0  # never expires
    assert client.get("/").status_code == 200


def test_logout_and_the_change_page_stay_open_and_static_files_are_not_redirected(client):
    UserFactory(username="fresh", must_change_password=True)
    login(client, "fresh", PASSWORD)

    assert client.get(CHANGE_URL).status_code == 200
    assert client.get("/static/css/jifen.css").status_code != 302
    assert client.post("/accounts/logout/")["Location"] == "/accounts/login/"
    assert not is_logged_in(client)


def test_htmx_requests_are_redirected_as_a_whole_page(client):
    UserFactory(username="fresh", must_change_password=True)
    login(client, "fresh", PASSWORD)

    response = client.get("/members/", headers={"HX-Request": "true"})

    assert response["HX-Redirect"] == CHANGE_URL


def test_the_api_answers_403_in_chinese_for_a_session(client):
    UserFactory(username="fresh", must_change_password=True, is_staff=True)
    login(client, "fresh", PASSWORD)

    response = client.get("/api/v1/me")

    assert response.status_code == 403
    assert "请先修改密码" in response.json()["detail"]


def test_the_api_answers_403_in_chinese_for_a_token(client):
    user = UserFactory(username="tokenuser")
    raw, _ = issue_token(user=user)
    get_user_model().objects.filter(pk=user.pk).update(must_change_password=True)

    response = client.get("/api/v1/me", headers={"Authorization": f"Bearer {raw}"})

    assert response.status_code == 403
    assert "请登录网页修改密码" in response.json()["detail"]


def test_no_token_is_issued_until_the_password_is_changed(client):
    UserFactory(username="fresh", must_change_password=True)

    response = client.post("/api/v1/auth/token", {"username": "fresh", "password": PASSWORD},
                           content_type="application/json")

    assert response.status_code == 403 and "修改密码" in response.json()["detail"]
