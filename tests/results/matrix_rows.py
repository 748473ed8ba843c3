"""The results app's rows of the permission matrices (see tests/commitments/matrix_rows.py).
Personas, in order: anonymous, org_admin, reviewer, secretary, committee, recorder, member,
outsider."""

from tests.ledger import YEAR, day
from tests.results.helpers import score_year


def prepare(world) -> None:
    score_year(world)  # stored scores in b1, so appraisals have proposals to differ from


def row(*codes):
    keys = ["anonymous", "org_admin", "reviewer", "secretary", "committee", "recorder", "member",
            "outsider"]
    return dict(zip(keys, codes, strict=True))


def _none(w):
    return {}


_BRANCH_POSTS = row(302, 302, 403, 302, 302, 403, 403, 302)
WEB_ROWS = {
    "results:branch": ("get", _none, row(302, 200, 200, 200, 200, 403, 403, 200)),
    "results:appraise": ("post", _none, _BRANCH_POSTS),
    "results:talk": ("post", _none, _BRANCH_POSTS),
    "results:disposal": ("post", _none, _BRANCH_POSTS),
    "results:annual-publicity": ("post", _none, _BRANCH_POSTS),
    "results:submit": ("post", _none, row(302, 302, 403, 302, 403, 403, 403, 302)),
    "results:file": ("post", _none, row(302, 302, 302, 403, 403, 403, 403, 403)),
    "results:return": ("post", _none, row(302, 302, 302, 403, 403, 403, 403, 403)),
    "results:reopen": ("post", _none, row(302, 302, 403, 403, 403, 403, 403, 403)),
    "results:lists": ("get", _none, row(302, 200, 200, 200, 200, 403, 403, 200)),
}


def _year_path(suffix=""):
    return lambda w: f"/results/{w.b1.pk}/{YEAR}{suffix}"


def _member_body(**extra):
    return lambda w: {"member_id": w.other_member.pk, "year": YEAR, **extra}


API_ROWS = {
    ("get", "/api/v1/results/{org_id}/{year}"): (
        _year_path(), None, row(401, 200, 200, 200, 200, 403, 403, 404)),
    ("post", "/api/v1/results/{org_id}/{year}/submit"): (
        _year_path("/submit"), None, row(401, 400, 403, 400, 403, 403, 403, 404)),
    ("post", "/api/v1/results/{org_id}/{year}/file"): (
        _year_path("/file"), None, row(401, 409, 409, 403, 403, 403, 403, 404)),
    ("post", "/api/v1/results/{org_id}/{year}/return"): (
        _year_path("/return"), lambda w: {"reason": "x"},
        row(401, 409, 409, 403, 403, 403, 403, 404)),
    ("post", "/api/v1/results/{org_id}/{year}/reopen"): (
        _year_path("/reopen"), lambda w: {"reason": "x"},
        row(401, 409, 403, 403, 403, 403, 403, 404)),
    ("post", "/api/v1/appraisals"): (
        lambda w: "/appraisals", _member_body(grade="admonish"),
        row(401, 201, 403, 201, 201, 403, 404, 404)),
    ("post", "/api/v1/talks"): (
        lambda w: "/talks", _member_body(held_on=day(11).isoformat(), by="书记", notes="谈话"),
        row(401, 201, 403, 201, 201, 403, 404, 404)),
    ("post", "/api/v1/disposals"): (
        lambda w: "/disposals", _member_body(decision="限期改正", decided_on=day(11).isoformat()),
        row(401, 201, 403, 201, 201, 403, 404, 404)),
}
