"""S-A3: `check --deploy` fails while an administrative account keeps a seeded password."""

from jifen.accounts.checks import check_seed_passwords
from jifen.testing.factories import UserFactory


def test_a_superuser_with_the_demo_password_fails_the_deploy_check(db):
    user = UserFactory(username="admin", is_superuser=True)
    user.set_password("Jifen@2025demo")
    user.save()
    [error] = check_seed_passwords()
    assert error.id == "jifen.E001" and "admin" in error.msg


def test_org_department_with_a_default_password_fails_and_a_real_one_passes(world):
    admin = world.users["org_admin"]
    admin.set_password("admin123")
    admin.save()
    assert [e.id for e in check_seed_passwords()] == ["jifen.E001"]
    admin.set_password("Qx7!long-and-unique")
    admin.save()
    assert check_seed_passwords() == []


def test_plain_members_are_not_tried(world):
    member = world.users["member"]
    member.set_password("Jifen@2025demo")
    member.save()
    assert check_seed_passwords() == []
