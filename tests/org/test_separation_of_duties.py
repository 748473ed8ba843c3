"""三权分立: the system, security and audit administrators each do their own work only, and no
account holds a security role together with any other role."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from jifen.org import permissions as perm
from jifen.org import services
from jifen.org.enums import Role
from jifen.testing.factories import UserFactory

SECURITY = ["system_admin", "security_admin", "audit_admin"]


@pytest.mark.parametrize("persona", SECURITY)
def test_security_roles_see_no_business_data(world, persona):
    user = world.users[persona]
    assert not perm.visible_members(user).exists()
    assert not perm.can_view_roster(user)
    assert not perm.can_manage_members(user, world.b1)
    assert not perm.can_reveal_personal_data(user, world.member)


def test_system_admin_manages_the_tree_and_logins_but_grants_no_role(world):
    admin = world.users["system_admin"]
    assert perm.can_manage_org(admin, world.b1)
    assert not perm.can_manage_org(admin, world.far)  # their own school only
    assert perm.grantable_roles(admin) == []
    with pytest.raises(PermissionDenied):
        services.assign_role(actor=admin, user=UserFactory(), role=Role.SECRETARY, org=world.b2)


def test_security_admin_grants_every_role_but_never_to_themself(world):
    admin = world.users["security_admin"]
    newcomer = UserFactory()
    services.assign_role(actor=admin, user=newcomer, role=Role.ORG_ADMIN, org=world.school)
    with pytest.raises(PermissionDenied, match="不能给自己分配角色"):
        services.assign_role(actor=admin, user=admin, role=Role.ORG_ADMIN, org=world.school)
    assert not perm.can_manage_org(admin, world.b1)


def test_org_department_grants_branch_roles_but_not_its_own_or_security_roles(world):
    admin = world.users["org_admin"]
    services.assign_role(actor=admin, user=UserFactory(), role=Role.RECORDER, org=world.b2)
    for role, org in [(Role.ORG_ADMIN, world.school), (Role.AUDIT_ADMIN, world.school),
                      (Role.SYSTEM_ADMIN, world.school)]:
        with pytest.raises(PermissionDenied):
            services.assign_role(actor=admin, user=UserFactory(), role=role, org=org)


def test_a_security_role_is_held_alone(world):
    admin = world.users["security_admin"]
    with pytest.raises(ValidationError) as business:
        services.assign_role(actor=admin, user=world.users["system_admin"],
                             role=Role.SECRETARY, org=world.b2)
    assert "不能再担任业务角色" in business.value.message_dict["role"][0]
    with pytest.raises(ValidationError) as security:
        services.assign_role(actor=admin, user=world.users["secretary"], role=Role.AUDIT_ADMIN,
                             org=world.school)
    assert "三权分立" in security.value.message_dict["role"][0]
    with pytest.raises(ValidationError):
        services.assign_role(actor=admin, user=world.users["audit_admin"],
                             role=Role.SYSTEM_ADMIN, org=world.school)


def test_role_page_offers_only_grantable_roles(world, client_for):
    html = client_for(world.users["org_admin"]).get("/roles/").content.decode()
    assert 'value="secretary"' in html and 'value="audit_admin"' not in html
    html = client_for(world.users["security_admin"]).get("/roles/").content.decode()
    assert 'value="audit_admin"' in html


def test_role_page_refusal_keeps_the_form(world, client_for):
    client = client_for(world.users["security_admin"])
    response = client.post("/roles/", {"username": "system_admin", "role": "secretary",
                                       "org": world.b2.pk})
    html = response.content.decode()
    assert response.status_code == 200 and "不能再担任业务角色" in html
    assert 'value="system_admin"' in html


def test_system_admin_cannot_reset_a_security_or_org_admin_login(world, client_for):
    client = client_for(world.users["system_admin"])
    for persona in ["audit_admin", "security_admin", "org_admin"]:
        assert client.get(
            f"/accounts/users/{world.users[persona].pk}/reset-password/").status_code == 404


def test_home_page_of_a_security_role_shows_no_member_figures(world, client_for):
    html = client_for(world.users["system_admin"]).get("/").content.decode()
    assert "系统管理员维护组织架构和登录账号" in html
    assert "待审批免于管理" not in html


def test_role_page_refuses_granting_oneself_and_keeps_the_form(world, client_for):
    client = client_for(world.users["security_admin"])
    response = client.post("/roles/", {"username": "security_admin", "role": "org_admin",
                                       "org": world.school.pk})
    assert response.status_code == 200
    assert "不能给自己分配角色" in response.content.decode()
    assert not world.users["security_admin"].role_assignments.filter(role="org_admin").exists()
