import pytest

from jifen.audit.models import AuditEntry
from jifen.org.models import Member


def test_members_list_is_scoped_and_masked(world, api_client):
    from jifen.org import services
    services.update_member(actor=world.users["org_admin"], member=world.other_member,
                           phone="13812345678")
    call = api_client(world.users["secretary"])

    status, body = call("get", "/members?size=100")

    names = {m["name"] for m in body["items"]}
    assert status == 200 and body["count"] == len(names) == 5
    assert "学生党员" not in names and "远方党员" not in names
    other = next(m for m in body["items"] if m["name"] == "另一党员")
    assert other["phone"] == "138****5678"


def test_create_member_bad_input_names_the_fields_and_writes_nothing(world, api_client):
    call = api_client(world.users["secretary"])
    status, body = call("post", "/members", {
        "name": "张三", "gender": "male", "category": "teacher", "status": "full",
        "joined_on": "2010-07-01", "org_id": world.b1.pk, "staff_or_student_no": "T1",
        "phone": "123", "id_number": "110105194912310021"})
    assert status == 400
    assert {e["field"] for e in body["errors"]} == {"phone", "id_number"}
    assert not Member.objects.filter(staff_no="T1").exists()


def test_schema_errors_are_400_in_chinese(world, api_client):
    status, body = api_client(world.users["secretary"])("post", "/members", {"name": "x"})
    assert status == 400 and body["detail"] == "输入有误，请检查。"
    assert {"field": "gender", "message": "必填。"} in body["errors"]


def test_create_member_with_login(world, api_client):
    status, body = api_client(world.users["secretary"])("post", "/members", {
        "name": "张三", "gender": "male", "category": "teacher", "status": "full",
        "joined_on": "2010-07-01", "org_id": world.b1.pk, "staff_or_student_no": "T1",
        "username": "zhangsan", "password": "Strong-Pass-2025"})
    assert status == 201 and body["user_id"] is not None


def test_invisible_member_is_404_and_visible_but_forbidden_is_403(world, api_client):
    call = api_client(world.users["secretary"])
    assert call("get", f"/members/{world.far_member.pk}")[0] == 404
    status, _ = api_client(world.users["reviewer"])(
        "post", f"/members/{world.other_member.pk}/transfer",
        {"org_id": world.b3.pk, "on": "2025-05-01"})
    assert status == 403


def test_refusing_an_exemption_needs_a_note(world, api_client):
    _, body = api_client(world.users["secretary"])(
        "post", "/exemptions", {"member_id": world.other_member.pk, "year": 2025,
                                "reason": "重病"})
    call = api_client(world.users["org_admin"])
    status, error = call("post", f"/exemptions/{body['id']}/refuse", {"note": " "})
    assert status == 400 and error["errors"][0]["field"] == "note"
    status, refused = call("post", f"/exemptions/{body['id']}/refuse", {"note": "可以参加活动"})
    assert (status, refused["state"]) == (200, "refused")


def test_exemption_flow_and_four_eyes_conflict(world, api_client):
    status, body = api_client(world.users["org_admin"])(
        "post", "/exemptions", {"member_id": world.other_member.pk, "year": 2025,
                                "reason": "重病"})
    assert status == 201
    status, conflict = api_client(world.users["org_admin"])(
        "post", f"/exemptions/{body['id']}/approve")
    assert status == 409 and "自己" in conflict["detail"]
    before = AuditEntry.objects.count()
    other_admin = world.users["org_admin"].__class__.objects.create(username="admin2")
    from jifen.testing.factories import grant
    grant(other_admin, "org_admin", world.school)
    status, body = api_client(other_admin)("post", f"/exemptions/{body['id']}/approve")
    assert (status, body["state"]) == (200, "approved")
    assert AuditEntry.objects.count() == before + 2  # token issued + approval


def test_roles_and_orgs(world, api_client):
    call = api_client(world.users["org_admin"])
    status, org = call("post", "/orgs", {"name": "新支部", "kind": "branch",
                                         "parent_id": world.general.pk})
    assert status == 201 and org["parent_id"] == world.general.pk
    status, role = call("post", "/roles", {"user_id": world.users["member"].pk,
                                           "role": "recorder", "org_id": org["id"]})
    assert status == 201
    status, _ = call("post", "/roles", {"user_id": world.users["member"].pk,
                                        "role": "recorder", "org_id": org["id"]})
    assert status == 409
    assert call("delete", f"/roles/{role['id']}")[0] == 204
    status, body = api_client(world.users["reviewer"])("post", "/orgs", {
        "name": "x", "kind": "branch", "parent_id": world.general.pk})
    assert status == 403


@pytest.mark.parametrize("persona, count", [("org_admin", 5), ("reviewer", 3), ("member", 1),
                                            ("outsider", 1)])
def test_orgs_list_is_scoped(world, api_client, persona, count):
    status, body = api_client(world.users[persona])("get", "/orgs")
    assert status == 200 and body["count"] == count
