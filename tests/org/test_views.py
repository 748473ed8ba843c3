"""Forms keep what was typed and put the Chinese message on the wrong field."""

import datetime as dt

from jifen.org import services
from jifen.org.models import Member


def test_rejected_member_form_keeps_input_and_names_the_field(world, client_for):
    client = client_for(world.users["secretary"])
    data = {"branch": world.b1.pk, "name": "王小明", "gender": "male", "category": "teacher",
            "status": "full", "joined_on": "2012-07-01", "staff_no": "T777",
            "phone": "12345", "id_number": ""}

    response = client.post("/members/new/", data)

    html = response.content.decode()
    assert response.status_code == 200
    assert 'value="王小明"' in html and 'value="T777"' in html
    assert "手机号码格式不正确" in html and "is-invalid" in html
    assert not Member.objects.filter(staff_no="T777").exists()


def test_member_form_refuses_a_future_joining_date(world, client_for):
    client = client_for(world.users["secretary"])
    tomorrow = dt.date.today() + dt.timedelta(days=2)
    response = client.post("/members/new/", {
        "branch": world.b1.pk, "name": "王小明", "gender": "male", "category": "teacher",
        "status": "full", "joined_on": tomorrow.isoformat(), "staff_no": "T778"})
    assert "入党时间不能晚于今天" in response.content.decode()


def test_secretary_can_register_a_member(world, client_for):
    client = client_for(world.users["secretary"])
    response = client.post("/members/new/", {
        "branch": world.b1.pk, "name": "王小明", "gender": "male", "category": "teacher",
        "status": "full", "joined_on": "2012-07-01", "staff_no": "T779",
        "phone": "13912345678"})
    member = Member.objects.get(staff_no="T779")
    assert response.status_code == 302 and member.phone == "13912345678"


def test_edit_form_never_sends_personal_data_back_and_blank_keeps_it(world, client_for):
    services.update_member(actor=world.users["org_admin"], member=world.other_member,
                           phone="13912345678")
    client = client_for(world.users["secretary"])
    url = f"/members/{world.other_member.pk}/edit/"
    assert "13912345678" not in client.get(url).content.decode()

    client.post(url, {"name": "改了名", "gender": "female", "category": "teacher",
                      "status": "full", "joined_on": "2015-07-01",
                      "staff_no": world.other_member.staff_no, "phone": "", "id_number": ""})

    world.other_member.refresh_from_db()
    assert (world.other_member.name, world.other_member.phone) == ("改了名", "13912345678")


def test_roster_search_and_filters(world, client_for):
    client = client_for(world.users["org_admin"])
    html = client.get("/members/", {"q": "学生"}).content.decode()
    assert "学生党员" in html and "另一党员" not in html
    html = client.get("/members/", {"branch": world.b1.pk, "category": "teacher"}).content.decode()
    assert "另一党员" in html and "学生党员" not in html


def test_roster_htmx_request_returns_only_the_rows(world, client_for):
    client = client_for(world.users["org_admin"])
    html = client.get("/members/", {"q": "另一"}, headers={"HX-Request": "true"}).content.decode()
    assert "另一党员" in html and "<nav class=\"navbar" not in html


def test_transfer_page_moves_member_and_keeps_history(world, client_for):
    client = client_for(world.users["org_admin"])
    client.post(f"/members/{world.other_member.pk}/transfer/",
                {"to_branch": world.b3.pk, "on": "2025-05-01"})
    html = client.get(f"/members/{world.other_member.pk}/").content.decode()
    assert "机关党支部" in html and "2025-05-01" in html and world.b1.name in html


def test_exemption_pages_propose_and_approve(world, client_for):
    client = client_for(world.users["committee"])
    client.post(f"/members/{world.other_member.pk}/exemption/", {"year": 2025, "reason": "重病"})
    exemption = world.other_member.exemptions.get()
    client = client_for(world.users["org_admin"])
    assert "重病" in client.get("/").content.decode()  # pending on the org department's home

    client.post(f"/exemptions/{exemption.pk}/decide/", {"decision": "approve", "note": ""})

    html = client.get(f"/members/{world.other_member.pk}/").content.decode()
    assert "2025年不列入管理范围" in html


def test_member_sees_own_page_but_not_the_roster(world, client_for):
    client = client_for(world.users["member"])
    assert client.get(f"/members/{world.member.pk}/").status_code == 200
    assert client.get("/members/").status_code == 403


def test_authenticated_pages_are_not_cached(world, client_for):
    response = client_for(world.users["member"]).get("/")
    assert "no-store" in response["Cache-Control"]
