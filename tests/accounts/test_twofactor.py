"""Two-factor login (S-A9): who must use it, enrolment, the code step, single use, the ±1 step
window, hashed single-use backup codes, regenerating them, the administrator's reset, the API
token endpoint, and that no code reaches a log or the audit log."""

import json
import logging
import re
from types import SimpleNamespace
from unittest import mock

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.db import transaction
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice

from jifen.accounts import twofactor
from jifen.accounts.forms import LOGIN_FAILED
from jifen.accounts.models import ApiToken, BackupCode
from jifen.audit.models import AuditEntry
from jifen.core.demo import DEMO_OTP_KEY
from jifen.org.enums import Role
from jifen.testing.factories import UserFactory, grant
from jifen.testing.otp import ensure_device, fresh_code, login_verified, totp_code
from tests.accounts.support import PASSWORD, audit, login

pytestmark = pytest.mark.django_db
VERIFY = "/accounts/2fa/verify/"
ENROL = "/accounts/2fa/enrol/"
NOW = 1_800_000_015.0  # the middle of a 30-second step


@pytest.fixture(autouse=True)
def no_throttle(settings):
    """django-otp makes the next try wait after a failure; these tests try right away (the
    throttle has its own test)."""
    settings.OTP_TOTP_THROTTLE_FACTOR = 0


@pytest.fixture
def frozen_clock(monkeypatch):
    """django-otp's TOTP device reads time.time() when it checks a code: fix it mid-step."""
    import django_otp.plugins.otp_totp.models as totp_models

    monkeypatch.setattr(totp_models, "time", SimpleNamespace(time=lambda: NOW))
    return NOW


def admin_user(username="zuzhibu"):
    user = UserFactory(username=username)
    grant(user, Role.ORG_ADMIN, _school())
    return user


def _school():
    from jifen.org.enums import OrgKind
    from jifen.org.models import Organization
    from jifen.testing.factories import make_org

    return Organization.objects.filter(parent=None).first() or make_org("党委", OrgKind.COMMITTEE)


def enrol(user) -> list[str]:
    """Enrol through the services, as the page does; return the backup codes."""
    device = twofactor.pending_device(user)
    return twofactor.confirm_enrolment(user, fresh_code(device))


def codes_in(response) -> list[str]:
    return re.findall(r"\b[2-9a-z]{5}-[2-9a-z]{5}\b", response.content.decode())


# --- who must use it --------------------------------------------------------------------------

def test_admin_roles_and_superusers_require_two_factor_reviewers_only_by_setting(world,
                                                                                  settings):
    school = world.school
    security = {}
    for role in (Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN, Role.AUDIT_ADMIN):
        security[role] = UserFactory(username=f"2fa-{role}")
        grant(security[role], role, school)
    superuser = UserFactory(username="root", is_superuser=True)
    fresh = get_user_model().objects.get

    required = {name for name, user in world.users.items()
                if twofactor.requires_2fa(fresh(pk=user.pk))}
    settings.JIFEN_2FA_REVIEWERS = True
    with_reviewers = {name for name, user in world.users.items()
                      if twofactor.requires_2fa(fresh(pk=user.pk))}

    assert required & {"org_admin", "reviewer", "secretary", "committee", "recorder", "member",
                       "outsider"} == {"org_admin"}
    assert with_reviewers & {"org_admin", "reviewer", "secretary", "member"} == {"org_admin",
                                                                                 "reviewer"}
    assert all(twofactor.requires_2fa(fresh(pk=u.pk)) for u in security.values())
    assert twofactor.requires_2fa(superuser)


def test_a_reviewer_is_asked_to_enrol_only_when_the_setting_says_so(world, client, settings):
    login(client, "reviewer", PASSWORD)
    assert client.get("/").status_code == 200

    settings.JIFEN_2FA_REVIEWERS = True
    response = client.get("/")

    assert response.status_code == 302 and response["Location"] == f"{ENROL}?next=%2F"


# --- the login's second step ------------------------------------------------------------------

def test_a_login_with_a_device_asks_for_a_code_before_any_page(client):
    user = admin_user()
    device = ensure_device(user)

    login(client, "zuzhibu", PASSWORD)
    redirected = client.get("/ledger/")
    page = client.get(redirected["Location"])
    done = client.post(VERIFY, {"code": fresh_code(device), "next": "/ledger/"})

    assert redirected["Location"] == f"{VERIFY}?next=%2Fledger%2F"
    assert page.status_code == 200 and "两步验证" in page.content.decode()
    assert done.status_code == 302 and done["Location"] == "/ledger/"
    assert client.get("/").status_code == 200
    [row] = audit("accounts.2fa.verified")
    assert (row.actor, row.data["method"]) == (user, "totp")


def test_a_wrong_code_is_refused_and_audited(client):
    user = admin_user()
    device = ensure_device(user)
    wrong = f"{(int(fresh_code(device)) + 1) % 1_000_000:06d}"
    login(client, "zuzhibu", PASSWORD)

    response = client.post(VERIFY, {"code": wrong})

    assert response.status_code == 200 and "验证码不正确" in response.content.decode()
    assert client.get("/").status_code == 302  # still not through
    [row] = audit("accounts.2fa.failed")
    assert (row.actor, row.result, row.data) == (
        user, "failure", {"username": "zuzhibu", "purpose": "login", "reason": "wrong"})


def test_a_session_key_changes_when_the_second_factor_is_given(client):
    device = ensure_device(admin_user())
    login(client, "zuzhibu", PASSWORD)
    before = client.session.session_key

    client.post(VERIFY, {"code": fresh_code(device)})

    assert client.session.session_key != before


def test_the_next_url_after_the_code_must_be_ours(client):
    device = ensure_device(admin_user())
    login(client, "zuzhibu", PASSWORD)

    response = client.post(VERIFY, {"code": fresh_code(device), "next": "https://evil.example/"})
    looping = client.get(VERIFY, {"next": VERIFY})

    assert response["Location"] == "/" and looping["Location"] == "/"


def test_a_totp_code_is_accepted_only_once(client, frozen_clock):
    user = admin_user()
    device = ensure_device(user)
    code = totp_code(device, at=frozen_clock)

    first = twofactor.verify_code(user, code)
    again = twofactor.verify_code(user, code)
    login(client, "zuzhibu", PASSWORD)
    on_the_web = client.post(VERIFY, {"code": code})

    assert (first, again) == (True, False)
    assert on_the_web.status_code == 200  # the form again, with the error
    assert [r.data["reason"] for r in audit("accounts.2fa.failed")] == ["wrong", "wrong"]


@pytest.mark.parametrize("steps, accepted", [(-2, False), (-1, True), (0, True), (1, True),
                                             (2, False)])
def test_the_window_is_one_step_either_side(frozen_clock, steps, accepted):
    user = admin_user()
    device = ensure_device(user)

    assert twofactor.verify_code(user, totp_code(device, at=frozen_clock, steps=steps)) is accepted
    device.refresh_from_db()
    assert device.drift == 0  # nothing learnt that would widen the window next time


def test_an_earlier_step_is_refused_after_a_later_one(frozen_clock):
    user = admin_user()
    device = ensure_device(user)

    later = twofactor.verify_code(user, totp_code(device, at=frozen_clock, steps=1))
    earlier = twofactor.verify_code(user, totp_code(device, at=frozen_clock))

    assert (later, earlier) == (True, False)


def test_failures_are_throttled(settings, frozen_clock):
    settings.OTP_TOTP_THROTTLE_FACTOR = 1
    user = admin_user()
    device = ensure_device(user)

    twofactor.verify_code(user, "000000" if totp_code(device, at=NOW) != "000000" else "111111")
    right_away = twofactor.verify_code(user, totp_code(device, at=frozen_clock))

    assert right_away is False
    assert [r.data["reason"] for r in audit("accounts.2fa.failed")] == ["wrong", "throttled"]


# --- enrolment --------------------------------------------------------------------------------

def test_a_user_who_must_use_two_factor_enrols_on_first_login(client):
    user = admin_user()
    login(client, "zuzhibu", PASSWORD)

    redirected = client.get("/")
    page = client.get(ENROL)
    device = TOTPDevice.objects.get(user=user)
    wrong = client.post(ENROL, {"code": "12345x"})
    confirmed_by_wrong = TOTPDevice.objects.filter(confirmed=True).exists()
    done = client.post(ENROL, {"code": fresh_code(device), "next": "/ledger/"})

    assert redirected["Location"] == f"{ENROL}?next=%2F"
    html = page.content.decode()
    assert "<svg" in html and twofactor.manual_key(device) in html
    assert "data:" not in html and "<script>" not in html
    assert wrong.status_code == 200 and not confirmed_by_wrong
    codes = codes_in(done)
    assert len(set(codes)) == 10 and 'href="/ledger/"' in done.content.decode()
    device.refresh_from_db()
    assert (device.confirmed, device.tolerance) == (True, 1)
    assert client.get("/").status_code == 200  # this session is verified
    [row] = audit("accounts.2fa.enrolled")
    assert (row.actor, row.data) == (user, {"username": "zuzhibu", "backup_codes": 10})


def test_the_enrolment_page_keeps_its_secret_across_reloads_and_closes_after(client):
    user = admin_user()
    login(client, "zuzhibu", PASSWORD)

    client.get(ENROL)
    client.get(ENROL)
    device = TOTPDevice.objects.get(user=user)
    client.post(ENROL, {"code": fresh_code(device)})

    assert TOTPDevice.objects.filter(user=user).count() == 1
    assert client.get(ENROL)["Location"] == "/accounts/2fa/"


def test_anyone_may_enrol_and_then_their_logins_take_a_code(world, client):
    member = world.users["member"]
    login(client, "member", PASSWORD)
    client.get(ENROL)
    client.post(ENROL, {"code": fresh_code(TOTPDevice.objects.get(user=member))})
    client.post("/accounts/logout/")

    login(client, "member", PASSWORD)

    assert client.get("/")["Location"] == f"{VERIFY}?next=%2F"


# --- backup codes -----------------------------------------------------------------------------

def test_backup_codes_are_stored_hashed_and_work_once_each(client):
    user = admin_user()
    codes = enrol(user)

    stored = list(BackupCode.objects.filter(user=user).values_list("code_hash", flat=True))
    assert len(stored) == 10 and len(set(codes)) == 10
    for code in codes:
        assert all(code not in h and code.replace("-", "") not in h for h in stored)

    assert twofactor.verify_code(user, codes[0]) is True
    assert twofactor.verify_code(user, codes[0]) is False
    assert twofactor.verify_code(user, codes[1].upper().replace("-", " ")) is True
    assert twofactor.backup_codes_left(user) == 8
    assert [r.data["left"] for r in audit("accounts.2fa.backup_code_used")] == [9, 8]

    login(client, "zuzhibu", PASSWORD)
    assert client.post(VERIFY, {"code": codes[2]})["Location"] == "/"
    assert audit("accounts.2fa.verified")[0].data["method"] == "backup"


def test_regenerating_backup_codes_needs_a_current_code(client):
    user = admin_user()
    old = enrol(user)
    device = twofactor.device_for(user)
    login_verified(client, user)

    refused = client.post("/accounts/2fa/backup-codes/", {"code": "999999"})
    response = client.post("/accounts/2fa/backup-codes/", {"code": fresh_code(device)})

    assert refused.status_code == 200 and "验证码不正确" in refused.content.decode()
    new = codes_in(response)
    assert len(set(new)) == 10 and not set(new) & set(old)
    assert twofactor.verify_code(user, old[0]) is False
    assert twofactor.verify_code(user, new[0]) is True
    [row] = audit("accounts.2fa.backup_codes_regenerated")
    assert (row.actor, row.data["count"]) == (user, 10)
    assert audit("accounts.2fa.failed")[0].data["purpose"] == "regenerate"


def test_the_overview_page_shows_the_state_and_the_codes_left(client):
    user = admin_user()
    enrol(user)
    login_verified(client, user)

    html = client.get("/accounts/2fa/").content.decode()

    assert "已启用" in html and "未使用的备用码：10 个" in html


# --- the administrator's reset and password resets --------------------------------------------

def test_an_administrator_resets_a_lost_phone_and_ends_the_sessions(world, client, client_for):
    member = world.users["member"]
    enrol(member)
    member_client = login_verified(Client(), member)
    admin = client_for(world.users["org_admin"])

    listed = admin.get("/accounts/users/").content.decode()
    confirm = admin.get(f"/accounts/users/{member.pk}/reset-2fa/")
    done = admin.post(f"/accounts/users/{member.pk}/reset-2fa/")

    assert f"/accounts/users/{member.pk}/reset-2fa/" in listed
    assert confirm.status_code == 200 and "重置两步验证" in confirm.content.decode()
    assert done["Location"] == "/accounts/users/"
    assert not TOTPDevice.objects.filter(user=member).exists()
    assert not BackupCode.objects.filter(user=member).exists()
    assert member_client.get("/")["Location"].startswith("/accounts/login/")
    [row] = audit("accounts.2fa.reset")
    assert (row.actor, row.object_id, row.data) == (
        world.users["org_admin"], str(member.pk),
        {"username": "member", "devices_removed": 1, "backup_codes_removed": 10})


def test_the_org_department_cannot_reset_another_administrators_two_factor(world, client_for):
    other = admin_user("zuzhibu2")
    ensure_device(other)

    response = client_for(world.users["org_admin"]).post(f"/accounts/users/{other.pk}/reset-2fa/")

    assert response.status_code == 404
    assert TOTPDevice.objects.filter(user=other).exists() and not audit("accounts.2fa.reset")


def test_a_password_reset_does_not_remove_two_factor(world, client):
    member = world.users["member"]
    codes = enrol(member)
    temporary = "Temp-Pass-Known-9"
    admin = login_verified(Client(), world.users["org_admin"])
    with mock.patch("jifen.accounts.services.temporary_password", return_value=temporary):
        admin.post(f"/accounts/users/{member.pk}/reset-password/")

    login(client, "member", temporary)
    first = client.get("/")
    second = client.get(first["Location"])
    verified = client.post(VERIFY, {"code": codes[0], "next": "/"})

    assert TOTPDevice.objects.get(user=member).confirmed
    assert BackupCode.objects.filter(user=member).count() == 10
    # the code comes first: a password alone must not be enough to set a new one
    assert first["Location"] == "/accounts/password/"
    assert second["Location"] == f"{VERIFY}?next=%2Faccounts%2Fpassword%2F"
    assert client.get(verified["Location"])["Location"] == "/accounts/password/"


def test_a_superusers_lost_phone_is_reset_on_the_server(client):
    root = UserFactory(username="root", is_superuser=True)
    enrol(root)
    login_verified(client, root)

    call_command("reset_2fa", "root")

    assert not TOTPDevice.objects.filter(user=root).exists()
    assert client.get("/")["Location"].startswith("/accounts/login/")
    [row] = audit("accounts.2fa.reset")
    assert (row.actor, row.reason, row.data["devices_removed"]) == (None, "jifen reset_2fa", 1)
    with pytest.raises(CommandError):
        call_command("reset_2fa", "nobody")


# --- the middleware ---------------------------------------------------------------------------

def test_unverified_sessions_reach_only_the_two_factor_pages_and_logout(client):
    ensure_device(admin_user())
    login(client, "zuzhibu", PASSWORD)

    assert client.get("/accounts/users/")["Location"].startswith(VERIFY)
    assert client.get("/accounts/2fa/")["Location"].startswith(VERIFY)
    assert client.get("/accounts/password/")["Location"].startswith(VERIFY)
    assert client.post("/accounts/users/1/unlock/")["Location"] == VERIFY  # no next for a POST
    assert client.get(VERIFY).status_code == 200
    htmx = client.get("/ledger/", headers={"HX-Request": "true"})
    assert htmx.status_code == 200 and htmx["HX-Redirect"] == VERIFY
    assert client.post("/accounts/logout/")["Location"] == "/accounts/login/"


def test_the_token_api_is_untouched_but_its_session_docs_are_not(client):
    user = admin_user()
    user.is_staff = True
    user.save()
    ensure_device(user)
    from jifen.accounts.services import issue_token

    with transaction.atomic():
        raw, _ = issue_token(user=user)
    login(client, "zuzhibu", PASSWORD)  # a password-only session in the same browser

    me = client.get("/api/v1/me", headers={"Authorization": f"Bearer {raw}"})
    docs = client.get("/api/v1/docs")

    assert me.status_code == 200
    assert docs["Location"].startswith(VERIFY)


# --- the API token endpoint -------------------------------------------------------------------

def post_token(client, username, **extra):
    return client.post("/api/v1/auth/token", {"username": username, "password": PASSWORD, **extra},
                       content_type="application/json")


def test_the_token_endpoint_needs_a_code_for_a_two_factor_user(world, client):
    device = ensure_device(admin_user())
    refused = {"detail": LOGIN_FAILED, "errors": []}

    missing = post_token(client, "zuzhibu")
    wrong = post_token(client, "zuzhibu", otp="abcde-fghij")
    right = post_token(client, "zuzhibu", otp=fresh_code(device))
    member = post_token(client, "member")

    assert (missing.status_code, missing.json()) == (401, refused)
    assert (wrong.status_code, wrong.json()) == (401, refused)
    assert right.status_code == 200 and member.status_code == 200
    assert ApiToken.objects.count() == 2
    assert [(r.data["purpose"], r.data["reason"]) for r in audit("accounts.2fa.failed")] == [
        ("api", "missing"), ("api", "wrong")]


def test_a_user_who_must_enrol_gets_no_token_before_enrolling(client):
    admin_user()

    response = post_token(client, "zuzhibu", otp="123456")

    assert response.status_code == 401 and not ApiToken.objects.exists()
    assert audit("accounts.2fa.failed")[0].data["reason"] == "no_device"


# --- no code in logs or the audit log ---------------------------------------------------------

def test_no_code_reaches_the_logs_or_the_audit_log(client, caplog, settings):
    settings.DEBUG = True  # SQL statements are logged too
    caplog.set_level(logging.DEBUG)
    caplog.set_level(logging.DEBUG, logger="django")
    user = admin_user()
    login(client, "zuzhibu", PASSWORD)
    client.get(ENROL)
    device = TOTPDevice.objects.get(user=user)
    enrol_code = fresh_code(device)
    backup = codes_in(client.post(ENROL, {"code": enrol_code}))
    client.post("/accounts/logout/")
    login(client, "zuzhibu", PASSWORD)
    wrong = "000000" if fresh_code(device) != "000000" else "111111"
    client.post(VERIFY, {"code": wrong})
    client.post(VERIFY, {"code": backup[0]})
    api_code = fresh_code(device)
    post_token(client, "zuzhibu", otp=api_code)

    assert "SELECT" in caplog.text and len(backup) == 10  # logs were caught, the flow ran
    sql = "".join(f"{r.getMessage()}{r.args}" for r in caplog.records
                  if r.name == "django.db.backends")
    other = "".join(f"{r.getMessage()}{r.args}" for r in caplog.records
                    if r.name != "django.db.backends")
    stored = json.dumps([[e.data, e.reason, e.object_repr] for e in AuditEntry.objects.all()],
                        ensure_ascii=False)
    for code in [*backup, *(c.replace("-", "") for c in backup)]:
        assert code not in caplog.text + sql + other + stored, code
    # six digits turn up by chance in SQL timestamps: there, look for them as a value
    for code in [enrol_code, wrong, api_code]:
        assert code not in other and code not in stored, code
        assert f"'{code}'" not in sql and f'"{code}"' not in sql, code


# --- the demo ---------------------------------------------------------------------------------

def test_demo_otp_prints_the_code_of_a_demo_device_in_debug_only(settings, capsys):
    user = admin_user()
    with transaction.atomic():
        device = twofactor.enrol_with_key(actor=None, user=user, key=DEMO_OTP_KEY)
    other = admin_user("other")
    ensure_device(other)

    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG"):
        call_command("demo_otp", "zuzhibu")
    settings.DEBUG = True
    with pytest.raises(CommandError, match="演示密钥"):
        call_command("demo_otp", "other")
    call_command("demo_otp", "zuzhibu")

    printed = capsys.readouterr().out
    assert printed[:6] in {totp_code(device, steps=s) for s in (-1, 0)}
    assert twofactor.verify_code(user, printed[:6]) is True
