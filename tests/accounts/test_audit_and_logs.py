"""Logins, failures, lockouts and logouts are audited with the username tried; no password
reaches the logs, the audit log, axes' records or an error report."""

import logging
from unittest import mock

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.models import AnonymousUser
from django.contrib.sessions.backends.db import SessionStore
from django.test import Client
from django.views.debug import SafeExceptionReporterFilter

from jifen.accounts import views
from jifen.audit.models import AuditEntry
from jifen.testing.factories import UserFactory
from jifen.testing.otp import login_verified
from tests.accounts.support import PASSWORD, change, login

pytestmark = pytest.mark.django_db
NEW = "Brand-New-Pass-7"
TEMPORARY = "Temp-Pass-Known-9"
WRONG = [f"Wrong-Guess-{n}x" for n in range(5)]
MASK = SafeExceptionReporterFilter.cleansed_substitute


def rows():
    return [(e.action, e.result, e.data.get("username")) for e in AuditEntry.objects.order_by("id")]


def test_logins_failures_lockouts_and_logouts_are_audited(client):
    UserFactory(username="alice")

    login(client, "alice", PASSWORD)
    client.post("/accounts/logout/")
    login(client, "nobody", "whatever-1")
    for wrong in WRONG:
        login(client, "alice", wrong)

    assert rows()[:4] == [
        ("accounts.login.succeeded", "success", "alice"),
        ("accounts.logout", "success", "alice"),
        ("accounts.login.failed", "failure", "nobody"),
        ("accounts.login.failed", "failure", "alice"),
    ]
    assert rows()[-2:] == [("accounts.login.locked_out", "failure", "alice"),
                           ("accounts.login.failed", "failure", "alice")]
    assert [r[0] for r in rows()].count("accounts.login.failed") == 6


def test_failures_at_the_api_token_endpoint_are_audited(client):
    client.post("/api/v1/auth/token", {"username": "ghost", "password": "x"},
                content_type="application/json")

    assert rows() == [("accounts.login.failed", "failure", "ghost")]


def test_no_password_reaches_logs_audit_or_axes(world, client, caplog, settings):
    settings.DEBUG = True  # SQL statements are logged too
    caplog.set_level(logging.DEBUG)
    caplog.set_level(logging.DEBUG, logger="django")  # Django's own config stops at INFO
    admin = Client()
    login_verified(admin, world.users["org_admin"])
    member = world.users["member"]

    for wrong in WRONG:  # failures, then the lockout
        login(client, "member", wrong)
    login(client, "member", PASSWORD)  # refused while locked
    admin.post(f"/accounts/users/{member.pk}/unlock/")
    login(client, "member", PASSWORD)
    change(client, PASSWORD, NEW)
    with mock.patch("jifen.accounts.services.temporary_password", return_value=TEMPORARY):
        admin.post(f"/accounts/users/{member.pk}/reset-password/")

    assert {"accounts.login.failed", "accounts.login.locked_out", "accounts.lockout.reset",
            "accounts.password.changed", "accounts.password.reset"} <= {r[0] for r in rows()}
    assert "AXES: Locking out" in caplog.text and "SELECT" in caplog.text  # logs were caught
    logged = caplog.text + "".join(str(r.args) for r in caplog.records)
    stored = "".join(f"{e.data}{e.reason}{e.object_repr}" for e in AuditEntry.objects.all())
    stored += "".join(a.get_data + a.post_data for a in AccessAttempt.objects.all())
    for secret in [PASSWORD, NEW, TEMPORARY, *WRONG]:
        assert secret not in logged, secret
        assert secret not in stored, secret


def test_the_login_view_hides_post_parameters_from_error_reports(rf):
    request = rf.get("/accounts/login/")
    request.user, request.session = AnonymousUser(), SessionStore()

    views.LoginView.as_view()(request)

    assert request.sensitive_post_parameters == "__ALL__"


def test_the_password_view_hides_post_parameters_from_error_reports(rf):
    request = rf.post("/accounts/password/", {"old_password": PASSWORD, "new_password1": NEW,
                                              "new_password2": "mismatch"})
    request.user, request.session = UserFactory(username="alice"), SessionStore()

    views.password_change(request)

    cleaned = SafeExceptionReporterFilter().get_post_parameters(request)
    assert request.sensitive_post_parameters == "__ALL__"
    assert cleaned["old_password"] == cleaned["new_password1"] == MASK


def _frame_variables(request, tb, function: str) -> dict:
    """The variables an error report would show for `function`'s frame."""
    while tb.tb_frame.f_code.co_name != function:
        tb = tb.tb_next
    return dict(SafeExceptionReporterFilter().get_traceback_frame_variables(request, tb.tb_frame))


@pytest.mark.parametrize("failing, function", [
    ("jifen.accounts.views.render", "user_reset_password"),  # the view, showing the password
    ("jifen.accounts.services.log_action", "reset_password"),  # the service, making it
])
def test_an_error_report_during_a_reset_hides_the_temporary_password(world, rf, failing,
                                                                     function):
    request = rf.post("/accounts/users/1/reset-password/")
    request.user, request.session = world.users["org_admin"], SessionStore()
    pk = world.users["member"].pk

    with (mock.patch("jifen.accounts.services.temporary_password", return_value=TEMPORARY),
          mock.patch(failing, side_effect=RuntimeError("boom")),
          pytest.raises(RuntimeError) as error):
        views.user_reset_password(request, pk=pk)

    variables = _frame_variables(request, error.tb, function)
    assert variables["password"] == MASK
    assert TEMPORARY not in str(variables)
