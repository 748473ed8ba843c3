"""Every URL × every persona → the expected status. A new URL without a row fails the test.

Codes: 200 ok, 302 redirect (to login for anonymous, or after a POST), 403 visible but not
allowed, 404 not visible, 405 wrong method.
"""

import pytest
from django.urls import reverse

from jifen.org.enums import Role
from jifen.org.models import Exemption, RoleAssignment
from jifen.publicity.services import open_annual_window, open_window, raise_objection
from jifen.schemes.services import create_from_preset, derive_scheme
from jifen.testing.otp import login_verified
from tests.accounts import matrix_rows as account_rows
from tests.audit import matrix_rows as audit_rows
from tests.commitments import matrix_rows as commitment_rows
from tests.imports import matrix_rows as import_rows
from tests.ledger import YEAR, build_ledger, pdf, record, through_review
from tests.org import security_matrix_rows as security_rows
from tests.reports import matrix_rows as report_rows
from tests.results import matrix_rows as result_rows
from tests.supervision import matrix_rows as supervision_rows
from tests.url_names import all_url_names

PERSONAS = ["anonymous", "org_admin", "reviewer", "secretary", "committee", "recorder", "member",
            "outsider"]


def row(anonymous, org_admin, reviewer, secretary, committee, recorder, member, outsider):
    return dict(zip(PERSONAS, [anonymous, org_admin, reviewer, secretary, committee, recorder,
                               member, outsider], strict=True))


# url name → (method, kwargs builder, expected per persona)
MATRIX = {
    "core:home": ("get", lambda w: {}, row(302, 200, 200, 200, 200, 200, 200, 200)),
    "accounts:login": ("get", lambda w: {}, row(200, 302, 302, 302, 302, 302, 302, 302)),
    "accounts:logout": ("post", lambda w: {}, row(302, 302, 302, 302, 302, 302, 302, 302)),
    "accounts:password-change": ("get", lambda w: {},
                                 row(302, 200, 200, 200, 200, 200, 200, 200)),
    # logins of members in the org department's subtree; GET only asks to confirm the reset
    "accounts:user-list": ("get", lambda w: {}, row(302, 200, 403, 403, 403, 403, 403, 403)),
    "accounts:user-reset-password": ("get", lambda w: {"pk": w.users["member"].pk},
                                     row(302, 200, 403, 403, 403, 403, 403, 403)),
    "accounts:user-unlock": ("post", lambda w: {"pk": w.users["member"].pk},
                             row(302, 302, 403, 403, 403, 403, 403, 403)),
    "org:tree": ("get", lambda w: {}, row(302, 200, 403, 403, 403, 403, 403, 403)),
    "org:org-create": ("get", lambda w: {}, row(302, 200, 403, 403, 403, 403, 403, 403)),
    "org:org-edit": ("get", lambda w: {"pk": w.b1.pk},
                     row(302, 200, 403, 403, 403, 403, 403, 404)),
    "org:member-list": ("get", lambda w: {}, row(302, 200, 200, 200, 200, 200, 403, 200)),
    "org:member-create": ("get", lambda w: {}, row(302, 200, 403, 200, 403, 403, 403, 200)),
    # exports: masked for whoever sees the roster; unmasked and reveals for the org department
    "org:member-export": ("get", lambda w: {}, row(302, 200, 200, 200, 200, 200, 403, 200)),
    "org:member-export-full": ("get", lambda w: {},
                               row(302, 200, 403, 403, 403, 403, 403, 403)),
    "org:member-reveal": ("get", lambda w: {"pk": w.other_member.pk},
                          row(302, 200, 403, 403, 403, 403, 404, 404)),
    "org:member-detail": ("get", lambda w: {"pk": w.other_member.pk},
                          row(302, 200, 200, 200, 200, 200, 404, 404)),
    "org:member-edit": ("get", lambda w: {"pk": w.other_member.pk},
                        row(302, 200, 403, 200, 403, 403, 404, 404)),
    "org:member-transfer": ("get", lambda w: {"pk": w.other_member.pk},
                            row(302, 200, 403, 200, 403, 403, 404, 404)),
    "org:exemption-propose": ("get", lambda w: {"member_pk": w.other_member.pk},
                              row(302, 200, 403, 200, 200, 403, 404, 404)),
    "org:exemption-list": ("get", lambda w: {}, row(302, 200, 403, 200, 200, 403, 403, 200)),
    "org:exemption-decide": ("get", lambda w: {"pk": w.exemption.pk},
                             row(302, 200, 403, 403, 403, 403, 404, 404)),
    "org:role-list": ("get", lambda w: {}, row(302, 200, 403, 403, 403, 403, 403, 403)),
    "org:role-delete": ("post", lambda w: {"pk": w.recorder_role.pk},
                        row(302, 302, 404, 404, 404, 403, 404, 404)),
    "schemes:list": ("get", lambda w: {}, row(302, 200, 200, 200, 200, 200, 200, 200)),
    "schemes:mine": ("get", lambda w: {}, row(302, 404, 404, 302, 302, 302, 302, 404)),
    "schemes:create": ("get", lambda w: {}, row(302, 200, 200, 200, 403, 403, 403, 200)),
    "schemes:detail": ("get", lambda w: {"pk": w.child.pk},
                       row(302, 200, 200, 200, 200, 200, 200, 404)),
    "schemes:export-json": ("get", lambda w: {"pk": w.child.pk},
                            row(302, 200, 200, 200, 200, 200, 200, 404)),
    "schemes:export-xlsx": ("get", lambda w: {"pk": w.child.pk},
                            row(302, 200, 200, 200, 200, 200, 200, 404)),
    **{name: ("get", kwargs, row(302, 200, 403, 200, 403, 403, 403, 404)) for name, kwargs in [
        ("schemes:edit-settings", lambda w: {"pk": w.child.pk}),
        ("schemes:add-item", lambda w: {"pk": w.child.pk}),
        ("schemes:edit-item", lambda w: {"pk": w.child.pk, "code": "A-J04"}),
        ("schemes:edit-category", lambda w: {"pk": w.child.pk, "key": "bonus"}),
        ("schemes:edit-grades", lambda w: {"pk": w.child.pk}),
    ]},
    **{name: ("post", kwargs, row(302, 302, 403, 302, 403, 403, 403, 404)) for name, kwargs in [
        ("schemes:delete-item", lambda w: {"pk": w.child.pk, "code": "A-J04"}),
        ("schemes:copy-next-year", lambda w: {"pk": w.child.pk}),
    ]},
    # --- the ledger ---
    "scoring:entry-list": ("get", lambda w: {}, row(302, 200, 200, 200, 200, 200, 200, 200)),
    "scoring:entry-create": ("get", lambda w: {}, row(302, 403, 403, 200, 200, 200, 403, 200)),
    "scoring:entry-batch": ("get", lambda w: {}, row(302, 403, 403, 200, 200, 200, 403, 200)),
    "scoring:declare": ("get", lambda w: {}, row(302, 403, 403, 200, 200, 200, 200, 403)),
    "scoring:entry-detail": ("get", lambda w: {"pk": w.entry.pk},
                             row(302, 200, 200, 200, 200, 200, 404, 404)),
    "scoring:entry-review": ("post", lambda w: {"pk": w.entry.pk},
                             row(302, 403, 403, 302, 302, 403, 404, 404)),
    "scoring:entry-approve": ("post", lambda w: {"pk": w.entry.pk},
                              row(302, 302, 302, 403, 403, 403, 404, 404)),
    "scoring:entry-reverse": ("get", lambda w: {"pk": w.entry.pk},
                              row(302, 200, 403, 200, 200, 403, 404, 404)),
    "scoring:evidence-add": ("post", lambda w: {"pk": w.entry.pk},
                             row(302, 403, 403, 302, 302, 302, 404, 404)),
    "scoring:evidence-download": ("get", lambda w: {"pk": w.evidence.pk},
                                  row(302, 200, 200, 200, 200, 200, 404, 404)),
    "scoring:review-queue": ("get", lambda w: {}, row(302, 403, 403, 200, 200, 403, 403, 200)),
    "scoring:approval-queue": ("get", lambda w: {},
                               row(302, 200, 200, 403, 403, 403, 403, 403)),
    "scoring:ranking": ("get", lambda w: {}, row(302, 200, 200, 200, 200, 200, 200, 200)),
    "scoring:overview": ("get", lambda w: {}, row(302, 200, 200, 403, 403, 403, 403, 403)),
    "scoring:my-score": ("get", lambda w: {}, row(302, 404, 404, 200, 200, 200, 200, 404)),
    "scoring:member-score": ("get", lambda w: {"pk": w.other_member.pk},
                             row(302, 200, 200, 200, 200, 200, 404, 404)),
    "scoring:branch-settings": ("get", lambda w: {"pk": w.b1.pk},
                                row(302, 200, 403, 200, 200, 403, 403, 404)),
    # --- publicity and objections ---
    "publicity:list": ("get", lambda w: {}, row(302, 200, 200, 200, 200, 200, 200, 200)),
    "publicity:open": ("get", lambda w: {}, row(302, 200, 403, 200, 200, 403, 403, 200)),
    "publicity:detail": ("get", lambda w: {"pk": w.window.pk},
                         row(302, 200, 200, 200, 200, 200, 200, 404)),
    "publicity:close": ("post", lambda w: {"pk": w.window.pk},
                        row(302, 302, 403, 302, 302, 403, 403, 404)),
    "publicity:board": ("get", lambda w: {"token": w.window.board_token},
                        row(200, 200, 200, 200, 200, 200, 200, 200)),
    "publicity:objection-create": ("get", lambda w: {"entry_pk": w.publicized.pk},
                                   row(302, 200, 200, 200, 200, 200, 200, 404)),
    "publicity:total-objection-create": (
        "get", lambda w: {"pk": w.annual.pk, "member_pk": w.other_member.pk},
        row(302, 200, 200, 200, 200, 200, 200, 404)),
    "publicity:objection-list": ("get", lambda w: {},
                                 row(302, 200, 200, 200, 200, 200, 200, 200)),
    "publicity:objection-detail": ("get", lambda w: {"pk": w.objection.pk},
                                   row(302, 200, 200, 200, 200, 200, 200, 404)),
    "publicity:objection-answer": ("post", lambda w: {"pk": w.objection.pk},
                                   row(302, 302, 403, 302, 302, 403, 403, 404)),
    "publicity:objection-escalate": ("post", lambda w: {"pk": w.objection.pk},
                                     row(302, 403, 403, 403, 403, 403, 302, 404)),
    "publicity:objection-rule": ("post", lambda w: {"pk": w.objection.pk},
                                 row(302, 302, 403, 403, 403, 403, 403, 404)),
}


# Apps keep their own rows beside their tests.
for _rows in (commitment_rows, result_rows, report_rows, import_rows, supervision_rows,
              account_rows, audit_rows):
    MATRIX.update(_rows.WEB_ROWS)


def _url(name: str, kwargs: dict) -> str:
    """A row's kwargs may carry a query string under "?" (views that read GET parameters)."""
    query = kwargs.pop("?", "")
    return reverse(name, kwargs=kwargs) + (f"?{query}" if query else "")


def test_every_url_has_a_matrix_row():
    # the API has its own matrix, per operation (tests/api/test_api_matrix.py)
    assert {n for n in all_url_names() if not n.startswith("api:")} == set(MATRIX)
    assert set(security_rows.WEB) == set(MATRIX)


@pytest.fixture
def matrix_world(world):
    world.exemption = Exemption.objects.create(
        member=world.other_member, year=2025, reason="长期患病",
        proposed_by=world.users["secretary"],
    )
    world.recorder_role = RoleAssignment.objects.get(user=world.users["recorder"],
                                                     role=Role.RECORDER)
    create_from_preset(actor=world.users["org_admin"], org=world.school, year=2025,
                       preset="jining-2017")
    world.child = derive_scheme(actor=world.users["secretary"], org=world.b1, year=2025)
    build_ledger(world)  # this year's schemes and the far school's reviewer
    world.entry = record(world, files=[pdf()])
    world.evidence = world.entry.evidence.get()
    world.publicized = record(world, item="A-J03")
    through_review(world, world.publicized)
    world.window = open_window(actor=world.users["secretary"], branch=world.b1, title="公示",
                               public_board=True)
    world.objection = raise_objection(actor=world.users["member"], entry=world.publicized,
                                      reason="有疑问")
    world.annual = open_annual_window(actor=world.users["secretary"], branch=world.b1,
                                      year=YEAR)
    for rows in (commitment_rows, result_rows, report_rows, import_rows, supervision_rows,
                 account_rows, audit_rows):
        rows.prepare(world)
    return world


@pytest.mark.parametrize("url_name", sorted(MATRIX))
def test_permission_matrix(url_name, matrix_world, client):
    method, kwargs, expected = MATRIX[url_name]
    expected = {**expected, **security_rows.security_row(security_rows.WEB[url_name])}
    url = _url(url_name, kwargs(matrix_world))
    actual = {}
    for persona in PERSONAS + security_rows.SECURITY_PERSONAS:
        client.logout()
        if persona != "anonymous":
            login_verified(client, matrix_world.users[persona])
        actual[persona] = getattr(client, method)(url).status_code
        # a POST in the matrix may change state (role-delete); rebuild what it consumed
        if url_name == "org:role-delete" and actual[persona] == 302 and persona != "anonymous":
            matrix_world.recorder_role = RoleAssignment.objects.create(
                user=matrix_world.users["recorder"], role=Role.RECORDER, org=matrix_world.b1
            )
            url = _url(url_name, kwargs(matrix_world))
    assert actual == expected
