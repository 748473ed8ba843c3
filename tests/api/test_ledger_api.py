"""The member's journey through the API: declare with evidence → review → publicity → objection
→ dismissal → escalation → ruling → close → the official score shows the entry."""

import datetime as dt

from django.test import Client

from jifen.accounts.services import issue_token
from jifen.scoring.models import Entry
from tests.ledger import PDF, YEAR, day


def bearer(user) -> dict:
    raw, _ = issue_token(user=user)
    return {"Authorization": f"Bearer {raw}"}


def test_the_whole_journey_through_the_api(ledger, api_client):
    member, committee = api_client(ledger.users["member"]), api_client(ledger.users["committee"])
    secretary, org_admin = api_client(ledger.users["secretary"]), api_client(
        ledger.users["org_admin"])
    objector = api_client(ledger.users["recorder"])  # another member of the branch

    status, entry = member("post", "/entries", {
        "member_id": ledger.member.pk, "item": "A-J04", "points": "3",
        "date": day(3).isoformat(), "reason": "社区志愿服务 8 小时"})
    assert (status, entry["state"], entry["source"]) == (201, "draft", "declared")

    upload = Client().post(f"/api/v1/entries/{entry['id']}/evidence",
                           {"file": _pdf()}, headers=bearer(ledger.users["member"]))
    assert upload.status_code == 201 and upload.json()["name"] == "证明.pdf"

    status, reviewed = committee("post", f"/entries/{entry['id']}/review", {"decision": "pass"})
    assert (status, reviewed["state"]) == (200, "reviewed")

    status, window = secretary("post", "/publicity", {"org_id": ledger.b1.pk, "title": "三月公示"})
    assert status == 201 and [e["id"] for e in window["entries"]] == [entry["id"]]
    assert {"name": ledger.member.name, "total": "83.00"} in window["totals"]

    status, objection = objector("post", "/objections", {"entry_id": entry["id"],
                                                         "reason": "时长有出入"})
    assert (status, objection["state"]) == (201, "open")
    status, answered = secretary("post", f"/objections/{objection['id']}/answer",
                                 {"decision": "dismissed", "reply": "有服务记录为证"})
    assert (status, answered["state"]) == (200, "dismissed")
    status, escalated = objector("post", f"/objections/{objection['id']}/escalate",
                                 {"reason": "服务记录不全"})
    assert (status, escalated["state"]) == (200, "escalated")
    status, ruled = org_admin("post", f"/objections/{objection['id']}/rule",
                              {"decision": "dismissed", "reply": "专项查核属实"})
    assert (status, ruled["state"]) == (200, "ruled_dismissed")

    status, body = secretary("post", f"/publicity/{window['id']}/close")
    assert status == 409 and "不能提前结束" in body["detail"]
    window_obj = Entry.objects.get(pk=entry["id"]).window
    type(window_obj).objects.filter(pk=window_obj.pk).update(
        starts_on=day(3, 1), ends_on=day(3, 5))
    status, closed = secretary("post", f"/publicity/{window['id']}/close")
    assert (status, closed) == (200, {"confirmed": 1})

    status, score = member("get", f"/members/{ledger.member.pk}/score?year={YEAR}")
    assert (status, score["total"], score["provisional"]) == (200, "83.00", False)
    assert [e["id"] for e in score["entries"]] == [entry["id"]]
    assert any("A-J04" in line for line in score["explain"])
    status, detail = member("get", f"/entries/{entry['id']}")
    assert [h["action"] for h in detail["history"]][:3] == [
        "scoring.entry.declared", "scoring.evidence.added", "scoring.entry.submitted"]


def _pdf():
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("证明.pdf", PDF, content_type="application/pdf")


def test_four_eyes_and_wrong_state_are_409_and_change_nothing(ledger, api_client):
    recorder = api_client(ledger.users["recorder"])
    status, entry = recorder("post", "/entries", {
        "member_id": ledger.users["committee"].member.pk, "item": "A-J01", "points": "2",
        "date": day(2).isoformat(), "reason": "宣讲"})
    status, body = api_client(ledger.users["committee"])(
        "post", f"/entries/{entry['id']}/review", {"decision": "pass"})
    assert status == 409 and "四眼原则" in body["detail"]
    status, body = api_client(ledger.users["secretary"])(
        "post", f"/entries/{entry['id']}/reverse", {"reason": "x"})
    assert status == 409
    assert Entry.objects.get(pk=entry["id"]).state == "submitted"


def test_a_file_that_lies_about_its_type_is_422(ledger):
    from django.core.files.uploadedfile import SimpleUploadedFile

    raw = Client().post("/api/v1/entries", data={
        "member_id": ledger.member.pk, "item": "A-J04", "points": "3",
        "date": day(3).isoformat(), "reason": "志愿"}, content_type="application/json",
        headers=bearer(ledger.users["member"])).json()
    fake = SimpleUploadedFile("证明.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    response = Client().post(f"/api/v1/entries/{raw['id']}/evidence", {"file": fake},
                             headers=bearer(ledger.users["member"]))
    assert response.status_code == 422
    assert "内容与扩展名" in response.json()["errors"][0]["message"]
    assert Entry.objects.get(pk=raw["id"]).state == "draft"


def test_invisible_entry_is_404(ledger, api_client):
    status, entry = api_client(ledger.users["recorder"])("post", "/entries", {
        "member_id": ledger.other_member.pk, "item": "A-J01", "points": "2",
        "date": day(2).isoformat(), "reason": "宣讲"})
    assert api_client(ledger.users["outsider"])("get", f"/entries/{entry['id']}")[0] == 404
    assert api_client(ledger.users["member"])("get", f"/entries/{entry['id']}")[0] == 404


def test_scores_official_and_provisional(ledger, api_client):
    recorder = api_client(ledger.users["recorder"])
    recorder("post", "/entries", {"member_id": ledger.other_member.pk, "item": "A-J01",
                                  "points": "2", "date": day(2).isoformat(), "reason": "宣讲"})
    secretary = api_client(ledger.users["secretary"])
    status, official = secretary("get", f"/scores?org_id={ledger.b1.pk}&year={YEAR}")
    assert status == 200 and official["count"] == 0  # nothing confirmed yet
    status, provisional = secretary(
        "get", f"/scores?org_id={ledger.b1.pk}&year={YEAR}&provisional=true")
    other = next(m for m in provisional["items"] if m["member_id"] == ledger.other_member.pk)
    assert (other["total"], other["rank"]) == ("82.00", 1)
    assert api_client(ledger.users["member"])(
        "get", f"/scores?org_id={ledger.b1.pk}&year={YEAR}")[0] == 403


def test_dates_are_checked(ledger, api_client):
    status, body = api_client(ledger.users["recorder"])("post", "/entries", {
        "member_id": ledger.other_member.pk, "item": "A-J01", "points": "2",
        "date": (dt.date.today() + dt.timedelta(days=3)).isoformat(), "reason": "x"})
    assert status == 400 and body["errors"][0]["field"] == "occurred_on"
