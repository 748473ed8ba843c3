"""Personas, named for their access (HC style), on a small two-school world.

School 明德 (committee) ─┬─ 计算机党总支 (general branch) ─┬─ 教工支部 (b1)
                         │                                 └─ 学生支部 (b2)
                         └─ 机关支部 (b3, directly under the committee)
School 远方 (another root) ── 远方支部 (far)
"""

from dataclasses import dataclass

import pytest
import time_machine

from jifen.accounts.services import issue_token
from jifen.org.enums import OrgKind, Role
from jifen.testing.factories import UserFactory, grant, make_member, make_org
from jifen.testing.otp import login_verified


@pytest.fixture(autouse=True)
def travel():
    """Every test starts on the suite's fixed day (tests/today.py), the clock ticking from
    10:00 Shanghai time; `travel.move_to(moment(day))` moves it for a test about another day."""
    from tests.today import TODAY, moment

    with time_machine.travel(moment(TODAY), tick=True) as traveller:
        yield traveller


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def fresh_cache():
    """Rate-limit counters live in the cache: every test starts from zero."""
    from django.core.cache import cache

    cache.clear()


@dataclass
class World:
    school: object
    general: object
    b1: object
    b2: object
    b3: object
    far_school: object
    far: object
    users: dict
    member: object  # the member persona's Member record (in b1)
    other_member: object  # a plain member of b1 without a login
    b2_member: object
    far_member: object


@pytest.fixture
def world(db) -> World:
    school = make_org("明德学院党委", OrgKind.COMMITTEE)
    general = make_org("计算机学院党总支", OrgKind.GENERAL_BRANCH, school)
    b1 = make_org("计算机学院教工党支部", OrgKind.BRANCH, general)
    b2 = make_org("计算机学院学生党支部", OrgKind.BRANCH, general)
    b3 = make_org("机关党支部", OrgKind.BRANCH, school)
    far_school = make_org("远方学院党委", OrgKind.COMMITTEE)
    far = make_org("远方党支部", OrgKind.BRANCH, far_school)

    users = {name: UserFactory(username=name) for name in
             ["org_admin", "reviewer", "secretary", "committee", "recorder", "member",
              "outsider", "system_admin", "security_admin", "audit_admin"]}
    grant(users["org_admin"], Role.ORG_ADMIN, school)
    # the three security roles (三权分立) sit on the school committee and see no business data
    grant(users["system_admin"], Role.SYSTEM_ADMIN, school)
    grant(users["security_admin"], Role.SECURITY_ADMIN, school)
    grant(users["audit_admin"], Role.AUDIT_ADMIN, school)
    grant(users["reviewer"], Role.REVIEWER, general)
    grant(users["secretary"], Role.SECRETARY, b1)
    grant(users["committee"], Role.COMMITTEE, b1)
    grant(users["recorder"], Role.RECORDER, b1)
    grant(users["outsider"], Role.SECRETARY, far)
    for name in ["secretary", "committee", "recorder"]:
        make_member(b1, name=f"{name}本人", user=users[name])
    member = make_member(b1, name="普通党员", user=users["member"])
    return World(
        school=school, general=general, b1=b1, b2=b2, b3=b3, far_school=far_school, far=far,
        users=users, member=member, other_member=make_member(b1, name="另一党员"),
        b2_member=make_member(b2, name="学生党员", category="student"),
        far_member=make_member(far, name="远方党员"),
    )


@pytest.fixture
def ledger(world):
    """The world with this year's reference standard (Doc A) and Doc B in the far school."""
    from tests.ledger import build_ledger

    return build_ledger(world)


@pytest.fixture
def client_for(client):
    """Log a persona in: client_for(user) returns the test client logged in as that user (with
    the second factor passed, for a user whose login takes one)."""

    def login(user):
        return login_verified(client, user)

    return login


@pytest.fixture
def api_client(client):
    """api_client(user) → a callable (method, path, json=None) that returns (status, body)."""

    def for_user(user=None):
        headers = {}
        if user is not None:
            raw, _ = issue_token(user=user)
            headers["Authorization"] = f"Bearer {raw}"

        def call(method, path, json=None):
            kwargs = {"headers": headers}
            if json is not None:
                kwargs.update(data=json, content_type="application/json")
            response = getattr(client, method)(f"/api/v1{path}", **kwargs)
            is_json = response.get("Content-Type", "").startswith("application/json")
            body = response.json() if response.content and is_json else response.content
            return response.status_code, body

        return call

    return for_user
