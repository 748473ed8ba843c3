"""Every API operation × every persona → the expected status; a new operation without a row fails.

401 no token, 403 visible but not allowed, 404 not visible, 409 state conflict.
"""

import itertools

import pytest

from jifen.accounts.services import issue_token
from jifen.api.api import api
from jifen.org.enums import Role
from jifen.org.models import Exemption, RoleAssignment
from jifen.publicity.services import (
    answer_objection,
    escalate_objection,
    open_window,
    raise_objection,
)
from jifen.schemes.services import create_from_preset
from jifen.testing.factories import UserFactory, make_member
from jifen.testing.otp import otp_for
from tests.audit import matrix_rows as audit_rows
from tests.commitments import matrix_rows as commitment_rows
from tests.imports import matrix_rows as import_rows
from tests.ledger import YEAR, day, pdf, record, through_review
from tests.org import security_matrix_rows as security_rows
from tests.reports import matrix_rows as report_rows
from tests.results import matrix_rows as result_rows
from tests.supervision import matrix_rows as supervision_rows

PERSONAS = ["anonymous", "org_admin", "reviewer", "secretary", "committee", "recorder", "member",
            "outsider"]
_n = itertools.count(1)


def row(*codes):
    return dict(zip(PERSONAS, codes, strict=True))


def new_exemption(w):
    e = Exemption.objects.create(member=w.other_member, year=2000 + next(_n), reason="病",
                                 proposed_by=w.users["secretary"])
    return e.pk


def recorder_role(w):
    role, _ = RoleAssignment.objects.get_or_create(user=w.users["recorder"], role=Role.RECORDER,
                                                   org=w.b1)
    return role.pk


def member_body(w):
    return {"name": "新党员", "gender": "male", "category": "teacher", "status": "full",
            "joined_on": "2010-07-01", "org_id": w.b1.pk, "staff_or_student_no": f"M{next(_n)}"}


# (method, path template) → (concrete path builder, body builder, expected per persona)
MATRIX = {
    ("post", "/api/v1/auth/token"): (
        lambda w: "/auth/token", None, row(401, 200, 200, 200, 200, 200, 200, 200)),
    ("delete", "/api/v1/auth/token"): (
        lambda w: "/auth/token", None, row(401, 204, 204, 204, 204, 204, 204, 204)),
    ("get", "/api/v1/me"): (lambda w: "/me", None, row(401, 200, 200, 200, 200, 200, 200, 200)),
    ("get", "/api/v1/orgs"): (lambda w: "/orgs", None,
                              row(401, 200, 200, 200, 200, 200, 200, 200)),
    ("post", "/api/v1/orgs"): (
        lambda w: "/orgs",
        lambda w: {"name": "新支部", "kind": "branch", "parent_id": w.general.pk},
        row(401, 201, 403, 404, 404, 404, 404, 404)),
    ("post", "/api/v1/roles"): (
        lambda w: "/roles", lambda w: {"user_id": UserFactory().pk, "role": "recorder",
                                       "org_id": w.b2.pk},
        row(401, 201, 403, 404, 404, 404, 404, 404)),
    ("delete", "/api/v1/roles/{assignment_id}"): (
        lambda w: f"/roles/{recorder_role(w)}", None,
        row(401, 204, 404, 404, 404, 403, 404, 404)),
    ("get", "/api/v1/members"): (lambda w: "/members", None,
                                 row(401, 200, 200, 200, 200, 200, 200, 200)),
    ("get", "/api/v1/members/{member_id}"): (
        lambda w: f"/members/{w.other_member.pk}", None,
        row(401, 200, 200, 200, 200, 200, 404, 404)),
    ("post", "/api/v1/members"): (
        lambda w: "/members", member_body, row(401, 201, 403, 201, 403, 403, 403, 404)),
    ("post", "/api/v1/members/{member_id}/transfer"): (
        lambda w: f"/members/{make_member(w.b1).pk}/transfer",
        lambda w: {"org_id": w.b3.pk, "on": "2025-05-01"},
        row(401, 200, 403, 200, 403, 403, 404, 404)),
    ("post", "/api/v1/exemptions"): (
        lambda w: "/exemptions",
        lambda w: {"member_id": w.other_member.pk, "year": 2000 + next(_n), "reason": "病"},
        row(401, 201, 403, 201, 201, 403, 404, 404)),
    ("post", "/api/v1/exemptions/{exemption_id}/approve"): (
        lambda w: f"/exemptions/{new_exemption(w)}/approve", None,
        row(401, 200, 403, 403, 403, 403, 404, 404)),
    ("post", "/api/v1/exemptions/{exemption_id}/refuse"): (
        lambda w: f"/exemptions/{new_exemption(w)}/refuse", lambda w: {"note": "不符合条件"},
        row(401, 200, 403, 403, 403, 403, 404, 404)),
    ("get", "/api/v1/schemes"): (lambda w: "/schemes", None,
                                 row(401, 200, 200, 200, 200, 200, 200, 200)),
    ("get", "/api/v1/schemes/{scheme_id}"): (
        lambda w: f"/schemes/{w.reference.pk}", None,
        row(401, 200, 200, 200, 200, 200, 200, 404)),
    ("post", "/api/v1/schemes"): (
        lambda w: "/schemes", lambda w: {"org_id": w.b1.pk, "year": 2000 + next(_n),
                                         "preset": "jining-2017"},
        row(401, 201, 403, 201, 403, 403, 403, 404)),
    # --- ledger, publicity, scores (each call acts on fresh objects) ---
    ("post", "/api/v1/entries"): (
        lambda w: "/entries", lambda w: {"member_id": w.other_member.pk, "item": "A-J01",
                                         "points": "2", "date": day(2).isoformat(),
                                         "reason": "宣讲"},
        row(401, 403, 403, 201, 201, 201, 404, 404)),
    ("post", "/api/v1/entries/{entry_id}/evidence"): (
        lambda w: f"/entries/{record(w).pk}/evidence", "file",
        row(401, 403, 403, 201, 201, 201, 404, 404)),
    ("get", "/api/v1/entries"): (lambda w: "/entries", None,
                                 row(401, 200, 200, 200, 200, 200, 200, 200)),
    ("get", "/api/v1/entries/{entry_id}"): (
        lambda w: f"/entries/{record(w).pk}", None, row(401, 200, 200, 200, 200, 200, 404, 404)),
    ("post", "/api/v1/entries/{entry_id}/review"): (
        lambda w: f"/entries/{record(w).pk}/review", lambda w: {"decision": "pass"},
        row(401, 403, 403, 200, 200, 403, 404, 404)),
    ("post", "/api/v1/entries/{entry_id}/approve"): (
        lambda w: f"/entries/{record(w).pk}/approve", lambda w: {"decision": "pass"},
        row(401, 409, 409, 403, 403, 403, 404, 404)),
    ("post", "/api/v1/entries/{entry_id}/reverse"): (
        lambda w: f"/entries/{record(w).pk}/reverse", lambda w: {"reason": "x"},
        row(401, 409, 403, 409, 409, 403, 404, 404)),
    ("post", "/api/v1/publicity"): (
        lambda w: "/publicity", lambda w: {"org_id": w.b1.pk, "title": ready(w)},
        row(401, 201, 403, 201, 201, 403, 403, 404)),
    ("get", "/api/v1/publicity/{window_id}"): (
        lambda w: f"/publicity/{publicized(w).window_id}", None,
        row(401, 200, 200, 200, 200, 200, 200, 404)),
    ("post", "/api/v1/publicity/{window_id}/close"): (
        lambda w: f"/publicity/{publicized(w).window_id}/close", None,
        row(401, 409, 403, 409, 409, 403, 403, 404)),
    ("post", "/api/v1/objections"): (
        lambda w: "/objections", lambda w: {"entry_id": publicized(w).pk, "reason": "有疑问"},
        row(401, 403, 403, 201, 201, 201, 201, 404)),
    ("post", "/api/v1/objections/{objection_id}/answer"): (
        lambda w: f"/objections/{objection(w).pk}/answer",
        lambda w: {"decision": "dismissed", "reply": "属实"},
        row(401, 200, 403, 200, 200, 403, 403, 404)),
    ("post", "/api/v1/objections/{objection_id}/escalate"): (
        lambda w: f"/objections/{objection(w, 'dismissed').pk}/escalate",
        lambda w: {"reason": "不服"}, row(401, 403, 403, 403, 403, 403, 200, 404)),
    ("post", "/api/v1/objections/{objection_id}/rule"): (
        lambda w: f"/objections/{objection(w, 'escalated').pk}/rule",
        lambda w: {"decision": "dismissed", "reply": "属实"},
        row(401, 200, 403, 403, 403, 403, 403, 404)),
    ("get", "/api/v1/scores"): (
        lambda w: f"/scores?org_id={w.b1.pk}&year={YEAR}", None,
        row(401, 200, 200, 200, 200, 403, 403, 404)),
    ("get", "/api/v1/members/{member_id}/score"): (
        lambda w: f"/members/{w.other_member.pk}/score?year={YEAR}", None,
        row(401, 200, 200, 200, 200, 200, 404, 404)),
}


def ready(w) -> str:
    through_review(w, record(w))
    return "公示"


def publicized(w):
    entry = record(w)
    through_review(w, entry)
    open_window(actor=w.users["secretary"], branch=w.b1, title="公示")
    entry.refresh_from_db()
    return entry


def objection(w, stage="open"):
    o = raise_objection(actor=w.users["member"], entry=publicized(w), reason="有疑问")
    if stage in ("dismissed", "escalated"):
        answer_objection(actor=w.users["secretary"], objection=o, upheld=False, reply="属实")
    if stage == "escalated":
        escalate_objection(actor=w.users["member"], objection=o, reason="不服")
    return o


for _rows in (commitment_rows, result_rows, report_rows, import_rows, supervision_rows,
              audit_rows):
    MATRIX.update(_rows.API_ROWS)


def api_operations() -> set[tuple[str, str]]:
    schema = api.get_openapi_schema()
    return {(method, path) for path, ops in schema["paths"].items() for method in ops}


def test_every_api_operation_has_a_matrix_row():
    assert api_operations() == set(MATRIX)
    assert set(security_rows.API) == set(MATRIX)


@pytest.mark.parametrize("operation", sorted(MATRIX))
def test_api_permission_matrix(operation, ledger, api_client, client):
    world = ledger
    for rows in (commitment_rows, result_rows, report_rows, import_rows, supervision_rows,
                 audit_rows):
        rows.prepare(world)
    world.reference = create_from_preset(actor=world.users["org_admin"], org=world.school,
                                         year=2025, preset="jining-2017")
    path, body, expected = MATRIX[operation]
    expected = {**expected, **security_rows.security_row(security_rows.API[operation])}
    method = operation[0]
    actual = {}
    for persona in PERSONAS + security_rows.SECURITY_PERSONAS:
        user = world.users.get(persona)
        call = api_client(user)
        if body == "file":
            actual[persona] = upload(client, user, path(world))
            continue
        payload = body(world) if body else None
        if operation == ("post", "/api/v1/auth/token"):
            payload = {"username": persona, "password": "Correct-Horse-42",
                       "otp": otp_for(user) if user is not None else None}
        actual[persona] = call(method, path(world), payload)[0]
    assert actual == expected


def upload(client, user, path) -> int:
    headers = {}
    if user is not None:
        raw, _ = issue_token(user=user)
        headers["Authorization"] = f"Bearer {raw}"
    return client.post(f"/api/v1{path}", {"file": pdf()}, headers=headers).status_code
