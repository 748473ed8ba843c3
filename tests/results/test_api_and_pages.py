import pytest

from jifen.results import services
from jifen.results.models import Appraisal
from tests.ledger import YEAR, day
from tests.results.helpers import publicize_year, score_year


@pytest.fixture
def filed(ledger, api_client):
    """The branch's year appraised, submitted and filed — all through the API."""
    score_year(ledger)
    publicize_year(ledger)
    secretary = api_client(ledger.users["secretary"])
    for member in ledger.b1.members.all():
        grade = member.scores.get(year=YEAR).grade
        status, _ = secretary("post", "/appraisals", {"member_id": member.pk, "year": YEAR,
                                                      "grade": grade})
        assert status == 201
    status, _ = secretary("post", "/talks", {"member_id": ledger.other_member.pk, "year": YEAR,
                                             "held_on": day(11).isoformat(), "by": "李书记",
                                             "notes": "谈心谈话"})
    assert status == 201
    status, body = secretary("post", f"/results/{ledger.b1.pk}/{YEAR}/submit")
    assert (status, body["state"]) == (200, "submitted")
    status, body = api_client(ledger.users["reviewer"])(
        "post", f"/results/{ledger.b1.pk}/{YEAR}/file")
    assert (status, body["state"]) == (200, "filed")
    return ledger


def test_submit_with_missing_items_is_400_listing_them(ledger, api_client):
    score_year(ledger)
    status, body = api_client(ledger.users["secretary"])(
        "post", f"/results/{ledger.b1.pk}/{YEAR}/submit")
    assert status == 400
    assert "年度积分尚未在民主评议前公示。" in [e["message"] for e in body["errors"]]


def test_appraisal_override_without_reason_is_400(ledger, api_client):
    score_year(ledger)
    status, body = api_client(ledger.users["secretary"])("post", "/appraisals", {
        "member_id": ledger.member.pk, "year": YEAR, "grade": "qualified"})
    assert status == 400 and body["errors"][0]["field"] == "reason"
    assert not Appraisal.objects.exists()


def test_a_filed_year_answers_409_everywhere_until_reopened(filed, api_client):
    recorder, secretary = api_client(filed.users["recorder"]), api_client(
        filed.users["secretary"])
    entry_body = {"member_id": filed.other_member.pk, "item": "A-J01", "points": "2",
                  "date": day(4).isoformat(), "reason": "补记"}
    status, body = recorder("post", "/entries", entry_body)
    assert status == 409 and "已审核备案" in body["detail"]
    assert secretary("post", "/appraisals", {"member_id": filed.member.pk, "year": YEAR,
                                             "grade": "qualified", "reason": "x"})[0] == 409
    confirmed = filed.other_member.entries.get(item_code="A-K01")
    assert secretary("post", f"/entries/{confirmed.pk}/reverse", {"reason": "x"})[0] == 409

    status, _ = api_client(filed.users["org_admin"])(
        "post", f"/results/{filed.b1.pk}/{YEAR}/reopen", {"reason": "补记漏记的志愿服务"})
    assert status == 200
    assert recorder("post", "/entries", entry_body)[0] == 201


def test_a_filed_year_refuses_edits_in_the_pages(filed, client_for):
    client = client_for(filed.users["recorder"])
    response = client.post(f"/ledger/new/?branch={filed.b1.pk}", {
        "branch": filed.b1.pk, "member": filed.other_member.pk, "item": "A-J01",
        "points": "2", "occurred_on": day(4).isoformat(), "reason": "补记"})
    assert "已审核备案" in response.content.decode()
    page = client_for(filed.users["secretary"]).get(
        f"/results/?branch={filed.b1.pk}&year={YEAR}").content.decode()
    assert "已审核备案" in page and "报送审核备案" not in page


def test_results_page_shows_proposals_flags_and_what_is_missing(ledger, client_for):
    score_year(ledger)
    html = client_for(ledger.users["secretary"]).get(
        f"/results/?branch={ledger.b1.pk}&year={YEAR}").content.decode()
    assert "可评为优秀" in html and "诫勉谈话" in html
    assert "年度积分尚未在民主评议前公示。" in html


def test_appraisal_form_override_keeps_the_reason(ledger, client_for):
    score_year(ledger)
    client = client_for(ledger.users["secretary"])
    client.post("/results/appraise/", {"branch": ledger.b1.pk, "year": YEAR,
                                       "member": ledger.member.pk, "grade": "qualified",
                                       "reason": "群众评议意见较多"})
    appraisal = Appraisal.objects.get(member=ledger.member)
    assert (appraisal.grade, appraisal.reason) == ("qualified", "群众评议意见较多")


def test_lists_page_for_the_org_department(ledger, client_for):
    score_year(ledger)
    html = client_for(ledger.users["org_admin"]).get(f"/results/lists/?year={YEAR}")
    text = html.content.decode()
    assert "普通党员" in text and "另一党员" in text and "应进行诫勉谈话" in text


def test_second_annual_window_is_refused(ledger):
    score_year(ledger)
    publicize_year(ledger)
    with pytest.raises(Exception, match="已经公示过了"):
        publicize_year(ledger)
    assert services.year_result(ledger.b1, YEAR).state == "open"
