"""Sessions: a new key at login, 30 minutes idle, 8 hours absolute, logout ends every session
of the user, a password change every other one, disabling the user all of theirs."""

import datetime as dt
import time

import pytest
from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django.test import Client
from django.utils import timezone

from jifen.accounts.middleware import LOGIN_AT
from jifen.testing.factories import UserFactory
from tests.accounts.support import PASSWORD, audit, change, is_logged_in, login

pytestmark = pytest.mark.django_db
NEW = "Brand-New-Pass-7"


def logged_in_pair(username="alice"):
    """Two browsers logged in as the same user."""
    first, second = Client(), Client()
    for c in (first, second):
        assert login(c, username, PASSWORD).status_code == 302
    return first, second


def still_in(client) -> bool:
    return client.get("/").status_code == 200


def test_login_gives_a_new_session_key(client):
    UserFactory(username="alice")
    session = client.session
    session["before_login"] = True
    session.save()
    anonymous_key = session.session_key

    login(client, "alice", PASSWORD)

    assert client.session.session_key != anonymous_key
    assert not Session.objects.filter(session_key=anonymous_key).exists()


def test_logout_ends_every_session_of_the_user():
    UserFactory(username="alice")
    first, second = logged_in_pair()

    response = first.post("/accounts/logout/")

    assert response["Location"] == "/accounts/login/"
    assert second.get("/")["Location"].startswith("/accounts/login/")
    assert not is_logged_in(second)
    [row] = audit("accounts.logout")
    assert row.data == {"username": "alice"}


def test_logout_leaves_other_users_alone():
    UserFactory(username="alice")
    UserFactory(username="bob")
    alice, bob = Client(), Client()
    login(alice, "alice", PASSWORD)
    login(bob, "bob", PASSWORD)

    alice.post("/accounts/logout/")

    assert still_in(bob)


def test_a_password_change_ends_every_other_session_and_keeps_this_one():
    UserFactory(username="alice")
    first, second = logged_in_pair()

    change(first, PASSWORD, NEW)

    assert still_in(first)
    assert second.get("/")["Location"].startswith("/accounts/login/")


def test_disabling_a_user_ends_their_sessions_for_good():
    user = UserFactory(username="alice")
    first, _ = logged_in_pair()

    user.is_active = False
    user.save()

    assert first.get("/")["Location"].startswith("/accounts/login/")
    user.is_active = True
    user.save()
    assert first.get("/")["Location"].startswith("/accounts/login/")  # not revived
    assert not is_logged_in(first)


def test_disabling_by_a_bulk_update_also_ends_sessions():
    user = UserFactory(username="alice")
    first, _ = logged_in_pair()

    get_user_model().objects.filter(pk=user.pk).update(is_active=False)

    assert first.get("/")["Location"].startswith("/accounts/login/")


def _age_login(client, seconds: float) -> None:
    session = client.session
    session[LOGIN_AT] = time.time() - seconds
    session.save()


def test_a_session_ends_eight_hours_after_login_however_active(client):
    UserFactory(username="alice")
    login(client, "alice", PASSWORD)
    _age_login(client, 8 * 3600 - 60)
    assert still_in(client)

    _age_login(client, 8 * 3600 + 1)
    response = client.get("/members/")

    assert response["Location"] == "/accounts/login/?next=/members/"
    assert not is_logged_in(client)
    page = client.get(response["Location"]).content.decode()
    assert "登录已超过 8 小时，为了安全请重新登录。" in page
    [row] = audit("accounts.logout")
    assert row.reason == "登录已超过 8 小时"


def test_the_absolute_limit_ends_only_the_expired_session():
    UserFactory(username="alice")
    first, second = logged_in_pair()
    _age_login(first, 9 * 3600)

    first.get("/")

    assert still_in(second)


def test_the_absolute_limit_follows_the_setting(client, settings):
    settings.JIFEN_SESSION_ABSOLUTE_HOURS = 2
    UserFactory(username="alice")
    login(client, "alice", PASSWORD)
    _age_login(client, 2 * 3600 + 1)

    assert client.get("/").status_code == 302 and not is_logged_in(client)


def test_a_session_idle_for_thirty_minutes_ends(client, settings):
    assert settings.SESSION_COOKIE_AGE == 30 * 60 and settings.JIFEN_SESSION_TOUCH_SECONDS == 60
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE
    UserFactory(username="alice")
    login(client, "alice", PASSWORD)
    key = client.session.session_key
    Session.objects.filter(session_key=key).update(
        expire_date=timezone.now() - dt.timedelta(minutes=1))  # 31 minutes after the last one

    assert client.get("/")["Location"].startswith("/accounts/login/")


def test_authenticated_pages_are_never_stored(client):
    UserFactory(username="alice")
    login(client, "alice", PASSWORD)

    response = client.get("/")

    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]


def test_after_logout_the_back_button_gets_the_login_page(client):
    UserFactory(username="alice")
    login(client, "alice", PASSWORD)
    client.post("/accounts/logout/")

    assert client.get("/")["Location"] == "/accounts/login/?next=/"


def test_activity_renews_the_idle_expiry_at_most_once_a_minute(client):
    """A page read does not write the session row again within the minute; after it, it does."""
    from jifen.accounts.middleware import TOUCHED

    UserFactory(username="alice")
    login(client, "alice", PASSWORD)
    key = client.session.session_key
    soon = timezone.now() + dt.timedelta(minutes=5)
    Session.objects.filter(session_key=key).update(expire_date=soon)

    client.get("/")  # renewed at login moments ago: no write
    assert Session.objects.get(session_key=key).expire_date == soon

    session = client.session
    session[TOUCHED] = int(time.time()) - 61
    session.save()
    Session.objects.filter(session_key=key).update(expire_date=soon)
    client.get("/")
    renewed = Session.objects.get(session_key=key).expire_date
    assert renewed > timezone.now() + dt.timedelta(minutes=29)
