"""API.md §Commitments, identity posts: the journey, and for each endpoint its refusals — 400 bad
input, 403 visible but not allowed, 404 not visible, 409 state conflict."""

import pytest
from django.utils import timezone

from jifen.commitments.models import Commitment
from jifen.scoring.models import Entry
from tests.commitments.support import commit, file_year, judged, passed
from tests.ledger import YEAR


@pytest.fixture
def as_(ledger, api_client):
    return lambda persona: api_client(ledger.users[persona])


def test_the_commitment_journey_through_the_api(ledger, as_):
    member, committee, secretary = as_("member"), as_("committee"), as_("secretary")

    status, created = member("post", "/commitments", {
        "year": YEAR, "kind": "deed", "content": "每月为学生义务辅导一次"})
    assert (status, created["state"], created["member_id"]) == (201, "submitted",
                                                                ledger.member.pk)
    cid = created["id"]

    status, returned = committee("post", f"/commitments/{cid}/review",
                                 {"decision": "return", "reason": "请写明对象"})
    assert (status, returned["state"], returned["review_note"]) == (200, "returned",
                                                                    "请写明对象")
    status, resubmitted = member("put", f"/commitments/{cid}", {
        "kind": "deed", "content": "每月为 2 名学困生义务辅导一次"})
    assert (status, resubmitted["state"]) == (200, "submitted")
    assert committee("post", f"/commitments/{cid}/review", {"decision": "pass"})[1][
        "state"] == "passed"
    assert secretary("post", "/commitments/publicize",
                     {"org_id": ledger.b1.pk, "year": YEAR}) == (200, {"publicized": 1})

    status, report = member("post", f"/commitments/{cid}/reports", {"content": "3 月已辅导"})
    assert (status, report["state"]) == (201, "submitted")
    status, verified = secretary("post", f"/commitments/{cid}/reports/{report['id']}/verify",
                                 {"decision": "pass"})
    assert (status, verified["state"]) == (200, "verified")

    status, judged_ = committee("post", f"/commitments/{cid}/outcome",
                                {"outcome": "not", "note": "下半年未辅导"})
    assert (status, judged_["outcome"], judged_["outcome_on"]) == (
        200, "not", timezone.localdate().isoformat())
    status, entry = secretary("post", f"/commitments/{cid}/deduction")
    assert (status, entry["state"], entry["item"], entry["points"]) == (
        201, "submitted", "A-K05", "1.0")

    status, seen = member("get", f"/commitments/{cid}")
    assert seen["deduction_entry_id"] == entry["id"]
    assert [r["state"] for r in seen["reports"]] == ["verified"]


def test_creating_needs_a_valid_kind_and_a_member(ledger, as_):
    status, body = as_("member")("post", "/commitments",
                                 {"year": YEAR, "kind": "secret", "content": "x"})
    assert status == 400 and body["errors"][0]["field"] == "kind"
    status, body = as_("member")("post", "/commitments",
                                 {"year": YEAR, "kind": "deed", "content": " "})
    assert (status, body["errors"]) == (400, [{"field": "content", "message": "请填写承诺内容。"}])
    assert as_("org_admin")("post", "/commitments",
                            {"year": YEAR, "kind": "deed", "content": "x"})[0] == 403


def test_lists_are_scoped_and_paginated(ledger, as_):
    mine, other = commit(ledger), commit(ledger, user="recorder")

    listed = as_("member")("get", "/commitments")[1]
    assert (listed["count"], [c["id"] for c in listed["items"]]) == (1, [mine.pk])
    assert as_("secretary")("get", f"/commitments?org_id={ledger.b1.pk}&size=1")[1][
        "count"] == 2
    assert as_("outsider")("get", "/commitments")[1]["count"] == 0
    assert as_("member")("get", f"/commitments/{other.pk}")[0] == 404


@pytest.mark.parametrize("persona, code", [
    ("outsider", 404), ("member", 404),  # another member's, not yet publicized: invisible
    ("recorder", 403), ("org_admin", 403), ("reviewer", 403)])
def test_review_refusals(ledger, as_, persona, code):
    commitment = commit(ledger, user="secretary")

    assert as_(persona)("post", f"/commitments/{commitment.pk}/review",
                        {"decision": "pass"})[0] == code


def test_a_member_may_not_review_even_their_own(ledger, as_):
    own = commit(ledger)

    assert as_("member")("post", f"/commitments/{own.pk}/review",
                         {"decision": "pass"})[0] == 403


def test_review_conflicts_and_bad_decisions(ledger, as_):
    own = commit(ledger, user="committee")
    status, body = as_("committee")("post", f"/commitments/{own.pk}/review",
                                    {"decision": "pass"})
    assert status == 409 and "四眼原则" in body["detail"]
    status, body = as_("secretary")("post", f"/commitments/{own.pk}/review",
                                    {"decision": "maybe"})
    assert (status, body["errors"][0]["field"]) == (400, "decision")
    done = passed(ledger)
    assert as_("secretary")("post", f"/commitments/{done.pk}/review",
                            {"decision": "pass"})[0] == 409


def test_editing_is_the_member_s_and_only_before_approval(ledger, as_):
    commitment = passed(ledger)

    assert as_("secretary")("put", f"/commitments/{commitment.pk}",
                            {"kind": "deed", "content": "改"})[0] == 403
    assert as_("member")("put", f"/commitments/{commitment.pk}",
                         {"kind": "deed", "content": "改"})[0] == 409


def test_publicize_refusals(ledger, as_):
    assert as_("secretary")("post", "/commitments/publicize",
                            {"org_id": ledger.b1.pk, "year": YEAR})[0] == 409  # nothing passed
    assert as_("member")("post", "/commitments/publicize",
                         {"org_id": ledger.b1.pk, "year": YEAR})[0] == 403
    assert as_("outsider")("post", "/commitments/publicize",
                           {"org_id": ledger.b1.pk, "year": YEAR})[0] == 404


def test_report_and_verify_refusals(ledger, as_):
    submitted, approved = commit(ledger), passed(ledger)
    assert as_("member")("post", f"/commitments/{submitted.pk}/reports",
                         {"content": "已做"})[0] == 409
    assert as_("secretary")("post", f"/commitments/{approved.pk}/reports",
                            {"content": "代报"})[0] == 403
    assert as_("outsider")("post", f"/commitments/{approved.pk}/reports",
                           {"content": "x"})[0] == 404
    status, report = as_("member")("post", f"/commitments/{approved.pk}/reports",
                                   {"content": "已做", "reported_on": f"{YEAR + 1}-01-02"})
    assert (status, report["errors"][0]["field"]) == (400, "reported_on")
    report_id = as_("member")("post", f"/commitments/{approved.pk}/reports",
                              {"content": "已做"})[1]["id"]

    verify = f"/commitments/{approved.pk}/reports/{report_id}/verify"
    assert as_("member")("post", verify, {"decision": "pass"})[0] == 403
    assert as_("outsider")("post", verify, {"decision": "pass"})[0] == 404
    assert as_("committee")("post", f"/commitments/{submitted.pk}/reports/{report_id}/verify",
                            {"decision": "pass"})[0] == 404  # the report is not that one's
    assert as_("committee")("post", verify, {"decision": "return"})[0] == 400
    assert as_("committee")("post", verify, {"decision": "pass"})[0] == 200
    assert as_("secretary")("post", verify, {"decision": "pass"})[0] == 409


def test_outcome_and_deduction_refusals(ledger, as_):
    approved = passed(ledger)
    assert as_("recorder")("post", f"/commitments/{approved.pk}/outcome",
                           {"outcome": "fulfilled"})[0] == 403
    assert as_("committee")("post", f"/commitments/{approved.pk}/outcome",
                            {"outcome": "not"})[0] == 400  # a note is needed
    assert as_("committee")("post", f"/commitments/{approved.pk}/deduction")[0] == 409
    converted = judged(ledger)
    assert as_("secretary")("post", f"/commitments/{converted.pk}/deduction")[0] == 201
    status, body = as_("committee")("post", f"/commitments/{converted.pk}/deduction")
    assert status == 409 and "不能重复转换" in body["detail"]
    assert as_("member")("post", f"/commitments/{converted.pk}/deduction")[0] == 403
    assert Entry.objects.filter(item_code="A-K05").count() == 1


def test_the_year_lock_is_a_conflict(ledger, as_):
    commitment = commit(ledger)
    file_year(ledger.b1)

    status, body = as_("committee")("post", f"/commitments/{commitment.pk}/review",
                                    {"decision": "pass"})

    assert status == 409 and "已审核备案" in body["detail"]
    assert as_("member")("post", "/commitments", {"year": YEAR, "kind": "deed",
                                                  "content": "新承诺"})[0] == 409
    assert Commitment.objects.count() == 1


# --- posts -----------------------------------------------------------------------------------

def post_body(ledger, **kwargs):
    return {"org_id": ledger.b1.pk, "kind": "model", "name": "教学示范岗",
            "duties": "上好每一堂课", "member_ids": [ledger.member.pk], **kwargs}


def test_posts_are_created_listed_updated_and_deleted(ledger, as_):
    status, post = as_("secretary")("post", "/posts", post_body(ledger, place="教学楼"))
    assert (status, post["member_ids"], post["members"][0]["name"], post["place"]) == (
        201, [ledger.member.pk], "普通党员", "教学楼")

    listed = as_("member")("get", f"/posts?org_id={ledger.b1.pk}")[1]
    assert (listed["count"], listed["items"][0]["name"]) == (1, "教学示范岗")
    assert as_("outsider")("get", "/posts")[1]["count"] == 0

    status, updated = as_("committee")("put", f"/posts/{post['id']}", {
        "kind": "area", "name": "实验楼责任区", "duties": "安全",
        "member_ids": [ledger.member.pk, ledger.other_member.pk]})
    assert (status, updated["kind"], len(updated["member_ids"])) == (200, "area", 2)
    assert as_("member")("put", f"/posts/{post['id']}", {
        "kind": "area", "name": "x", "duties": "x", "member_ids": [ledger.member.pk]})[0] == 403
    assert as_("outsider")("delete", f"/posts/{post['id']}")[0] == 404
    assert as_("secretary")("delete", f"/posts/{post['id']}")[0] == 204


def test_post_refusals(ledger, as_):
    status, body = as_("secretary")("post", "/posts",
                                    post_body(ledger, member_ids=[ledger.b2_member.pk]))
    assert (status, body["errors"][0]["field"]) == (400, "member_ids")
    status, body = as_("secretary")("post", "/posts",
                                    post_body(ledger, member_ids=[ledger.far_member.pk]))
    assert (status, body["errors"][0]["field"]) == (400, "member_ids")  # not visible
    assert as_("secretary")("post", "/posts", post_body(ledger, kind="hero"))[0] == 400
    assert as_("reviewer")("post", "/posts", post_body(ledger))[0] == 403
    assert as_("outsider")("post", "/posts", post_body(ledger))[0] == 404


# --- 晒出业绩 and 述职 --------------------------------------------------------------------------

def test_performance_is_live_for_the_branch_and_published_for_members(ledger, as_):
    month = f"{timezone.localdate():%Y-%m}"
    status, before = as_("member")("get", f"/performance?org_id={ledger.b1.pk}&month={month}")
    assert (status, before["live"], before["rows"], before["published_at"]) == (
        200, False, [], None)
    assert as_("secretary")("get", f"/performance?org_id={ledger.b1.pk}")[1]["live"] is True

    status, published = as_("committee")("post", "/performance/publish",
                                         {"org_id": ledger.b1.pk, "month": month})

    assert status == 200 and len(published["rows"]) == 5
    after = as_("member")("get", f"/performance?org_id={ledger.b1.pk}&month={month}")[1]
    assert after["rows"] == published["rows"] and after["published_at"]
    assert as_("secretary")("get", f"/performance?org_id={ledger.b1.pk}&month=13")[0] == 400
    assert as_("member")("post", "/performance/publish",
                         {"org_id": ledger.b1.pk, "month": month})[0] == 403
    assert as_("outsider")("get", f"/performance?org_id={ledger.b1.pk}")[0] == 404


def test_year_reports_through_the_api(ledger, as_):
    status, report = as_("member")("post", "/year-reports", {"year": YEAR, "content": "述职"})
    assert (status, report["member_id"], report["written_by"]) == (
        201, ledger.member.pk, ledger.users["member"].pk)
    assert as_("member")("post", "/year-reports", {"year": YEAR, "content": "改"})[0] == 200
    assert as_("member")("post", f"/year-reports/{report['id']}/remark",
                         {"remark": "自评"})[0] == 403
    status, remarked = as_("secretary")("post", f"/year-reports/{report['id']}/remark",
                                        {"remark": "好"})
    assert (status, remarked["remark"]) == (200, "好")
    assert as_("member")("post", "/year-reports", {"year": YEAR, "content": "再改"})[0] == 409
    assert as_("outsider")("post", f"/year-reports/{report['id']}/remark",
                           {"remark": "x"})[0] == 404
    assert as_("org_admin")("post", "/year-reports", {"year": YEAR, "content": "x"})[0] == 400
    listed = as_("committee")("get", f"/year-reports?org_id={ledger.b1.pk}&year={YEAR}")[1]
    assert [r["content"] for r in listed["items"]] == ["改"]
