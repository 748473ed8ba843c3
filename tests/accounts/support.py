"""Helpers shared by the account tests."""

from jifen.audit.models import AuditEntry

PASSWORD = "Correct-Horse-42"  # UserFactory's password


def login(client, username, password):
    return client.post("/accounts/login/", {"username": username, "password": password})


def is_logged_in(client) -> bool:
    return "_auth_user_id" in client.session


def change(client, old, new, again=None):
    return client.post("/accounts/password/", {
        "old_password": old, "new_password1": new, "new_password2": again or new})


def audit(action: str):
    return list(AuditEntry.objects.filter(action=action).order_by("id"))
