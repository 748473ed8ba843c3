"""This app's rows of the permission matrices (tests/org/test_permission_matrix.py for pages,
tests/api/test_api_matrix.py for the API). Personas, in order: anonymous, org_admin, reviewer,
secretary, committee, recorder, member, outsider. `prepare(world)` adds the objects the rows'
kwargs builders read (world is the `ledger` world of tests/ledger.py).

In the world, the org department and the general-branch reviewer oversee 教工支部 (b1) without
deciding anything in it; the secretary and committee member decide; the recorder and the member
are plain members of b1 for these pages; the outsider is the secretary of another school's branch.
"""

from django.utils import timezone

from jifen.commitments import identity, services
from jifen.commitments.year_reports import write_year_report
from jifen.testing.factories import make_member
from tests.ledger import YEAR


def row(anonymous, org_admin, reviewer, secretary, committee, recorder, member, outsider):
    return {"anonymous": anonymous, "org_admin": org_admin, "reviewer": reviewer,
            "secretary": secretary, "committee": committee, "recorder": recorder,
            "member": member, "outsider": outsider}


def submitted(w):
    return services.create_commitment(actor=w.users["member"], year=YEAR, kind="deed",
                                      content="每月为学生义务辅导一次")


def passed(w):
    return services.review_commitment(actor=w.users["committee"], commitment=submitted(w),
                                      approve=True)


def report(w):
    return services.report_fulfilment(actor=w.users["member"], commitment=passed(w),
                                      content="已辅导 3 次")


def not_fulfilled(w):
    return services.set_outcome(actor=w.users["committee"], commitment=passed(w), outcome="not",
                                note="全年未开展辅导")


def post(w):
    return identity.create_post(actor=w.users["secretary"], branch=w.b1, kind="model",
                                name="教学示范岗", duties="带头上好每一堂课", members=[w.member])


def year_report(w):
    return write_year_report(actor=w.users["member"], member=w.member, year=YEAR,
                             content="一年来认真履行党员义务")


def prepare(world) -> None:
    world.commitment = submitted(world)
    world.approved = passed(world)
    world.report = services.report_fulfilment(actor=world.users["member"],
                                              commitment=world.approved, content="已辅导 2 次")
    world.post = post(world)
    world.year_report = year_report(world)
    world.board = identity.set_public_board(actor=world.users["secretary"], branch=world.b1,
                                            public=True)


MEMBERS_ONLY = row(302, 404, 404, 200, 200, 200, 200, 404)  # pages of one's own member record
OWNER_ONLY = row(302, 403, 403, 403, 403, 403, 200, 404)
LEAD_PAGE = row(302, 403, 403, 200, 200, 403, 403, 404)
LEAD_POST = row(302, 403, 403, 302, 302, 403, 403, 404)
OVERSEE_PAGE = row(302, 200, 200, 200, 200, 403, 403, 200)  # outsider: their own branch
BRANCH_PAGE = row(302, 200, 200, 200, 200, 200, 200, 404)

# url name → (method, kwargs builder, expected codes per persona, as a dict)
WEB_ROWS: dict = {
    "commitments:mine": ("get", lambda w: {}, MEMBERS_ONLY),
    "commitments:create": ("get", lambda w: {}, row(302, 403, 403, 200, 200, 200, 200, 403)),
    "commitments:detail": ("get", lambda w: {"pk": w.commitment.pk}, BRANCH_PAGE),
    "commitments:edit": ("get", lambda w: {"pk": w.commitment.pk}, OWNER_ONLY),
    "commitments:report": ("get", lambda w: {"pk": w.approved.pk}, OWNER_ONLY),
    "commitments:overview": ("get", lambda w: {}, OVERSEE_PAGE),
    "commitments:publicize": ("post", lambda w: {"branch_pk": w.b1.pk}, LEAD_POST),
    "commitments:review": ("post", lambda w: {"pk": w.commitment.pk}, LEAD_POST),
    "commitments:outcome": ("get", lambda w: {"pk": w.approved.pk}, LEAD_PAGE),
    "commitments:deduction": ("post", lambda w: {"pk": w.approved.pk}, LEAD_POST),
    "commitments:report-verify": ("post", lambda w: {"pk": w.report.pk}, LEAD_POST),
    "commitments:board": ("get", lambda w: {"branch_pk": w.b1.pk}, BRANCH_PAGE),
    "commitments:board-link": ("post", lambda w: {"branch_pk": w.b1.pk}, LEAD_POST),
    "commitments:public-board": ("get", lambda w: {"token": w.board.public_token},
                                 row(200, 200, 200, 200, 200, 200, 200, 200)),
    "commitments:post-list": ("get", lambda w: {}, OVERSEE_PAGE),
    "commitments:post-create": ("get", lambda w: {},
                                row(302, 403, 403, 200, 200, 403, 403, 200)),
    "commitments:post-edit": ("get", lambda w: {"pk": w.post.pk}, LEAD_PAGE),
    # the secretary's POST deletes the post: everyone after them finds nothing (404); the API
    # matrix checks the committee member's right on a fresh post
    "commitments:post-delete": ("post", lambda w: {"pk": w.post.pk},
                                row(302, 403, 403, 302, 404, 404, 404, 404)),
    "commitments:performance": ("get", lambda w: {},
                                row(302, 200, 200, 200, 200, 200, 200, 200)),
    "commitments:performance-publish": ("post", lambda w: {"branch_pk": w.b1.pk}, LEAD_POST),
    "commitments:year-reports": ("get", lambda w: {}, OVERSEE_PAGE),
    "commitments:year-report-write": ("get", lambda w: {"member_pk": w.member.pk},
                                      row(302, 403, 403, 200, 200, 403, 200, 404)),
    "commitments:year-report-remark": ("get", lambda w: {"pk": w.year_report.pk}, LEAD_PAGE),
}


def _this_month() -> str:
    return f"{timezone.localdate():%Y-%m}"


def _then(make, path):
    """A path builder that first makes a fresh object the call needs."""
    return lambda w: (make(w), path(w))[1]


API_LEAD = row(401, 403, 403, 200, 200, 403, 403, 404)
API_READ = row(401, 200, 200, 200, 200, 200, 200, 200)

# (method, "/api/v1/…" path template) → (path builder, body builder or None, expected codes)
API_ROWS: dict = {
    ("post", "/api/v1/commitments"): (
        lambda w: "/commitments",
        lambda w: {"year": YEAR, "kind": "deed", "content": "为社区老人讲解防诈骗知识"},
        row(401, 403, 403, 201, 201, 201, 201, 403)),
    ("get", "/api/v1/commitments"): (lambda w: "/commitments", None, API_READ),
    ("get", "/api/v1/commitments/{commitment_id}"): (
        lambda w: f"/commitments/{w.commitment.pk}", None,
        row(401, 200, 200, 200, 200, 200, 200, 404)),
    ("put", "/api/v1/commitments/{commitment_id}"): (
        lambda w: f"/commitments/{submitted(w).pk}",
        lambda w: {"kind": "post", "content": "立足岗位，提升教学质量"},
        row(401, 403, 403, 403, 403, 403, 200, 404)),
    ("post", "/api/v1/commitments/{commitment_id}/review"): (
        lambda w: f"/commitments/{submitted(w).pk}/review", lambda w: {"decision": "pass"},
        API_LEAD),
    ("post", "/api/v1/commitments/publicize"): (
        _then(passed, lambda w: "/commitments/publicize"),
        lambda w: {"org_id": w.b1.pk, "year": YEAR}, API_LEAD),
    ("post", "/api/v1/commitments/{commitment_id}/reports"): (
        lambda w: f"/commitments/{passed(w).pk}/reports", lambda w: {"content": "已辅导 1 次"},
        row(401, 403, 403, 403, 403, 403, 201, 404)),
    ("post", "/api/v1/commitments/{commitment_id}/reports/{report_id}/verify"): (
        lambda w: (lambda r: f"/commitments/{r.commitment_id}/reports/{r.pk}/verify")(report(w)),
        lambda w: {"decision": "pass"}, API_LEAD),
    ("post", "/api/v1/commitments/{commitment_id}/outcome"): (
        lambda w: f"/commitments/{passed(w).pk}/outcome", lambda w: {"outcome": "fulfilled"},
        API_LEAD),
    ("post", "/api/v1/commitments/{commitment_id}/deduction"): (
        lambda w: f"/commitments/{not_fulfilled(w).pk}/deduction", None,
        row(401, 403, 403, 201, 201, 403, 403, 404)),
    ("get", "/api/v1/posts"): (lambda w: "/posts", None, API_READ),
    ("post", "/api/v1/posts"): (
        lambda w: "/posts",
        lambda w: {"org_id": w.b1.pk, "kind": "vanguard", "name": "学生服务先锋岗",
                   "duties": "为学生办事不过夜", "member_ids": [w.member.pk]},
        row(401, 403, 403, 201, 201, 403, 403, 404)),
    ("put", "/api/v1/posts/{post_id}"): (
        lambda w: f"/posts/{w.post.pk}",
        lambda w: {"kind": "model", "name": "教学示范岗", "duties": "上好每一堂课",
                   "member_ids": [w.member.pk]}, API_LEAD),
    ("delete", "/api/v1/posts/{post_id}"): (
        lambda w: f"/posts/{post(w).pk}", None, row(401, 403, 403, 204, 204, 403, 403, 404)),
    ("get", "/api/v1/performance"): (
        lambda w: f"/performance?org_id={w.b1.pk}", None,
        row(401, 200, 200, 200, 200, 200, 200, 404)),
    ("post", "/api/v1/performance/publish"): (
        lambda w: "/performance/publish",
        lambda w: {"org_id": w.b1.pk, "month": _this_month()}, API_LEAD),
    ("get", "/api/v1/year-reports"): (lambda w: "/year-reports", None, API_READ),
    ("post", "/api/v1/year-reports"): (
        lambda w: "/year-reports",
        lambda w: {"year": YEAR, "content": "支部代为记录的述职",
                   "member_id": make_member(w.b1).pk},
        row(401, 403, 403, 201, 201, 403, 404, 404)),
    ("post", "/api/v1/year-reports/{report_id}/remark"): (
        lambda w: f"/year-reports/{w.year_report.pk}/remark",
        lambda w: {"remark": "述职实事求是"}, API_LEAD),
}
