"""The audit viewer: only the audit administrator reads the log, within their subtree; the
filters, the export, and the audit rows that reading the log itself writes."""

import datetime as dt
import io
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from openpyxl import load_workbook

from jifen.audit import exports
from jifen.audit.context import RequestContext, current_request
from jifen.audit.models import AuditEntry, Result
from jifen.audit.permissions import can_view_audit, visible_audit_entries
from jifen.audit.services import Action, log_action, log_actions
from jifen.org.enums import Role
from jifen.testing.factories import UserFactory, grant

SHANGHAI = ZoneInfo("Asia/Shanghai")


def entry(action="org.member.updated", *, actor=None, org=None, at=None,
          result=Result.SUCCESS, data=None, reason="") -> AuditEntry:
    """One audit row, written as a service would, optionally at a given moment."""
    when = at or timezone.now()
    with transaction.atomic(), mock.patch("django.utils.timezone.now", return_value=when):
        return log_action(action, actor=actor, org=org, result=result, data=data,
                          reason=reason)


def shown(response) -> list[str]:
    """The actions listed, leaving out the reader's own rows (their login, earlier views)."""
    reader = response.wsgi_request.user.pk
    return [e.action for e in response.context["page"].object_list if e.actor_id != reader]


@pytest.fixture
def auditor(world):
    user = UserFactory(username="auditor", name="审计员")
    grant(user, Role.AUDIT_ADMIN, world.school)
    return user


@pytest.fixture
def auditor_client(auditor, client_for):
    return client_for(auditor)


def newest() -> AuditEntry:
    return AuditEntry.objects.order_by("-id").first()


# --- who reads the log -------------------------------------------------------------------------

def _security_user(world, role):
    user = UserFactory(username=f"sec_{role}")
    grant(user, role, world.school)
    return user


NOT_AUDITORS = {
    "org_admin": lambda w: w.users["org_admin"],
    "system_admin": lambda w: _security_user(w, Role.SYSTEM_ADMIN),
    "security_admin": lambda w: _security_user(w, Role.SECURITY_ADMIN),
    # on purpose: separation of duties leaves the superuser out too
    "superuser": lambda w: UserFactory(username="root", is_superuser=True, is_staff=True),
    "secretary": lambda w: w.users["secretary"],
    "member": lambda w: w.users["member"],
}


@pytest.mark.parametrize("who", sorted(NOT_AUDITORS))
def test_nobody_but_the_audit_admin_reads_the_log(world, client_for, api_client, who):
    user = NOT_AUDITORS[who](world)
    target = entry(actor=world.users["secretary"], org=world.b1)
    client = client_for(user)

    codes = [client.get(url).status_code
             for url in ["/audit/", f"/audit/{target.pk}/", "/audit/export/"]]
    api_status, _ = api_client(user)("get", "/audit")

    assert codes == [403, 403, 403]
    assert api_status == 403
    assert not can_view_audit(user)
    assert list(visible_audit_entries(user)) == []
    assert not AuditEntry.objects.filter(action__startswith="audit.").exists()


def test_anonymous_visitors_are_sent_to_the_login_page(world, client):
    response = client.get("/audit/?result=failure")

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_the_audit_admin_sees_the_log_newest_first(world, auditor_client):
    entry("org.member.created", org=world.b1)
    entry("accounts.password.changed")
    entry("org.member.updated", org=world.school)

    response = auditor_client.get("/audit/")

    assert response.status_code == 200
    assert shown(response) == ["org.member.updated", "accounts.password.changed",
                               "org.member.created"]


def test_only_the_audit_admin_gets_the_navigation_link(world, auditor, client_for):
    assert 'href="/audit/"' in client_for(auditor).get("/").content.decode()
    assert 'href="/audit/"' not in client_for(world.users["org_admin"]).get("/").content.decode()


def test_the_log_is_scoped_to_the_subtree_plus_entries_without_org(world, auditor, client_for):
    far_auditor = UserFactory(username="far_auditor")
    grant(far_auditor, Role.AUDIT_ADMIN, world.far_school)
    in_b1 = entry("org.member.updated", org=world.b1)
    at_school = entry("org.organization.renamed", org=world.school)
    nowhere = entry("accounts.login.failed", result=Result.FAILURE)
    far = entry("org.member.created", org=world.far)

    assert set(visible_audit_entries(auditor)) == {in_b1, at_school, nowhere}
    assert set(visible_audit_entries(far_auditor)) == {far, nowhere}
    client = client_for(auditor)
    assert client.get(f"/audit/{far.pk}/").status_code == 404
    assert shown(client.get("/audit/")) == ["accounts.login.failed", "org.organization.renamed",
                                            "org.member.updated"]


# --- filters -----------------------------------------------------------------------------------

def test_actor_filter_matches_username_or_name(world, auditor_client):
    secretary = world.users["secretary"]
    secretary.name = "王书记"
    secretary.save()
    entry("scoring.entry.recorded", actor=secretary, org=world.b1)
    entry("org.member.updated", actor=world.users["org_admin"], org=world.school)

    by_username = auditor_client.get("/audit/?actor=secret")
    by_name = auditor_client.get("/audit/?actor=王书记")

    assert shown(by_username) == ["scoring.entry.recorded"]
    assert shown(by_name) == ["scoring.entry.recorded"]


def test_date_filters_are_whole_days_in_beijing_time(world, auditor_client):
    def at(day, hour, minute):
        return dt.datetime(2025, 3, day, hour, minute, tzinfo=SHANGHAI)

    entry("a.late_on_the_1st", at=at(1, 23, 30))  # 15:30 UTC on the 1st
    entry("a.early_on_the_2nd", at=at(2, 0, 30))  # 16:30 UTC on the 1st
    entry("a.on_the_3rd", at=at(3, 12, 0))

    until_1st = auditor_client.get("/audit/?date_to=2025-03-01")
    from_2nd = auditor_client.get("/audit/?date_from=2025-03-02")
    only_2nd = auditor_client.get("/audit/?date_from=2025-03-02&date_to=2025-03-02")

    assert shown(until_1st) == ["a.late_on_the_1st"]
    assert shown(from_2nd) == ["a.on_the_3rd", "a.early_on_the_2nd"]
    assert shown(only_2nd) == ["a.early_on_the_2nd"]


def test_type_select_matches_whole_segments_and_action_matches_a_prefix(world, auditor_client):
    for action in ["accounts.login.failed", "accounts.logout", "org.member.updated",
                   "org.role.assigned", "scoring.entry.recorded", "scoring.evidence.added"]:
        entry(action, org=world.b1)

    logins = auditor_client.get("/audit/?kind=accounts.login")
    org = auditor_client.get("/audit/?kind=org")
    typed = auditor_client.get("/audit/?action=scoring.ent")

    assert shown(logins) == ["accounts.login.failed"]
    assert shown(org) == ["org.role.assigned", "org.member.updated"]
    assert shown(typed) == ["scoring.entry.recorded"]


def test_result_filter(world, auditor_client):
    entry("accounts.login.succeeded")
    entry("accounts.login.failed", result=Result.FAILURE)

    response = auditor_client.get("/audit/?result=failure")

    assert shown(response) == ["accounts.login.failed"]


def test_filters_stay_in_the_page_links_and_the_export_link(world, auditor_client):
    with transaction.atomic():
        log_actions([Action("org.member.updated", actor=None, org=world.b1)
                     for _ in range(51)])

    page = auditor_client.get("/audit/?kind=org&result=success").content.decode()
    second = auditor_client.get("/audit/?kind=org&result=success&page=2")

    assert 'href="?kind=org&amp;result=success&amp;page=2"' in page
    assert 'href="/audit/export/?kind=org&amp;result=success"' in page
    assert len(shown(second)) == 1
    assert 'href="?kind=org&amp;result=success&amp;page=1"' in second.content.decode()


def test_an_invalid_date_is_named_kept_as_typed_and_shows_nothing(world, auditor_client):
    entry("org.member.updated", org=world.b1)

    response = auditor_client.get("/audit/?date_from=2025-13-01&actor=王")

    html = response.content.decode()
    assert response.status_code == 200
    assert "“起始日期”不是有效的日期，请按 2025-01-31 的格式填写。" in html
    assert 'value="2025-13-01"' in html
    assert 'value="王"' in html
    assert shown(response) == []
    assert "/audit/export/" not in html
    viewed = newest()
    assert viewed.action == "audit.viewed"
    assert viewed.data["rejected"] == ["date_from"]
    assert viewed.data["filters"] == {"actor": "王", "date_from": "2025-13-01"}


def test_an_end_date_before_the_start_date_is_refused(world, auditor_client):
    response = auditor_client.get("/audit/?date_from=2025-03-02&date_to=2025-03-01")

    assert "“截止日期”不能早于“起始日期”。" in response.content.decode()


# --- reading the log is audited ------------------------------------------------------------

def test_each_page_view_writes_one_audit_row_with_its_filters(world, auditor, auditor_client):
    entry("org.member.updated", org=world.b1)
    before = AuditEntry.objects.count()

    auditor_client.get("/audit/?actor=sec&result=success&kind=org&page=1")

    viewed = newest()
    assert AuditEntry.objects.count() == before + 1
    assert (viewed.action, viewed.actor, viewed.org) == ("audit.viewed", auditor, world.school)
    assert viewed.data == {"view": "list", "page": 1, "matched": 0,
                           "filters": {"actor": "sec", "kind": "org", "result": "success"},
                           "scope": [world.school.name]}


def test_opening_an_entry_is_audited_and_shows_data_and_hashes(world, auditor, auditor_client):
    target = entry("org.member.updated", org=world.b1, data={"before": {"name": "甲"},
                                                               "after": {"name": "乙"}})

    html = auditor_client.get(f"/audit/{target.pk}/").content.decode()

    viewed = newest()
    assert (viewed.action, viewed.object_type, viewed.object_id) == (
        "audit.viewed", "audit.auditentry", str(target.pk))
    assert viewed.data["view"] == "detail"
    assert "&quot;before&quot;: {\n    &quot;name&quot;: &quot;甲&quot;" in html
    assert target.row_hash in html
    assert "本条记录未被改动，与前后记录衔接完整。" in html


@pytest.mark.skipif(connection.vendor == "postgresql", reason="PostgreSQL refuses the update")
def test_a_tampered_entry_shows_as_such(world, auditor_client):
    target = entry("org.member.updated", org=world.b1)
    with connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditentry SET reason = '篡改' WHERE id = %s", [target.pk])

    html = auditor_client.get(f"/audit/{target.pk}/").content.decode()

    assert "校验未通过" in html
    assert "不符（记录被修改）" in html


# --- the export --------------------------------------------------------------------------------

def sheet_rows(response) -> list[tuple]:
    sheet = load_workbook(io.BytesIO(response.content)).active
    return list(sheet.iter_rows(values_only=True))


def test_export_has_the_filtered_rows_and_is_audited(world, auditor, auditor_client):
    sly = UserFactory(username="sly", name='=HYPERLINK("http://x","点我")')
    token = current_request.set(RequestContext("10.0.0.7", "Browser\x01Evil"))
    try:
        failed = entry("accounts.login.failed", actor=sly, result=Result.FAILURE,
                       reason="密码错误", data={"username": "sly"})
    finally:
        current_request.reset(token)
    entry("accounts.login.succeeded", actor=sly)

    response = auditor_client.get("/audit/export/?result=failure")

    rows = sheet_rows(response)
    assert "attachment" in response["Content-Disposition"]
    assert "筛选条件：结果=失败" in rows[0][0]
    assert rows[1][:7] == ("编号", "时间", "操作人", "用户名", "角色", "组织", "操作")
    assert len(rows) == 3
    data = rows[2]
    assert data[0] == failed.pk
    assert data[1] == timezone.localtime(failed.created_at).replace(tzinfo=None, microsecond=0)
    assert data[2:4] == ('=HYPERLINK("http://x","点我")', "sly")
    assert data[6] == "accounts.login.failed"
    assert data[10:15] == ("失败", "密码错误", '{"username": "sly"}', "10.0.0.7",
                           "Browser\ufffdEvil")
    assert data[16] == failed.row_hash
    cell = load_workbook(io.BytesIO(response.content)).active["C3"]
    assert cell.data_type == "s"  # text, never a formula
    exported = newest()
    assert (exported.action, exported.actor, exported.result) == (
        "audit.exported", auditor, Result.SUCCESS)
    assert exported.data == {"format": "xlsx", "filters": {"result": "failure"}, "rows": 1,
                             "masked": False, "scope": [world.school.name]}


def test_export_over_the_limit_is_refused_with_a_message(world, auditor_client, monkeypatch):
    monkeypatch.setattr(exports, "EXPORT_LIMIT", 2)
    for _ in range(3):
        entry("org.member.updated", org=world.b1)

    response = auditor_client.get("/audit/export/?kind=org")

    assert response.status_code == 302
    assert response["Location"] == "/audit/?kind=org"
    refused = newest()
    assert (refused.action, refused.result) == ("audit.exported", Result.FAILURE)
    assert refused.data["rows"] == 3
    page = auditor_client.get(response["Location"]).content.decode()
    assert "符合条件的记录有 3 条，超过单次导出上限 2 条。" in page


def test_export_with_an_invalid_filter_goes_back_to_the_list(world, auditor_client):
    response = auditor_client.get("/audit/export/?date_to=yesterday")

    assert response.status_code == 302
    assert response["Location"] == "/audit/?date_to=yesterday"
    assert not AuditEntry.objects.filter(action="audit.exported").exists()


# --- the API -----------------------------------------------------------------------------------

def test_api_lists_the_filtered_log_and_is_audited(world, auditor, api_client):
    entry("org.member.updated", org=world.b1)
    failed = entry("accounts.login.failed", result=Result.FAILURE)
    entry("org.member.created", org=world.far)

    status, body = api_client(auditor)("get", "/audit?result=failure&kind=accounts")

    assert status == 200
    assert body["count"] == 1
    assert body["items"][0]["id"] == failed.pk
    assert body["items"][0]["action"] == "accounts.login.failed"
    assert body["items"][0]["row_hash"] == failed.row_hash
    viewed = newest()
    assert viewed.action == "audit.viewed"
    assert viewed.data["view"] == "api"
    assert viewed.data["filters"] == {"kind": "accounts", "result": "failure"}


def test_api_refuses_an_invalid_date_naming_the_field(world, auditor, api_client):
    status, body = api_client(auditor)("get", "/audit?date_from=2025-02-30")

    assert status == 400
    assert body["errors"] == [{"field": "date_from",
                               "message": "“起始日期”不是有效的日期，请按 2025-01-31 的格式填写。"}]


# --- cost --------------------------------------------------------------------------------------

def populate(world, count: int) -> None:
    actors = [world.users[name] for name in ["secretary", "org_admin", "recorder"]]
    for n in range(count):
        entry(f"org.member.updated{n % 3}", actor=actors[n % 3],
              org=[world.b1, world.school, None][n % 3])


@pytest.mark.parametrize("url", ["/audit/?result=success", "/audit/export/?kind=org",
                                 "/api/v1/audit"])
def test_reading_the_log_costs_the_same_for_1_and_30_entries(
        world, auditor, client_for, api_client, django_assert_max_num_queries, url):
    if url.startswith("/api/"):
        call = api_client(auditor)

        def read():
            assert call("get", url.removeprefix("/api/v1"))[0] == 200
    else:
        client = client_for(auditor)

        def read():
            assert client.get(url).status_code == 200
    read()  # once first: a token's first use is stamped, a session is loaded
    counts = []
    for size in (1, 29):  # 1 entry, then 30
        populate(world, size)
        with CaptureQueriesContext(connection) as context:
            read()
        counts.append(len(context))

    assert counts[0] == counts[1]
    with django_assert_max_num_queries(20):
        read()
