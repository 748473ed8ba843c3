"""JIFEN_COLLECT_ID_NUMBER=False: no surface shows, accepts or stores an ID-card number."""

import datetime as dt
import random
from io import BytesIO, StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from openpyxl import load_workbook

from jifen.audit.models import AuditEntry
from jifen.core.demo import _demo_member
from jifen.imports import services as import_services
from jifen.imports.errors import ImportRejected
from jifen.imports.layouts import LAYOUTS
from jifen.imports.models import PendingImport
from jifen.org import services
from jifen.org.forms import MemberCreateForm
from jifen.org.models import Member
from tests.imports.support import member_row, upload, valid_id, xlsx

ID_NUMBER = "11010519491231002X"
NEW_MEMBER = {"name": "王小明", "gender": "male", "category": "teacher", "status": "full",
              "joined_on": "2012-07-01", "phone": "", "id_number": ID_NUMBER}
WITHOUT_ID = [c.header for c in LAYOUTS["members"].columns if c.key != "id_number"]


@pytest.fixture
def not_collected(settings):
    settings.JIFEN_COLLECT_ID_NUMBER = False


def test_the_default_collects_id_numbers(world, client_for):
    html = client_for(world.users["secretary"]).get("/members/new/").content.decode()
    assert 'name="id_number"' in html
    assert "id_number" in MemberCreateForm().fields
    assert "身份证号码" in [c.header for c in LAYOUTS["members"].columns]


def test_member_forms_neither_show_nor_accept_it(world, client_for, not_collected):
    client = client_for(world.users["secretary"])
    assert 'name="id_number"' not in client.get("/members/new/").content.decode()
    edit_url = f"/members/{world.other_member.pk}/edit/"
    assert 'name="id_number"' not in client.get(edit_url).content.decode()

    created = client.post("/members/new/", {**NEW_MEMBER, "branch": world.b1.pk,
                                            "staff_no": "T501"})
    edited = client.post(edit_url, {**NEW_MEMBER, "staff_no": world.other_member.staff_no})

    assert created.status_code == edited.status_code == 302
    assert Member.objects.get(staff_no="T501").id_number_cipher is None
    world.other_member.refresh_from_db()
    assert (world.other_member.name, world.other_member.id_number_cipher) == ("王小明", None)


def test_the_service_refuses_a_number_from_any_caller(world, not_collected):
    with pytest.raises(ValidationError) as caught:
        services.update_member(actor=world.users["org_admin"], member=world.other_member,
                               id_number=ID_NUMBER)
    assert caught.value.message_dict == {"id_number": ["本系统已停止采集身份证号码，请不要填写。"]}


def test_member_page_has_no_empty_id_row_but_shows_a_stored_number(world, client_for,
                                                                   settings):
    client = client_for(world.users["secretary"])
    services.update_member(actor=world.users["org_admin"], member=world.member,
                           id_number=ID_NUMBER)
    settings.JIFEN_COLLECT_ID_NUMBER = False

    assert "身份证号码" not in client.get(f"/members/{world.other_member.pk}/").content.decode()
    assert "110***********002X" in client.get(f"/members/{world.member.pk}/").content.decode()


def test_api_refuses_the_field(world, api_client, not_collected):
    call = api_client(world.users["secretary"])
    payload = {"name": "张三", "gender": "male", "category": "teacher", "status": "full",
               "joined_on": "2010-07-01", "org_id": world.b1.pk, "staff_or_student_no": "T1"}

    status, body = call("post", "/members", {**payload, "id_number": ID_NUMBER})

    assert status == 400
    assert body["errors"] == [{"field": "id_number",
                               "message": "本系统已停止采集身份证号码，请不要填写。"}]
    assert not Member.objects.filter(staff_no="T1").exists()
    status, body = call("post", "/members", payload)
    assert status == 201 and body["id_number"] == ""


def test_import_template_and_upload_page_have_no_id_column(world, client_for, not_collected):
    client = client_for(world.users["secretary"])

    template = load_workbook(BytesIO(client.get("/imports/members/template/").content))
    page = client.get("/imports/members/").content.decode()

    headers = [cell.value for cell in template.worksheets[0][1]]
    explained = [row[0].value for row in template["填写说明"].iter_rows(min_row=2)]
    assert headers == WITHOUT_ID
    assert "身份证号码" not in explained
    assert "身份证号码" not in page


def test_a_roster_with_an_id_column_is_refused_naming_it(world, not_collected):
    rows = [member_row(staff_no="IDX1"), member_row(staff_no="IDX2", id_number="")]

    with pytest.raises(ImportRejected) as caught:
        import_services.stage("members", actor=world.users["org_admin"],
                              upload=upload(xlsx(rows)))

    assert [str(e) for e in caught.value.errors] == [
        "第 1 行：本系统已停止采集身份证号码，文件中不能有“身份证号码”列。"
        "请删除整列（连同其中的号码）后重新上传，或下载新的模板。"]
    assert not PendingImport.objects.exists()
    assert not Member.objects.filter(staff_no__startswith="IDX").exists()


def test_a_roster_without_the_column_imports(world, not_collected):
    rows = [member_row(staff_no="NOID1")]

    outcome = import_services.import_file("members", actor=world.users["org_admin"],
                                          upload=upload(xlsx(rows, headers=WITHOUT_ID)))

    assert outcome.created == 1
    assert Member.objects.get(staff_no="NOID1").id_number_cipher is None


def test_api_import_with_the_column_is_422(world, client, not_collected):
    from jifen.accounts.services import issue_token

    raw, _ = issue_token(user=world.users["secretary"])
    response = client.post("/api/v1/imports/members",
                           {"file": upload(xlsx([member_row(staff_no="API1")]))},
                           headers={"Authorization": f"Bearer {raw}"})

    assert response.status_code == 422
    assert "“身份证号码”列" in response.json()["errors"][0]["message"]


def test_an_upload_staged_before_the_switch_is_refused_on_confirm(world, client_for, settings):
    pending = import_services.stage(
        "members", actor=world.users["org_admin"],
        upload=upload(xlsx([member_row(staff_no="LATE1", id_number=valid_id(61))])))
    settings.JIFEN_COLLECT_ID_NUMBER = False

    with pytest.raises(ImportRejected, match="停止采集身份证号码"):
        import_services.confirm(pending, actor=world.users["org_admin"])

    assert not Member.objects.filter(staff_no="LATE1").exists()


def test_import_preview_has_no_id_column(world, client_for, not_collected):
    pending = import_services.stage(
        "members", actor=world.users["secretary"],
        upload=upload(xlsx([member_row(staff_no="PV1")], headers=WITHOUT_ID)))

    html = client_for(world.users["secretary"]).get(f"/imports/{pending.token}/").content.decode()

    assert "PV1" in html and "身份证号码" not in html


def test_purge_refuses_while_collecting_then_erases_every_number(world, settings):
    services.update_member(actor=world.users["org_admin"], member=world.member,
                           id_number=ID_NUMBER)
    with pytest.raises(CommandError, match="系统仍在采集身份证号码"):
        call_command("purge_id_numbers")
    settings.JIFEN_COLLECT_ID_NUMBER = False
    out = StringIO()

    call_command("purge_id_numbers", stdout=out)

    assert out.getvalue().strip() == "已删除 1 名党员的身份证号码。"
    assert not Member.objects.exclude(id_number_cipher=None).exists()
    assert not Member.objects.exclude(id_number_index=None).exists()
    entry = AuditEntry.objects.get(action="org.member.id_numbers_purged")
    assert (entry.actor, entry.data) == (None, {"members": 1})


def test_demo_members_get_no_id_number(world, not_collected):
    member = _demo_member(world.users["org_admin"], world.b1, "teacher", "DEMO1",
                          random.Random(4))

    assert member.id_number_cipher is None
    assert member.joined_on <= dt.date.today()


def test_roster_export_has_no_empty_id_column(world, client_for, not_collected):
    response = client_for(world.users["secretary"]).get("/members/export/")

    sheet = load_workbook(BytesIO(response.content)).worksheets[0]
    header = [cell.value for cell in sheet[3] if cell.value]
    assert "手机号码" in header and "身份证号码" not in header
