"""The audit app's rows of the permission matrices (see tests/commitments/matrix_rows.py).
Personas, in order: anonymous, org_admin, reviewer, secretary, committee, recorder, member,
outsider.

Only the audit administrator (审计管理员) reads the audit log, and none of these personas is
one: every page is 403 for them, 302 to the login page for anonymous visitors. The audit
administrator's own access is tested in tests/audit/test_viewer.py.
"""

from django.db import transaction

from jifen.audit.services import log_action


def prepare(world) -> None:
    with transaction.atomic():
        world.audit_entry = log_action("org.member.updated", actor=world.users["secretary"],
                                       obj=world.other_member, org=world.b1)


def row(*codes):
    keys = ["anonymous", "org_admin", "reviewer", "secretary", "committee", "recorder", "member",
            "outsider"]
    return dict(zip(keys, codes, strict=True))


NOBODY = row(302, 403, 403, 403, 403, 403, 403, 403)
WEB_ROWS = {
    "audit:entry-list": ("get", lambda w: {}, NOBODY),
    "audit:entry-detail": ("get", lambda w: {"pk": w.audit_entry.pk}, NOBODY),
    "audit:export": ("get", lambda w: {"?": "result=success"}, NOBODY),
}

API_ROWS = {
    ("get", "/api/v1/audit"): (lambda w: "/audit", None,
                               {"anonymous": 401, **{k: v for k, v in NOBODY.items()
                                                     if k != "anonymous"}}),
}
