"""This app's rows of the permission matrices (tests/org/test_permission_matrix.py for pages,
tests/api/test_api_matrix.py for the API). Personas, in order: anonymous, org_admin, reviewer,
secretary, committee, recorder, member, outsider. `prepare(world)` adds the objects the rows'
kwargs builders read (world is the `ledger` world of tests/ledger.py).

Who may import: a roster whoever manages members (org department, a branch secretary — the
outsider is the secretary of a branch in another school); ledger entries whoever records in a
branch (recorder, committee, secretary; not the org department, as for one entry). A pending
import is seen only by its uploader (404 for everyone else).
"""

from jifen.imports import services
from tests.imports.support import member_row, upload, xlsx


def prepare(world) -> None:
    content = xlsx([member_row(name="矩阵党员", staff_no="MATRIX1")])
    world.pending = services.stage("members", actor=world.users["secretary"],
                                   upload=upload(content))


def row(*codes):
    keys = ["anonymous", "org_admin", "reviewer", "secretary", "committee", "recorder", "member",
            "outsider"]
    return dict(zip(keys, codes, strict=True))


def _none(w):
    return {}


def _token(w):
    return {"token": w.pending.token}


ROSTER = row(302, 200, 403, 200, 403, 403, 403, 200)
WEB_ROWS = {
    "imports:index": ("get", _none, row(302, 200, 403, 200, 200, 200, 403, 200)),
    "imports:members": ("get", _none, ROSTER),
    "imports:entries": ("get", _none, row(302, 403, 403, 200, 200, 200, 403, 200)),
    "imports:template": ("get", lambda w: {"kind": "members"}, ROSTER),
    "imports:preview": ("get", _token, row(302, 404, 404, 200, 404, 404, 404, 404)),
    # the secretary's confirm writes the member and shows the result page
    "imports:confirm": ("post", _token, row(302, 404, 404, 200, 404, 404, 404, 404)),
    "imports:cancel": ("post", _token, row(302, 404, 404, 302, 404, 404, 404, 404)),
}

# The matrix uploads a PDF as `file`: whoever may import gets 422 (not an .xlsx).
API_ROWS = {
    ("post", "/api/v1/imports/members"): (
        lambda w: "/imports/members", "file", row(401, 422, 403, 422, 403, 403, 403, 422)),
    ("post", "/api/v1/imports/entries"): (
        lambda w: f"/imports/entries?org_id={w.b1.pk}", "file",
        row(401, 403, 403, 422, 422, 422, 403, 404)),
    ("get", "/api/v1/imports/{kind}/template"): (
        lambda w: "/imports/members/template", None, row(401, 200, 403, 200, 403, 403, 403, 200)),
}
