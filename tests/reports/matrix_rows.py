"""The reports app's rows of the permission matrices (see tests/commitments/matrix_rows.py).
Personas, in order: anonymous, org_admin, reviewer, secretary, committee, recorder, member,
outsider. A web row's kwargs may carry a query string under "?"."""

from tests.ledger import YEAR, publicize, record, through_review


def prepare(world) -> None:
    through_review(world, record(world, item="A-J08"))
    world.report_window = publicize(world)


def row(*codes):
    keys = ["anonymous", "org_admin", "reviewer", "secretary", "committee", "recorder", "member",
            "outsider"]
    return dict(zip(keys, codes, strict=True))


MEMBER_VISIBLE = row(302, 200, 200, 200, 200, 200, 404, 404)
BRANCH_LEADS = row(302, 200, 200, 200, 200, 403, 403, 404)
WEB_ROWS = {
    "reports:ledger": ("get", lambda w: {"?": f"member={w.other_member.pk}&year={YEAR}"},
                       MEMBER_VISIBLE),
    "reports:register": ("get", lambda w: {"?": f"branch={w.b1.pk}&year={YEAR}&quarter=1"},
                         BRANCH_LEADS),
    "reports:publicity": ("get", lambda w: {"pk": w.report_window.pk},
                          row(302, 200, 200, 200, 200, 200, 200, 404)),
    "reports:results": ("get", lambda w: {"?": f"org={w.b1.pk}&year={YEAR}"}, BRANCH_LEADS),
}


def _api(codes):
    return {"anonymous": 401, **{k: v for k, v in codes.items() if k != "anonymous"}}


API_ROWS = {
    ("get", "/api/v1/exports/ledger"): (
        lambda w: f"/exports/ledger?member_id={w.other_member.pk}&year={YEAR}", None,
        _api(MEMBER_VISIBLE)),
    ("get", "/api/v1/exports/register"): (
        lambda w: f"/exports/register?org_id={w.b1.pk}&year={YEAR}&quarter=1", None,
        _api(BRANCH_LEADS)),
    ("get", "/api/v1/exports/publicity/{window_id}"): (
        lambda w: f"/exports/publicity/{w.report_window.pk}", None,
        _api(row(302, 200, 200, 200, 200, 200, 200, 404))),
    ("get", "/api/v1/exports/results"): (
        lambda w: f"/exports/results?org_id={w.b1.pk}&year={YEAR}", None, _api(BRANCH_LEADS)),
}
