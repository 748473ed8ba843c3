"""The org department (and superusers) reset passwords and lift lockouts of the logins in
their subtree; each action is audited without the password."""

from html import unescape

import pytest
from axes.models import AccessAttempt
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from jifen.accounts import services
from jifen.accounts.models import ApiToken
from jifen.testing.factories import UserFactory, grant, make_member
from tests.accounts.support import PASSWORD, audit, is_logged_in, login

pytestmark = pytest.mark.django_db


def temp_password(html: str) -> str:
    marker = 'class="fs-4 font-monospace user-select-all border rounded px-3 py-2 bg-light">'
    return unescape(html.split(marker, 1)[1].split("<", 1)[0])


def lock(username: str) -> None:
    attacker = Client()
    for n in range(5):
        login(attacker, username, f"wrong-{n}")


def test_the_list_shows_the_logins_in_the_admins_subtree(world, client_for):
    far_login = UserFactory(username="far-login")
    world.far_member.user = far_login
    world.far_member.save()

    html = client_for(world.users["org_admin"]).get("/accounts/users/").content.decode()

    for name in ["member", "secretary", "committee", "recorder"]:
        assert f"<td>{name}</td>" in html
    for name in ["far-login", "outsider", "reviewer", "org_admin"]:
        assert f"<td>{name}</td>" not in html


def test_reset_shows_a_temporary_password_once_and_forces_a_change(world, client_for):
    target = world.users["member"]
    victim = Client()
    login(victim, "member", PASSWORD)
    raw, _ = services.issue_token(user=target)
    admin = client_for(world.users["org_admin"])

    response = admin.post(f"/accounts/users/{target.pk}/reset-password/")

    password = temp_password(response.content.decode())
    target.refresh_from_db()
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    assert target.check_password(password) and target.must_change_password
    assert victim.get("/")["Location"].startswith("/accounts/login/")
    assert not is_logged_in(victim)
    assert not ApiToken.objects.filter(user=target, revoked_at__isnull=True).exists()
    [row] = audit("accounts.password.reset")
    assert (row.actor_id, row.object_id, row.org_id) == (
        world.users["org_admin"].pk, str(target.pk), world.b1.pk)
    assert password not in str(row.data) + row.reason + row.object_repr
    fresh = Client()
    login(fresh, "member", password)
    assert fresh.get("/")["Location"] == "/accounts/password/"


def test_the_confirmation_page_does_not_reset(world, client_for):
    target = world.users["member"]
    before = get_user_model().objects.get(pk=target.pk).password

    response = client_for(world.users["org_admin"]).get(
        f"/accounts/users/{target.pk}/reset-password/")

    assert response.status_code == 200 and "确定重置" in response.content.decode()
    assert get_user_model().objects.get(pk=target.pk).password == before


def test_reset_is_refused_outside_the_subtree_and_for_admins(world, client_for):
    other_admin = UserFactory(username="admin2")
    grant(other_admin, "org_admin", world.general)
    make_member(world.b2, user=other_admin)
    admin = client_for(world.users["org_admin"])

    assert admin.post(f"/accounts/users/{other_admin.pk}/reset-password/").status_code == 404
    assert admin.post(f"/accounts/users/{world.users['outsider'].pk}/reset-password/"
                      ).status_code == 404
    assert admin.post(f"/accounts/users/{world.users['org_admin'].pk}/reset-password/"
                      ).status_code == 404
    with pytest.raises(PermissionDenied):
        services.reset_password(actor=world.users["secretary"], user=world.users["member"])
    assert not audit("accounts.password.reset")


def test_a_superuser_resets_anyone(world, client_for):
    root = UserFactory(username="root", is_superuser=True, is_staff=True)

    response = client_for(root).post(
        f"/accounts/users/{world.users['org_admin'].pk}/reset-password/")

    assert response.status_code == 200
    assert get_user_model().objects.get(username="org_admin").must_change_password


def test_unlock_lifts_the_lockout_and_is_audited(world, client_for):
    lock("member")
    assert login(Client(), "member", PASSWORD).status_code == 200  # locked
    admin = client_for(world.users["org_admin"])
    assert "已锁定" in admin.get("/accounts/users/?q=member").content.decode()

    response = admin.post(f"/accounts/users/{world.users['member'].pk}/unlock/")

    assert response["Location"] == "/accounts/users/"
    assert not AccessAttempt.objects.filter(username="member").exists()
    assert login(Client(), "member", PASSWORD).status_code == 302
    [row] = audit("accounts.lockout.reset")
    assert row.data["username"] == "member" and row.actor_id == world.users["org_admin"].pk


def test_unlocking_an_unlocked_login_changes_nothing(world, client_for):
    admin = client_for(world.users["org_admin"])

    response = admin.post(f"/accounts/users/{world.users['member'].pk}/unlock/", follow=True)

    assert "当前未被锁定" in response.content.decode()
    assert not audit("accounts.lockout.reset")


def test_others_cannot_unlock(world, client_for):
    lock("member")

    response = client_for(world.users["secretary"]).post(
        f"/accounts/users/{world.users['member'].pk}/unlock/")

    assert response.status_code == 403
    assert AccessAttempt.objects.filter(username="member").exists()


def _queries_for_list(client) -> int:
    with CaptureQueriesContext(connection) as context:
        assert client.get("/accounts/users/").status_code == 200
    return len(context)


def test_the_list_costs_the_same_queries_for_one_login_as_for_many(world, client_for):
    admin = client_for(world.users["org_admin"])
    counts = []
    for size in (1, 3):
        for n in range(size):
            make_member(world.b2, user=UserFactory(username=f"extra{size}-{n}"))
        counts.append(_queries_for_list(admin))

    assert counts[0] == counts[1]
