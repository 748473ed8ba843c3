"""API.md §Imports: one call writes the whole file (200 {"created"}) or nothing (422, every row)."""

from io import BytesIO

import pytest
from openpyxl import load_workbook

from jifen.accounts.services import issue_token
from jifen.audit.models import AuditEntry
from jifen.org.models import Member
from jifen.scoring.models import Entry
from tests.imports.support import entry_row, member_row, upload, xlsx

pytestmark = pytest.mark.django_db


def post(client, user, path, content, name="导入.xlsx"):
    raw, _ = issue_token(user=user)
    return client.post(f"/api/v1{path}", {"file": upload(content, name)},
                       headers={"Authorization": f"Bearer {raw}"})


def get(client, user, path):
    raw, _ = issue_token(user=user)
    return client.get(f"/api/v1{path}", headers={"Authorization": f"Bearer {raw}"})


def test_a_good_roster_is_created_in_one_call(world, client):
    rows = [member_row(staff_no="API1"), member_row(staff_no="API2", username="api2")]

    response = post(client, world.users["org_admin"], "/imports/members", xlsx(rows))

    body = response.json()
    assert response.status_code == 200 and body["created"] == 2
    account, = body["accounts"]
    assert (account["row"], account["username"]) == (3, "api2")
    assert Member.objects.get(staff_no="API2").user.check_password(account["password"])
    assert AuditEntry.objects.filter(action="imports.members.imported").count() == 1


def test_a_bad_roster_is_422_with_every_row_and_writes_nothing(world, client):
    rows = [member_row(), member_row(phone="12"), member_row(), member_row(branch="远方党支部")]

    response = post(client, world.users["org_admin"], "/imports/members", xlsx(rows))

    assert response.status_code == 422
    assert response.json() == {"detail": "文件未通过检查，没有导入任何数据。", "errors": [
        {"field": "rows.3.phone",
         "message": "第 3 行：手机号码格式不正确，应为 11 位数字且以 13–19 开头。"},
        {"field": "rows.5.branch",
         "message": "第 5 行：所在支部“远方党支部”：支部不存在或不在您的管理范围。"},
    ]}
    assert not Member.objects.filter(staff_no__startswith="IMP").exists()


def test_a_file_that_is_not_xlsx_is_422_on_the_file(world, client):
    response = post(client, world.users["secretary"], "/imports/members", b"a,b\n", "x.csv")

    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "file"


def test_ledger_entries_for_the_branch_named_by_org_id(ledger, client):
    content = xlsx([entry_row(ledger.other_member), entry_row(ledger.member)], "entries")

    response = post(client, ledger.users["recorder"], f"/imports/entries?org_id={ledger.b1.pk}",
                    content)

    assert (response.status_code, response.json()["created"]) == (200, 2)
    assert Entry.objects.filter(branch=ledger.b1, state="submitted").count() == 2


def test_org_id_may_be_left_out_by_whoever_records_in_one_branch(ledger, client):
    content = xlsx([entry_row(ledger.other_member)], "entries")

    response = post(client, ledger.users["committee"], "/imports/entries", content)

    assert response.status_code == 200 and Entry.objects.get().branch == ledger.b1


def test_a_bad_ledger_batch_is_422(ledger, client):
    content = xlsx([entry_row(ledger.other_member, points=9)], "entries")

    response = post(client, ledger.users["recorder"], f"/imports/entries?org_id={ledger.b1.pk}",
                    content)

    assert response.status_code == 422 and response.json()["errors"] == [
        {"field": "rows.2.points", "message": "第 2 行：项目 A-B02 每次分值应在 1–2 之间。"}]
    assert not Entry.objects.exists()


@pytest.mark.parametrize("persona, path, status", [
    ("member", "/imports/members", 403),
    ("committee", "/imports/members", 403),
    ("org_admin", "/imports/entries?org_id={b1}", 403),
    ("outsider", "/imports/entries?org_id={b1}", 404),
    ("recorder", "/imports/entries?org_id={general}", 404),
    ("org_admin", "/imports/entries?org_id={general}", 400),
])
def test_who_may_import_through_the_api(ledger, client, persona, path, status):
    content = xlsx([entry_row(ledger.other_member)], "entries")
    path = path.format(b1=ledger.b1.pk, general=ledger.general.pk)

    response = post(client, ledger.users[persona], path, content)

    assert response.status_code == status
    assert not Entry.objects.exists() and not Member.objects.filter(name__startswith="导入")


@pytest.mark.parametrize("kind, header", [("members", "姓名"), ("entries", "工号/学号")])
def test_templates_through_the_api(world, client, kind, header):
    response = get(client, world.users["secretary"], f"/imports/{kind}/template")

    assert response.status_code == 200
    workbook = load_workbook(BytesIO(response.content))
    assert workbook.sheetnames[1] == "填写说明" and workbook.worksheets[0]["A1"].value == header


def test_an_unknown_template_is_404(world, client):
    assert get(client, world.users["secretary"], "/imports/people/template").status_code == 404
