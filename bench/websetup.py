"""Log the benchmark's personas in and find what the pages need, on the benchmark's database.

Run by bench/scale.py in a subprocess with DJANGO_SETTINGS_MODULE=bench.settings and the bench
DATABASE_URL, after `jifen gen_data`; prints one JSON object on stdout:

    {"branch": <first branch id>, "root": <first root id>, "board_token": "...",
     "cookies": {"secretary": "sessionid=...", "member": ..., "admin": ...},
     "api_token": "..."}

The personas are gen_data's: province_secretary (secretary of the first branch), province_member
(a member of that branch) and province_admin (org_admin on the first root). Sessions are made
the way django.test.Client.force_login makes them — a real login() on a session store, so the
login signal stamps the session's login time — and, for a user whose login takes a second
factor, marked verified as jifen.testing.otp.login_verified does (a TOTP device is created if
the user has none). Logging in through the form would cost an Argon2 hash and a TOTP code for
nothing the benchmark measures.
"""

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.db import transaction  # noqa: E402
from django.test import Client  # noqa: E402

from jifen.accounts.services import issue_token  # noqa: E402
from jifen.org.enums import Role  # noqa: E402
from jifen.org.models import RoleAssignment  # noqa: E402
from jifen.publicity.models import Window  # noqa: E402
from jifen.testing.otp import login_verified  # noqa: E402

PERSONAS = {"secretary": "province_secretary", "member": "province_member",
            "admin": "province_admin"}


def persona(username: str):
    try:
        return get_user_model().objects.get(username=username)
    except get_user_model().DoesNotExist:
        sys.exit(f"websetup: gen_data made no user {username!r}")


def org_of(user, role: str):
    """The organization `user` holds `role` on (gen_data gives each persona exactly one)."""
    assignment = RoleAssignment.objects.filter(user=user, role=role).order_by("org__path").first()
    if assignment is None:
        sys.exit(f"websetup: {user.username} holds no {role} role")
    return assignment.org


def session_cookie(user) -> str:
    """A Cookie header value for a fresh, fully logged-in session of `user`."""
    client = login_verified(Client(), user)
    return f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"


def main() -> int:
    users = {key: persona(name) for key, name in PERSONAS.items()}
    branch = org_of(users["secretary"], Role.SECRETARY)
    root = org_of(users["admin"], Role.ORG_ADMIN)
    window = (Window.objects.filter(branch=branch).exclude(board_token="").order_by("id").first())
    if window is None:
        sys.exit(f"websetup: the first branch ({branch.pk}) has no window with a board token")
    cookies = {key: session_cookie(user) for key, user in users.items()}
    with transaction.atomic():  # issue_token audits, and the audit log wants a transaction
        api_token, _ = issue_token(user=users["secretary"])
    print(json.dumps({"branch": branch.pk, "root": root.pk, "board_token": window.board_token,
                      "cookies": cookies, "api_token": api_token}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
