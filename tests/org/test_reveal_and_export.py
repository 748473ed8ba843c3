"""Revealing full personal data, and exporting the roster unmasked: permission, a reason, the
password and the 2FA code again; every reveal and export audited; failures change nothing."""

from io import BytesIO

import pytest
from django.core.cache import cache
from openpyxl import load_workbook

from jifen.accounts.reauth import REAUTH_FAILURE_LIMIT
from jifen.audit.models import AuditEntry
from jifen.org import services
from jifen.testing.otp import ensure_device, fresh_code

PHONE = "13812345678"
ID_NUMBER = "11010519491231002X"
PASSWORD = "Correct-Horse-42"


@pytest.fixture
def with_data(world):
    services.update_member(actor=world.users["org_admin"], member=world.other_member,
                           phone=PHONE, id_number=ID_NUMBER)
    return world


def reveal_url(world):
    return f"/members/{world.other_member.pk}/reveal/"


def test_org_department_sees_a_reveal_button_but_masked_values(with_data, client_for):
    html = client_for(with_data.users["org_admin"]).get(
        f"/members/{with_data.other_member.pk}/").content.decode()
    assert "138****5678" in html and PHONE not in html
    assert reveal_url(with_data) in html


def test_reveal_with_reason_password_and_code_shows_once_and_is_audited(with_data, client_for):
    admin = with_data.users["org_admin"]
    client = client_for(admin)
    code = fresh_code(ensure_device(admin))
    response = client.post(reveal_url(with_data), {"reason": "核对组织关系转接材料",
                                                   "password": PASSWORD, "otp": code})
    html = response.content.decode()
    assert response.status_code == 200
    assert PHONE in html and ID_NUMBER in html
    row = AuditEntry.objects.filter(action="org.member.personal_data_revealed").get()
    assert (row.actor_id, row.reason, row.result) == (admin.pk, "核对组织关系转接材料", "success")
    assert row.object_id == str(with_data.other_member.pk)
    # nothing is remembered: the next view is masked again
    again = client.get(f"/members/{with_data.other_member.pk}/").content.decode()
    assert PHONE not in again


@pytest.mark.parametrize("form, field, message", [
    ({"reason": "", "password": PASSWORD}, "reason", "请填写查看理由"),
    ({"reason": "核对材料", "password": "wrong-password"}, "password", "密码不正确"),
    ({"reason": "核对材料", "password": PASSWORD, "otp": "000000"}, "otp", "动态验证码不正确"),
])
def test_a_failed_reveal_shows_nothing_and_keeps_the_reason(with_data, client_for, form,
                                                           field, message):
    client = client_for(with_data.users["org_admin"])
    html = client.post(reveal_url(with_data), form).content.decode()
    assert message in html
    assert PHONE not in html and ID_NUMBER not in html
    assert PASSWORD not in html  # the password is never rendered back
    if form["reason"]:
        assert form["reason"] in html
    assert not AuditEntry.objects.filter(action="org.member.personal_data_revealed").exists()
    if field == "password":
        failed = AuditEntry.objects.get(action="accounts.reauth.failed")
        assert failed.result == "failure" and failed.data["purpose"] == "reveal"


def test_repeated_wrong_passwords_lock_the_step(with_data, client_for):
    cache.clear()
    client = client_for(with_data.users["org_admin"])
    for _ in range(REAUTH_FAILURE_LIMIT):
        client.post(reveal_url(with_data), {"reason": "核对材料", "password": "nope"})
    code = fresh_code(ensure_device(with_data.users["org_admin"]))
    html = client.post(reveal_url(with_data), {"reason": "核对材料", "password": PASSWORD,
                                               "otp": code}).content.decode()
    assert "验证失败次数过多" in html and PHONE not in html


@pytest.mark.parametrize("persona", ["secretary", "reviewer", "system_admin", "audit_admin"])
def test_others_may_not_reveal(with_data, client_for, persona):
    client = client_for(with_data.users[persona])
    status = client.post(reveal_url(with_data), {"reason": "看看", "password": PASSWORD}
                         ).status_code
    assert status in (403, 404)
    assert not AuditEntry.objects.filter(action="org.member.personal_data_revealed").exists()


def _sheet(response):
    sheet = load_workbook(BytesIO(response.content)).active
    return [[c.value for c in row] for row in sheet.iter_rows()]


def test_roster_export_is_masked_and_audited(with_data, client_for):
    response = client_for(with_data.users["secretary"]).get(
        f"/members/export/?branch={with_data.b1.pk}")
    rows = _sheet(response)
    assert rows[2][:3] == ["姓名", "性别", "所在支部"]
    names = {r[0] for r in rows[3:]}
    assert "另一党员" in names and "学生党员" not in names  # the filter applies
    flat = " ".join(str(v) for r in rows for v in r)
    assert "138****5678" in flat and PHONE not in flat and ID_NUMBER not in flat
    row = AuditEntry.objects.get(action="org.members.exported")
    assert row.data["masked"] is True and row.data["count"] == len(rows) - 3


def test_unmasked_export_needs_the_same_step_and_names_the_exporter(with_data, client_for):
    admin = with_data.users["org_admin"]
    client = client_for(admin)
    url = f"/members/export/full/?branch={with_data.b1.pk}"
    refused = client.post(url, {"reason": "上报组织部", "password": "wrong"})
    assert refused.status_code == 200 and "密码不正确" in refused.content.decode()
    assert not AuditEntry.objects.filter(action="org.members.exported").exists()

    response = client.post(url, {"reason": "上报组织部", "password": PASSWORD,
                                 "otp": fresh_code(ensure_device(admin))})
    rows = _sheet(response)
    flat = " ".join(str(v) for r in rows for v in r)
    assert PHONE in flat and ID_NUMBER in flat
    assert admin.get_username() in rows[1][0] and "不得复制、外传" in rows[1][0]
    row = AuditEntry.objects.get(action="org.members.exported")
    assert (row.data["masked"], row.reason) == (False, "上报组织部")


def test_secretary_has_no_unmasked_export(with_data, client_for):
    client = client_for(with_data.users["secretary"])
    assert client.get("/members/export/full/").status_code == 403
    assert "导出完整信息" not in client.get("/members/").content.decode()
