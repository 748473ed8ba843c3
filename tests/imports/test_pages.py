"""The web flow: upload → preview → confirm, and what guards the step from preview to writing."""

import datetime as dt
import re
from html import unescape

import pytest
from django.utils import timezone

from jifen.audit.models import AuditEntry
from jifen.imports import services
from jifen.imports.models import PendingImport
from jifen.org.models import Member
from jifen.scoring.models import Entry
from jifen.testing.factories import make_member
from tests.imports.support import entry_row, member_row, upload, valid_id, xlsx

pytestmark = pytest.mark.django_db


def post_roster(client, rows, name="名册.xlsx"):
    return client.post("/imports/members/", {"file": upload(xlsx(rows), name)})


def test_upload_preview_confirm_creates_exactly_what_the_preview_showed(world, client_for):
    client = client_for(world.users["org_admin"])
    rows = [member_row(name="王芳", staff_no="T1", phone="13812345678", id_number=valid_id(3)),
            member_row(name="李雷", staff_no="S1", branch="机关党支部", username="lilei")]

    response = post_roster(client, rows)

    pending = PendingImport.objects.get()
    assert response.status_code == 302 and response.url == f"/imports/{pending.token}/"
    assert not Member.objects.filter(staff_no__in=["T1", "S1"]).exists()  # nothing yet
    preview = client.get(response.url).content.decode()
    assert "检查通过" in preview and "登记 <strong>2</strong> 名党员" in preview
    assert "138****5678" in preview and "13812345678" not in preview  # masked in the table
    shown = re.findall(r"<td>(王芳|李雷)</td>.*?<td>(T1|S1)</td><td>([^<]+)</td>", preview)
    assert shown == [("王芳", "T1", "计算机学院教工党支部"), ("李雷", "S1", "机关党支部")]

    done = client.post(f"/imports/{pending.token}/confirm/")

    html = done.content.decode()
    assert done.status_code == 200 and "已导入 <strong>2</strong> 名党员" in html
    created = {(m.name, m.staff_no, m.branch.name) for m in
               Member.objects.filter(staff_no__in=["T1", "S1"]).select_related("branch")}
    assert created == {("王芳", "T1", "计算机学院教工党支部"), ("李雷", "S1", "机关党支部")}
    password = unescape(re.search(r"<code>([^<]+)</code>", html).group(1))  # shown escaped
    assert Member.objects.get(staff_no="S1").user.check_password(password)
    assert not PendingImport.objects.exists()
    assert AuditEntry.objects.filter(action="imports.members.imported").count() == 1


def test_a_bad_file_lists_every_error_on_the_upload_page_and_keeps_nothing(world, client_for):
    client = client_for(world.users["org_admin"])
    rows = [member_row(), member_row(phone="123"), member_row(branch="远方党支部")]

    response = post_roster(client, rows)

    html = response.content.decode()
    assert response.status_code == 200 and "请修改以下 2 处错误后重新上传" in html
    assert "第 3 行：手机号码格式不正确" in html
    assert "第 4 行：所在支部“远方党支部”：支部不存在或不在您的管理范围。" in html
    assert not PendingImport.objects.exists()


def test_a_ledger_batch_goes_through_the_same_steps(ledger, client_for):
    client = client_for(ledger.users["committee"])
    content = xlsx([entry_row(ledger.other_member), entry_row(ledger.member, item="A-J04")],
                   "entries")

    response = client.post("/imports/entries/", {"branch": ledger.b1.pk,
                                                 "file": upload(content)})
    preview = client.get(response.url).content.decode()
    client.post(response.url + "confirm/")

    assert "创建 <strong>2</strong> 条台账记录" in preview and "草稿（待补证明材料）" in preview
    assert sorted(Entry.objects.values_list("item_code", "state")) == [
        ("A-B02", "submitted"), ("A-J04", "draft")]


def test_a_branch_the_user_cannot_record_in_is_not_offered(ledger, client_for):
    client = client_for(ledger.users["committee"])

    response = client.post("/imports/entries/", {
        "branch": ledger.b2.pk, "file": upload(xlsx([entry_row(ledger.b2_member)], "entries"))})

    assert response.status_code == 200 and not PendingImport.objects.exists()
    assert "选择一个有效的选项" in response.content.decode()


def stage(world, rows, actor="org_admin"):
    return services.stage("members", actor=world.users[actor], upload=upload(xlsx(rows)))


def test_confirm_refuses_when_the_database_changed_since_the_preview(world, client_for):
    pending = stage(world, [member_row(staff_no="RACE1"), member_row(staff_no="RACE2")])
    Member.objects.filter(pk=make_member(world.b1).pk).update(staff_no="RACE2")  # meanwhile

    response = client_for(world.users["org_admin"]).post(f"/imports/{pending.token}/confirm/")

    html = response.content.decode()
    assert "已全部撤销，没有写入任何数据" in html
    assert "第 3 行：工号/学号 RACE2 已被其他党员使用。" in html
    assert not Member.objects.filter(staff_no="RACE1").exists()
    assert not PendingImport.objects.exists()
    assert AuditEntry.objects.filter(action="imports.members.rejected").exists()


def test_confirm_refuses_a_plan_that_differs_from_the_preview(ledger, client_for):
    pending = services.stage("entries", actor=ledger.users["recorder"], branch=ledger.b1,
                             upload=upload(xlsx([entry_row(ledger.other_member)], "entries")))
    definition = ledger.scheme.definition
    for item in definition["items"]:
        if item["code"] == "A-B02":
            item["title"] = "按时足额交纳党费（已改名）"
    ledger.scheme.__class__.objects.filter(pk=ledger.scheme.pk).update(definition=definition)

    client = client_for(ledger.users["recorder"])
    preview = client.get(f"/imports/{pending.token}/").content.decode()
    response = client.post(f"/imports/{pending.token}/confirm/")

    assert "确认后的结果会与上传时的预览不同" in preview and "确认导入" not in preview
    assert "预览之后，相关数据（计分方案、党员信息等）已经变化" in response.content.decode()
    assert not Entry.objects.exists()


def test_a_failure_while_writing_rolls_back_every_row(world, client_for, monkeypatch):
    from jifen.org import services as org_services

    pending = stage(world, [member_row(staff_no=f"W{n}") for n in range(5)])
    check = org_services._new_member

    def fail_on_the_fourth(actor, row, allowed):
        if row.staff_no == "W3":
            raise org_services.ValidationError({"staff_no": "模拟写入失败。"})
        return check(actor, row, allowed)

    monkeypatch.setattr(org_services, "_new_member", fail_on_the_fourth)

    response = client_for(world.users["org_admin"]).post(f"/imports/{pending.token}/confirm/")

    assert "第 5 行：模拟写入失败。" in response.content.decode()
    assert not Member.objects.filter(staff_no__startswith="W").exists()
    assert not AuditEntry.objects.filter(action__in=["org.member.created",
                                                     "imports.members.imported"]).exists()


def test_a_pending_import_is_confirmed_once(world, client_for):
    pending = stage(world, [member_row(staff_no="ONCE")])
    client = client_for(world.users["org_admin"])

    first = client.post(f"/imports/{pending.token}/confirm/")
    second = client.post(f"/imports/{pending.token}/confirm/")

    assert (first.status_code, second.status_code) == (200, 404)
    assert Member.objects.filter(staff_no="ONCE").count() == 1


def test_only_the_uploader_sees_and_confirms_a_pending_import(world, client_for):
    pending = stage(world, [member_row(staff_no="MINE")], actor="secretary")
    client = client_for(world.users["org_admin"])  # manages the branch, but did not upload

    assert client.get(f"/imports/{pending.token}/").status_code == 404
    assert client.post(f"/imports/{pending.token}/confirm/").status_code == 404
    assert not Member.objects.filter(staff_no="MINE").exists()


def test_cancel_deletes_the_stored_rows(world, client_for):
    pending = stage(world, [member_row()])

    response = client_for(world.users["org_admin"]).post(f"/imports/{pending.token}/cancel/")

    assert response.status_code == 302 and not PendingImport.objects.exists()


def test_an_expired_pending_import_is_gone_and_purged(world, client_for):
    pending = stage(world, [member_row(staff_no="LATE")])
    PendingImport.objects.filter(pk=pending.pk).update(
        expires_at=timezone.now() - dt.timedelta(seconds=1))
    client = client_for(world.users["org_admin"])

    assert client.post(f"/imports/{pending.token}/confirm/").status_code == 404
    assert services.purge_expired() == 1 and not PendingImport.objects.exists()
    assert not Member.objects.filter(staff_no="LATE").exists()


def test_a_pending_import_expires_within_the_day_and_is_purged_by_the_next_upload(world):
    old = stage(world, [member_row()])
    PendingImport.objects.filter(pk=old.pk).update(
        created_at=timezone.now() - dt.timedelta(hours=2),
        expires_at=timezone.now() - dt.timedelta(hours=1))

    new = stage(world, [member_row()])

    assert new.expires_at - timezone.now() <= dt.timedelta(hours=24)
    assert list(PendingImport.objects.all()) == [new]


def test_the_stored_rows_are_encrypted(world):
    pending = stage(world, [member_row(phone="13812345678", id_number=valid_id(77))])

    stored = PendingImport.objects.values_list("cells_cipher", flat=True).get()
    assert stored.startswith("v1:") and "13812345678" not in stored
    assert pending.cells[0]["phone"] == "13812345678"


def test_the_purge_command_reports_what_it_deleted(world):
    from io import StringIO

    from django.core.management import call_command

    pending = stage(world, [member_row()])
    PendingImport.objects.filter(pk=pending.pk).update(expires_at=timezone.now())
    out = StringIO()

    call_command("purge_imports", stdout=out)

    assert out.getvalue().strip() == "已删除 1 个过期的待确认导入。"


def test_the_import_pages_show_only_what_the_user_may_import(world, client_for):
    committee = client_for(world.users["committee"]).get("/imports/").content.decode()

    assert "上传台账" in committee and "上传名册" not in committee


def test_the_preview_warns_when_the_same_ledger_file_was_imported_before(ledger, client_for):
    recorder = ledger.users["recorder"]
    content = xlsx([entry_row(ledger.other_member)], "entries")
    services.import_file("entries", actor=recorder, upload=upload(content), branch=ledger.b1)

    pending = services.stage("entries", actor=recorder, upload=upload(content), branch=ledger.b1)
    html = client_for(recorder).get(f"/imports/{pending.token}/").content.decode()

    assert "再次导入会把每一条记录重复记一次" in html and "确认导入" in html


def test_the_index_lists_the_users_pending_imports(world, client_for):
    stage(world, [member_row()], actor="secretary")

    html = client_for(world.users["secretary"]).get("/imports/").content.decode()

    assert "待确认的导入" in html and "查看预览" in html
