"""Deploy check (checklist S-A3): no account may still log in with a seeded password.

Only the accounts that matter and that seeds create are tried — superusers, staff, and holders
of the administrative and security roles — because each try costs a full Argon2 hash.
"""

from django.core import checks
from django.db import DatabaseError

SEED_PASSWORDS = ("Jifen@2025demo", "admin123", "admin", "password", "12345678", "123456")


@checks.register(checks.Tags.security, deploy=True)
def check_seed_passwords(app_configs=None, **kwargs):
    from django.contrib.auth import get_user_model
    from django.db.models import Q

    from jifen.org.enums import SECURITY_ROLES, Role

    admin_roles = [Role.ORG_ADMIN, *SECURITY_ROLES]
    try:
        users = list(get_user_model().objects.filter(is_active=True).filter(
            Q(is_superuser=True) | Q(is_staff=True) | Q(role_assignments__role__in=admin_roles)
        ).distinct())
    except DatabaseError:  # not migrated yet (a fresh install): nothing can be seeded
        return []
    seeded = sorted(u.get_username() for u in users
                    if any(u.check_password(p) for p in SEED_PASSWORDS))
    if not seeded:
        return []
    return [checks.Error(
        f"以下管理账号仍在使用演示或默认密码：{'、'.join(seeded)}。",
        hint="生产环境不得保留演示数据和默认密码：请修改这些账号的密码，或停用它们。",
        id="jifen.E001",
    )]
